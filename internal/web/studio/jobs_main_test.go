package studio_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/nit"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/seed"
	"github.com/libres/storefront/internal/web/site"
	"github.com/libres/storefront/internal/web/sitetest"
)

// The job pages run on the whole site with the demo accounts: the sewing workshop's lead
// (costura@) makes the corporate jobs, the shoe workshop's lead (lead@) is the stranger.
var (
	testSrv    *sitetest.Server
	testDB     *sqlx.DB
	testSite   *site.Site
	testQuotes *quote.Service
	testURL    string
)

func TestMain(m *testing.M) {
	// Without a test cluster the package's unit tests still run; the job pages skip (needSite).
	sitetest.Main(m, "studio", func(s *sitetest.Server) {
		testSrv, testDB, testSite, testQuotes, testURL = s, s.DB, s.Site, s.Env.Quotes, s.URL
	}, sitetest.RunWithoutCluster())
}

func needSite(t *testing.T) {
	t.Helper()
	if testURL == "" {
		t.Skip("no test database cluster")
	}
}

// browser is a logged-in person; it does not follow redirects, so tests see each 303.
type browser struct{ *sitetest.Browser }

func loginAs(t *testing.T, email string) *browser {
	t.Helper()
	return &browser{testSrv.Login(t, email)}
}

func userID(t *testing.T, email string) int64 { t.Helper(); return testSrv.UserID(t, email) }

type page struct {
	*goquery.Document
	status   int
	location string
}

func pageOf(p sitetest.Page) page {
	return page{Document: p.Document, status: p.Status, location: p.Location}
}

func (b *browser) get(path string) page { b.T.Helper(); return pageOf(b.Get(path)) }

func (b *browser) mustGet(path string) page { b.T.Helper(); return pageOf(b.MustGet(path)) }

func (b *browser) post(path string, form url.Values) page {
	b.T.Helper()
	return pageOf(b.Post(path, form))
}

// submit posts a form that must succeed (303) and returns the page it leads to.
func (b *browser) submit(path string, form url.Values) page {
	b.T.Helper()
	return pageOf(b.Submit(path, form))
}

func text(s *goquery.Selection) string { return sitetest.Text(s) }

var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{1}, 64)...)

// paidJob is a quote of the sewing workshop with its deposit paid: a company requests 35
// polos (S 10, M 20, L 5) and 12 aprons (M) with a reference logo, staff price it with a
// proof, the company accepts, staff record the deposit transfer.
func paidJob(t *testing.T, seq int) quote.Detail {
	t.Helper()
	ctx := context.Background()
	number := fmt.Sprintf("7%08d", 20000000+seq)
	var companyID, uid int64
	if err := testDB.Get(&companyID, `INSERT INTO companies (name, nit, status, approved_at, billing_address, city)
		VALUES ($1, $2, 'approved', now(), 'Carrera 7 # 12-30', 'Bogotá') RETURNING id`,
		fmt.Sprintf("Hoteles del Centro %d S.A.S.", seq), nit.NIT{Number: number, DV: nit.CheckDigit(number)}.String()); err != nil {
		t.Fatal(err)
	}
	if err := testDB.Get(&uid, `INSERT INTO users (email, name, role, company_id) VALUES ($1, 'Compras', 'corporate_client', $2) RETURNING id`,
		fmt.Sprintf("jobs%d@hoteles.test", seq), companyID); err != nil {
		t.Fatal(err)
	}
	q, err := testQuotes.Request(ctx, companyID, uid, quote.RequestForm{Deadline: time.Now().AddDate(0, 2, 0).Format(time.DateOnly),
		DeliveryCity: "Cartagena", Lines: []quote.LineForm{
			{Garment: "polo", Colour: "blanco", S: "10", M: "20", L: "5", Customisation: "embroidery", Position: "pecho"},
			{Garment: "apron", Colour: "negro", M: "12", Customisation: "print"},
		}}, []quote.Upload{{Name: "logo.png", Body: pngBytes}})
	if err != nil {
		t.Fatal(err)
	}
	var workshop int64
	if err := testDB.Get(&workshop, `SELECT id FROM workshops WHERE slug = $1`, seed.DemoSewingWorkshop); err != nil {
		t.Fatal(err)
	}
	staff := audit.Actor{ID: userID(t, "admin@libres.example"), Email: "admin@libres.example"}
	if _, err := testQuotes.Quote(ctx, staff, q.ID, quote.Pricing{UnitMinor: map[int]int64{1: 4500000, 2: 3000000},
		LeadTimeDays: 20, ValidUntil: time.Now().AddDate(0, 0, 15), Workshops: []quote.Assignment{{WorkshopID: workshop, WorkBps: 10000}},
		Proof: &quote.Upload{Name: "prueba.png", Body: append(pngBytes, 9)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := testQuotes.Accept(ctx, companyID, uid, q.ID, 1, true); err != nil {
		t.Fatal(err)
	}
	d, err := testQuotes.View(ctx, 0, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testQuotes.RecordTransfer(ctx, staff, q.ID, quote.PaymentDeposit, d.Money.DepositDue, fmt.Sprintf("TRF-%d", seq)); err != nil {
		t.Fatal(err)
	}
	if d, err = testQuotes.View(ctx, 0, q.ID); err != nil {
		t.Fatal(err)
	}
	if d.Status != quote.StatusDepositPaid {
		t.Fatalf("job %s is %s, want deposit_paid", d.Number, d.Status)
	}
	return d
}
