// Package payment owns how orders are paid: a provider interface (card payments through
// Stripe Checkout today; a Colombian processor such as Wompi or PayU can be added beside
// it without touching order code), the manual methods (bank transfer, cash on delivery)
// whose payment staff confirm, and the verified, parsed events providers send back.
package payment

import (
	"context"
	"errors"
	"time"
)

// Method is how a shopper chose to pay.
type Method string

// The payment methods.
const (
	MethodCard     Method = "card"     // a provider's hosted checkout (Stripe)
	MethodTransfer Method = "transfer" // bank transfer; staff mark it received
	MethodCOD      Method = "cod"      // cash on delivery (contra entrega)
)

// Line is one line of what the shopper pays, as the provider shows it.
type Line struct {
	Name        string
	UnitMinor   int64 // minor units, taxes included
	Quantity    int
	Description string
}

// CheckoutRequest is an order, or a payment of a corporate quote, to be paid by card:
// exactly one of OrderID and QuotePaymentID is set.
type CheckoutRequest struct {
	OrderID int64
	// QuotePaymentID is the quote payment (package quote's quote_payments row) being
	// paid; OrderNumber then holds the quote's number (COT-2026-00042).
	QuotePaymentID int64
	OrderNumber    string // LIB-2026-000123
	Currency       string // ISO code, e.g. "COP" (two-decimal for Stripe)
	Email          string
	Lang           string // "es" or "en"
	Lines          []Line // products, shipping and donation lines; they sum to the total
	ExpiresAt      time.Time
	SuccessURL     string // where the shopper returns after paying
	CancelURL      string // where the shopper returns after giving up
	// IdempotencyKey makes a retried creation return the same session, never a second.
	IdempotencyKey string

	// DonationID is a gift to the foundation (package donation's donations row); then
	// OrderNumber holds the donation's number (DON-2026-000045).
	DonationID int64
}

// Session is a created hosted checkout.
type Session struct {
	ID  string // provider's id (Stripe: cs_…)
	URL string // where to send the shopper
	// ExpiresAt is when the session closes as the provider was asked: the request's
	// ExpiresAt, or the nearest time the provider allows (Stripe: 30 min to 24 h ahead).
	ExpiresAt time.Time
}

// RefundRequest returns money of a paid order, or of a quote payment (QuotePaymentID).
type RefundRequest struct {
	OrderID        int64
	QuotePaymentID int64
	PaymentRef     string // provider's payment reference (Stripe PaymentIntent id)
	AmountMinor    int64
	Currency       string
	IdempotencyKey string

	DonationID int64 // a gift to the foundation (package donation)
}

// Provider takes card payments. Errors a shopper should see as "card payment is
// unavailable" wrap ErrUnavailable.
type Provider interface {
	CreateCheckout(ctx context.Context, r CheckoutRequest) (Session, error)
	Refund(ctx context.Context, r RefundRequest) (refundID string, err error)
}

// EventType is what a provider tells us happened.
type EventType string

// The events the store acts on; anything else is Ignored.
const (
	EventCheckoutCompleted EventType = "checkout.completed"       // paid, or awaiting an async payment
	EventAsyncSucceeded    EventType = "checkout.async_succeeded" // an async payment (e.g. bank) cleared
	EventAsyncFailed       EventType = "checkout.async_failed"
	EventCheckoutExpired   EventType = "checkout.expired"
	EventRefunded          EventType = "charge.refunded"
	EventIgnored           EventType = "ignored"
)

// Event is a verified provider event, reduced to what the store needs.
type Event struct {
	ID      string // provider's event id: recorded once, so a duplicate is a no-op
	Type    EventType
	RawType string // provider's own type name, for logs
	OrderID int64  // from client_reference_id / metadata; 0 when absent
	// QuotePaymentID is the corporate quote payment the event is about (metadata
	// quote_payment_id, or client_reference_id "quote-payment-N"); 0 when absent.
	QuotePaymentID int64
	SessionID      string
	PaymentRef     string // PaymentIntent id
	Paid           bool   // checkout.completed: payment_status == "paid"
	AmountMinor    int64  // amount paid, or refunded so far (charge.refunded)
	Currency       string // ISO code, upper case ("COP")
	Created        time.Time
	Livemode       bool   // false for events of the provider's test mode
	APIVersion     string // the provider's API version the event was rendered in

	// DonationID is the gift the event is about (metadata donation_id, or
	// client_reference_id "donation-N"); 0 when absent.
	DonationID int64
}

// ErrUnavailable marks a provider that could not be reached or answered with a server
// error: the shopper is told card payment is unavailable and may choose manual payment.
var ErrUnavailable = errors.New("payment provider unavailable")
