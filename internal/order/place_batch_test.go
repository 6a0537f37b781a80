package order

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/payment"
)

// job prepares the checkout of the cart tok as Place does (read, order, outbox email),
// for writing by hand.
func (f *fixture) job(t *testing.T, ctx context.Context, tok string) *placeJob {
	t.Helper()
	in := input(payment.MethodTransfer)
	c, err := in.clean(f.svc.opts.MaxDonation)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := f.svc.readPlacing(ctx, tok, 0)
	if err != nil || len(pc.Lines) == 0 {
		t.Fatalf("read cart: %v, %d lines", err, len(pc.Lines))
	}
	o := f.svc.newOrder(pc, in, c, 0, f.svc.now())
	d := f.svc.mailData(o)
	f.svc.receiptData(o, d)
	f.svc.manualData(o, d)
	msg, outboxed, err := f.svc.encode(ctx, notify.Message{To: o.Email, Lang: o.Lang, Template: mailReceived, Data: d})
	if err != nil || !outboxed {
		t.Fatalf("encode: %v (outboxed %v)", err, outboxed)
	}
	return &placeJob{ctx: ctx, pc: pc, o: o, in: in, msg: msg, done: make(chan placeOutcome, 1)}
}

// Four checkouts written by one statement: each order is whole or absent, whatever
// the others do. The second is short of a size the first took (and takes nothing, not
// even its other line, counted first), the third's cart changed after it was read, the fourth gets
// what the second could not take.
func TestPlaceBatchEachOrderWholeOrNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.withQueue(t, "")
	// b before a: a cart's lines are taken in variant order, so the second checkout
	// counts b before it finds a short, and must give b back.
	b, a, c := f.variant(t, 50_000_00, 5, "standard"), f.variant(t, 100_000_00, 3, "standard"),
		f.variant(t, 20_000_00, 1, "standard")
	carts := []string{f.cart(t, "2", a), f.cart(t, "2", a, b), f.cart(t, "1", c), f.cart(t, "1", a, b)}
	jobs := make([]*placeJob, len(carts))
	for i, tok := range carts {
		jobs[i] = f.job(t, ctx, tok)
	}
	if _, err := f.db.Exec(`UPDATE carts SET updated_at = now() WHERE id = $1`, jobs[2].pc.ID); err != nil {
		t.Fatal(err)
	}
	outs, err := f.svc.writeOrders(ctx, f.db, jobs)
	if err != nil {
		t.Fatal(err)
	}
	want := []placeOutcome{{CartOK: true, Taken: true}, {CartOK: true}, {}, {CartOK: true, Taken: true}}
	for i := range want {
		if outs[i] != want[i] {
			t.Errorf("checkout %d: %+v, want %+v", i+1, outs[i], want[i])
		}
	}
	if sa, sb, sc := f.stock(t, a), f.stock(t, b), f.stock(t, c); sa != 0 || sb != 4 || sc != 1 {
		t.Errorf("stock a, b, c = %d, %d, %d; want 0, 4, 1", sa, sb, sc)
	}
	for i, j := range jobs {
		placed := want[i].Taken
		qty := 0
		for _, l := range j.o.Lines {
			qty += l.Quantity
		}
		wantRows := map[string]int{
			`SELECT count(*) FROM orders WHERE id = $1`:                                     1,
			`SELECT count(*) FROM order_lines WHERE order_id = $1`:                          len(j.o.Lines),
			`SELECT COALESCE(sum(quantity), 0) FROM stock_reservations WHERE order_id = $1`: qty,
			`SELECT count(*) FROM order_events WHERE order_id = $1`:                         2,
			`SELECT count(*) FROM carts WHERE placed_order_id = $1`:                         1,
		}
		for q, n := range wantRows {
			if !placed {
				n = 0
			}
			if got := f.count(t, q, j.o.ID); got != n {
				t.Errorf("checkout %d: %s = %d, want %d", i+1, q, got, n)
			}
		}
		lines := f.count(t, `SELECT count(*) FROM cart_lines WHERE cart_id = $1`, j.pc.ID)
		if placed && lines != 0 || !placed && lines != len(j.o.Lines) {
			t.Errorf("checkout %d: its cart has %d lines (placed %v)", i+1, lines, placed)
		}
	}
	if n := f.outboxMails(t, mailReceived); n != 2 {
		t.Errorf("%d order-received emails, want 2", n)
	}
}

// A batch that fails (one order breaks a rule of the database) is written again one
// checkout at a time: the others are placed, the faulty one alone gets the error.
func TestPlacerBatchErrorFailsOnlyItsOrder(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.withQueue(t, "")
	v := f.variant(t, 100_000_00, 10, "standard")
	jobs := []*placeJob{f.job(t, ctx, f.cart(t, "1", v)), f.job(t, ctx, f.cart(t, "1", v)), f.job(t, ctx, f.cart(t, "1", v))}
	jobs[1].o.Email = "sin-arroba" // orders_email_check
	f.svc.placer.write(jobs)
	for i, j := range jobs {
		out := <-j.done
		if i == 1 {
			if out.Err == nil || out.Taken {
				t.Errorf("faulty checkout: %+v, want its error", out)
			}
			continue
		}
		if out.Err != nil || !out.CartOK || !out.Taken {
			t.Errorf("checkout %d: %+v, want placed", i+1, out)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM orders`); n != 2 {
		t.Errorf("%d orders, want 2", n)
	}
	if s := f.stock(t, v); s != 8 {
		t.Errorf("stock %d, want 8", s)
	}
}

// A checkout whose request ended while it waited for its batch is not written.
func TestPlacerSkipsEndedRequests(t *testing.T) {
	f := newFixture(t)
	f.withQueue(t, "")
	v := f.variant(t, 100_000_00, 10, "standard")
	ctx, cancel := context.WithCancel(context.Background())
	j := f.job(t, ctx, f.cart(t, "1", v))
	cancel()
	if out := f.svc.placer.place(j); !errors.Is(out.Err, context.Canceled) {
		t.Fatalf("outcome %+v, want context.Canceled", out)
	}
	if n := f.count(t, `SELECT count(*) FROM orders`); n != 0 || f.stock(t, v) != 10 {
		t.Fatalf("%d orders, stock %d: want nothing written", n, f.stock(t, v))
	}
}

// One cart submitted three times into the same batch (a triple click) makes one order:
// the first submit's; the others are told the cart changed, and Place then finds the
// order it became.
func TestPlaceBatchOneOrderPerCart(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.withQueue(t, "")
	v := f.variant(t, 100_000_00, 10, "standard")
	tok := f.cart(t, "2", v)
	jobs := []*placeJob{f.job(t, ctx, tok), f.job(t, ctx, tok), f.job(t, ctx, tok)}
	outs, err := f.svc.writeOrders(ctx, f.db, jobs)
	if err != nil {
		t.Fatal(err)
	}
	want := []placeOutcome{{CartOK: true, Taken: true}, {}, {}}
	for i := range want {
		if outs[i] != want[i] {
			t.Errorf("submit %d: %+v, want %+v", i+1, outs[i], want[i])
		}
	}
	if n := f.count(t, `SELECT count(*) FROM orders`); n != 1 || f.stock(t, v) != 8 {
		t.Fatalf("%d orders, stock %d: want 1 and 8", n, f.stock(t, v))
	}
	o, err := f.svc.Place(ctx, tok, 0, input(payment.MethodTransfer))
	if err != nil || o.ID != jobs[0].o.ID {
		t.Fatalf("submit again: %v, order %d, want %d", err, o.ID, jobs[0].o.ID)
	}
}

// Two submits of one cart in a batch, the first made before the cart changed: the one
// that read the cart as it is now places it (with the line added since).
func TestPlaceBatchCartReadLastWins(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.withQueue(t, "")
	a, b := f.variant(t, 100_000_00, 10, "standard"), f.variant(t, 50_000_00, 10, "standard")
	tok := f.cart(t, "1", a)
	stale := f.job(t, ctx, tok)
	if _, _, err := f.svc.Add(ctx, tok, 0, b, "1"); err != nil {
		t.Fatal(err)
	}
	fresh := f.job(t, ctx, tok)
	outs, err := f.svc.writeOrders(ctx, f.db, []*placeJob{stale, fresh})
	if err != nil {
		t.Fatal(err)
	}
	if outs[0] != (placeOutcome{}) || outs[1] != (placeOutcome{CartOK: true, Taken: true}) {
		t.Fatalf("outcomes %+v, want the stale submit told its cart changed and the fresh one placed", outs)
	}
	if n := f.count(t, `SELECT count(*) FROM order_lines WHERE order_id = $1`, fresh.o.ID); n != 2 {
		t.Fatalf("order has %d lines, want 2", n)
	}
}

// While a checkout statement holds a variant's stock, another shopper can still put
// that variant in a cart (the stock is locked as an UPDATE locks it, not against the
// rows that refer to the variant).
func TestPlaceBatchLeavesAddToCartFree(t *testing.T) {
	f := newFixture(t)
	v := f.variant(t, 100_000_00, 10, "standard")
	tx, err := f.db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	var took []byte
	if err := tx.Get(&took, `SELECT take_stock_orders('{1}', ARRAY[$1::bigint], '{1}', '{t}')::text`, v); err != nil {
		t.Fatal(err)
	}
	// Blocked, the add would wait until the transaction above ends: the deadline only
	// turns that wait into a failure.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, _, err := f.svc.Add(ctx, "", 0, v, "1"); err != nil {
		t.Fatalf("add to cart while a checkout holds the variant: %v", err)
	}
}
