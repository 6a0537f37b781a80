package docs_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/nit"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/docs"
	"github.com/libres/storefront/internal/web/kit"
	"github.com/libres/storefront/internal/web/site"
	"github.com/libres/storefront/internal/web/sitetest"
)

// The documents are tested on the whole site (staff at /admin/quotes) and on a router
// that mounts them for companies exactly as the site's corporate room does, with the
// company of the session as the scope.
var (
	testSrv    *sitetest.Server
	testDB     *sqlx.DB
	testSite   *site.Site
	testQuotes *quote.Service
	testURL    string // the site
	companyURL string // the documents at /corporate/quotes, scoped by the session's company
)

func TestMain(m *testing.M) {
	sitetest.Main(m, "docs", func(s *sitetest.Server) {
		k := s.Site.Kit
		r := gin.New()
		r.Use(k.LoadSession)
		h := &docs.Handler{Kit: k, Quotes: s.Env.Quotes, Seller: s.Env.Seller,
			Transfer: map[string]string{"es": "Cuenta de ahorros 000-111111-22 del Banco de Prueba.", "en": "Savings account 000-111111-22 at Banco de Prueba."}}
		h.Routes(r.Group("/corporate/quotes", k.RequireLogin), func(c *gin.Context) int64 {
			if u := kit.CurrentUser(c); u != nil {
				return u.CompanyID
			}
			return -1
		})
		cs := httptest.NewServer(r)
		s.Cleanup(cs.Close)
		testSrv, testDB, testSite, testQuotes, testURL, companyURL = s, s.DB, s.Site, s.Env.Quotes, s.URL, cs.URL
	})
}

// browser is a logged-in person on one server; it does not follow redirects.
type browser struct{ *sitetest.Browser }

// loginAs starts a session for the user with this email on the server at base.
func loginAs(t *testing.T, base string, userID int64) *browser {
	t.Helper()
	return &browser{testSrv.LoginAt(t, base, userID)}
}

func userID(t *testing.T, email string) int64 { t.Helper(); return testSrv.UserID(t, email) }

// page is a fetched response with its parsed HTML.
type page struct {
	*goquery.Document
	status int
	header http.Header
	body   []byte
}

func pageOf(p sitetest.Page) page {
	return page{Document: p.Document, status: p.Status, header: p.Header, body: p.Body}
}

func (b *browser) get(path string) page { b.T.Helper(); return pageOf(b.Get(path)) }

func (b *browser) mustGet(path string) page { b.T.Helper(); return pageOf(b.MustGet(path)) }

// text is the text of s with runs of white space (the no-break space after "$" too) as
// one space.
func text(s *goquery.Selection) string { return sitetest.Text(s) }

var staff = audit.Actor{Email: "docs-test@libres.test"}

// company is an approved company with a NIT made from seq and one user; it returns the
// company and the user's id. (Staff-created companies are approved from the start.)
func company(t *testing.T, seq int) (quote.Company, int64) {
	t.Helper()
	ctx := context.Background()
	number := fmt.Sprintf("8%08d", 10000000+seq)
	n := nit.NIT{Number: number, DV: nit.CheckDigit(number)}.String()
	var id int64
	if err := testDB.Get(&id, `INSERT INTO companies (name, nit, status, approved_at, billing_address, city, contact_name,
			contact_phone, contact_email) VALUES ($1, $2, 'approved', now(), 'Calle 10 # 5-20', 'Bogotá', 'Ana Pérez',
			'310 555 1234', $3) RETURNING id`,
		fmt.Sprintf("Dotaciones Núñez %d S.A.S.", seq), n, fmt.Sprintf("compras%d@dotaciones.test", seq)); err != nil {
		t.Fatal(err)
	}
	c, err := testQuotes.Company(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var uid int64
	if err := testDB.Get(&uid, `INSERT INTO users (email, name, role, company_id) VALUES ($1, 'Compras', 'corporate_client', $2) RETURNING id`,
		fmt.Sprintf("docs%d@dotaciones.test", seq), c.ID); err != nil {
		t.Fatal(err)
	}
	return c, uid
}

// pricedQuote is a request of two lines (35 polos, 12 aprons) priced by staff: polos at
// $ 45.000, aprons at $ 30.000, setup $ 120.000, made by the sewing workshop.
func pricedQuote(t *testing.T, companyID, userID int64) quote.Quote {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().AddDate(0, 2, 0).Format(time.DateOnly)
	q, err := testQuotes.Request(ctx, companyID, userID, quote.RequestForm{Deadline: deadline, DeliveryCity: "Medellín",
		Lines: []quote.LineForm{
			{Garment: "polo", Fabric: "piqué", Colour: "azul", S: "10", M: "20", L: "5", Customisation: "embroidery", Position: "pecho izquierdo"},
			{Garment: "apron", Colour: "negro", M: "12", Customisation: "print"},
		}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var workshop int64
	if err := testDB.Get(&workshop, `SELECT id FROM workshops WHERE slug = 'modisteria-buen-pastor'`); err != nil {
		t.Fatal(err)
	}
	q, err = testQuotes.Quote(ctx, staff, q.ID, quote.Pricing{UnitMinor: map[int]int64{1: 4500000, 2: 3000000},
		SetupFee: 12000000, LeadTimeDays: 20, ValidUntil: time.Now().AddDate(0, 0, 15),
		Workshops: []quote.Assignment{{WorkshopID: workshop, WorkBps: 10000}}})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// setStatus moves a quote along directly, for documents that need a later status.
func setStatus(t *testing.T, id int64, s quote.Status) {
	t.Helper()
	if _, err := testDB.Exec(`UPDATE quotes SET status = $2 WHERE id = $1`, id, s); err != nil {
		t.Fatal(err)
	}
}
