package order

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/payment"
)

// providerStripe names the provider in payment_events.
const providerStripe = "stripe"

// ApplyEvent applies a verified payment event once, in one transaction with its row in
// payment_events (a redelivered event finds the row and does nothing; two deliveries at
// once wait on the primary key, and the second does nothing):
//
//   - checkout.completed, paid: the open order becomes paid (reservations committed,
//     "payment confirmed" emailed); not yet paid (an async method): awaiting_payment;
//   - checkout.async_succeeded: paid; async_failed and expired: an open order is
//     cancelled and its stock given back; after paid they change nothing;
//   - charge.refunded: records the amount refunded so far (AmountMinor); in full, the
//     order becomes refunded;
//   - money for an order already cancelled (the sweeper came first): the order stays
//     cancelled, is flagged for staff with the reason, and its stock is not touched
//     again;
//   - an event for an unknown order, or Ignored, is recorded and does nothing.
//
// Events that do not apply to the order's state (out of order, late) change nothing.
func (s *Service) ApplyEvent(ctx context.Context, ev payment.Event) error {
	if ev.ID == "" {
		return errors.New("apply payment event: no event id")
	}
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		now := s.now()
		var orderID *int64
		if ev.OrderID == 0 && ev.PaymentRef != "" {
			// A refund event may carry only the payment (its charge has no order
			// metadata): find the order that payment paid.
			var id int64
			err := tx.GetContext(ctx, &id, `SELECT id FROM orders WHERE payment_ref = $1`, ev.PaymentRef)
			if err == nil {
				ev.OrderID = id
			} else if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("order of payment %s: %w", ev.PaymentRef, err)
			}
		}
		if ev.OrderID != 0 {
			orderID = &ev.OrderID
		}
		// The order row is locked first, so that the event row's insert cannot race a
		// second delivery into a different lock order.
		var o Order
		known := false
		if orderID != nil {
			var err error
			o, err = getOrder(ctx, tx, ev.OrderID, true)
			switch {
			case err == nil:
				known = true
			case apperr.CodeOf(err) == apperr.NotFound:
				orderID = nil
			default:
				return err
			}
		}
		const ins = `INSERT INTO payment_events (provider, event_id, order_id, type, received_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider, event_id) DO NOTHING`
		res, err := tx.ExecContext(ctx, ins, providerStripe, ev.ID, orderID, string(ev.Type), now)
		if err != nil {
			return fmt.Errorf("record event: %w", db.Translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 || !known {
			return nil // a duplicate, or nothing to apply it to
		}
		return s.applyTo(ctx, tx, &o, ev, now)
	})
	if err != nil {
		return fmt.Errorf("apply payment event %s (%s) to order %d: %w", ev.ID, ev.RawType, ev.OrderID, err)
	}
	return nil
}

func (s *Service) applyTo(ctx context.Context, tx *sqlx.Tx, o *Order, ev payment.Event, now time.Time) error {
	ref := ev.PaymentRef
	switch ev.Type {
	case payment.EventCheckoutCompleted, payment.EventAsyncSucceeded:
		if ev.Type == payment.EventCheckoutCompleted && !ev.Paid {
			if o.Status != StatusPending {
				return nil
			}
			if err := move(ctx, tx, o, StatusAwaiting, now); err != nil {
				return err
			}
			return addEvent(ctx, tx, o.ID, now, EventAwaiting, providerStripe, ref)
		}
		switch {
		case o.Status.Open():
			return s.pay(ctx, tx, o, ref, providerStripe, now)
		case o.Status == StatusCancelled:
			return s.flag(ctx, tx, o, ref, "paid after cancellation: refund or fulfil", now)
		}
		return nil // already paid: a second success changes nothing
	case payment.EventAsyncFailed, payment.EventCheckoutExpired:
		if !o.Status.Open() {
			return nil
		}
		cause := "payment_failed"
		if ev.Type == payment.EventCheckoutExpired {
			cause = "expired"
		}
		return s.cancel(ctx, tx, o, providerStripe, cause, "", now)
	case payment.EventRefunded:
		if ev.AmountMinor <= o.RefundedMinor || o.PaidAt == nil {
			return nil
		}
		total := min(ev.AmountMinor, o.Total)
		return s.refund(ctx, tx, o, total, total-o.RefundedMinor, nil, ref, providerStripe, s.amount(total, "es")+" "+ref, now)
	}
	return nil
}

// flag marks money received for a cancelled order: it stays cancelled, staff see the
// flag and the reason, the payment is recorded (paid_at, reference) so a refund can be
// made; its stock, already given back, is not touched.
func (s *Service) flag(ctx context.Context, tx *sqlx.Tx, o *Order, ref, reason string, now time.Time) error {
	const up = `UPDATE orders SET flagged = true, flag_reason = $2, paid_at = COALESCE(paid_at, $3),
		payment_ref = CASE WHEN $4 = '' THEN payment_ref ELSE $4 END WHERE id = $1`
	if _, err := tx.ExecContext(ctx, up, o.ID, reason, now, ref); err != nil {
		return fmt.Errorf("flag order %s: %w", o.Number, db.Translate(err))
	}
	o.Flagged, o.FlagReason = true, reason
	return addEvent(ctx, tx, o.ID, now, EventFlagged, providerStripe, reason+" "+ref)
}
