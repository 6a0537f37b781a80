package hooks_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/payment/stripetest"
	"github.com/libres/storefront/internal/web/hooks"
)

// A donation's event goes to the donation service, and Stripe delivering it twice
// records one gift, one ledger entry on the foundation's account and one receipt.
func TestWebhookRoutesDonations(t *testing.T) {
	conn := dbtest.New(t)
	queue, err := notify.NewQueue(conn, notify.Options{From: "Libres <no-reply@libres.test>", ShopURL: "https://libres.test"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := payment.NewStripe(payment.StripeConfig{SecretKey: stripetest.Key, WebhookSecret: whsec, APIURL: stripetest.URL(t)})
	if err != nil {
		t.Fatal(err)
	}
	lg := ledger.New(conn, ledger.Options{})
	svc := donation.New(conn, queue, donation.Options{BaseURL: "https://libres.test", Card: st, Ledger: lg})
	d, _, err := svc.Give(context.Background(), donation.Form{Amount: "100000", Method: "card", Name: "Ana", Email: "ana@example.co",
		Consent: true, Lang: "es"})
	if err != nil {
		t.Fatal(err)
	}
	orders := &sink{}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	(&hooks.Handler{Log: slog.New(slog.DiscardHandler), Stripe: st, Sink: orders, Donations: svc}).Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	id := strconv.FormatInt(d.ID, 10)
	payload, sig := stripetest.SignedEvent(t, whsec, "checkout.session.completed", map[string]any{
		"id": "cs_test_gift", "object": "checkout.session", "client_reference_id": "donation-" + id,
		"metadata": map[string]any{"donation_id": id, "donation_number": d.Number}, "payment_intent": "pi_gift",
		"payment_status": "paid", "amount_total": 10000000, "currency": "cop"})
	for i := range 2 {
		if code, body := post(t, srv.URL+hooks.Path, bytes.NewReader(payload), int64(len(payload)), sig, nil); code != http.StatusOK {
			t.Fatalf("delivery %d: %d %s", i+1, code, body)
		}
	}
	if n := len(orders.got()); n != 0 {
		t.Errorf("the orders' sink got %d donation events", n)
	}
	var got struct {
		Status   string `db:"status"`
		Entries  int    `db:"entries"`
		Receipts int    `db:"receipts"`
	}
	const sel = `SELECT status,
			(SELECT count(*) FROM ledger_entries WHERE source = 'donation' AND account = 'foundation_donations') AS entries,
			(SELECT count(*) FROM river_job WHERE args->>'template' = 'donation_received') AS receipts
		FROM donations WHERE id = $1`
	if err := conn.Get(&got, sel, d.ID); err != nil {
		t.Fatal(err)
	}
	if got.Status != "received" || got.Entries != 1 || got.Receipts != 1 {
		t.Errorf("after two deliveries: %+v; want received, one entry, one receipt", got)
	}
	if rep, err := lg.Reconcile(t.Context(), time.Time{}, time.Time{}); err != nil || !rep.OK() || rep.Donations != 1 {
		t.Errorf("reconcile: %v %+v", err, rep)
	}
}
