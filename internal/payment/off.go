package payment

import (
	"context"
	"fmt"
)

// Off is the Provider of a store without a card payment account (no STRIPE_SECRET_KEY):
// every call fails with ErrUnavailable, so checkout offers the manual methods only.
// The manual methods themselves (transfer, cash on delivery) need no provider: the
// order records the method and staff mark the payment received.
type Off struct{}

var _ Provider = Off{}

// CreateCheckout reports card payment unavailable.
func (Off) CreateCheckout(_ context.Context, r CheckoutRequest) (Session, error) {
	return Session{}, fmt.Errorf("checkout for %s: card payment is not configured: %w", r.what(), ErrUnavailable)
}

// Refund reports card payment unavailable.
func (Off) Refund(_ context.Context, r RefundRequest) (string, error) {
	return "", fmt.Errorf("refund for %s: card payment is not configured: %w", r.what(), ErrUnavailable)
}
