package admin

import (
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
)

// The idempotency key follows the refunded total a refund leads to: asked twice from
// the same page, the same refund; a later refund of the same amount, a new one.
func TestRefundRequestKey(t *testing.T) {
	paid := time.Now()
	o := order.Order{ID: 42, PaymentRef: "pi_1", Method: payment.MethodCard, PaidAt: &paid,
		Totals: order.Totals{Currency: "COP", Total: 100_000_00}}
	first, twice := refundRequest(o, 30_000_00), refundRequest(o, 30_000_00)
	o.RefundedMinor = 30_000_00
	later := refundRequest(o, 30_000_00)
	if first != twice || first.IdempotencyKey != "order-42-refund-to-3000000" {
		t.Errorf("first = %+v, again %+v", first, twice)
	}
	if later.IdempotencyKey == first.IdempotencyKey || later.AmountMinor != 30_000_00 || later.PaymentRef != "pi_1" || later.Currency != "COP" {
		t.Errorf("later = %+v", later)
	}
}

func TestPlanRefund(t *testing.T) {
	paid := time.Now()
	o := order.Order{PaidAt: &paid, RefundedMinor: 10_000_00, Totals: order.Totals{Currency: "COP", Total: 110_000_00},
		Lines: []order.Line{{LineNo: 1, TotalMinor: 60_000_00}, {LineNo: 2, TotalMinor: 40_000_00}}}
	for _, tc := range []struct {
		name, mode, typed string
		lines             []int
		want              int64
		field             string
	}{
		{"full", "full", "", []int{1}, 100_000_00, ""},
		{"lines", "lines", "", []int{2}, 40_000_00, ""},
		{"both lines", "lines", "", []int{1, 2}, 100_000_00, ""},
		{"amount", "amount", "$ 25.000", nil, 25_000_00, ""},
		{"amount too big", "amount", "100.001", nil, 0, "amount"},
		{"amount zero", "amount", "0", nil, 0, "amount"},
		{"amount not a number", "amount", "1e5", nil, 0, "amount"},
		{"no lines", "lines", "", nil, 0, "lines"},
		{"unknown line", "amount", "1.000", []int{3}, 0, "lines"},
		{"no mode", "", "", nil, 0, "mode"},
	} {
		got, _, err := planRefund(o, tc.mode, tc.typed, tc.lines)
		if tc.field == "" && (err != nil || got != tc.want) {
			t.Errorf("%s: %d, %v; want %d", tc.name, got, err, tc.want)
		}
		if tc.field != "" && apperr.FieldsOf(err)[tc.field] == "" {
			t.Errorf("%s: %v, want an error on %s", tc.name, err, tc.field)
		}
	}
	unpaid := o
	unpaid.PaidAt = nil
	if _, _, err := planRefund(unpaid, "full", "", nil); apperr.FieldsOf(err)["amount"] == "" {
		t.Errorf("an unpaid order was refundable: %v", err)
	}
}
