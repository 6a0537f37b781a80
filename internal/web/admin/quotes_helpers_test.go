package admin_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/nit"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/sitetest"
)

var pngProof = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 64)...)

// newNIT is a NIT nobody has used yet, with its right check digit.
func newNIT() string {
	n := strconv.FormatInt(800_000_000+time.Now().UnixNano()%90_000_000+seq.Add(1), 10)
	return fmt.Sprintf("%s-%d", n, nit.CheckDigit(n))
}

// signUp makes a pending company as the sign-up page would.
func signUp(t *testing.T, name string) quote.Company {
	t.Helper()
	c, err := testSite.Deps.Quotes.SignUpCompany(context.Background(), quote.SignUpForm{Name: name, NIT: newNIT(),
		BillingAddress: "Carrera 7 # 32-16", City: "Bogotá", ContactName: "Luisa Gómez", ContactPhone: "601 555 1234",
		ContactEmail: "compras@empresa.test"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newCompany is an approved company of its own with one person, for tests that filter by
// company; it returns the company and the person's ids.
func newCompany(t *testing.T) (int64, int64) {
	t.Helper()
	c := signUp(t, fmt.Sprintf("Empresa Prueba %d", seq.Add(1)))
	if _, err := testSite.Deps.Quotes.ApproveCompany(context.Background(), staff, c.ID); err != nil {
		t.Fatal(err)
	}
	var uid int64
	if err := testDB.Get(&uid, `INSERT INTO users (email, name, role, company_id) VALUES ($1, 'Compras', 'corporate_client', $2) RETURNING id`,
		fmt.Sprintf("compras-%d@empresa.test", seq.Add(1)), c.ID); err != nil {
		t.Fatal(err)
	}
	return c.ID, uid
}

// demoCompany is the demo corporate client's company and the client's id.
func demoCompany(t *testing.T) (int64, int64) {
	t.Helper()
	u, err := account.UserByEmail(context.Background(), testDB, "empresa@libres.example")
	if err != nil || u.CompanyID == nil {
		t.Fatalf("demo corporate client: %+v, %v", u, err)
	}
	return *u.CompanyID, u.ID
}

// requestQuote is a company person's request: 35 polos by size and 12 aprons, with a logo.
func requestQuote(t *testing.T, companyID, userID int64) quote.Quote {
	t.Helper()
	deadline := time.Now().In(bogota).AddDate(0, 0, 40).Format(time.DateOnly)
	q, err := testSite.Deps.Quotes.Request(context.Background(), companyID, userID, quote.RequestForm{
		Deadline: deadline, DeliveryCity: "Medellín", Notes: "Logo en el pecho",
		Lines: []quote.LineForm{
			{Garment: "polo", Fabric: "piqué", Colour: "azul", S: "10", M: "20", L: "5", Customisation: "embroidery", Position: "pecho izquierdo"},
			{Garment: "apron", Colour: "negro", M: "12", Customisation: "print"},
		}}, []quote.Upload{{Name: "logo.png", Body: pngProof}})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func quotePage(q quote.Quote) string { return "/admin/quotes/" + strconv.FormatInt(q.ID, 10) }

// priceForm is a valid price: line 1 at 35.000, line 2 at 20000, two workshops 70/30.
func priceForm(ws1, ws2 int64) url.Values {
	return url.Values{"lines.0.unit_price": {"35.000"}, "lines.1.unit_price": {"20000"}, "setup_fee": {"150.000"},
		"lead_time_days": {"20"}, "valid_until": {time.Now().In(bogota).AddDate(0, 0, 10).Format(time.DateOnly)},
		"deposit_pct": {"50"}, "workshop_1": {strconv.FormatInt(ws1, 10)}, "share_1": {"70"},
		"workshop_2": {strconv.FormatInt(ws2, 10)}, "share_2": {"30"}}
}

// postFile sends a multipart form, as a browser does for a form with a file input.
func (b *browser) postFile(path string, form url.Values, field, name string, body []byte) page {
	b.T.Helper()
	return pageOf(b.PostMultipart(path, form, fileField(field, name, body)...))
}

func quoteStatus(t *testing.T, id int64) quote.Status {
	t.Helper()
	var s quote.Status
	if err := testDB.Get(&s, `SELECT status FROM quotes WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return s
}

// submitFile posts a multipart form that must succeed (303) and returns the page it leads to.
func (b *browser) submitFile(path string, form url.Values, field, name string, body []byte) page {
	b.T.Helper()
	return pageOf(b.Followed("POST "+path, b.PostMultipart(path, form, fileField(field, name, body)...)))
}

// fileField is the file of a form's file input, none when field is empty.
func fileField(field, name string, body []byte) []sitetest.File {
	if field == "" {
		return nil
	}
	return []sitetest.File{{Field: field, Name: name, Body: body}}
}

// demoQuote is a request of the demo corporate client's company.
func demoQuote(t *testing.T) quote.Quote {
	t.Helper()
	company, user := demoCompany(t)
	return requestQuote(t, company, user)
}
