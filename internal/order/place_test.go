package order

import (
	"context"
	"strconv"
	"testing"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/payment"
)

// A placed order leaves, from its one statement: lines, reservations, the stock taken,
// the emptied cart remembering it, and its timeline (placed, then the email queued).
func TestPlaceWritesTheWholeOrder(t *testing.T) {
	f := newFixture(t)
	a := f.variant(t, 10_000_00, 5, "standard")
	b := f.variant(t, 20_000_00, 3, "exempt")
	tok := f.cart(t, "2", b, a)
	o := f.place(t, tok, payment.MethodTransfer)

	if len(o.Lines) != 2 || o.Lines[0].VariantID != a || o.Lines[1].VariantID != b || o.Lines[1].OrderID != o.ID ||
		o.Lines[1].TaxClass != "exempt" || o.Lines[1].TotalMinor != 40_000_00 {
		t.Fatalf("lines %+v, want a then b (added at the same time: by variant)", o.Lines)
	}
	if got := f.stock(t, a)*10 + f.stock(t, b); got != 31 {
		t.Fatalf("stock a, b = %d, %d, want 3, 1", f.stock(t, a), f.stock(t, b))
	}
	if n := f.count(t, `SELECT count(*) FROM order_lines WHERE order_id = $1`, o.ID); n != 2 {
		t.Fatalf("%d order lines stored", n)
	}
	if n := f.count(t, `SELECT sum(quantity) FROM stock_reservations WHERE order_id = $1 AND expires_at = $2`,
		o.ID, *o.ExpiresAt); n != 4 {
		t.Fatalf("reserved %d, want 4 until the order's deadline", n)
	}
	if n := f.count(t, `SELECT count(*) FROM cart_lines`); n != 0 {
		t.Fatalf("%d cart lines left", n)
	}
	if n := f.count(t, `SELECT count(*) FROM carts WHERE placed_order_id = $1`, o.ID); n != 1 {
		t.Fatal("the cart does not remember its order")
	}
	var events []struct {
		Kind   string `db:"kind"`
		Actor  string `db:"actor"`
		Detail string `db:"detail"`
	}
	if err := f.db.Select(&events, `SELECT kind, actor, detail FROM order_events WHERE order_id = $1 ORDER BY at, id`, o.ID); err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Kind != string(EventPlaced) || events[0].Detail != "transfer" ||
		events[1].Kind != string(EventEmailQueued) || events[1].Detail != mailReceived+" → ana@example.co" {
		t.Fatalf("timeline %+v", events)
	}
	if n := f.mails(t, mailReceived); n != 1 {
		t.Fatalf("%d order-received emails", n)
	}
}

// A cart with a line no longer on sale and a line short of stock is refused naming
// both, and nothing is written: no order, no stock taken, the cart as it was, no email.
func TestPlaceRefusesNamingEveryLine(t *testing.T) {
	f := newFixture(t)
	ok := f.variant(t, 10_000_00, 5, "standard")
	short := f.variant(t, 10_000_00, 2, "standard")
	gone := f.variant(t, 10_000_00, 5, "standard")
	tok := f.cart(t, "2", ok, short, gone)
	f.db.MustExec(`UPDATE variants SET stock_on_hand = 1 WHERE id = $1`, short)
	f.db.MustExec(`UPDATE products SET status = 'archived' WHERE id = (SELECT product_id FROM variants WHERE id = $1)`, gone)

	_, err := f.svc.Place(context.Background(), tok, 0, input(payment.MethodTransfer))
	wantErr(t, err, apperr.Conflict, keySoldOutLine)
	fields := apperr.FieldsOf(err)
	want := map[string]string{lineField(short): keySoldOutLine, lineField(gone): keyUnavailable}
	if len(fields) != len(want) || fields[lineField(short)] != want[lineField(short)] || fields[lineField(gone)] != want[lineField(gone)] {
		t.Fatalf("fields %v, want %v", fields, want)
	}
	if s := []int{f.stock(t, ok), f.stock(t, short), f.stock(t, gone)}; s[0] != 5 || s[1] != 1 || s[2] != 5 {
		t.Fatalf("stock %v changed", s)
	}
	for _, q := range []string{`SELECT count(*) FROM orders`, `SELECT count(*) FROM stock_reservations`,
		`SELECT count(*) FROM order_events`, `SELECT count(*) FROM carts WHERE placed_order_id IS NOT NULL`} {
		if n := f.count(t, q); n != 0 {
			t.Fatalf("%s = %d after a refusal", q, n)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM cart_lines`); n != 3 {
		t.Fatalf("%d cart lines, want the 3 kept", n)
	}
	if n := f.mails(t, mailReceived); n != 0 {
		t.Fatalf("%d emails for a refused order", n)
	}
}

func lineField(variantID int64) string {
	return "line." + strconv.FormatInt(variantID, 10)
}
