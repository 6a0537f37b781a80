package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
)

// TestRandomHistoryReconciles drives a few hundred random orders across workshops
// through every way money moves (webhooks duplicated and out of order, staff payments,
// cash on delivery, partial and full refunds by amount and by line, share changes,
// payouts) over several months, then checks that reconcile finds nothing, that the
// ledger holds exactly what sold orders were paid minus refunds, and that every
// statement equals the sum of its entries and chains to the next.
func TestRandomHistoryReconciles(t *testing.T) {
	orders := 300
	if testing.Short() {
		orders = 60
	}
	f := newFixture(t, 4)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(2026, 1480))
	var variants []int64
	for i := 0; i < 12; i++ {
		price := int64(1+r.IntN(400_000)) * 100
		if i%4 == 0 {
			price += int64(r.IntN(100)) // odd minor units make rounding work
		}
		variants = append(variants, f.variant(t, f.ws[i%len(f.ws)], price, 100_000))
	}
	start := f.clock.Now()
	ev := 0
	event := func(o order.Order, typ payment.EventType, amount int64, id string) {
		t.Helper()
		if id == "" {
			ev++
			id = fmt.Sprintf("evt_%d", ev)
		}
		err := f.orders.ApplyEvent(ctx, payment.Event{ID: id, Type: typ, OrderID: o.ID, Paid: true,
			PaymentRef: "pi_" + o.Number, AmountMinor: amount, Currency: "COP"})
		if err != nil {
			t.Fatalf("event %s %s on %s: %v", id, typ, o.Number, err)
		}
	}
	var sold []order.Order
	for i := 0; i < orders; i++ {
		f.clock.Add(time.Duration(r.IntN(8*60)) * time.Minute * 6) // up to two days
		var lines []buy
		for _, j := range r.Perm(len(variants))[:1+r.IntN(4)] {
			lines = append(lines, buy{variants[j], 1 + r.IntN(3)})
		}
		methods := []payment.Method{payment.MethodCard, payment.MethodTransfer, payment.MethodCOD}
		o := f.place(t, methods[r.IntN(3)], []int{0, 0, 10_000, 33_333}[r.IntN(4)], lines...)
		switch {
		case r.IntN(10) == 0: // never paid
			continue
		case o.Method == payment.MethodCard:
			id := ""
			if r.IntN(3) == 0 {
				event(o, payment.EventCheckoutCompleted, o.Total, "")
				event(o, payment.EventCheckoutExpired, 0, "") // late: a no-op
			}
			ev++
			id = fmt.Sprintf("evt_paid_%d", ev)
			event(o, payment.EventCheckoutCompleted, o.Total, id)
			if r.IntN(2) == 0 {
				event(o, payment.EventCheckoutCompleted, o.Total, id) // redelivered
			}
		case o.Method == payment.MethodCOD && r.IntN(2) == 0:
			if _, err := f.orders.Ship(ctx, staff, o.ID, "Envia", "T1"); err != nil {
				t.Fatal(err)
			}
			f.clock.Add(time.Duration(r.IntN(72)) * time.Hour)
			f.markPaid(t, o)
		default:
			f.markPaid(t, o)
		}
		o, err := f.orders.Order(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		sold = append(sold, o)

		// Refunds of some earlier order.
		if r.IntN(3) == 0 {
			target := sold[r.IntN(len(sold))]
			refund(t, f, r, target, event)
		}
		// Now and then a share changes or a payout is made.
		if r.IntN(25) == 0 {
			ws := f.ws[r.IntN(len(f.ws))]
			if err := f.ledger.SetShare(ctx, staff, ws, 4000+r.IntN(4001), f.clock.Now().AddDate(0, 0, r.IntN(3))); err != nil {
				t.Fatal(err)
			}
		}
		if r.IntN(15) == 0 {
			ws := f.ws[r.IntN(len(f.ws))]
			_, err := f.ledger.RecordPayout(ctx, staff, ledger.PayoutInput{WorkshopID: ws, AmountMinor: int64(1+r.IntN(300_000)) * 100,
				Date: f.clock.Now().AddDate(0, 0, -r.IntN(3)), Method: "transfer", ConfirmOverBalance: r.IntN(4) == 0})
			if err != nil && apperr.KeyOf(err) != "ledger.payout.over_balance" {
				t.Fatal(err)
			}
		}
	}
	end := f.clock.Now().Add(time.Hour)

	rep := wantReconciled(t, f.ledger, time.Time{}, time.Time{})
	if rep.Orders < orders/2 || rep.Refunds == 0 {
		t.Fatalf("the history is too thin to prove anything: %d orders, %d refunds", rep.Orders, rep.Refunds)
	}
	for m := ledger.MonthStart(start); m.Before(end); m = m.AddDate(0, 1, 0) {
		wantReconciled(t, f.ledger, m, m.AddDate(0, 1, 0))
	}

	// The ledger holds what sold orders were paid, minus refunds.
	var want, have int64
	if err := f.db.Get(&want, `SELECT COALESCE(sum(total_minor - refunded_minor), 0) FROM orders
		WHERE paid_at IS NOT NULL AND status NOT IN ('cancelled', 'pending_payment', 'awaiting_payment')`); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Get(&have, `SELECT COALESCE(sum(amount_minor), 0) FROM ledger_entries WHERE kind IN ('sale', 'refund')`); err != nil {
		t.Fatal(err)
	}
	if want != have {
		t.Fatalf("ledger holds %d, paid orders minus refunds %d", have, want)
	}
	ov, err := f.ledger.Overview(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if ov.Net != want {
		t.Fatalf("overview net %d, want %d", ov.Net, want)
	}

	// Statements: the sum of their entries, chained month to month.
	for _, w := range ov.Workshops {
		var net, share int64
		closing := int64(0)
		for m := ledger.MonthStart(start); m.Before(end); m = m.AddDate(0, 1, 0) {
			st, err := f.ledger.Statement(ctx, w.WorkshopID, m)
			if err != nil {
				t.Fatal(err)
			}
			if st.OpeningBalance != closing {
				t.Fatalf("%s %s: opening %d, previous closing %d", w.Name, m.Format("2006-01"), st.OpeningBalance, closing)
			}
			checkStatement(t, f, st)
			closing = st.ClosingBalance
			net += st.Net
			share += st.Share
		}
		if net != w.Net || share != w.Share || closing != w.Balance {
			t.Fatalf("%s: statements net %d share %d closing %d; overview %d %d %d", w.Name, net, share, closing, w.Net, w.Share, w.Balance)
		}
	}
}

// refund gives back part or all of what an order still holds: through staff (by amount
// or by lines) or through provider events (cumulative, duplicated, out of order).
func refund(t *testing.T, f *fixture, r *rand.Rand, o order.Order, event func(order.Order, payment.EventType, int64, string)) {
	t.Helper()
	ctx := context.Background()
	o, err := f.orders.Order(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	left := o.Total - o.RefundedMinor
	if left == 0 {
		return
	}
	amount := left
	if r.IntN(3) > 0 {
		amount = 1 + r.Int64N(left)
	}
	if o.Method == payment.MethodCard && r.IntN(2) == 0 {
		total := o.RefundedMinor + amount
		event(o, payment.EventRefunded, total, "")
		event(o, payment.EventRefunded, max(total-1, 1), "") // older total arriving late
		return
	}
	var lines []int
	if r.IntN(2) == 0 {
		for _, l := range o.Lines {
			if r.IntN(2) == 0 {
				lines = append(lines, l.LineNo)
			}
		}
	}
	if _, err := f.orders.RecordRefundFrom(ctx, staff, o.ID, o.RefundedMinor, amount, "R", lines); err != nil {
		t.Fatalf("refund %d of %s: %v", amount, o.Number, err)
	}
	// A double submit of the same refund records nothing.
	if _, err := f.orders.RecordRefundFrom(ctx, staff, o.ID, o.RefundedMinor, amount, "R", lines); apperr.KeyOf(err) != "order.refund_changed" {
		t.Fatalf("second submit: %v", err)
	}
}

// checkStatement compares a statement with the entries listed independently.
func checkStatement(t *testing.T, f *fixture, st ledger.Statement) {
	t.Helper()
	es, n, err := f.ledger.Entries(context.Background(), ledger.EntryFilter{WorkshopID: st.WorkshopID, From: st.From, To: st.To, PerPage: 500})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(st.Entries) || n > 500 {
		t.Fatalf("statement %s: %d entries, listing %d", st.Month.Format("2006-01"), len(st.Entries), n)
	}
	var gross, refunds, share, payouts, units, sold, refunded int
	for _, e := range es {
		switch e.Kind {
		case ledger.KindSale:
			gross += int(e.AmountMinor)
			share += int(e.ShareMinor)
			units += e.Quantity
		case ledger.KindRefund:
			refunds -= int(e.AmountMinor)
			share += int(e.ShareMinor)
			units += e.Quantity
		case ledger.KindPayout:
			payouts -= int(e.ShareMinor)
		}
	}
	for _, u := range st.Units {
		sold += u.Sold
		refunded += u.Refunded
	}
	if int64(gross) != st.Gross || int64(refunds) != st.Refunds || int64(share) != st.Share || int64(payouts) != st.Payouts ||
		st.Net != st.Gross-st.Refunds || units != sold-refunded {
		t.Fatalf("statement %d %s: %+v; entries gross %d refunds %d share %d payouts %d units %d",
			st.WorkshopID, st.Month.Format("2006-01"), st, gross, refunds, share, payouts, units)
	}
	b, err := f.ledger.Balance(context.Background(), st.WorkshopID, st.To)
	if err != nil || b != st.ClosingBalance || st.ClosingBalance != st.OpeningBalance+st.Share+st.Adjustments-st.Payouts {
		t.Fatalf("statement closing %d, balance at its end %d (%v)", st.ClosingBalance, b, err)
	}
}
