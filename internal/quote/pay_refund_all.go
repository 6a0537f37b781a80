package quote

import (
	"context"
	"fmt"

	"github.com/libres/storefront/internal/audit"
)

// RefundAll gives back what is left of every paid payment of a quote (staff cancelling
// it and returning the money), each through Refund, so the workshops' credit is taken
// back in the ledger. It returns the amount refunded now. Safe to repeat: a payment
// already wholly refunded is skipped, so a run cut short is finished by the next one.
func (s *Service) RefundAll(ctx context.Context, actor audit.Actor, id int64, reason string) (int64, error) {
	qt, err := s.load(ctx, s.db, id, 0, false)
	if err != nil {
		return 0, err
	}
	ps, _, err := s.payments(ctx, s.db, qt)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, p := range ps {
		left := p.AmountMinor - p.RefundedMinor
		if p.Status != PaymentPaid || left <= 0 {
			continue
		}
		if err := s.Refund(ctx, actor, p.ID, left, reason); err != nil {
			return total, fmt.Errorf("refund payment %d of quote %s: %w", p.ID, qt.Number, err)
		}
		total += left
	}
	return total, nil
}
