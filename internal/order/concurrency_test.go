package order

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/payment"
)

// placeAll places one order from each cart at once and returns the orders and errors.
func placeAll(t *testing.T, f *fixture, tokens []string) ([]Order, []error) {
	t.Helper()
	orders := make([]Order, len(tokens))
	errs := make([]error, len(tokens))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			orders[i], errs[i] = f.svc.Place(context.Background(), tok, 0, input(payment.MethodCard))
		}()
	}
	close(start)
	wg.Wait()
	return orders, errs
}

// tally counts successes and sold-out refusals; anything else fails the test.
func tally(t *testing.T, errs []error) (ok, soldOut int) {
	t.Helper()
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case apperr.CodeOf(err) == apperr.Conflict && apperr.KeyOf(err) == keySoldOutLine:
			soldOut++
		default:
			t.Errorf("unexpected error (deadlock or other): %v", err)
		}
	}
	return ok, soldOut
}

func TestPlace200ConcurrentForFive(t *testing.T) {
	f := newFixture(t)
	v := f.variant(t, 189_000_00, 5, "standard")
	tokens := make([]string, 200)
	for i := range tokens {
		tokens[i] = f.cart(t, "1", v)
	}
	_, errs := placeAll(t, f, tokens)
	ok, soldOut := tally(t, errs)
	if ok != 5 || soldOut != 195 {
		t.Fatalf("%d orders and %d sold out, want 5 and 195", ok, soldOut)
	}
	if s := f.stock(t, v); s != 0 {
		t.Fatalf("stock = %d, want 0", s)
	}
	if n := f.count(t, `SELECT count(*) FROM orders`); n != 5 {
		t.Fatalf("%d orders in the database, want 5", n)
	}
	if n := f.count(t, `SELECT COALESCE(sum(quantity), 0) FROM stock_reservations`); n != 5 {
		t.Fatalf("reserved %d, want 5", n)
	}
	if n := f.mails(t, mailReceived); n != 5 {
		t.Fatalf("%d order-received emails, want 5", n)
	}
	// The refused carts keep their lines, now marked short.
	c, err := f.svc.Cart(context.Background(), tokens[0], 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Lines) == 1 && !c.Lines[0].Short {
		t.Fatalf("a refused cart's line is not short: %+v", c.Lines[0])
	}
}

func TestPlaceConcurrentTwoEach(t *testing.T) {
	f := newFixture(t)
	v := f.variant(t, 50_000_00, 5, "standard")
	tokens := make([]string, 40)
	for i := range tokens {
		tokens[i] = f.cart(t, "1", v)
		if _, _, err := f.svc.Add(context.Background(), tokens[i], 0, v, "1"); err != nil { // the same variant again: one line of 2
			t.Fatal(err)
		}
	}
	_, errs := placeAll(t, f, tokens)
	ok, soldOut := tally(t, errs)
	if ok != 2 || soldOut != 38 {
		t.Fatalf("%d orders and %d sold out, want 2 and 38", ok, soldOut)
	}
	if s := f.stock(t, v); s != 1 {
		t.Fatalf("stock = %d, want 1", s)
	}
}

// Carts holding two variants added in opposite orders: reservations are taken in
// variant order, so concurrent checkouts never deadlock.
func TestPlaceOppositeOrdersNoDeadlock(t *testing.T) {
	f := newFixture(t)
	a := f.variant(t, 10_000_00, 30, "standard")
	b := f.variant(t, 20_000_00, 30, "exempt")
	tokens := make([]string, 60)
	for i := range tokens {
		if i%2 == 0 {
			tokens[i] = f.cart(t, "1", a, b)
		} else {
			tokens[i] = f.cart(t, "1", b, a)
		}
	}
	_, errs := placeAll(t, f, tokens)
	ok, soldOut := tally(t, errs)
	if ok != 30 || soldOut != 30 {
		t.Fatalf("%d orders and %d sold out, want 30 and 30", ok, soldOut)
	}
	if f.stock(t, a) != 0 || f.stock(t, b) != 0 {
		t.Fatalf("stock a=%d b=%d, want 0 and 0", f.stock(t, a), f.stock(t, b))
	}
	// Every order has both lines: all or none.
	if n := f.count(t, `SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) <> 2`); n != 0 {
		t.Fatalf("%d orders without both lines", n)
	}
}

func completed(id string, orderID int64) payment.Event {
	return payment.Event{ID: id, Type: payment.EventCheckoutCompleted, RawType: "checkout.session.completed",
		OrderID: orderID, SessionID: "cs_1", PaymentRef: "pi_1", Paid: true, AmountMinor: 1, Currency: "COP"}
}

func TestCompletedTenTimesAtOnce(t *testing.T) {
	f := newFixture(t)
	v := f.variant(t, 100_000_00, 3, "standard")
	o := f.place(t, f.cart(t, "2", v), payment.MethodCard)
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.svc.ApplyEvent(context.Background(), completed("evt_1", o.ID))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.svc.Order(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusPaid || got.PaymentRef != "pi_1" || got.PaidAt == nil {
		t.Fatalf("order %+v, want paid with pi_1", got)
	}
	if n := f.mails(t, mailPaid); n != 1 {
		t.Fatalf("%d payment-confirmed emails, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM stock_reservations WHERE committed_at IS NOT NULL`); n != 1 {
		t.Fatalf("%d committed reservations, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM order_events WHERE kind = 'paid'`); n != 1 {
		t.Fatalf("%d paid events, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM payment_events`); n != 1 {
		t.Fatalf("%d payment events, want 1", n)
	}
	if s := f.stock(t, v); s != 1 {
		t.Fatalf("stock = %d, want 1 (paid commits, takes nothing more)", s)
	}
	// Expired after completed: still paid, stock kept.
	if err := f.svc.ApplyEvent(context.Background(), payment.Event{ID: "evt_2", Type: payment.EventCheckoutExpired, OrderID: o.ID}); err != nil {
		t.Fatal(err)
	}
	got, _ = f.svc.Order(context.Background(), o.ID)
	if got.Status != StatusPaid || f.stock(t, v) != 1 || f.mails(t, mailCancel) != 0 {
		t.Fatalf("expired after paid: status %s, stock %d, cancel emails %d", got.Status, f.stock(t, v), f.mails(t, mailCancel))
	}
}

func TestPaidAfterSweeperCancelledIsFlagged(t *testing.T) {
	f := newFixture(t)
	v := f.variant(t, 100_000_00, 3, "standard")
	o := f.place(t, f.cart(t, "2", v), payment.MethodCard)
	f.clock.Add(36 * time.Minute)
	if n, err := f.svc.ExpireDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("ExpireDue = %d, %v; want 1", n, err)
	}
	if s := f.stock(t, v); s != 3 {
		t.Fatalf("stock after expiry = %d, want 3", s)
	}
	if err := f.svc.ApplyEvent(context.Background(), completed("evt_late", o.ID)); err != nil {
		t.Fatal(err)
	}
	got, _ := f.svc.Order(context.Background(), o.ID)
	if got.Status != StatusCancelled || !got.Flagged || got.FlagReason == "" || got.PaidAt == nil {
		t.Fatalf("late payment: %+v, want cancelled, flagged with a reason, payment recorded", got)
	}
	if s := f.stock(t, v); s != 3 {
		t.Fatalf("stock after late payment = %d, want 3 (not given back twice, not taken again)", s)
	}
	if n := f.count(t, `SELECT count(*) FROM order_events WHERE order_id = $1 AND kind = 'flagged'`, o.ID); n != 1 {
		t.Fatalf("%d flagged events, want 1", n)
	}
	// Staff can refund it; it stays cancelled.
	got, err := f.svc.RecordRefund(context.Background(), staff, o.ID, got.Total, "re_1", nil)
	if err != nil || got.Status != StatusCancelled || got.RefundedMinor != got.Total {
		t.Fatalf("refund of a flagged order: %v %+v", err, got)
	}
}

func TestSweeperThreeAtOnce(t *testing.T) {
	f := newFixture(t)
	v := f.variant(t, 10_000_00, 100, "standard")
	for range 30 {
		f.place(t, f.cart(t, "2", v), payment.MethodCard)
	}
	keep := f.place(t, f.cart(t, "1", v), payment.MethodTransfer) // held 72 h
	if s := f.stock(t, v); s != 39 {
		t.Fatalf("stock = %d, want 39", s)
	}
	f.clock.Add(time.Hour)
	var wg sync.WaitGroup
	counts := make([]int, 3)
	errs := make([]error, 3)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i], errs[i] = f.svc.ExpireDue(context.Background())
		}()
	}
	wg.Wait()
	total := 0
	for i := range counts {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		total += counts[i]
	}
	if total != 30 {
		t.Fatalf("cancelled %d in all (%v), want 30", total, counts)
	}
	if s := f.stock(t, v); s != 99 {
		t.Fatalf("stock = %d, want 99", s)
	}
	if n := f.count(t, `SELECT count(*) FROM order_events WHERE kind = 'cancelled'`); n != 30 {
		t.Fatalf("%d cancelled events, want 30", n)
	}
	if n := f.mails(t, mailCancel); n != 30 {
		t.Fatalf("%d cancel emails, want 30", n)
	}
	got, _ := f.svc.Order(context.Background(), keep.ID)
	if got.Status != StatusPending {
		t.Fatalf("transfer order %s, want still pending", got.Status)
	}
	if n, err := f.svc.ExpireDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("second sweep = %d, %v; want 0", n, err)
	}
}

func TestSweeperRunStopsWithContext(t *testing.T) {
	f := newFixture(t)
	v := f.variant(t, 10_000_00, 5, "standard")
	f.place(t, f.cart(t, "1", v), payment.MethodCard)
	f.clock.Add(time.Hour)
	// One round runs before Run looks at the context: with a context already done it
	// sweeps what it can, then returns nil.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errs []error
	w := &Sweeper{Service: f.svc, OnError: func(err error) { errs = append(errs, err) }}
	if err := w.Run(ctx); err != nil || len(errs) != 0 {
		t.Fatalf("Run = %v, errors %v", err, errs)
	}
	// A fresh round on a live context cancels the expired order.
	(&Sweeper{Service: f.svc}).round(context.Background())
	if f.stock(t, v) != 5 {
		t.Fatalf("stock %d after a sweep, want 5", f.stock(t, v))
	}
}

// TestReinstateFlaggedOrder: staff may fulfil a flagged order after all when its stock is
// still there (it is taken again, the order paid, the flag cleared); when a size sold
// meanwhile it is refused and nothing changes.
func TestReinstateFlaggedOrder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 100_000_00, 4, "standard")
	flagged := func() Order {
		o := f.place(t, f.cart(t, "2", v), payment.MethodCard)
		f.clock.Add(36 * time.Minute)
		if _, err := f.svc.ExpireDue(ctx); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ApplyEvent(ctx, completed("evt_"+o.Number, o.ID)); err != nil {
			t.Fatal(err)
		}
		return o
	}
	o := flagged()
	if _, err := f.svc.MarkPaid(ctx, staff, o.ID, "x"); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("MarkPaid on a cancelled order: %v, want a conflict", err)
	}
	got, err := f.svc.Reinstate(ctx, staff, o.ID)
	if err != nil || got.Status != StatusPaid || got.Flagged || f.stock(t, v) != 2 {
		t.Fatalf("reinstate: %v, %s flagged=%v stock %d; want paid, not flagged, stock 2", err, got.Status, got.Flagged, f.stock(t, v))
	}
	if _, err := f.svc.Reinstate(ctx, staff, o.ID); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("second reinstate: %v, want a conflict", err)
	}
	// A second flagged order of 2, then someone buys 1 of the 2 it gave back: it cannot
	// be reinstated.
	o2 := flagged()
	f.place(t, f.cart(t, "1", v), payment.MethodTransfer)
	_, err = f.svc.Reinstate(ctx, staff, o2.ID)
	if apperr.KeyOf(err) != keyReinstateSoldOut || f.stock(t, v) != 1 {
		t.Fatalf("reinstate without stock: %v, stock %d; want order.reinstate_sold_out and stock 1", err, f.stock(t, v))
	}
	if got, _ := f.svc.Order(ctx, o2.ID); got.Status != StatusCancelled || !got.Flagged {
		t.Fatalf("refused reinstate changed the order: %s flagged=%v", got.Status, got.Flagged)
	}
}
