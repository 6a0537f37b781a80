package donation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/payment"
)

// ExpireDue expires card gifts still pending Options.CardExpiry after they were made
// (the donor left the hosted checkout, whose session was opened to close at the same
// time), with an audit entry each; it returns how many it expired. Transfer gifts
// never expire: staff wait for the bank. Each gift is claimed with FOR UPDATE SKIP
// LOCKED in a transaction of its own, like the orders' sweeper, so several processes
// may run it at once and each gift is expired once. A payment that arrives after
// expiry is still received (ApplyEvent): the money is never lost.
func (s *Service) ExpireDue(ctx context.Context) (int64, error) {
	const claim = `SELECT ` + cols + ` FROM donations WHERE status = $1 AND method = $2 AND created_at <= $3
		ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`
	n, err := db.ClaimEach(ctx, s.db, func(tx *sqlx.Tx) (bool, error) {
		now := s.now()
		var d Donation
		if err := tx.GetContext(ctx, &d, claim, StatusPending, payment.MethodCard, now.Add(-s.opts.CardExpiry)); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return false, nil
			}
			return false, fmt.Errorf("claim a card gift to expire: %w", db.Translate(err))
		}
		return true, s.expire(ctx, tx, audit.Actor{Email: "system"}, d, "checkout not completed", now)
	})
	return int64(n), err
}

// expire moves a locked pending card gift to expired on tx, with its audit entry.
func (s *Service) expire(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, d Donation, cause string, now time.Time) error {
	upd := `UPDATE donations SET status = $2, expired_at = $3 WHERE id = $1 RETURNING ` + cols
	if err := tx.GetContext(ctx, &d, upd, d.ID, StatusExpired, now); err != nil {
		return fmt.Errorf("donation %s expired: %w", d.Number, db.Translate(err))
	}
	return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "donation.expired", Entity: "donation",
		EntityID: strconv.FormatInt(d.ID, 10), Summary: fmt.Sprintf("%s %d %s by card expired (%s)", d.Number,
			d.AmountMinor, d.Currency, cause), After: d})
}
