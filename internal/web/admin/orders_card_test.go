package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/site"
	"github.com/libres/storefront/web"
)

// fakeCard is a card provider that records the refunds asked of it. The real Stripe
// refund (idempotency key included) is tested against stripe-mock in package payment.
type fakeCard struct {
	mu      sync.Mutex
	refunds []payment.RefundRequest
	err     error
	// before runs inside Refund, as the provider's webhook may arrive meanwhile.
	before func(r payment.RefundRequest)
}

func (f *fakeCard) CreateCheckout(context.Context, payment.CheckoutRequest) (payment.Session, error) {
	return payment.Session{}, fmt.Errorf("fake card: no checkout")
}

func (f *fakeCard) Refund(_ context.Context, r payment.RefundRequest) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refunds = append(f.refunds, r)
	if f.err != nil {
		return "", f.err
	}
	if f.before != nil {
		f.before(r)
	}
	return fmt.Sprintf("re_fake_%d", len(f.refunds)), nil
}

func (f *fakeCard) calls() []payment.RefundRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]payment.RefundRequest(nil), f.refunds...)
}

// cardSite is the admin on a second server whose order service takes cards and whose
// card provider is card.
func cardSite(t *testing.T, card payment.Provider) (*order.Service, string) {
	t.Helper()
	queue, err := notify.NewQueue(testDB, notify.Options{From: "Libres <no-reply@libres.test>", ShopURL: "http://libres.test"})
	if err != nil {
		t.Fatal(err)
	}
	orders := order.New(testDB, queue, order.Options{BaseURL: "http://libres.test", LinkKey: []byte("admin-card-test-key-0123456789abcdef"),
		Methods: []payment.Method{payment.MethodCard, payment.MethodTransfer, payment.MethodCOD}})
	d := testSite.Deps
	s, err := site.New(site.Deps{Log: d.Log, DB: testDB, Seller: d.Seller, Catalog: catalog.NewStore(testDB), WebFS: web.FS,
		BaseURL: "http://libres.test", MediaBaseURL: "/media", Demo: true, Accounts: d.Accounts,
		Editor: catalog.NewEditor(testDB), Photos: d.Photos, Orders: orders, Card: card})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return orders, ts.URL
}

// paidByCard places a card order and pays it with a provider event.
func paidByCard(t *testing.T, orders *order.Service, items ...item) order.Order {
	t.Helper()
	o := placeOrder(t, orders, payment.MethodCard, items...)
	if err := orders.ApplyEvent(context.Background(), payment.Event{ID: "evt_paid_" + o.Number, Type: payment.EventCheckoutCompleted,
		Paid: true, OrderID: o.ID, PaymentRef: "pi_" + o.Number, AmountMinor: o.Total, Currency: "COP"}); err != nil {
		t.Fatal(err)
	}
	return loadOrder(t, o.ID)
}

func TestCardRefund(t *testing.T) {
	card := &fakeCard{}
	orders, base := cardSite(t, card)
	b := admin(t)
	b.Base = base
	v := newVariant(t, newWorkshop(t), 60_000, 5)
	o := paidByCard(t, orders, item{v, 2})
	path := orderPath(o)

	page := b.mustGet(path)
	checkOrderPage(t, page, "es")
	if page.Find("#f-refund_reference").Length() != 0 || page.Find(`form[action$="/paid"]`).Length() != 0 {
		t.Errorf("a card order asks for a refund reference or offers marking it paid")
	}

	// The provider is down: said plainly, nothing recorded.
	card.err = fmt.Errorf("refund: %w: connection refused", payment.ErrUnavailable)
	down := b.post(path+"/refund", url.Values{"mode": {"amount"}, "amount": {"20.000"}, "refunded_before": {"0"}})
	if down.status != http.StatusServiceUnavailable || !strings.Contains(text(down.Find(".form-alert")), "Stripe no responde") ||
		val(down, "#f-amount") != "20.000" {
		t.Errorf("provider down = %d, %q", down.status, text(down.Find(".form-alert")))
	}
	if got := loadOrder(t, o.ID); got.RefundedMinor != 0 || eventCount(t, o.ID, order.EventRefunded) != 0 {
		t.Errorf("a failed refund was recorded: %d", got.RefundedMinor)
	}

	card.err = nil
	done := b.submit(path+"/refund", url.Values{"mode": {"amount"}, "amount": {"20.000"}, "refunded_before": {"0"}})
	calls := card.calls()
	want := payment.RefundRequest{OrderID: o.ID, PaymentRef: "pi_" + o.Number, AmountMinor: 20_000_00, Currency: "COP",
		IdempotencyKey: fmt.Sprintf("order-%d-refund-to-%d", o.ID, 20_000_00)}
	if len(calls) != 2 || calls[1] != want {
		t.Fatalf("refund requests %+v, want the second %+v", calls, want)
	}
	if got := loadOrder(t, o.ID); got.RefundedMinor != 20_000_00 || got.Status != order.StatusPaid {
		t.Errorf("after 20.000: refunded %d, status %s", got.RefundedMinor, got.Status)
	}
	if d := text(done.Find(".order-timeline tr.event-refunded .event-detail")); !strings.Contains(d, "re_fake_2") {
		t.Errorf("refund recorded with %q, want the provider's refund id", d)
	}

	// The same form again: refused before the provider is asked.
	again := b.post(path+"/refund", url.Values{"mode": {"amount"}, "amount": {"20.000"}, "refunded_before": {"0"}})
	if again.status != http.StatusConflict || len(card.calls()) != 2 {
		t.Errorf("second submit = %d, %d provider calls", again.status, len(card.calls()))
	}

	// The provider's webhook records the refund while we wait for its answer: the
	// refund is recorded once, and a note says who asked for it.
	card.before = func(r payment.RefundRequest) {
		if err := orders.ApplyEvent(context.Background(), payment.Event{ID: "evt_refund_" + r.IdempotencyKey, Type: payment.EventRefunded,
			OrderID: r.OrderID, PaymentRef: r.PaymentRef, AmountMinor: 20_000_00 + r.AmountMinor, Currency: "COP"}); err != nil {
			t.Error(err)
		}
	}
	raced := b.submit(path+"/refund", url.Values{"mode": {"full"}, "refunded_before": {"2000000"}})
	got := loadOrder(t, o.ID)
	if got.RefundedMinor != got.Total || got.Status != order.StatusRefunded || eventCount(t, o.ID, order.EventRefunded) != 2 {
		t.Errorf("after the raced refund: refunded %d of %d, status %s, %d refund events", got.RefundedMinor, got.Total,
			got.Status, eventCount(t, o.ID, order.EventRefunded))
	}
	if !strings.Contains(flash(raced), "una sola vez") || !strings.Contains(text(raced.Find(".order-timeline tr.event-note")), "re_fake_3") {
		t.Errorf("raced refund: flash %q, note %q", flash(raced), text(raced.Find(".order-timeline tr.event-note")))
	}
}
