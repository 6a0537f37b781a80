package studio_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/nit"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/seed"
	"github.com/libres/storefront/internal/web/site"
	"github.com/libres/storefront/internal/web/webtest"
	"github.com/libres/storefront/web"
)

// The job pages run on the whole site with the demo accounts: the sewing workshop's lead
// (costura@) makes the corporate jobs, the shoe workshop's lead (lead@) is the stranger.
var (
	testDB     *sqlx.DB
	testSite   *site.Site
	testQuotes *quote.Service
	testURL    string
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if errors.Is(err, dbtest.ErrNoCluster) && os.Getenv("LIBRES_TEST_REQUIRE") != "1" {
		// The package's unit tests still run; the job pages skip (needSite).
		fmt.Println("studio job tests skipped:", err)
		os.Exit(m.Run())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "studio test setup:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	const base = "http://libres.test"
	env, cleanup, err := webtest.Setup(context.Background(), base)
	if err != nil {
		return 0, err
	}
	defer cleanup()
	s, err := site.New(site.Deps{Log: env.Log, DB: env.DB, Seller: env.Seller, Catalog: catalog.NewStore(env.DB), WebFS: web.FS,
		BaseURL: base, MediaBaseURL: "/media", MediaHandler: env.Photos.Handler(), Demo: true,
		Accounts: env.Accounts, Editor: catalog.NewEditor(env.DB), Photos: env.Photos, Orders: env.Orders, Ledger: env.Ledger, Quotes: env.Quotes})
	if err != nil {
		return 0, err
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	testDB, testSite, testQuotes, testURL = env.DB, s, env.Quotes, ts.URL
	return m.Run(), nil
}

func needSite(t *testing.T) {
	t.Helper()
	if testURL == "" {
		t.Skip("no test database cluster")
	}
}

// browser is a logged-in person; it does not follow redirects, so tests see each 303.
type browser struct {
	t      *testing.T
	client *http.Client
}

func loginAs(t *testing.T, email string) *browser {
	t.Helper()
	token, err := testSite.Deps.Accounts.CreateSession(context.Background(), userID(t, email), "127.0.0.1", "studio test")
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(testURL)
	jar.SetCookies(u, []*http.Cookie{{Name: testSite.Kit.SessionCookieName(), Value: token, Path: "/"}})
	return &browser{t: t, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func userID(t *testing.T, email string) int64 {
	t.Helper()
	u, err := account.UserByEmail(context.Background(), testDB, email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u.ID
}

type page struct {
	*goquery.Document
	status   int
	location string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	return page{Document: doc, status: res.StatusCode, location: res.Header.Get("Location")}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, testURL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) mustGet(path string) page {
	b.t.Helper()
	p := b.get(path)
	if p.status != http.StatusOK {
		b.t.Fatalf("GET %s = %d, want 200; page says %q", path, p.status, text(p.Find("main")))
	}
	return p
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, testURL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// submit posts a form that must succeed (303) and returns the page it leads to.
func (b *browser) submit(path string, form url.Values) page {
	b.t.Helper()
	p := b.post(path, form)
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("POST %s = %d, want 303; alert %q, field errors %q", path, p.status,
			text(p.Find(".form-alert")), text(p.Find(".field-error")))
	}
	return b.mustGet(p.location)
}

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

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
