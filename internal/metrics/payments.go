package metrics

import (
	"context"
	"errors"

	"github.com/libres/storefront/internal/payment"
)

// Payments wraps the card provider so that its failures count in
// libres_payments_failed_total; a nil Metrics or provider returns p as it is.
func (m *Metrics) Payments(p payment.Provider) payment.Provider {
	if m == nil || p == nil {
		return p
	}
	return countedProvider{p, m}
}

type countedProvider struct {
	payment.Provider
	m *Metrics
}

func (c countedProvider) CreateCheckout(ctx context.Context, r payment.CheckoutRequest) (payment.Session, error) {
	s, err := c.Provider.CreateCheckout(ctx, r)
	c.m.paymentFailed("checkout", err)
	return s, err
}

func (c countedProvider) Refund(ctx context.Context, r payment.RefundRequest) (string, error) {
	id, err := c.Provider.Refund(ctx, r)
	c.m.paymentFailed("refund", err)
	return id, err
}

// paymentFailed counts err, if any, by what the shopper or staff can do about it.
func (m *Metrics) paymentFailed(op string, err error) {
	if err == nil {
		return
	}
	reason := "refused"
	switch {
	case errors.Is(err, context.Canceled):
		reason = "canceled"
	case errors.Is(err, payment.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		reason = "unavailable"
	}
	m.payments.WithLabelValues(op, reason).Inc()
}
