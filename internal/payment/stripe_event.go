package payment

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
)

// ErrInvalidEvent marks a webhook delivery that is not a verified, readable event: no
// or a wrong signature, a timestamp outside the tolerance, a body that does not
// decode. The webhook handler answers 400.
var ErrInvalidEvent = errors.New("invalid provider event")

// StripeAPIVersion is the API version stripe-go v76 speaks and decodes; the webhook
// endpoint must be created with it (docs/payments.md).
const StripeAPIVersion = stripe.APIVersion

// ParseEvent verifies a Stripe webhook delivery (the raw body and its Stripe-Signature
// header, within stripe-go's default tolerance of 5 minutes) and reduces it to an
// Event. Types the store does not act on come back as EventIgnored.
//
// An event rendered in another API version than stripe-go's is still parsed (the
// fields read here have kept their shape across versions) and logged as a warning
// naming both versions, so that a mis-configured endpoint is noticed rather than its
// events dropped; one that does not decode is an error saying so.
func (s *Stripe) ParseEvent(payload []byte, sigHeader string) (Event, error) {
	se, err := webhook.ConstructEventWithOptions(payload, sigHeader, s.webhookSecret,
		webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		return Event{}, fmt.Errorf("%w: stripe webhook: %w", ErrInvalidEvent, err)
	}
	e := Event{ID: se.ID, RawType: string(se.Type), Created: time.Unix(se.Created, 0).UTC(),
		Livemode: se.Livemode, APIVersion: se.APIVersion, Type: EventIgnored}
	if se.APIVersion != stripe.APIVersion {
		s.log.Warn("stripe event in another API version than stripe-go's: create the webhook endpoint with api_version "+stripe.APIVersion+" (docs/payments.md)",
			"event_id", se.ID, "type", se.Type, "event_api_version", se.APIVersion, "stripe_go_api_version", stripe.APIVersion)
	}
	if se.ID == "" || se.Data == nil {
		return Event{}, fmt.Errorf("%w: stripe webhook: event without id or data", ErrInvalidEvent)
	}
	decode := func(v any) error {
		if err := json.Unmarshal(se.Data.Raw, v); err != nil {
			return fmt.Errorf("%w: decode %s event %s (api_version %s; stripe-go v76 decodes %s): %w",
				ErrInvalidEvent, se.Type, se.ID, se.APIVersion, stripe.APIVersion, err)
		}
		return nil
	}
	switch se.Type {
	case "checkout.session.completed", "checkout.session.async_payment_succeeded",
		"checkout.session.async_payment_failed", "checkout.session.expired":
		var cs stripe.CheckoutSession
		if err := decode(&cs); err != nil {
			return Event{}, err
		}
		e.Type = checkoutEventTypes[se.Type]
		e.SessionID = cs.ID
		e.OrderID = orderIDOf(cs.ClientReferenceID, cs.Metadata)
		e.QuotePaymentID = quotePaymentIDOf(cs.ClientReferenceID, cs.Metadata)
		e.DonationID = donationIDOf(cs.ClientReferenceID, cs.Metadata)
		if cs.PaymentIntent != nil {
			e.PaymentRef = cs.PaymentIntent.ID
		}
		e.Paid = cs.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid
		e.AmountMinor = cs.AmountTotal
		e.Currency = strings.ToUpper(string(cs.Currency))
	case "charge.refunded":
		var ch stripe.Charge
		if err := decode(&ch); err != nil {
			return Event{}, err
		}
		e.Type = EventRefunded
		e.OrderID = orderIDOf("", ch.Metadata) // PaymentIntent metadata copied to its charges
		e.QuotePaymentID = quotePaymentIDOf("", ch.Metadata)
		e.DonationID = donationIDOf("", ch.Metadata)
		if ch.PaymentIntent != nil {
			e.PaymentRef = ch.PaymentIntent.ID
		}
		e.AmountMinor = ch.AmountRefunded
		e.Currency = strings.ToUpper(string(ch.Currency))
	}
	return e, nil
}

var checkoutEventTypes = map[stripe.EventType]EventType{
	"checkout.session.completed":               EventCheckoutCompleted,
	"checkout.session.async_payment_succeeded": EventAsyncSucceeded,
	"checkout.session.async_payment_failed":    EventAsyncFailed,
	"checkout.session.expired":                 EventCheckoutExpired,
}

// orderIDOf reads the order id from a session's client_reference_id, else from the
// object's metadata; 0 when neither holds one (a session some other integration on
// the same account made).
func orderIDOf(ref string, meta map[string]string) int64 {
	for _, s := range []string{ref, meta["order_id"]} {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			return id
		}
	}
	return 0
}

// quotePaymentIDOf reads the quote payment id from a session's client_reference_id
// ("quote-payment-N"), else from the object's metadata (quote_payment_id); 0 when
// neither holds one.
func quotePaymentIDOf(ref string, meta map[string]string) int64 {
	n, ok := strings.CutPrefix(ref, quoteRefPrefix)
	if !ok {
		n = meta["quote_payment_id"]
	}
	if id, err := strconv.ParseInt(n, 10, 64); err == nil && id > 0 {
		return id
	}
	return 0
}

// donationIDOf reads the donation id from a session's client_reference_id
// ("donation-N"), else from the object's metadata (donation_id); 0 when neither holds one.
func donationIDOf(ref string, meta map[string]string) int64 {
	n, ok := strings.CutPrefix(ref, donationRefPrefix)
	if !ok {
		n = meta["donation_id"]
	}
	if id, err := strconv.ParseInt(n, 10, 64); err == nil && id > 0 {
		return id
	}
	return 0
}
