package admin_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/web/site"
	"github.com/libres/storefront/web"
)

// donationSite is the admin on a second server with the donation service mounted.
func donationSite(t *testing.T) (*donation.Service, string) {
	t.Helper()
	queue, err := notify.NewQueue(testDB, notify.Options{From: "Libres <no-reply@libres.test>", ShopURL: "http://libres.test"})
	if err != nil {
		t.Fatal(err)
	}
	d := testSite.Deps
	svc := donation.New(testDB, queue, donation.Options{BaseURL: "http://libres.test", Ledger: d.Ledger})
	s, err := site.New(site.Deps{Log: d.Log, DB: testDB, Seller: d.Seller, Catalog: catalog.NewStore(testDB), WebFS: web.FS,
		BaseURL: "http://libres.test", MediaBaseURL: "/media", Demo: true, Accounts: d.Accounts,
		Editor: catalog.NewEditor(testDB), Photos: d.Photos, Orders: d.Orders, Ledger: d.Ledger, Donations: svc})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return svc, ts.URL
}

func TestDonationsAdmin(t *testing.T) {
	svc, base := donationSite(t)
	ctx := context.Background()
	give := func(name, email, doc string) donation.Donation {
		d, _, err := svc.Give(ctx, donation.Form{Amount: "50000", Method: "transfer", Name: name, Email: email,
			DocType: "CC", DocNumber: doc, Consent: true, Lang: "es"})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	evil := give(`=HYPERLINK("http://evil.example","x")`, "eve-admin@example.co", "")
	gift := give("Marta Admin", "marta-admin@example.co", "52123456")

	b := admin(t)
	b.Base = base
	list := b.mustGet("/admin/donations?q=admin%40example.co")
	checkAdminPage(t, list, "es", "/admin/donations")
	if n := list.Find("tbody tr").Length(); n != 2 {
		t.Errorf("search finds %d gifts, want 2", n)
	}
	if n := b.mustGet("/admin/donations?status=received&q=admin%40example.co").Find("tbody tr").Length(); n != 0 {
		t.Errorf("received filter shows %d pending gifts", n)
	}
	if p := b.get("/admin/donations?from=ayer"); p.status != http.StatusUnprocessableEntity {
		t.Errorf("a bad date = %d, want 422", p.status)
	}

	csvPage := b.get("/admin/donations.csv?q=eve-admin")
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvPage.body, "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][0] != evil.Number || !strings.HasPrefix(recs[1][6], "'=") {
		t.Errorf("csv = %v (%v); want the formula name neutralised", recs, err)
	}

	path := "/admin/donations/" + strconv.FormatInt(gift.ID, 10)
	show := b.mustGet(path)
	checkAdminPage(t, show, "es", "/admin/donations")
	if show.Find(`form[action$="/received"]`).Length() != 1 || show.Find(`a[href$="certificate.pdf"]`).Length() != 0 {
		t.Errorf("a pending transfer: mark-received form %d, certificate link %d", show.Find(`form[action$="/received"]`).Length(),
			show.Find(`a[href$="certificate.pdf"]`).Length())
	}
	if p := b.get(path + "/certificate.pdf"); p.status != http.StatusConflict {
		t.Errorf("certificate of a pending gift = %d, want 409", p.status)
	}
	done := b.submit(path+"/received", url.Values{"reference": {"BANCO-123"}})
	if flash(done) == "" || !strings.Contains(text(done.Find(".donation-status")), "Recibida") || !strings.Contains(text(done.Find("main")), "BANCO-123") {
		t.Errorf("after mark received: flash %q, status %q", flash(done), text(done.Find(".donation-status")))
	}
	// Sent twice (a double click, a retry): still one receipt.
	b.submit(path+"/received", url.Values{"reference": {"BANCO-123"}})
	var receipts int
	if err := testDB.Get(&receipts, `SELECT count(*) FROM river_job WHERE args->>'to' = 'marta-admin@example.co' AND args->>'template' = 'donation_received'`); err != nil || receipts != 1 {
		t.Errorf("receipts = %d (%v), want 1", receipts, err)
	}

	cert := b.get(path + "/certificate.pdf")
	if cert.status != http.StatusOK || cert.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix([]byte(cert.body), []byte("%PDF")) ||
		!strings.Contains(cert.body, gift.Number) || !strings.Contains(cert.body, "52123456") || !strings.Contains(cert.body, "cincuenta mil pesos") {
		t.Errorf("certificate: %d %s, has number %v", cert.status, cert.header.Get("Content-Type"), strings.Contains(cert.body, gift.Number))
	}

	refunded := b.submit(path+"/refund", url.Values{"reference": {"DEV-9"}})
	if !strings.Contains(text(refunded.Find(".donation-status")), "Devuelta") || refunded.Find(`form[action$="/refund"]`).Length() != 0 {
		t.Errorf("after refund: %q", text(refunded.Find(".donation-status")))
	}
	if p := b.post("/admin/donations/"+strconv.FormatInt(evil.ID, 10)+"/refund", url.Values{}); p.status != http.StatusConflict || text(p.Find(".form-alert")) == "" {
		t.Errorf("refund of a pending gift = %d %q, want 409 with a reason", p.status, text(p.Find(".form-alert")))
	}

	// Not staff: no way in.
	lead := loginAs(t, "lead@libres.example")
	lead.Base = base
	if p := lead.get("/admin/donations"); p.status != http.StatusForbidden {
		t.Errorf("a lead gets %d on the donations list, want 403", p.status)
	}
}
