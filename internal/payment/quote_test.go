package payment_test

import (
	"context"
	"testing"
	"time"

	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/payment/stripetest"
)

// quoteCheckout is the deposit of a corporate quote, as package quote asks for it.
func quoteCheckout() payment.CheckoutRequest {
	return payment.CheckoutRequest{
		QuotePaymentID: 7, OrderNumber: "COT-2026-00042", Currency: "COP", Lang: "es",
		Lines:      []payment.Line{{Name: "Anticipo COT-2026-00042", UnitMinor: 150000000, Quantity: 1}},
		ExpiresAt:  time.Now().Add(time.Hour).Truncate(time.Second),
		SuccessURL: "https://libres.example.co/corporate/quotes/3?paid=1", CancelURL: "https://libres.example.co/corporate/quotes/3",
		IdempotencyKey: "quote-payment-7",
	}
}

func TestCreateCheckoutForAQuotePayment(t *testing.T) {
	rec, u := stripetest.NewRecorder(t, stripetest.URL(t))
	s, _ := newStripe(t, u, 0)
	if _, err := s.CreateCheckout(context.Background(), quoteCheckout()); err != nil {
		t.Fatal(err)
	}
	got := rec.Last()
	want := map[string]string{
		"client_reference_id":                             "quote-payment-7",
		"metadata[quote_payment_id]":                      "7",
		"metadata[quote_number]":                          "COT-2026-00042",
		"payment_intent_data[metadata][quote_payment_id]": "7",
		"payment_intent_data[description]":                "COT-2026-00042",
		"line_items[0][price_data][unit_amount]":          "150000000",
		"metadata[order_id]":                              "",
		"payment_intent_data[metadata][order_id]":         "",
	}
	for k, v := range want {
		if g := got.Form.Get(k); g != v {
			t.Errorf("%s = %q, want %q", k, g, v)
		}
	}
	if got.IdempotencyKey() != "quote-payment-7" {
		t.Errorf("idempotency key = %q", got.IdempotencyKey())
	}

	rec.Reset()
	both := quoteCheckout()
	both.OrderID = 42
	if _, err := s.CreateCheckout(context.Background(), both); err == nil {
		t.Error("a request naming an order and a quote payment was accepted")
	}
	if n := len(rec.Requests()); n != 0 {
		t.Errorf("%d invalid requests were sent", n)
	}
}

func TestRefundOfAQuotePayment(t *testing.T) {
	rec, u := stripetest.NewRecorder(t, stripetest.URL(t))
	s, _ := newStripe(t, u, 0)
	_, err := s.Refund(context.Background(), payment.RefundRequest{QuotePaymentID: 7, PaymentRef: "pi_3Quote",
		AmountMinor: 5000000, Currency: "COP", IdempotencyKey: "quote-payment-7-refund-to-5000000"})
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Last()
	if got.Form.Get("metadata[quote_payment_id]") != "7" || got.Form.Get("metadata[order_id]") != "" ||
		got.Form.Get("payment_intent") != "pi_3Quote" || got.Form.Get("amount") != "5000000" {
		t.Errorf("refund sent %v", got.Form)
	}
}

func TestParseEventOfAQuotePayment(t *testing.T) {
	s, _ := newStripe(t, "", 0)
	quoteSession := func(over map[string]any) map[string]any {
		m := session(map[string]any{"client_reference_id": "quote-payment-7",
			"metadata": map[string]any{"quote_payment_id": "7", "quote_number": "COT-2026-00042"}})
		for k, v := range over {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name   string
		typ    string
		object map[string]any
		order  int64
		quote  int64
	}{
		{"session", "checkout.session.completed", quoteSession(nil), 0, 7},
		{"session, metadata only", "checkout.session.completed", quoteSession(map[string]any{"client_reference_id": nil}), 0, 7},
		{"session, reference only", "checkout.session.expired", quoteSession(map[string]any{"metadata": map[string]any{}}), 0, 7},
		{"an order's session", "checkout.session.completed", session(nil), 42, 0},
		{"refunded charge (PaymentIntent metadata copied)", "charge.refunded", map[string]any{"id": "ch_1", "object": "charge",
			"payment_intent": "pi_3Quote", "amount_refunded": 5000000, "currency": "cop",
			"metadata": map[string]any{"quote_payment_id": "7", "quote_number": "COT-2026-00042"}}, 0, 7},
		{"nonsense reference", "checkout.session.completed", quoteSession(map[string]any{"client_reference_id": "quote-payment-x",
			"metadata": map[string]any{}}), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload, sig := stripetest.SignedEvent(t, whsec, tt.typ, tt.object)
			e, err := s.ParseEvent(payload, sig)
			if err != nil {
				t.Fatal(err)
			}
			if e.OrderID != tt.order || e.QuotePaymentID != tt.quote {
				t.Errorf("order %d, quote payment %d; want %d, %d", e.OrderID, e.QuotePaymentID, tt.order, tt.quote)
			}
		})
	}
}
