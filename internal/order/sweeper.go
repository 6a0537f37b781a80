package order

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/payment"
)

// ExpireDue cancels unpaid orders whose reservation expired, gives their stock back and
// emails the shopper; it returns how many it cancelled. Each order is claimed with
// FOR UPDATE SKIP LOCKED in a transaction of its own (one order's stock at a time, in
// variant order, like Place), so several processes may run it at once and each order is
// cancelled once.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	const claim = `SELECT id FROM orders WHERE status IN ('` + string(StatusPending) + `', '` + string(StatusAwaiting) + `')
		AND expires_at <= $1 ORDER BY expires_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`
	return s.sweep(ctx, claim, func(tx *sqlx.Tx, o *Order, now time.Time) error {
		return s.cancel(ctx, tx, o, "system", "expired", "", now)
	})
}

// SendReminders emails one payment reminder to each bank-transfer order whose
// reservation lapses within ReminderBefore; it returns how many it queued.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	claim := `SELECT id FROM orders WHERE status = '` + string(StatusPending) + `' AND payment_method = '` +
		string(payment.MethodTransfer) + `' AND reminder_sent_at IS NULL
		AND expires_at > $1 AND expires_at <= $1 + make_interval(secs => ` +
		fmt.Sprint(int64(s.opts.ReminderBefore/time.Second)) + `)
		ORDER BY expires_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`
	return s.sweep(ctx, claim, func(tx *sqlx.Tx, o *Order, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET reminder_sent_at = $2 WHERE id = $1`, o.ID, now); err != nil {
			return fmt.Errorf("reminder of order %s: %w", o.Number, db.Translate(err))
		}
		if err := addEvent(ctx, tx, o.ID, now, EventReminder, "system", ""); err != nil {
			return err
		}
		d := s.mailData(*o)
		s.manualData(*o, d)
		return s.send(ctx, tx, *o, o.Email, mailReminder, d, now)
	})
}

// sweep claims one order at a time with claim ($1 = now) and runs fn on it, until none
// is left or ctx ends.
func (s *Service) sweep(ctx context.Context, claim string, fn func(tx *sqlx.Tx, o *Order, now time.Time) error) (int, error) {
	return db.ClaimEach(ctx, s.db, func(tx *sqlx.Tx) (bool, error) {
		now := s.now()
		var id int64
		if err := tx.GetContext(ctx, &id, claim, now); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return false, nil
			}
			return false, fmt.Errorf("claim order: %w", db.Translate(err))
		}
		o, err := getOrder(ctx, tx, id, false) // locked by the claim
		if err != nil {
			return true, err
		}
		return true, fn(tx, &o, now)
	})
}

// Sweeper runs ExpireDue and SendReminders every Interval until its context ends.
// Several processes may run one each.
type Sweeper struct {
	Service  *Service
	Interval time.Duration // default one minute
	// OnError receives each round's error (main logs it); nil ignores them.
	OnError func(error)
}

// Run sweeps at once, then every Interval, until ctx is done; it returns nil then.
func (w *Sweeper) Run(ctx context.Context) error {
	every := w.Interval
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		w.round(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (w *Sweeper) round(ctx context.Context) {
	report := func(err error) {
		if err != nil && ctx.Err() == nil && w.OnError != nil {
			w.OnError(err)
		}
	}
	_, err := w.Service.ExpireDue(ctx)
	report(err)
	_, err = w.Service.SendReminders(ctx)
	report(err)
}
