package donate_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/payment/stripetest"
	"github.com/libres/storefront/internal/web/site"
	"github.com/libres/storefront/internal/web/sitetest"
	"github.com/libres/storefront/web"
)

var (
	testDB  *sqlx.DB
	testURL string
	testSvc *donation.Service
)

// TestMain starts the store (demo catalog) once, with the donation service mounted.
func TestMain(m *testing.M) {
	sitetest.Main(m, "donate", func(s *sitetest.Server) {
		queue, err := notify.NewQueue(s.DB, notify.Options{From: "Libres <no-reply@libres.test>", ShopURL: sitetest.BaseURL})
		if err != nil {
			panic(err)
		}
		d := s.Site.Deps
		svc := donation.New(s.DB, queue, donation.Options{BaseURL: sitetest.BaseURL, Ledger: d.Ledger,
			Instructions: map[string]string{"es": "Banco de Prueba, cuenta 123", "en": "Test Bank, account 123"}})
		ds, err := site.New(site.Deps{Log: d.Log, DB: s.DB, Seller: d.Seller, Catalog: catalog.NewStore(s.DB), WebFS: web.FS,
			BaseURL: sitetest.BaseURL, MediaBaseURL: "/media", Demo: true, Accounts: d.Accounts, Orders: d.Orders,
			Ledger: d.Ledger, Donations: svc})
		if err != nil {
			panic(err)
		}
		ts := httptest.NewServer(ds.Handler())
		s.Cleanup(ts.Close)
		testDB, testURL, testSvc = s.DB, ts.URL, svc
	})
}

func text(p sitetest.Page, sel string) string { return sitetest.Text(p.Find(sel)) }

func TestDonationPage(t *testing.T) {
	for _, tc := range []struct{ lang, path, programme, amount string }{
		{"es", "/donar", "Casa de segundas oportunidades", "$ 50.000"},
		{"en", "/en/donate", "Second-chances house", "COP 50,000"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			b := sitetest.NewBrowser(t, testURL)
			p := b.MustGet(tc.path)
			if l, _ := p.Find("html").Attr("lang"); !strings.HasPrefix(l, tc.lang) || p.Find("h1").Length() != 1 {
				t.Errorf("lang %q, %d h1", l, p.Find("h1").Length())
			}
			if n := p.Find(".donate-programmes li").Length(); n != 4 || !strings.Contains(text(p, ".donate-programmes"), tc.programme) {
				t.Errorf("programmes: %d %q", n, text(p, ".donate-programmes"))
			}
			if !strings.Contains(text(p, "form"), tc.amount) || p.Find(`input[name="amount"]`).Length() != 4 {
				t.Errorf("suggested amounts: %q", text(p, "form"))
			}
			if _, checked := p.Find("#f-accept_policy").Attr("checked"); checked || p.Find("#f-accept_policy").Length() != 1 {
				t.Errorf("the consent box is missing or ticked")
			}
			if p.Find(`input[name="method"][value="card"]`).Length() != 0 {
				t.Errorf("card offered without a provider")
			}
			if strings.Contains(string(p.Body), "donate.") {
				t.Errorf("an untranslated key on the page")
			}
		})
	}
}

// Bad input comes back with what was typed and the reasons; a good gift by transfer
// leads to its receipt page with the number and the bank details, and its email.
func TestGiveByTransfer(t *testing.T) {
	b := sitetest.NewBrowser(t, testURL)
	form := url.Values{"amount": {"other"}, "amount_other": {"50.000"}, "method": {"transfer"}, "name": {"Luisa Pérez"},
		"email": {"luisa@example.co"}, "doc_type": {"CC"}, "doc_number": {"1020304050"}}
	bad := b.Post("/donar", form)
	if bad.Status != http.StatusUnprocessableEntity || text(bad, "#f-accept_policy-err") == "" {
		t.Fatalf("without consent: %d, consent error %q", bad.Status, text(bad, "#f-accept_policy-err"))
	}
	if v, _ := bad.Find("#f-amount_other").Attr("value"); v != "50.000" {
		t.Errorf("free amount re-shown as %q", v)
	}
	if v, _ := bad.Find("#f-name").Attr("value"); v != "Luisa Pérez" {
		t.Errorf("name re-shown as %q", v)
	}
	small := url.Values{}
	for k, v := range form {
		small[k] = v
	}
	small.Set("amount_other", "10")
	small.Set("accept_policy", "1")
	if p := b.Post("/donar", small); p.Status != http.StatusUnprocessableEntity || text(p, "#f-amount_other-err") == "" {
		t.Errorf("COP 10: %d %q", p.Status, text(p, "#f-amount_other-err"))
	}

	form.Set("accept_policy", "1")
	p := b.Submit("/donar", form)
	number := text(p, ".donation-number")
	if !strings.HasPrefix(number, "DON-") || text(p, ".donation-amount") != "$ 50.000" ||
		!strings.Contains(text(p, ".transfer-instructions"), "Banco de Prueba") || !strings.Contains(text(p, "main"), number) {
		t.Errorf("receipt: number %q amount %q instructions %q", number, text(p, ".donation-amount"), text(p, ".transfer-instructions"))
	}
	if text(p, ".flash") == "" {
		t.Errorf("no thank-you message")
	}
	var n int
	if err := testDB.Get(&n, `SELECT count(*) FROM river_job WHERE args->>'to' = 'luisa@example.co' AND args->>'template' = 'donation_pending'`); err != nil || n != 1 {
		t.Errorf("pending emails = %d (%v), want 1", n, err)
	}
	if r := b.Get("/donar/recibo?token=1.AAAA"); r.Status != http.StatusNotFound {
		t.Errorf("a forged token: %d", r.Status)
	}
}

func TestGiveInEnglish(t *testing.T) {
	b := sitetest.NewBrowser(t, testURL)
	p := b.Submit("/en/donate", url.Values{"amount": {"20000"}, "method": {"transfer"}, "name": {"Jane Roe"},
		"email": {"jane@example.com"}, "accept_policy": {"1"}})
	if text(p, ".donation-amount") != "COP 20,000" || !strings.Contains(text(p, ".transfer-instructions"), "Test Bank") {
		t.Errorf("receipt: %q %q", text(p, ".donation-amount"), text(p, ".transfer-instructions"))
	}
	if l, _ := p.Find("html").Attr("lang"); l != "en" {
		t.Errorf("lang = %q", l)
	}
}

// With a card provider, the page offers the card and a card gift goes to the hosted
// checkout the provider opened for it.
func TestGiveByCard(t *testing.T) {
	_, base := cardSite(t)
	b := sitetest.NewBrowser(t, base)
	if p := b.MustGet("/donar"); p.Find(`input[name="method"][value="card"]`).Length() != 1 {
		t.Fatalf("no card choice on the page")
	}
	p := b.Post("/donar", url.Values{"amount": {"100000"}, "method": {"card"}, "name": {"Carla Tarjeta"},
		"email": {"carla@example.co"}, "accept_policy": {"1"}})
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "https://") {
		t.Fatalf("card gift: %d to %q, want a 303 to the hosted checkout", p.Status, p.Location)
	}
	var got struct {
		Status  string  `db:"status"`
		Session *string `db:"session_id"`
	}
	if err := testDB.Get(&got, `SELECT status, session_id FROM donations WHERE email = 'carla@example.co'`); err != nil ||
		got.Status != "pending" || got.Session == nil {
		t.Errorf("card gift = %+v (%v), want pending with its session", got, err)
	}
}

// cardSite starts a store whose donations take cards (Stripe on stripe-mock) and
// returns its donation service and address.
func cardSite(t *testing.T) (*donation.Service, string) {
	t.Helper()
	st, err := payment.NewStripe(payment.StripeConfig{SecretKey: stripetest.Key, WebhookSecret: "whsec_donate", APIURL: stripetest.URL(t)})
	if err != nil {
		t.Fatal(err)
	}
	queue, err := notify.NewQueue(testDB, notify.Options{From: "Libres <no-reply@libres.test>", ShopURL: sitetest.BaseURL})
	if err != nil {
		t.Fatal(err)
	}
	svc := donation.New(testDB, queue, donation.Options{BaseURL: sitetest.BaseURL, Card: st})
	ds, err := site.New(site.Deps{Log: slog.New(slog.DiscardHandler), DB: testDB, Catalog: catalog.NewStore(testDB), WebFS: web.FS,
		BaseURL: sitetest.BaseURL, MediaBaseURL: "/media", Card: st, Donations: svc})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(ds.Handler())
	t.Cleanup(ts.Close)
	return svc, ts.URL
}
