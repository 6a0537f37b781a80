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
)

// Message keys of orders.
const (
	keyNotFound    = "order.not_found"
	keyTransition  = "order.transition"
	keyEmptyCart   = "order.empty_cart"
	keySoldOutLine = "order.sold_out"
	keyUnavailable = "order.unavailable"
	keyRefundFirst = "order.refund_first"
)

const orderCols = `id, number, status, payment_method, user_id, email, name, phone, lang, department,
	city, address_line, notes, currency, subtotal_minor, tax_minor, shipping_minor, donation_minor,
	total_minor, refunded_minor, provider_session_id, payment_ref, expires_at, reminder_sent_at,
	flagged, flag_reason, carrier, tracking, created_at, updated_at, paid_at, shipped_at,
	delivered_at, cancelled_at, delivery_method, pickup_point, pickup_ready_at, picked_up_at`

const lineCols = `order_id, line_no, variant_id, product_id, workshop_id, workshop_name, product_slug,
	title_es, title_en, sku, size, color_es, color_en, unit_minor, quantity, tax_class, tax_minor,
	line_total_minor`

// getOrder reads an order by id, locking it when lock is set, with its lines.
func getOrder(ctx context.Context, q db.Querier, id int64, lock bool) (Order, error) {
	sel := `SELECT ` + orderCols + ` FROM orders WHERE id = $1`
	if lock {
		sel += ` FOR UPDATE`
	}
	var o Order
	if err := sqlx.GetContext(ctx, q, &o, sel, id); err != nil {
		return o, notFound(fmt.Errorf("order %d: %w", id, err))
	}
	return o, loadLines(ctx, q, &o)
}

func loadLines(ctx context.Context, q db.Querier, o *Order) error {
	sel := `SELECT ` + lineCols + ` FROM order_lines WHERE order_id = $1 ORDER BY line_no`
	if err := sqlx.SelectContext(ctx, q, &o.Lines, sel, o.ID); err != nil {
		return fmt.Errorf("lines of order %d: %w", o.ID, db.Translate(err))
	}
	return nil
}

// notFound gives "no rows" the order's message key.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Wrap(err, apperr.NotFound, keyNotFound)
	}
	return db.Translate(err)
}

// addEvent appends to an order's timeline.
func addEvent(ctx context.Context, q db.Querier, orderID int64, at time.Time, kind EventKind, actor, detail string) error {
	const ins = `INSERT INTO order_events (order_id, at, kind, actor, detail) VALUES ($1, $2, $3, $4, $5)`
	if _, err := q.ExecContext(ctx, ins, orderID, at, kind, actor, detail); err != nil {
		return fmt.Errorf("order %d event %s: %w", orderID, kind, db.Translate(err))
	}
	return nil
}

// transitionErr is the refusal of a move the state machine does not have.
func transitionErr(o Order, to Status) error {
	return &apperr.Error{Code: apperr.Conflict, Key: keyTransition,
		Err: fmt.Errorf("order %s: %s -> %s is not a move", o.Number, o.Status, to)}
}

// move sets a locked order's status after checking the state machine; stamp names the
// timestamp column the move sets ("" for none).
func move(ctx context.Context, tx *sqlx.Tx, o *Order, to Status, now time.Time) error {
	if !CanMove(o.Status, to) {
		return transitionErr(*o, to)
	}
	stamp := map[Status]string{StatusPaid: "paid_at", StatusShipped: "shipped_at",
		StatusDelivered: "delivered_at", StatusCancelled: "cancelled_at"}[to]
	up := `UPDATE orders SET status = $2`
	if stamp != "" {
		up += `, ` + stamp + ` = $3`
	} else {
		up += `, updated_at = $3`
	}
	if !to.Open() {
		up += `, expires_at = NULL`
	}
	if _, err := tx.ExecContext(ctx, up+` WHERE id = $1`, o.ID, to, now); err != nil {
		return fmt.Errorf("order %s to %s: %w", o.Number, to, db.Translate(err))
	}
	o.Status = to
	return nil
}

// releaseStock gives an order's open reservations back to the shelves, in variant
// order (the same order Place takes them in, so the two cannot deadlock). A
// reservation already released or committed is left alone: stock comes back once.
func releaseStock(ctx context.Context, tx *sqlx.Tx, orderID int64, now time.Time) error {
	const rel = `WITH r AS (
			UPDATE stock_reservations SET released_at = $2
			WHERE order_id = $1 AND released_at IS NULL AND committed_at IS NULL
			RETURNING variant_id, quantity)
		SELECT variant_id, quantity FROM r ORDER BY variant_id`
	var rs []struct {
		VariantID int64 `db:"variant_id"`
		Quantity  int   `db:"quantity"`
	}
	if err := sqlx.SelectContext(ctx, tx, &rs, rel, orderID, now); err != nil {
		return fmt.Errorf("release reservations of order %d: %w", orderID, db.Translate(err))
	}
	for _, r := range rs {
		if _, err := tx.ExecContext(ctx, `UPDATE variants SET stock_on_hand = stock_on_hand + $2 WHERE id = $1`, r.VariantID, r.Quantity); err != nil {
			return fmt.Errorf("give back stock of variant %d: %w", r.VariantID, db.Translate(err))
		}
	}
	return nil
}

// commitStock keeps an order's open reservations for good (the stock was already taken).
func commitStock(ctx context.Context, tx *sqlx.Tx, orderID int64, now time.Time) error {
	const up = `UPDATE stock_reservations SET committed_at = $2
		WHERE order_id = $1 AND released_at IS NULL AND committed_at IS NULL`
	if _, err := tx.ExecContext(ctx, up, orderID, now); err != nil {
		return fmt.Errorf("commit reservations of order %d: %w", orderID, db.Translate(err))
	}
	return nil
}
