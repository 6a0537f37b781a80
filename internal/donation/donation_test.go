package donation_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/payment/stripetest"
)

const whsec = "whsec_donation_test"

type fixture struct {
	svc    *donation.Service
	db     *sqlx.DB
	ledger *ledger.Ledger
	stripe *payment.Stripe
	rec    *stripetest.Recorder
	staff  audit.Actor
}

// newFixture builds the service on a fresh database with a real queue (every email is
// rendered, so a template missing data fails the test that sent it) and, when card is
// set, the Stripe provider on stripe-mock behind a recorder; options change the
// service's options last.
func newFixture(t *testing.T, card bool, options ...func(*donation.Options)) *fixture {
	t.Helper()
	conn := dbtest.New(t)
	queue, err := notify.NewQueue(conn, notify.Options{From: "Libres <no-reply@libres.test>", ShopURL: "https://libres.test"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: conn, ledger: ledger.New(conn, ledger.Options{}), staff: audit.Actor{Email: "staff@libres.test"}}
	opts := donation.Options{BaseURL: "https://libres.test", Ledger: f.ledger,
		Instructions: map[string]string{"es": "Banco de Prueba, cuenta 123", "en": "Test Bank, account 123"}}
	if card {
		var apiURL string
		f.rec, apiURL = stripetest.NewRecorder(t, stripetest.URL(t))
		f.stripe, err = payment.NewStripe(payment.StripeConfig{SecretKey: stripetest.Key, WebhookSecret: whsec, APIURL: apiURL})
		if err != nil {
			t.Fatal(err)
		}
		opts.Card = f.stripe
	}
	for _, o := range options {
		o(&opts)
	}
	f.svc = donation.New(conn, queue, opts)
	return f
}

func form(method string) donation.Form {
	return donation.Form{Amount: "50000", Method: method, Name: "Ana Gómez", Email: "ana@example.co",
		DocType: "CC", DocNumber: "52.123.456", Consent: true, Lang: "es", IP: "203.0.113.9"}
}

// mails counts the emails of template queued to addr.
func (f *fixture) mails(t *testing.T, to, template string) int {
	t.Helper()
	var n int
	const q = `SELECT count(*) FROM river_job WHERE kind = 'email' AND args->>'to' = $1 AND args->>'template' = $2`
	if err := f.db.Get(&n, q, to, template); err != nil {
		t.Fatal(err)
	}
	return n
}

// entries sums the ledger's donations account by kind.
func (f *fixture) entries(t *testing.T) (n int, sum int64, workshops int) {
	t.Helper()
	var got struct {
		N         int   `db:"n"`
		Sum       int64 `db:"sum"`
		Workshops int   `db:"workshops"`
	}
	const q = `SELECT count(*) FILTER (WHERE account = 'foundation_donations') AS n,
			coalesce(sum(amount_minor) FILTER (WHERE account = 'foundation_donations'), 0) AS sum,
			count(*) FILTER (WHERE account = 'workshop') AS workshops
		FROM ledger_entries WHERE source IN ('donation', 'donation_refund')`
	if err := f.db.Get(&got, q); err != nil {
		t.Fatal(err)
	}
	return got.N, got.Sum, got.Workshops
}

func (f *fixture) reconcile(t *testing.T) ledger.Report {
	t.Helper()
	r, err := f.ledger.Reconcile(context.Background(), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A transfer gift: pending with a number and the bank instructions by email; staff
// mark it received (twice: one entry, one receipt) on the foundation's account; the
// reconciliation counts it; a refund takes it back.
func TestTransferDonation(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	d, sess, err := f.svc.Give(ctx, form("transfer"))
	if err != nil {
		t.Fatal(err)
	}
	if sess.URL != "" || d.Status != donation.StatusPending || d.AmountMinor != 5000000 || d.Currency != "COP" ||
		!strings.HasPrefix(d.Number, "DON-") || len(d.Number) != len("DON-2026-000001") {
		t.Fatalf("gift = %+v, session %+v; want a pending COP 50.000 transfer with a DON- number", d, sess)
	}
	if d.DocType != "CC" || d.DocNumber != "52123456" || d.ConsentVersion == "" || d.ConsentIP != "203.0.113.9" {
		t.Errorf("donor data = %+v; want the document without dots and the consent recorded", d)
	}
	// The form sent again (a double tap): the same gift, no second email.
	again, _, err := f.svc.Give(ctx, form("transfer"))
	if err != nil || again.ID != d.ID {
		t.Errorf("the same form again: gift %d (%v), want %d", again.ID, err, d.ID)
	}
	if n := f.mails(t, "ana@example.co", "donation_pending"); n != 1 {
		t.Errorf("pending emails = %d, want 1", n)
	}
	var data string
	if err := f.db.Get(&data, `SELECT args->>'data' FROM river_job WHERE args->>'template' = 'donation_pending'`); err != nil || !strings.Contains(data, "Banco de Prueba") {
		t.Errorf("pending email data %q (%v) lacks the transfer instructions", data, err)
	}
	if n, _, _ := f.entries(t); n != 0 {
		t.Errorf("a pending gift has %d ledger entries", n)
	}
	for range 2 {
		got, err := f.svc.MarkReceived(ctx, f.staff, d.ID, "BANCO-778")
		if err != nil || got.Status != donation.StatusReceived || got.PaymentRef != "BANCO-778" {
			t.Fatalf("mark received: %+v %v", got, err)
		}
	}
	if n, sum, ws := f.entries(t); n != 1 || sum != 5000000 || ws != 0 {
		t.Errorf("ledger: %d donation entries summing %d, %d workshop entries; want one of 5000000 and none to a workshop", n, sum, ws)
	}
	if n := f.mails(t, "ana@example.co", "donation_received"); n != 1 {
		t.Errorf("receipts = %d, want 1", n)
	}
	r := f.reconcile(t)
	if !r.OK() || r.Donations != 1 {
		t.Errorf("reconcile after receipt: ok=%v donations=%d problems=%v rows=%+v", r.OK(), r.Donations, r.Problems, r.Rows)
	}
	var audits int
	if err := f.db.Get(&audits, `SELECT count(*) FROM audit_log WHERE action = 'donation.received'`); err != nil || audits != 1 {
		t.Errorf("audit entries = %d (%v), want 1", audits, err)
	}

	for range 2 {
		got, err := f.svc.Refund(ctx, f.staff, d.ID, "devuelta por el banco")
		if err != nil || got.Status != donation.StatusRefunded {
			t.Fatalf("refund: %+v %v", got, err)
		}
	}
	if n, sum, _ := f.entries(t); n != 2 || sum != 0 {
		t.Errorf("after the refund: %d entries summing %d, want 2 summing 0", n, sum)
	}
	if r := f.reconcile(t); !r.OK() || r.DonationRefunds != 1 {
		t.Errorf("reconcile after refund: ok=%v refunds=%d problems=%v", r.OK(), r.DonationRefunds, r.Problems)
	}
	if _, err := f.svc.MarkReceived(ctx, f.staff, d.ID, ""); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("mark received after refund: %v, want a conflict", err)
	}
}

// The reconciliation notices a received gift the ledger does not hold.
func TestReconcileFindsMissingDonation(t *testing.T) {
	f := newFixture(t, false)
	d, _, err := f.svc.Give(context.Background(), form("transfer"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE donations SET status = 'received', received_at = now() WHERE id = $1`, d.ID); err != nil {
		t.Fatal(err)
	}
	r := f.reconcile(t)
	if r.OK() {
		t.Fatalf("reconcile is OK with a received gift missing from the ledger: %+v", r.Rows)
	}
	for _, row := range r.Rows {
		if row.Account == ledger.AccountDonations && (row.Expected.Sales != 5000000 || row.Recorded.Sales != 0) {
			t.Errorf("donations row = %+v, want expected 5000000, recorded 0", row)
		}
	}
}

// A card gift opens a checkout marked as a donation; its webhook delivered twice, and a
// second event for the same payment, record one gift with one entry and one receipt.
func TestCardDonationWebhookTwice(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	fm := form("card")
	fm.Lang = "en"
	d, sess, err := f.svc.Give(ctx, fm)
	if err != nil {
		t.Fatal(err)
	}
	if sess.URL == "" || d.Status != donation.StatusPending {
		t.Fatalf("card gift: %+v session %+v", d, sess)
	}
	req := f.rec.Last()
	id := req.Form.Get("metadata[donation_id]")
	if req.Path != "/v1/checkout/sessions" || id == "" || req.Form.Get("client_reference_id") != "donation-"+id ||
		req.Form.Get("line_items[0][price_data][unit_amount]") != "5000000" || req.Form.Get("line_items[0][price_data][currency]") != "cop" ||
		!strings.Contains(req.Form.Get("success_url"), "/en/donate/receipt?token=") || req.IdempotencyKey() != "donation-"+id {
		t.Errorf("checkout request = %s %v (key %q)", req.Path, req.Form, req.IdempotencyKey())
	}
	if n := f.mails(t, "ana@example.co", "donation_pending"); n != 0 {
		t.Errorf("a card gift sent %d transfer emails", n)
	}
	completed := map[string]any{"id": "cs_test_gift", "object": "checkout.session", "client_reference_id": "donation-" + id,
		"metadata": map[string]any{"donation_id": id}, "payment_intent": "pi_gift", "payment_status": "paid",
		"amount_total": 5000000, "currency": "cop"}
	payload, sig := stripetest.SignedEvent(t, whsec, "checkout.session.completed", completed)
	ev, err := f.stripe.ParseEvent(payload, sig)
	if err != nil || ev.DonationID != d.ID {
		t.Fatalf("parse: %+v %v; want donation %d", ev, err, d.ID)
	}
	for range 2 {
		if err := f.svc.ApplyEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	p2, s2 := stripetest.SignedEvent(t, whsec, "checkout.session.async_payment_succeeded", completed)
	ev2, err := f.stripe.ParseEvent(p2, s2)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ApplyEvent(ctx, ev2); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Get(ctx, d.ID)
	if err != nil || got.Status != donation.StatusReceived || got.PaymentRef != "pi_gift" {
		t.Fatalf("after the webhooks: %+v %v", got, err)
	}
	if n, sum, _ := f.entries(t); n != 1 || sum != 5000000 {
		t.Errorf("ledger: %d entries summing %d, want one of 5000000", n, sum)
	}
	if n := f.mails(t, "ana@example.co", "donation_received"); n != 1 {
		t.Errorf("receipts = %d, want 1", n)
	}
	// Staff refund it: through the provider, once.
	f.rec.Reset()
	if got, err := f.svc.Refund(ctx, f.staff, d.ID, ""); err != nil || got.Status != donation.StatusRefunded {
		t.Fatalf("refund: %+v %v", got, err)
	}
	rq := f.rec.Last()
	if rq.Path != "/v1/refunds" || rq.Form.Get("payment_intent") != "pi_gift" || rq.Form.Get("amount") != "5000000" ||
		rq.Form.Get("metadata[donation_id]") != id {
		t.Errorf("refund request = %s %v", rq.Path, rq.Form)
	}
	if r := f.reconcile(t); !r.OK() {
		t.Errorf("reconcile: %v %+v", r.Problems, r.Rows)
	}
}

// An event whose amount is not the gift's is not credited.
func TestCardDonationAmountMismatch(t *testing.T) {
	f := newFixture(t, true)
	d, _, err := f.svc.Give(context.Background(), form("card"))
	if err != nil {
		t.Fatal(err)
	}
	err = f.svc.ApplyEvent(context.Background(), payment.Event{ID: "evt_x", Type: payment.EventCheckoutCompleted,
		DonationID: d.ID, Paid: true, AmountMinor: 100, Currency: "COP"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.svc.Get(context.Background(), d.ID); got.Status != donation.StatusPending {
		t.Errorf("status = %s, want pending", got.Status)
	}
}

func TestGiveValidates(t *testing.T) {
	f := newFixture(t, false)
	for _, tc := range []struct {
		name   string
		change func(*donation.Form)
		field  string
	}{
		{"no consent", func(f *donation.Form) { f.Consent = false }, "consent"},
		{"no amount", func(f *donation.Form) { f.Amount = "other"; f.Other = "" }, "amount"},
		{"cents", func(f *donation.Form) { f.Amount = "other"; f.Other = "50000,5" }, "amount"},
		{"too small", func(f *donation.Form) { f.Amount = "other"; f.Other = "100" }, "amount"},
		{"too large", func(f *donation.Form) { f.Amount = "other"; f.Other = "999.999.999" }, "amount"},
		{"card off", func(f *donation.Form) { f.Method = "card" }, "method"},
		{"no name", func(f *donation.Form) { f.Name = "  " }, "name"},
		{"bad email", func(f *donation.Form) { f.Email = "ana@" }, "email"},
		{"doc without type", func(f *donation.Form) { f.DocType = "" }, "doc_type"},
		{"bad doc", func(f *donation.Form) { f.DocNumber = "12" }, "doc_number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fm := form("transfer")
			tc.change(&fm)
			_, _, err := f.svc.Give(context.Background(), fm)
			if fe := apperr.FieldsOf(err); fe[tc.field] == "" {
				t.Errorf("error %v, fields %v; want field %s", err, fe, tc.field)
			}
		})
	}
	fm := form("transfer")
	fm.Amount, fm.Other, fm.DocNumber = "other", "75.000", ""
	d, _, err := f.svc.Give(context.Background(), fm)
	if err != nil || d.AmountMinor != 7500000 || d.DocType != "" {
		t.Errorf("free amount without a document: %+v %v", d, err)
	}
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM donations`); err != nil || n != 1 {
		t.Errorf("donations = %d (%v), want only the valid one", n, err)
	}
}

// The CSV neutralises a donor name that a spreadsheet would run as a formula, and the
// filters select by status and by search.
func TestListAndCSV(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	evil := form("transfer")
	evil.Name, evil.Email = `=HYPERLINK("http://evil.example","x")`, "eve@example.co"
	e, _, err := f.svc.Give(ctx, evil)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := f.svc.Give(ctx, form("transfer"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.MarkReceived(ctx, f.staff, a.ID, ""); err != nil {
		t.Fatal(err)
	}
	ds, total, err := f.svc.List(ctx, donation.Filter{Status: donation.StatusReceived})
	if err != nil || total != 1 || len(ds) != 1 || ds[0].ID != a.ID {
		t.Errorf("received = %d %v", total, err)
	}
	ds, total, err = f.svc.List(ctx, donation.Filter{Q: "EVE@"})
	if err != nil || total != 1 || ds[0].ID != e.ID {
		t.Errorf("search eve = %d %v", total, err)
	}
	if _, total, _ = f.svc.List(ctx, donation.Filter{Q: e.Number}); total != 1 {
		t.Errorf("search by number = %d", total)
	}
	var buf bytes.Buffer
	if err := f.svc.WriteCSV(ctx, donation.Filter{}, &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("csv: %d records %v", len(recs), err)
	}
	var names []string
	for _, r := range recs[1:] {
		names = append(names, r[6])
	}
	if !strings.Contains(strings.Join(names, "|"), `'=HYPERLINK`) {
		t.Errorf("names = %q; want the formula neutralised with a leading quote", names)
	}
	if recs[0][4] != "amount" || (recs[1][4] != "50000.00" && recs[2][4] != "50000.00") {
		t.Errorf("amounts: %v", recs)
	}
}
