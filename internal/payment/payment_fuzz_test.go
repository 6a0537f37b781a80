package payment_test

import (
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/payment/stripetest"
)

// FuzzWebhook: a Stripe webhook delivery. Whatever the body, ParseEvent answers a known
// event type or ErrInvalidEvent, the same answer every time; the body is refused when it
// is signed with another secret, when its signature is older than the 5 minutes'
// tolerance, or when one byte of it differs from what was signed.
func FuzzWebhook(f *testing.F) {
	add := func(typ string, object map[string]any) {
		b, err := json.Marshal(stripetest.Event(typ, object))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(0))
	}
	add("checkout.session.completed", session(nil))
	add("checkout.session.expired", session(map[string]any{"client_reference_id": "quote-payment-7", "payment_status": "unpaid"}))
	add("charge.refunded", map[string]any{"id": "ch_1", "object": "charge", "amount_refunded": 500000, "currency": "cop",
		"payment_intent": "pi_1", "metadata": map[string]any{"order_id": "-3", "quote_payment_id": "9"}})
	add("checkout.session.completed", session(map[string]any{"amount_total": "lots", "metadata": []int{1}}))
	add("customer.created", map[string]any{"id": "cus_1"})
	f.Add([]byte(`{"id":"","data":null}`), uint16(3))
	f.Add([]byte(`[]`), uint16(1))
	s, err := payment.NewStripe(payment.StripeConfig{SecretKey: stripetest.Key, WebhookSecret: whsec,
		Log: slog.New(slog.DiscardHandler)}) // parsing makes no request
	if err != nil {
		f.Fatal(err)
	}
	known := map[payment.EventType]bool{payment.EventCheckoutCompleted: true, payment.EventAsyncSucceeded: true,
		payment.EventAsyncFailed: true, payment.EventCheckoutExpired: true, payment.EventRefunded: true, payment.EventIgnored: true}
	f.Fuzz(func(t *testing.T, body []byte, flip uint16) {
		e, err := s.ParseEvent(body, stripetest.Sign(whsec, body))
		if err != nil {
			if !errors.Is(err, payment.ErrInvalidEvent) {
				t.Fatalf("ParseEvent: %v, not ErrInvalidEvent", err)
			}
		} else {
			if !known[e.Type] || e.ID == "" || e.OrderID < 0 || e.QuotePaymentID < 0 {
				t.Fatalf("event %+v", e)
			}
			again, err := s.ParseEvent(body, stripetest.Sign(whsec, body))
			if err != nil || !reflect.DeepEqual(again, e) {
				t.Fatalf("the same delivery parses as %+v, %v", again, err)
			}
		}
		if _, err := s.ParseEvent(body, stripetest.Sign("whsec_someone_else", body)); err == nil {
			t.Fatal("a body signed with another secret was accepted")
		}
		old := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: whsec,
			Timestamp: time.Now().Add(-6 * time.Minute)}).Header
		if _, err := s.ParseEvent(body, old); err == nil {
			t.Fatal("a signature 6 minutes old was accepted")
		}
		if len(body) > 0 {
			changed := append([]byte(nil), body...)
			changed[int(flip)%len(changed)] ^= 1 + byte(flip>>8)%255
			if _, err := s.ParseEvent(changed, stripetest.Sign(whsec, body)); err == nil {
				t.Fatalf("a body changed after signing was accepted: %q", changed)
			}
		}
	})
}
