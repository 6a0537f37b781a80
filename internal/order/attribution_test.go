package order

import (
	"context"
	"testing"

	"github.com/lib/pq"

	"github.com/libres/storefront/internal/payment"
)

// TestRefundsAreRecordedAndPosted checks the refund records (order_refunds) and the
// ledger entries the order package writes with a payment and its refunds.
func TestRefundsAreRecordedAndPosted(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, b := f.variant(t, 10_000_00, 5, "standard"), f.variant(t, 20_000_00, 5, "standard")
	o := f.place(t, f.cart(t, "1", a, b), payment.MethodTransfer)
	if n := f.count(t, `SELECT count(*) FROM ledger_entries WHERE order_id = $1`, o.ID); n != 0 {
		t.Fatalf("unpaid order: %d entries", n)
	}
	o, err := f.svc.MarkPaid(ctx, staff, o.ID, "TRF-1")
	if err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT sum(amount_minor) FROM ledger_entries WHERE order_id = $1 AND kind = 'sale'`, o.ID); int64(n) != o.Total {
		t.Fatalf("sale entries sum to %d, total %d", n, o.Total)
	}
	if _, err := f.svc.RecordRefund(ctx, staff, o.ID, 20_000_00, "DEV-1", []int{2}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ApplyEvent(ctx, payment.Event{ID: "evt_r", Type: payment.EventRefunded, OrderID: o.ID,
		AmountMinor: 25_000_00}); err != nil {
		t.Fatal(err)
	}
	var rs []struct {
		Amount int64         `db:"amount_minor"`
		Lines  pq.Int64Array `db:"lines"`
		Ref    string        `db:"reference"`
		Actor  string        `db:"actor"`
	}
	if err := f.db.Select(&rs, `SELECT amount_minor, lines, reference, actor FROM order_refunds WHERE order_id = $1 ORDER BY id`, o.ID); err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Amount != 20_000_00 || len(rs[0].Lines) != 1 || rs[0].Lines[0] != 2 || rs[0].Ref != "DEV-1" ||
		rs[0].Actor != staff.Email || rs[1].Amount != 5_000_00 || len(rs[1].Lines) != 0 || rs[1].Actor != "stripe" {
		t.Fatalf("refund records %+v", rs)
	}
	if n := f.count(t, `SELECT -sum(amount_minor) FROM ledger_entries WHERE order_id = $1 AND kind = 'refund'`, o.ID); n != 25_000_00 {
		t.Fatalf("refund entries sum to %d", n)
	}
}
