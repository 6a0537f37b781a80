package quote

import (
	"context"
	"testing"
)

// Cancelling a quote whose deposit was paid in two transfers, part refunded already,
// and giving the money back: RefundAll returns what is left of each, the workshops'
// credit from the quote goes to zero, reconcile agrees, and a second run refunds nothing.
func TestCancelAndRefundAll(t *testing.T) {
	p := newPayFixture(t)
	ctx := context.Background()
	first, err := p.svc.RecordTransfer(ctx, p.staff, p.q.ID, PaymentDeposit, 50000000, "TRF-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.RecordTransfer(ctx, p.staff, p.q.ID, PaymentDeposit, p.depo-50000000, "TRF-2"); err != nil {
		t.Fatal(err)
	}
	if err := p.svc.Refund(ctx, p.staff, first.ID, 1000000, "Ajuste"); err != nil {
		t.Fatal(err)
	}
	if s := p.status(t, p.q.ID); s != StatusDepositPaid {
		t.Fatalf("status %s, want deposit_paid", s)
	}
	if _, err := p.svc.Cancel(ctx, p.staff, p.q.ID, "La empresa canceló el pedido."); err != nil {
		t.Fatal(err)
	}
	n, err := p.svc.RefundAll(ctx, p.staff, p.q.ID, "Pedido cancelado")
	if err != nil {
		t.Fatal(err)
	}
	if n != p.depo-1000000 {
		t.Errorf("refunded %d, want %d", n, p.depo-1000000)
	}
	if a, b := mustCredit(t, p); a != 0 || b != 0 {
		t.Errorf("credit after cancelling and refunding: %d / %d, want 0 / 0", a, b)
	}
	if _, m := p.money(t); m.Paid != 0 {
		t.Errorf("paid after refunding all: %d", m.Paid)
	}
	p.reconciled(t)
	if n, err := p.svc.RefundAll(ctx, p.staff, p.q.ID, "Pedido cancelado"); err != nil || n != 0 {
		t.Errorf("second RefundAll = %d, %v; want 0, nil", n, err)
	}
}
