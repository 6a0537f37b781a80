package donation_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/payment/stripetest"
)

// clock is a test clock the service reads from several goroutines.
type clock struct{ at atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.at.Store(time.Now().UnixMicro())
	return c
}
func (c *clock) Now() time.Time      { return time.UnixMicro(c.at.Load()) }
func (c *clock) Add(d time.Duration) { c.at.Add(d.Microseconds()) }
func withClock(c *clock) func(*donation.Options) {
	return func(o *donation.Options) { o.Now = c.Now }
}

func (f *fixture) audits(t *testing.T, action string, id int64) int {
	t.Helper()
	var n int
	const q = `SELECT count(*) FROM audit_log WHERE action = $1 AND entity = 'donation' AND entity_id = $2`
	if err := f.db.Get(&n, q, action, strconv.FormatInt(id, 10)); err != nil {
		t.Fatal(err)
	}
	return n
}

// Card gifts left unpaid expire after CardExpiry (24 h by default), once each even with
// two sweepers at once; a transfer gift waits; the checkout session was opened to close
// by then; a payment that arrives after expiry is still received, once.
func TestExpireAbandonedCardGifts(t *testing.T) {
	c := newClock()
	f := newFixture(t, true, withClock(c))
	ctx := context.Background()
	var gifts []donation.Donation
	for _, email := range []string{"a@example.co", "b@example.co", "c@example.co"} {
		fm := form("card")
		fm.Email = email
		d, _, err := f.svc.Give(ctx, fm)
		if err != nil {
			t.Fatal(err)
		}
		req := f.rec.Last()
		closes, err := strconv.ParseInt(req.Form.Get("expires_at"), 10, 64)
		if err != nil || closes > d.CreatedAt.Add(24*time.Hour).Unix() || closes < d.CreatedAt.Add(23*time.Hour).Unix() {
			t.Errorf("checkout expires_at = %q, want about 24 h after %s", req.Form.Get("expires_at"), d.CreatedAt)
		}
		gifts = append(gifts, d)
	}
	transfer, _, err := f.svc.Give(ctx, form("transfer"))
	if err != nil {
		t.Fatal(err)
	}

	c.Add(23 * time.Hour)
	if n, err := f.svc.ExpireDue(ctx); err != nil || n != 0 {
		t.Fatalf("after 23 h: expired %d (%v), want none", n, err)
	}
	c.Add(2 * time.Hour)
	var total atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := f.svc.ExpireDue(ctx)
			if err != nil {
				t.Error(err)
			}
			total.Add(n)
		}()
	}
	wg.Wait()
	if total.Load() != 3 {
		t.Errorf("two sweepers expired %d gifts, want 3", total.Load())
	}
	if n, err := f.svc.ExpireDue(ctx); err != nil || n != 0 {
		t.Errorf("a second round expired %d (%v), want none", n, err)
	}
	for _, d := range gifts {
		got, err := f.svc.Get(ctx, d.ID)
		if err != nil || got.Status != donation.StatusExpired || got.ExpiredAt == nil {
			t.Errorf("gift %s: %+v %v, want expired", d.Number, got, err)
		}
		if n := f.audits(t, "donation.expired", d.ID); n != 1 {
			t.Errorf("gift %s: %d expiry audit entries, want 1", d.Number, n)
		}
	}
	if got, _ := f.svc.Get(ctx, transfer.ID); got.Status != donation.StatusPending {
		t.Errorf("transfer gift = %s, want still pending", got.Status)
	}
	if list, n, err := f.svc.List(ctx, donation.Filter{Status: donation.StatusExpired}); err != nil || n != 3 || len(list) != 3 {
		t.Errorf("expired filter: %d of %d (%v), want 3", len(list), n, err)
	}
	if _, err := f.svc.Refund(ctx, f.staff, gifts[0].ID, ""); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("refund of an expired gift: %v, want a conflict", err)
	}

	// The donor paid at the last moment and the webhook comes late (twice): the money
	// is received, once, and staff can see it came after expiry.
	late := gifts[0]
	id := strconv.FormatInt(late.ID, 10)
	payload, sig := stripetest.SignedEvent(t, whsec, "checkout.session.completed", map[string]any{"id": "cs_test_late",
		"object": "checkout.session", "client_reference_id": "donation-" + id, "metadata": map[string]any{"donation_id": id},
		"payment_intent": "pi_late", "payment_status": "paid", "amount_total": 5000000, "currency": "cop"})
	ev, err := f.stripe.ParseEvent(payload, sig)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := f.svc.ApplyEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := f.svc.Get(ctx, late.ID); got.Status != donation.StatusReceived || got.PaymentRef != "pi_late" {
		t.Errorf("late payment: %s %q, want received with the payment", got.Status, got.PaymentRef)
	}
	if n, sum, _ := f.entries(t); n != 1 || sum != 5000000 {
		t.Errorf("ledger: %d entries summing %d, want one of 5000000", n, sum)
	}
	if n := f.mails(t, "a@example.co", "donation_received"); n != 1 {
		t.Errorf("receipts = %d, want 1", n)
	}
	if n := f.audits(t, "donation.paid_after_expiry", late.ID); n != 1 {
		t.Errorf("paid-after-expiry audit entries = %d, want 1", n)
	}
	if r := f.reconcile(t); !r.OK() {
		t.Errorf("reconcile: %v", r.Problems)
	}
}

// The provider's own checkout.session.expired expires a pending card gift at once.
func TestCheckoutExpiredEvent(t *testing.T) {
	f := newFixture(t, true)
	ctx := context.Background()
	d, _, err := f.svc.Give(ctx, form("card"))
	if err != nil {
		t.Fatal(err)
	}
	ev := payment.Event{ID: "evt_expired", Type: payment.EventCheckoutExpired, DonationID: d.ID}
	for range 2 {
		if err := f.svc.ApplyEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := f.svc.Get(ctx, d.ID); got.Status != donation.StatusExpired {
		t.Errorf("status = %s, want expired", got.Status)
	}
	if n := f.audits(t, "donation.expired", d.ID); n != 1 {
		t.Errorf("%d expiry audit entries, want 1", n)
	}
}
