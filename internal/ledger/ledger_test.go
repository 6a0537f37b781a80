package ledger_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
)

func isWorkshop(ws int64) func(ledger.Entry) bool {
	return func(e ledger.Entry) bool { return e.WorkshopID != nil && *e.WorkshopID == ws }
}

func TestSaleEntriesSumToPaidTotal(t *testing.T) {
	f := newFixture(t, 2)
	a, b := f.variant(t, f.ws[0], 120_000_00, 10), f.variant(t, f.ws[1], 33_333, 10)
	o := f.markPaid(t, f.place(t, payment.MethodTransfer, 20_000, buy{a, 2}, buy{b, 3}))
	es := f.entries(t, o.ID)
	if len(es) != 4 {
		t.Fatalf("%d entries, want 2 lines + shipping + donation: %+v", len(es), es)
	}
	if amount, _ := sum(es, nil); amount != o.Total {
		t.Fatalf("entries sum to %d, the order was paid %d", amount, o.Total)
	}
	for _, tt := range []struct {
		ws     int64
		amount int64
		share  int64
	}{{f.ws[0], 240_000_00, 144_000_00}, {f.ws[1], 99_999, 59_999}} { // 59999.4 rounds down
		amount, share := sum(es, isWorkshop(tt.ws))
		if amount != tt.amount || share != tt.share {
			t.Errorf("workshop %d: amount %d share %d, want %d %d", tt.ws, amount, share, tt.amount, tt.share)
		}
	}
	for _, e := range es {
		if e.Kind != ledger.KindSale || e.OrderNumber != o.Number || !e.OccurredAt.Equal(*o.PaidAt) {
			t.Errorf("entry %+v: want a sale of %s at %s", e, o.Number, o.PaidAt)
		}
		switch e.Account {
		case ledger.AccountShipping:
			if e.AmountMinor != o.Shipping || e.WorkshopID != nil {
				t.Errorf("shipping entry %+v, want %d", e, o.Shipping)
			}
		case ledger.AccountDonations:
			if e.AmountMinor != 20_000_00 {
				t.Errorf("donation entry %+v", e)
			}
		case ledger.AccountWorkshop:
			if e.ShareBps != 6000 || e.Quantity == 0 || e.Title == "" {
				t.Errorf("line entry %+v: want the default share, quantity and title", e)
			}
		}
	}
	wantReconciled(t, f.ledger, time.Time{}, time.Time{})
}

func TestSaleGoesToTheWorkshopOfTheLine(t *testing.T) {
	f := newFixture(t, 2)
	v := f.variant(t, f.ws[0], 50_000_00, 5)
	o := f.place(t, payment.MethodTransfer, 0, buy{v, 1})
	// The product moves to another workshop between checkout and payment.
	if _, err := f.db.Exec(`UPDATE products SET workshop_id = $1`, f.ws[1]); err != nil {
		t.Fatal(err)
	}
	o = f.markPaid(t, o)
	if amount, _ := sum(f.entries(t, o.ID), isWorkshop(f.ws[0])); amount != 50_000_00 {
		t.Fatalf("workshop of the line got %d, want the sale", amount)
	}
	if amount, _ := sum(f.entries(t, o.ID), isWorkshop(f.ws[1])); amount != 0 {
		t.Fatalf("the product's new workshop got %d", amount)
	}
	wantReconciled(t, f.ledger, time.Time{}, time.Time{})
}

func TestShareInForceWhenPaid(t *testing.T) {
	f := newFixture(t, 1)
	ctx := context.Background()
	v := f.variant(t, f.ws[0], 10_000_00, 20)
	wantCode(t, f.ledger.SetShare(ctx, staff, f.ws[0], 10001, f.clock.Now()), apperr.Invalid, "ledger.share.bps")
	wantCode(t, f.ledger.SetShare(ctx, staff, f.ws[0], 5000, f.clock.Now().AddDate(0, 0, -1)), apperr.Invalid, "ledger.share.past")
	wantCode(t, f.ledger.SetShare(ctx, staff, 999999, 5000, f.clock.Now()), apperr.NotFound, "ledger.workshop_not_found")
	// From the 10th: 70%. Placed before, paid after: the share of the payment's day.
	if err := f.ledger.SetShare(ctx, staff, f.ws[0], 7000, f.clock.Now().AddDate(0, 0, 5)); err != nil {
		t.Fatal(err)
	}
	before := f.markPaid(t, f.place(t, payment.MethodTransfer, 0, buy{v, 1}))
	placed := f.place(t, payment.MethodTransfer, 0, buy{v, 1})
	f.clock.Add(6 * 24 * time.Hour)
	after := f.markPaid(t, placed)
	if _, share := sum(f.entries(t, before.ID), isWorkshop(f.ws[0])); share != 6_000_00 {
		t.Errorf("paid before the change: share %d, want 60%%", share)
	}
	if _, share := sum(f.entries(t, after.ID), isWorkshop(f.ws[0])); share != 7_000_00 {
		t.Errorf("paid after the change: share %d, want 70%%", share)
	}
	// Today means from now on.
	if err := f.ledger.SetShare(ctx, staff, f.ws[0], 5000, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Minute)
	third := f.markPaid(t, f.place(t, payment.MethodTransfer, 0, buy{v, 1}))
	if _, share := sum(f.entries(t, third.ID), isWorkshop(f.ws[0])); share != 5_000_00 {
		t.Errorf("paid after today's change: share %d, want 50%%", share)
	}
	shares, err := f.ledger.Shares(ctx, f.ws[0])
	if err != nil || len(shares) != 2 || shares[0].Bps != 5000 {
		t.Fatalf("Shares = %+v, %v", shares, err)
	}
	// Refunding the order paid at 70% takes 70% back, whatever the share now.
	if _, err := f.orders.RecordRefund(ctx, staff, after.ID, 10_000_00, "r1", []int{1}); err != nil {
		t.Fatal(err)
	}
	if _, share := sum(f.entries(t, after.ID), isWorkshop(f.ws[0])); share != 0 {
		t.Errorf("after refunding the line: share %d, want 0", share)
	}
	wantReconciled(t, f.ledger, time.Time{}, time.Time{})
}

func TestRefunds(t *testing.T) {
	f := newFixture(t, 3)
	ctx := context.Background()
	a, b, c := f.variant(t, f.ws[0], 100_00, 50), f.variant(t, f.ws[1], 100_00, 50), f.variant(t, f.ws[2], 100_00, 50)
	paid := func() order.Order {
		return f.markPaid(t, f.place(t, payment.MethodTransfer, 10_000, buy{a, 1}, buy{b, 1}, buy{c, 1}))
	}
	refundEntries := func(o order.Order) []ledger.Entry {
		var out []ledger.Entry
		for _, e := range f.entries(t, o.ID) {
			if e.Kind == ledger.KindRefund {
				out = append(out, e)
			}
		}
		return out
	}

	t.Run("amount pro rata over the lines", func(t *testing.T) {
		o := paid()
		if _, err := f.orders.RecordRefund(ctx, staff, o.ID, 100, "r", nil); err != nil {
			t.Fatal(err)
		}
		es := refundEntries(o)
		want := map[int64]int64{f.ws[0]: -34, f.ws[1]: -33, f.ws[2]: -33}
		if len(es) != 3 {
			t.Fatalf("entries %+v", es)
		}
		for _, e := range es {
			if e.WorkshopID == nil || want[*e.WorkshopID] != e.AmountMinor || e.Quantity != 0 {
				t.Errorf("entry %+v, want %v", e, want)
			}
		}
		if amount, _ := sum(es, nil); amount != -100 {
			t.Fatalf("refund entries sum to %d", amount)
		}
	})

	t.Run("chosen lines", func(t *testing.T) {
		o := paid()
		if _, err := f.orders.RecordRefund(ctx, staff, o.ID, 100_00, "r", []int{2}); err != nil {
			t.Fatal(err)
		}
		es := refundEntries(o)
		if len(es) != 1 || *es[0].WorkshopID != f.ws[1] || es[0].AmountMinor != -100_00 || es[0].Quantity != -1 ||
			es[0].ShareMinor != -60_00 || es[0].LineNo != 2 {
			t.Fatalf("entries %+v, want line 2 back to its workshop", es)
		}
		// More than the chosen lines hold: the rest over the other lines.
		if _, err := f.orders.RecordRefund(ctx, staff, o.ID, 100_01, "r2", []int{1}); err != nil {
			t.Fatal(err)
		}
		if amount, _ := sum(refundEntries(o), isWorkshop(f.ws[0])); amount != -100_00 {
			t.Errorf("line 1 refunded %d", amount)
		}
		if amount, _ := sum(refundEntries(o), isWorkshop(f.ws[2])); amount != -1 {
			t.Errorf("line 3 refunded %d", amount)
		}
	})

	t.Run("full refund empties every account", func(t *testing.T) {
		o := paid()
		if _, err := f.orders.RecordRefund(ctx, staff, o.ID, 7, "r", nil); err != nil {
			t.Fatal(err)
		}
		o, err := f.orders.RecordRefund(ctx, staff, o.ID, o.Total-7, "r", nil)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != order.StatusRefunded {
			t.Fatalf("status %s", o.Status)
		}
		es := f.entries(t, o.ID)
		for _, acc := range []func(ledger.Entry) bool{isWorkshop(f.ws[0]), isWorkshop(f.ws[1]), isWorkshop(f.ws[2]),
			func(e ledger.Entry) bool { return e.Account == ledger.AccountShipping },
			func(e ledger.Entry) bool { return e.Account == ledger.AccountDonations }} {
			if amount, share := sum(es, acc); amount != 0 || share != 0 {
				t.Errorf("after a full refund an account holds %d (share %d)", amount, share)
			}
		}
		var units int
		for _, e := range es {
			if e.Account == ledger.AccountWorkshop {
				units += e.Quantity
			}
		}
		if units != 0 {
			t.Errorf("units after a full refund: %d", units)
		}
	})

	t.Run("provider refund events", func(t *testing.T) {
		o := f.place(t, payment.MethodCard, 0, buy{a, 2}, buy{b, 1})
		ev := func(id string, typ payment.EventType, amount int64) {
			t.Helper()
			if err := f.orders.ApplyEvent(ctx, payment.Event{ID: id, Type: typ, OrderID: o.ID, Paid: true, PaymentRef: "pi_1",
				AmountMinor: amount, Currency: "COP"}); err != nil {
				t.Fatal(err)
			}
		}
		ev("evt_paid", payment.EventCheckoutCompleted, o.Total)
		ev("evt_paid", payment.EventCheckoutCompleted, o.Total) // duplicate
		ev("evt_paid_again", payment.EventAsyncSucceeded, o.Total)
		ev("evt_r2", payment.EventRefunded, 200_00) // cumulative
		ev("evt_r1", payment.EventRefunded, 100_00) // late: older total, a no-op
		ev("evt_r2", payment.EventRefunded, 200_00) // duplicate
		es := f.entries(t, o.ID)
		sales, refunds := 0, 0
		for _, e := range es {
			switch e.Kind {
			case ledger.KindSale:
				sales++
			case ledger.KindRefund:
				refunds++
			}
		}
		if sales != 3 || refunds != 2 {
			t.Fatalf("%d sale and %d refund entries, want 3 and 2: %+v", sales, refunds, es)
		}
		if amount, _ := sum(es, nil); amount != o.Total-200_00 {
			t.Fatalf("order holds %d, want %d", amount, o.Total-200_00)
		}
	})
	wantReconciled(t, f.ledger, time.Time{}, time.Time{})
}

func TestCashOnDeliveryPostsWhenCashCollected(t *testing.T) {
	f := newFixture(t, 1)
	ctx := context.Background()
	v := f.variant(t, f.ws[0], 80_000_00, 5)
	o := f.place(t, payment.MethodCOD, 0, buy{v, 1})
	if _, err := f.orders.Ship(ctx, staff, o.ID, "Servientrega", "123"); err != nil {
		t.Fatal(err)
	}
	if es := f.entries(t, o.ID); len(es) != 0 {
		t.Fatalf("shipped unpaid: entries %+v", es)
	}
	f.clock.Add(48 * time.Hour)
	o = f.markPaid(t, o)
	es := f.entries(t, o.ID)
	if amount, _ := sum(es, nil); amount != o.Total || !es[0].OccurredAt.Equal(f.clock.Now()) {
		t.Fatalf("cash collected: entries %+v, want %d now", es, o.Total)
	}
	wantReconciled(t, f.ledger, time.Time{}, time.Time{})
}

func TestFlaggedOrderIsNoSaleUntilReinstated(t *testing.T) {
	f := newFixture(t, 1)
	ctx := context.Background()
	v := f.variant(t, f.ws[0], 30_000_00, 5)
	late := func() order.Order {
		o := f.place(t, payment.MethodCard, 0, buy{v, 1})
		if _, err := f.orders.Cancel(ctx, staff, o.ID, "expired"); err != nil {
			t.Fatal(err)
		}
		if err := f.orders.ApplyEvent(ctx, payment.Event{ID: "evt_" + o.Number, Type: payment.EventCheckoutCompleted,
			OrderID: o.ID, Paid: true, PaymentRef: "pi_" + o.Number}); err != nil {
			t.Fatal(err)
		}
		return o
	}
	refunded := late()
	if _, err := f.orders.RecordRefund(ctx, staff, refunded.ID, refunded.Total, "back", nil); err != nil {
		t.Fatal(err)
	}
	if es := f.entries(t, refunded.ID); len(es) != 0 {
		t.Fatalf("late money refunded: entries %+v", es)
	}
	reinstated := late()
	if es := f.entries(t, reinstated.ID); len(es) != 0 {
		t.Fatalf("flagged: entries %+v", es)
	}
	f.clock.Add(time.Hour)
	if _, err := f.orders.Reinstate(ctx, staff, reinstated.ID); err != nil {
		t.Fatal(err)
	}
	if amount, _ := sum(f.entries(t, reinstated.ID), nil); amount != reinstated.Total {
		t.Fatalf("reinstated: the ledger holds %d", amount)
	}
	wantReconciled(t, f.ledger, time.Time{}, time.Time{})
}

func TestPayouts(t *testing.T) {
	f := newFixture(t, 2)
	ctx := context.Background()
	v := f.variant(t, f.ws[0], 100_000_00, 5)
	f.markPaid(t, f.place(t, payment.MethodTransfer, 0, buy{v, 1})) // share 60.000
	today := f.clock.Now()
	for _, tt := range []struct {
		in    ledger.PayoutInput
		field string
		key   string
	}{
		{ledger.PayoutInput{WorkshopID: f.ws[0], AmountMinor: 0, Date: today, Method: "transfer"}, "amount", "ledger.payout.amount"},
		{ledger.PayoutInput{WorkshopID: f.ws[0], AmountMinor: 1, Date: today.AddDate(0, 0, 2), Method: "transfer"}, "date", "ledger.payout.date"},
		{ledger.PayoutInput{WorkshopID: f.ws[0], AmountMinor: 1, Date: today, Method: "bitcoin"}, "method", "ledger.payout.method"},
	} {
		_, err := f.ledger.RecordPayout(ctx, staff, tt.in)
		wantCode(t, err, apperr.Invalid, tt.key)
		if apperr.FieldsOf(err)[tt.field] != tt.key {
			t.Errorf("%+v: fields %v", tt.in, apperr.FieldsOf(err))
		}
	}
	_, err := f.ledger.RecordPayout(ctx, staff, ledger.PayoutInput{WorkshopID: 999999, AmountMinor: 1, Date: today, Method: "cash"})
	wantCode(t, err, apperr.NotFound, "ledger.workshop_not_found")

	e, err := f.ledger.RecordPayout(ctx, staff, ledger.PayoutInput{WorkshopID: f.ws[0], AmountMinor: 50_000_00,
		Date: today, Method: "transfer", Reference: "TRF-1"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != ledger.KindPayout || e.ShareMinor != -50_000_00 || e.ID == 0 {
		t.Fatalf("payout entry %+v", e)
	}
	if b, err := f.ledger.Balance(ctx, f.ws[0], time.Time{}); err != nil || b != 10_000_00 {
		t.Fatalf("balance %d, %v, want 10.000", b, err)
	}
	over := ledger.PayoutInput{WorkshopID: f.ws[0], AmountMinor: 10_000_01, Date: today, Method: "cash"}
	_, err = f.ledger.RecordPayout(ctx, staff, over)
	wantCode(t, err, apperr.Conflict, "ledger.payout.over_balance")
	if e := apperr.As(err); len(e.Args) != 1 || e.Args[0] != int64(10_000_00) {
		t.Fatalf("over balance args %v, want the balance", e.Args)
	}
	over.ConfirmOverBalance = true
	if _, err := f.ledger.RecordPayout(ctx, staff, over); err != nil {
		t.Fatal(err)
	}
	if b, _ := f.ledger.Balance(ctx, f.ws[0], time.Time{}); b != -1 {
		t.Fatalf("balance after an over payout: %d", b)
	}
	ps, err := f.ledger.Payouts(ctx, f.ws[0])
	if err != nil || len(ps) != 2 {
		t.Fatalf("Payouts = %+v, %v", ps, err)
	}
	if n := countRows(t, f, `SELECT count(*) FROM audit_log WHERE action = 'ledger.payout'`); n != 2 {
		t.Fatalf("%d payouts audited", n)
	}
	wantReconciled(t, f.ledger, time.Time{}, time.Time{})
}

func countRows(t *testing.T, f *fixture, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.Get(&n, q, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLedgerIsAppendOnly(t *testing.T) {
	f := newFixture(t, 1)
	v := f.variant(t, f.ws[0], 10_000_00, 5)
	o := f.markPaid(t, f.place(t, payment.MethodTransfer, 0, buy{v, 1}))
	if _, err := f.orders.RecordRefund(context.Background(), staff, o.ID, 1_000_00, "r", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ledger.RecordPayout(context.Background(), staff, ledger.PayoutInput{WorkshopID: f.ws[0],
		AmountMinor: 1_000_00, Date: f.clock.Now(), Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE ledger_entries SET amount_minor = amount_minor + 1`,
		`UPDATE ledger_entries SET memo = 'x' WHERE id = (SELECT min(id) FROM ledger_entries)`,
		`DELETE FROM ledger_entries`,
		`TRUNCATE ledger_entries`,
		`UPDATE order_refunds SET amount_minor = 1`,
		`DELETE FROM order_refunds`,
		`UPDATE payouts SET amount_minor = 1`,
		`DELETE FROM payouts`,
		`DELETE FROM orders WHERE id = ` + itoa(o.ID),
	} {
		if _, err := f.db.Exec(q); err == nil {
			t.Errorf("%s: no error through the app's connection", q)
		}
	}
	if n := countRows(t, f, `SELECT count(*) FROM ledger_entries`); n != 4 {
		t.Fatalf("%d entries left, want 4 (line, shipping, refund, payout)", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestReconcileFindsATamperedLedger(t *testing.T) {
	f := newFixture(t, 2)
	v := f.variant(t, f.ws[0], 10_000_00, 5)
	o := f.markPaid(t, f.place(t, payment.MethodTransfer, 5_000, buy{v, 2}))
	wantReconciled(t, f.ledger, time.Time{}, time.Time{})
	// A stray entry written around the application.
	if _, err := f.db.Exec(`INSERT INTO ledger_entries (account, workshop_id, kind, source, source_ref, order_id,
			amount_minor, share_bps, share_minor, currency, occurred_at)
		VALUES ('workshop', $1, 'sale', 'order', 'forged', $2, 500, 6000, 300, 'COP', $3)`, f.ws[1], o.ID,
		f.clock.Now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	r, err := f.ledger.Reconcile(context.Background(), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() {
		t.Fatal("reconcile passed a forged entry")
	}
	var bad []ledger.ReportRow
	for _, row := range r.Rows {
		if !row.OK() {
			bad = append(bad, row)
		}
	}
	if len(bad) != 1 || bad[0].WorkshopID != f.ws[1] || bad[0].Recorded.Sales-bad[0].Expected.Sales != 500 {
		t.Fatalf("rows that differ: %+v", bad)
	}
	if len(r.Problems) != 1 {
		t.Fatalf("problems %v, want the order", r.Problems)
	}
	// The forged sale is outside a window that ends before it.
	wantReconciled(t, f.ledger, time.Time{}, f.clock.Now().Add(time.Hour))
}
