package hooks_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/payment/stripetest"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/hooks"
)

// pendingQuotePayment inserts an accepted quote (deposit COP 500.000 of 1.000.000,
// one workshop) with an open card checkout for its deposit, as quote.PayByCard leaves
// it, and returns the payment's id.
func pendingQuotePayment(t *testing.T, conn *sqlx.DB) int64 {
	t.Helper()
	var ws, company, user, q, p int64
	steps := []struct {
		dst  *int64
		sql  string
		args []any
	}{
		{&ws, `INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
			VALUES ('costura', 'Taller de costura', 'EPMSC', 'prison', 'Bogotá', 'Bogotá D.C.', 'confección', 'sewing') RETURNING id`, nil},
		{&company, `INSERT INTO companies (name, nit) VALUES ('Empresa', '900.123.456-8') RETURNING id`, nil},
		{&user, `INSERT INTO users (email, name, role, company_id) VALUES ('ana@empresa.example', 'Ana', 'corporate_client', $1) RETURNING id`, []any{&company}},
		{&q, `INSERT INTO quotes (number, company_id, requested_by, deadline, delivery_city, status, accepted_version)
			VALUES ('COT-2026-00001', $1, $2, '2026-12-01', 'Bogotá', 'accepted', 1) RETURNING id`, []any{&company, &user}},
		{nil, `INSERT INTO quote_versions (quote_id, version, unit_prices, total_minor, lead_time_days, valid_until, deposit_pct)
			VALUES ($1, 1, '[]', 100000000, 20, '2026-12-01', 50)`, []any{&q}},
		{nil, `INSERT INTO quote_workshops (quote_id, version, workshop_id, work_bps) VALUES ($1, 1, $2, 10000)`, []any{&q, &ws}},
		{&p, `INSERT INTO quote_payments (quote_id, kind, method, status, amount_minor, session_id)
			VALUES ($1, 'deposit', 'card', 'pending', 50000000, 'cs_test_quote') RETURNING id`, []any{&q}},
	}
	for _, s := range steps {
		args := make([]any, len(s.args))
		for i, a := range s.args {
			args[i] = *(a.(*int64))
		}
		var err error
		if s.dst != nil {
			err = conn.Get(s.dst, s.sql, args...)
		} else {
			_, err = conn.Exec(s.sql, args...)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// A quote payment's event goes to the quote service, not to the orders' sink, and
// Stripe delivering it twice records one payment and one credit.
func TestWebhookRoutesQuotePayments(t *testing.T) {
	conn := dbtest.New(t)
	svc := quote.New(conn, nil, nil)
	svc.Ledger = ledger.New(conn, ledger.Options{})
	pid := pendingQuotePayment(t, conn)

	st, err := payment.NewStripe(payment.StripeConfig{SecretKey: stripetest.Key, WebhookSecret: whsec})
	if err != nil {
		t.Fatal(err)
	}
	orders := &sink{}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	(&hooks.Handler{Log: slog.New(slog.DiscardHandler), Stripe: st, Sink: orders, Quotes: svc}).Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	id := strconv.FormatInt(pid, 10)
	payload, sig := stripetest.SignedEvent(t, whsec, "checkout.session.completed", map[string]any{
		"id": "cs_test_quote", "object": "checkout.session", "client_reference_id": "quote-payment-" + id,
		"metadata": map[string]any{"quote_payment_id": id, "quote_number": "COT-2026-00001"}, "payment_intent": "pi_quote",
		"payment_status": "paid", "amount_total": 50000000, "currency": "cop"})
	for i := range 2 {
		if code, body := post(t, srv.URL+hooks.Path, bytes.NewReader(payload), int64(len(payload)), sig, nil); code != http.StatusOK {
			t.Fatalf("delivery %d: %d %s", i+1, code, body)
		}
	}
	if n := len(orders.got()); n != 0 {
		t.Errorf("the orders' sink got %d quote events", n)
	}
	var got struct {
		Status  string `db:"status"`
		Ref     string `db:"payment_ref"`
		Quote   string `db:"quote_status"`
		Entries int    `db:"entries"`
		Credit  int64  `db:"credit"`
	}
	const sel = `SELECT p.status, p.payment_ref, q.status AS quote_status,
			(SELECT count(*) FROM ledger_entries WHERE source = 'quote' AND source_ref = p.id::text) AS entries,
			(SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries WHERE source = 'quote') AS credit
		FROM quote_payments p JOIN quotes q ON q.id = p.quote_id WHERE p.id = $1`
	if err := conn.Get(&got, sel, pid); err != nil {
		t.Fatal(err)
	}
	if got.Status != "paid" || got.Ref != "pi_quote" || got.Quote != string(quote.StatusDepositPaid) || got.Entries != 1 || got.Credit != 50000000 {
		t.Errorf("after two deliveries: %+v; want one paid payment, deposit_paid, one credit of 50000000", got)
	}
	r2, err := svc.Ledger.Reconcile(t.Context(), time.Time{}, time.Time{})
	if err != nil || !r2.OK() {
		t.Errorf("reconcile: %v %+v", err, r2)
	}
}

// Without a quote service, a quote payment's event is acknowledged and left alone.
func TestWebhookQuoteEventWithoutQuotes(t *testing.T) {
	f := serve(t)
	payload, sig := stripetest.SignedEvent(t, whsec, "checkout.session.expired", map[string]any{
		"id": "cs_test_quote", "object": "checkout.session", "client_reference_id": "quote-payment-7",
		"metadata": map[string]any{"quote_payment_id": "7"}, "payment_status": "unpaid", "amount_total": 100, "currency": "cop"})
	if code, body := post(t, f.url, bytes.NewReader(payload), int64(len(payload)), sig, nil); code != http.StatusOK {
		t.Errorf("status = %d %q, want 200", code, body)
	}
	if n := len(f.sink.got()); n != 0 {
		t.Errorf("the orders' sink got a quote event")
	}
}
