package quote

// Payments of deposit and balance (card through the payment provider, or a bank
// transfer staff mark received), refunds, and the workshops' credit in the ledger.

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/payment"
)

// RecordTransfer is staff marking a bank transfer received for a quote. A deposit that
// reaches the amount due moves accepted -> deposit_paid; a payment that completes the
// total of a delivered quote settles it. It credits the workshops in the ledger.
func (s *Service) RecordTransfer(ctx context.Context, actor audit.Actor, id int64, kind PaymentKind, amountMinor int64, reference string) (Payment, error) {
	return Payment{}, errNotYet
}

// PayByCard opens a hosted card checkout for the deposit or balance still due of a
// company's quote and returns where to send the user; s.Card must be set.
func (s *Service) PayByCard(ctx context.Context, companyID, userID, id int64, kind PaymentKind, lang, successURL, cancelURL string) (payment.Session, error) {
	return payment.Session{}, errNotYet
}

// ApplyEvent applies a verified provider event about a quote payment (Event.QuotePaymentID
// set); a redelivered event changes nothing.
func (s *Service) ApplyEvent(ctx context.Context, e payment.Event) error { return errNotYet }

// Refund gives back money of a quote's payment (card through the provider, a transfer
// recorded as returned) and reverses the workshops' credit in the ledger.
func (s *Service) Refund(ctx context.Context, actor audit.Actor, paymentID, amountMinor int64, reason string) error {
	return errNotYet
}

// payments reads a quote's payments and what is owed and paid (package-internal, for
// View and the moves that depend on money). Written with the payments.
func (s *Service) payments(ctx context.Context, q db.Querier, qt Quote) ([]Payment, Money, error) {
	return []Payment{}, Money{Currency: "COP"}, nil
}

// settleIfPaid moves a delivered quote whose total is paid to settled, inside tx (called
// by Deliver and by every payment). Written with the payments.
func (s *Service) settleIfPaid(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, id int64) error {
	return nil
}
