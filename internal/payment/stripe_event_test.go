package payment_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/payment/stripetest"
)

// session is a Checkout Session object as Stripe sends it in events (the fields read).
func session(over map[string]any) map[string]any {
	m := map[string]any{
		"id": "cs_test_a1", "object": "checkout.session", "mode": "payment", "status": "complete",
		"client_reference_id": "42", "metadata": map[string]any{"order_id": "42", "order_number": "LIB-2026-000042"},
		"payment_intent": "pi_3Libres", "payment_status": "paid", "amount_total": 15700000, "currency": "cop",
		"customer_email": "ana@example.co",
	}
	for k, v := range over {
		m[k] = v
	}
	return m
}

func TestParseEventTypes(t *testing.T) {
	s, _ := newStripe(t, "", 0) // parsing makes no request: no stripe-mock needed
	tests := []struct {
		name   string
		typ    string
		object map[string]any
		want   payment.Event
	}{
		{"completed and paid", "checkout.session.completed", session(nil),
			payment.Event{Type: payment.EventCheckoutCompleted, OrderID: 42, SessionID: "cs_test_a1", PaymentRef: "pi_3Libres",
				Paid: true, AmountMinor: 15700000, Currency: "COP"}},
		{"completed, awaiting an async payment", "checkout.session.completed", session(map[string]any{"payment_status": "unpaid"}),
			payment.Event{Type: payment.EventCheckoutCompleted, OrderID: 42, SessionID: "cs_test_a1", PaymentRef: "pi_3Libres",
				AmountMinor: 15700000, Currency: "COP"}},
		{"async payment succeeded", "checkout.session.async_payment_succeeded", session(nil),
			payment.Event{Type: payment.EventAsyncSucceeded, OrderID: 42, SessionID: "cs_test_a1", PaymentRef: "pi_3Libres",
				Paid: true, AmountMinor: 15700000, Currency: "COP"}},
		{"async payment failed", "checkout.session.async_payment_failed", session(map[string]any{"payment_status": "unpaid"}),
			payment.Event{Type: payment.EventAsyncFailed, OrderID: 42, SessionID: "cs_test_a1", PaymentRef: "pi_3Libres",
				AmountMinor: 15700000, Currency: "COP"}},
		{"expired", "checkout.session.expired", session(map[string]any{"status": "expired", "payment_status": "unpaid", "payment_intent": nil}),
			payment.Event{Type: payment.EventCheckoutExpired, OrderID: 42, SessionID: "cs_test_a1", AmountMinor: 15700000, Currency: "COP"}},
		{"order id from metadata only", "checkout.session.completed", session(map[string]any{"client_reference_id": nil}),
			payment.Event{Type: payment.EventCheckoutCompleted, OrderID: 42, SessionID: "cs_test_a1", PaymentRef: "pi_3Libres",
				Paid: true, AmountMinor: 15700000, Currency: "COP"}},
		{"a session of another integration", "checkout.session.completed",
			session(map[string]any{"client_reference_id": "crm-77", "metadata": map[string]any{}}),
			payment.Event{Type: payment.EventCheckoutCompleted, SessionID: "cs_test_a1", PaymentRef: "pi_3Libres",
				Paid: true, AmountMinor: 15700000, Currency: "COP"}},
		{"expanded payment intent", "checkout.session.completed",
			session(map[string]any{"payment_intent": map[string]any{"id": "pi_3Libres", "object": "payment_intent"}}),
			payment.Event{Type: payment.EventCheckoutCompleted, OrderID: 42, SessionID: "cs_test_a1", PaymentRef: "pi_3Libres",
				Paid: true, AmountMinor: 15700000, Currency: "COP"}},
		{"refunded", "charge.refunded", map[string]any{"id": "ch_3Libres", "object": "charge", "amount": 15700000,
			"amount_refunded": 5000000, "currency": "cop", "payment_intent": "pi_3Libres", "refunded": false,
			"metadata": map[string]any{"order_id": "42", "order_number": "LIB-2026-000042"}},
			payment.Event{Type: payment.EventRefunded, OrderID: 42, PaymentRef: "pi_3Libres", AmountMinor: 5000000, Currency: "COP"}},
		{"another type", "payment_intent.succeeded", map[string]any{"id": "pi_3Libres", "object": "payment_intent", "amount": 15700000},
			payment.Event{Type: payment.EventIgnored}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := stripetest.Event(tt.typ, tt.object)
			payload, err := json.Marshal(raw)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.ParseEvent(payload, stripetest.Sign(whsec, payload))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.ID, want.RawType, want.APIVersion = raw["id"].(string), tt.typ, "2023-10-16"
			want.Created = time.Unix(raw["created"].(int64), 0).UTC()
			if got != want {
				t.Errorf("ParseEvent =\n %+v\nwant\n %+v", got, want)
			}
		})
	}
}

func TestParseEventRefusesUnverified(t *testing.T) {
	s, _ := newStripe(t, "", 0)
	payload, header := stripetest.SignedEvent(t, whsec, "checkout.session.completed", session(nil))
	tampered := []byte(strings.Replace(string(payload), `"amount_total":15700000`, `"amount_total":100`, 1))
	if string(tampered) == string(payload) {
		t.Fatal("tampering changed nothing")
	}
	old := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: whsec,
		Timestamp: time.Now().Add(-10 * time.Minute)})
	_, otherHeader := stripetest.SignedEvent(t, "whsec_someone_else", "checkout.session.completed", session(nil))
	garbage := []byte(`{"id": "evt_1", "type": `)
	tests := []struct {
		name, header string
		payload      []byte
		want         error
	}{
		{"wrong secret", stripetest.Sign("whsec_someone_else", payload), payload, webhook.ErrNoValidSignature},
		{"another event's signature", otherHeader, payload, webhook.ErrNoValidSignature},
		{"tampered body", header, tampered, webhook.ErrNoValidSignature},
		{"no header", "", payload, webhook.ErrNotSigned},
		{"garbled header", "t=abc,v1=zz", payload, webhook.ErrInvalidHeader},
		{"too old", old.Header, payload, webhook.ErrTooOld},
		{"signed, but not JSON", stripetest.Sign(whsec, garbage), garbage, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.ParseEvent(tt.payload, tt.header)
			if !errors.Is(err, payment.ErrInvalidEvent) {
				t.Fatalf("err = %v, want ErrInvalidEvent", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParseEventOtherAPIVersion(t *testing.T) {
	s, logs := newStripe(t, "", 0)
	raw := stripetest.Event("checkout.session.completed", session(nil))
	raw["api_version"] = "2024-06-20"
	payload, _ := json.Marshal(raw)
	got, err := s.ParseEvent(payload, stripetest.Sign(whsec, payload))
	if err != nil {
		t.Fatalf("an event of another API version was refused: %v", err)
	}
	if got.Type != payment.EventCheckoutCompleted || got.OrderID != 42 || !got.Paid || got.APIVersion != "2024-06-20" {
		t.Errorf("event = %+v, want it parsed", got)
	}
	out := logs.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "2024-06-20") || !strings.Contains(out, "2023-10-16") {
		t.Errorf("no warning naming both API versions:\n%s", out)
	}

	// One whose object no longer decodes is refused with a reason naming the versions.
	raw["data"] = map[string]any{"object": session(map[string]any{"amount_total": map[string]any{"value": 15700000}})}
	payload, _ = json.Marshal(raw)
	_, err = s.ParseEvent(payload, stripetest.Sign(whsec, payload))
	if !errors.Is(err, payment.ErrInvalidEvent) || !strings.Contains(err.Error(), "2024-06-20") || !strings.Contains(err.Error(), "2023-10-16") {
		t.Errorf("undecodable event: err = %v, want ErrInvalidEvent naming both API versions", err)
	}
}

// FuzzParseEvent: the webhook body is untrusted input; whatever it is, ParseEvent
// answers without panicking, and a body not signed with our secret is always refused.
func FuzzParseEvent(f *testing.F) {
	payload, _ := json.Marshal(stripetest.Event("checkout.session.completed", session(nil)))
	f.Add(payload, true)
	f.Add([]byte(`{"id":"evt_1","type":"charge.refunded","data":{"object":{"payment_intent":{"id":7}}}}`), true)
	f.Add([]byte(`{}`), false)
	f.Fuzz(func(t *testing.T, body []byte, signed bool) {
		s, _ := newStripe(t, "", 0)
		header := "t=1,v1=00"
		if signed {
			header = stripetest.Sign(whsec, body)
		}
		_, err := s.ParseEvent(body, header)
		if !signed && err == nil {
			t.Fatal("an unsigned body was accepted")
		}
	})
}
