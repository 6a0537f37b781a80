package order

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/payment"
)

// linkPaths are the order page behind the emailed link, per language; the web package
// registers its route from LinkPath so the two cannot drift apart.
var linkPaths = [2]string{"/pedido", "/en/order"}

// LinkPath is the page an order's emailed link opens, in lang; the token
// (GuestLinkToken) goes in the query parameter "token".
func LinkPath(lang string) string {
	if lang == "en" {
		return linkPaths[1]
	}
	return linkPaths[0]
}

// Message keys of staff actions.
const (
	keyNoteRequired     = "order.note_required"
	keyCarrierRequired  = "order.carrier_required"
	keyTrackingRequired = "order.tracking_required"
	keyRefundAmount     = "order.refund_amount"
	keyRefundChanged    = "order.refund_changed"
	keyReinstateSoldOut = "order.reinstate_sold_out"
	keyRefundLines      = "order.refund_lines"
	keyReasonRequired   = "order.reason_required"
	keyNotManual        = "order.not_manual"
	keyCODOnly          = "order.cod_only"
)

// Order returns an order with its lines, or NotFound "order.not_found".
func (s *Service) Order(ctx context.Context, id int64) (Order, error) {
	return getOrder(ctx, s.db, id, false)
}

// OrderByNumber returns an order with its lines when number and email both match, else
// NotFound "order.not_found" (the same for either being wrong; the email is compared
// in constant time, case-insensitively).
func (s *Service) OrderByNumber(ctx context.Context, number, email string) (Order, error) {
	number = strings.ToUpper(strings.TrimSpace(number))
	email = strings.TrimSpace(email)
	var id int64
	var stored string
	row := s.db.QueryRowxContext(ctx, `SELECT id, email FROM orders WHERE number = $1`, number)
	err := row.Scan(&id, &stored)
	if err != nil {
		err = notFound(err)
		if apperr.CodeOf(err) != apperr.NotFound {
			return Order{}, fmt.Errorf("order %s: %w", number, err)
		}
		stored = "\x00" + email // compare anyway: the same work for an unknown number
	}
	if !constantTimeEqualFold(stored, email) || err != nil {
		return Order{}, apperr.New(apperr.NotFound, keyNotFound)
	}
	return getOrder(ctx, s.db, id, false)
}

// OrdersOf lists a user's orders, newest first (without lines).
func (s *Service) OrdersOf(ctx context.Context, userID int64) ([]Order, error) {
	var os []Order
	sel := `SELECT ` + orderCols + ` FROM orders WHERE user_id = $1 ORDER BY created_at DESC, id DESC`
	if err := sqlx.SelectContext(ctx, s.db, &os, sel, userID); err != nil {
		return nil, fmt.Errorf("orders of user %d: %w", userID, db.Translate(err))
	}
	return os, nil
}

// AttachSession records the card provider's checkout session of an order (and a
// "payment_started" event).
func (s *Service) AttachSession(ctx context.Context, orderID int64, sessionID string) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		o, err := getOrder(ctx, tx, orderID, true)
		if err != nil {
			return err
		}
		if !o.Status.Open() {
			return transitionErr(o, StatusPending)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET provider_session_id = $2 WHERE id = $1`, orderID, sessionID); err != nil {
			return fmt.Errorf("attach session to order %s: %w", o.Number, db.Translate(err))
		}
		return addEvent(ctx, tx, orderID, s.now(), EventPaymentStarted, "system", sessionID)
	})
}

// CheckoutRequest is what the card provider needs to open a checkout for o: product,
// shipping and donation lines summing to the total, expiring with the reservation, with
// the order id as idempotency key.
func (s *Service) CheckoutRequest(o Order, successURL, cancelURL string) payment.CheckoutRequest {
	r := payment.CheckoutRequest{OrderID: o.ID, OrderNumber: o.Number, Currency: o.Currency, Email: o.Email,
		Lang: o.Lang, SuccessURL: successURL, CancelURL: cancelURL,
		IdempotencyKey: "order-" + strconv.FormatInt(o.ID, 10) + "-checkout"}
	if o.ExpiresAt != nil {
		r.ExpiresAt = *o.ExpiresAt
	}
	for _, l := range o.Lines {
		r.Lines = append(r.Lines, payment.Line{Name: l.Title(o.Lang), UnitMinor: l.UnitMinor, Quantity: l.Quantity,
			Description: strings.Join(nonEmpty(l.Size, l.Color(o.Lang), l.WorkshopName), " · ")})
	}
	names := map[string][2]string{"shipping": {"Envío", "Shipping"}, "donation": {"Donación a la fundación", "Donation to the foundation"}}
	i := 0
	if o.Lang == "en" {
		i = 1
	}
	if o.Shipping > 0 {
		r.Lines = append(r.Lines, payment.Line{Name: names["shipping"][i], UnitMinor: o.Shipping, Quantity: 1})
	}
	if o.Donation > 0 {
		r.Lines = append(r.Lines, payment.Line{Name: names["donation"][i], UnitMinor: o.Donation, Quantity: 1})
	}
	return r
}

// staffAct runs a staff action on a locked order in one transaction with its audit entry.
func (s *Service) staffAct(ctx context.Context, actor audit.Actor, orderID int64, action string,
	fn func(tx *sqlx.Tx, o *Order) (summary string, err error)) (Order, error) {
	var out Order
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		o, err := getOrder(ctx, tx, orderID, true)
		if err != nil {
			return err
		}
		before := o.Status
		summary, err := fn(tx, &o)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: action, Entity: "order",
			EntityID: strconv.FormatInt(o.ID, 10), Summary: o.Number + ": " + summary,
			Before: map[string]any{"status": before}, After: map[string]any{"status": o.Status}}); err != nil {
			return err
		}
		out, err = getOrder(ctx, tx, orderID, false)
		return err
	})
	if err != nil {
		return Order{}, fmt.Errorf("%s order %d: %w", action, orderID, err)
	}
	return out, nil
}

func actorName(a audit.Actor) string {
	if a.Email == "" {
		return "system"
	}
	return a.Email
}

// MarkPaid records a manual payment confirmed by staff: a transfer (or cash on delivery)
// received. An unpaid order becomes paid (its reservations committed, "payment
// confirmed" emailed); a cash-on-delivery order already shipped or delivered keeps its
// status and records the payment. A card order is paid by its provider's events only.
func (s *Service) MarkPaid(ctx context.Context, actor audit.Actor, orderID int64, reference string) (Order, error) {
	reference = oneLine(reference)
	return s.staffAct(ctx, actor, orderID, "order.mark_paid", func(tx *sqlx.Tx, o *Order) (string, error) {
		if !o.Manual() {
			return "", apperr.New(apperr.Conflict, keyNotManual)
		}
		if o.Status == StatusCancelled {
			return "", transitionErr(*o, StatusPaid) // its stock went back: see Reinstate
		}
		now := s.now()
		if o.Method == payment.MethodCOD && (o.Status == StatusShipped || o.Status == StatusDelivered) && o.PaidAt == nil {
			const up = `UPDATE orders SET paid_at = $2, payment_ref = $3 WHERE id = $1`
			if _, err := tx.ExecContext(ctx, up, o.ID, now, reference); err != nil {
				return "", fmt.Errorf("record payment: %w", db.Translate(err))
			}
			if err := s.postSale(ctx, tx, *o, actorName(actor), now); err != nil {
				return "", err
			}
			return "cash collected " + reference, addEvent(ctx, tx, o.ID, now, EventPaid, actorName(actor), reference)
		}
		if err := s.pay(ctx, tx, o, reference, actorName(actor), now); err != nil {
			return "", err
		}
		return "paid " + reference, nil
	})
}

// Reinstate fulfils a flagged order after all: one whose payment arrived after it was
// cancelled. Its stock is taken again (all lines or none: Conflict
// "order.reinstate_sold_out" when a size sold meanwhile, and then the money is
// refunded instead); it becomes paid, the flag is cleared and the shopper gets the
// payment confirmation. An order already partly refunded cannot be reinstated.
func (s *Service) Reinstate(ctx context.Context, actor audit.Actor, orderID int64) (Order, error) {
	return s.staffAct(ctx, actor, orderID, "order.reinstate", func(tx *sqlx.Tx, o *Order) (string, error) {
		if o.Status != StatusCancelled || !o.Flagged || o.RefundedMinor > 0 {
			return "", transitionErr(*o, StatusPaid)
		}
		if err := loadLines(ctx, tx, o); err != nil {
			return "", err
		}
		lines := make([]CartLine, 0, len(o.Lines))
		for _, l := range o.Lines {
			lines = append(lines, CartLine{VariantID: l.VariantID, Quantity: l.Quantity})
		}
		if err := reserve(ctx, tx, lines); err != nil {
			if apperr.CodeOf(err) == apperr.Conflict {
				return "", apperr.New(apperr.Conflict, keyReinstateSoldOut)
			}
			return "", err
		}
		const up = `UPDATE stock_reservations SET released_at = NULL, committed_at = NULL WHERE order_id = $1`
		if _, err := tx.ExecContext(ctx, up, o.ID); err != nil {
			return "", fmt.Errorf("reservations of order %d: %w", o.ID, db.Translate(err))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET flagged = false WHERE id = $1`, o.ID); err != nil {
			return "", fmt.Errorf("clear flag: %w", db.Translate(err))
		}
		o.Flagged = false
		if err := s.pay(ctx, tx, o, o.PaymentRef, actorName(actor), s.now()); err != nil {
			return "", err
		}
		return "reinstated", nil
	})
}

// pay moves an open order to paid, commits its stock, posts the sale to the ledger and
// emails the confirmation.
func (s *Service) pay(ctx context.Context, tx *sqlx.Tx, o *Order, ref, actor string, now time.Time) error {
	if err := move(ctx, tx, o, StatusPaid, now); err != nil {
		return err
	}
	if ref != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET payment_ref = $2 WHERE id = $1`, o.ID, ref); err != nil {
			return fmt.Errorf("payment reference: %w", db.Translate(err))
		}
	}
	if err := commitStock(ctx, tx, o.ID, now); err != nil {
		return err
	}
	if err := addEvent(ctx, tx, o.ID, now, EventPaid, actor, ref); err != nil {
		return err
	}
	if err := loadLines(ctx, tx, o); err != nil {
		return err
	}
	if err := s.postSale(ctx, tx, *o, actor, now); err != nil {
		return err
	}
	d := s.mailData(*o)
	s.receiptData(*o, d)
	return s.send(ctx, tx, *o, o.Email, mailPaid, d, now)
}

// Ship marks an order shipped and emails the carrier and tracking number. A paid order
// ships; so does an unpaid cash-on-delivery one (its reservation is committed then).
func (s *Service) Ship(ctx context.Context, actor audit.Actor, orderID int64, carrier, tracking string) (Order, error) {
	carrier, tracking = oneLine(carrier), oneLine(tracking)
	f := map[string]string{}
	text(f, "carrier", carrier, 100, keyCarrierRequired)
	text(f, "tracking", tracking, 100, keyTrackingRequired)
	if len(f) > 0 {
		return Order{}, apperr.Fields(f)
	}
	return s.staffAct(ctx, actor, orderID, "order.ship", func(tx *sqlx.Tx, o *Order) (string, error) {
		if o.Delivery == DeliveryPickup {
			return "", apperr.New(apperr.Conflict, keyPickupNotShipped) // see MarkReadyForPickup
		}
		if o.Status == StatusPending && o.Method != payment.MethodCOD {
			return "", apperr.New(apperr.Conflict, keyCODOnly)
		}
		now := s.now()
		if err := move(ctx, tx, o, StatusShipped, now); err != nil {
			return "", err
		}
		if err := commitStock(ctx, tx, o.ID, now); err != nil {
			return "", err
		}
		const up = `UPDATE orders SET carrier = $2, tracking = $3 WHERE id = $1`
		if _, err := tx.ExecContext(ctx, up, o.ID, carrier, tracking); err != nil {
			return "", fmt.Errorf("carrier: %w", db.Translate(err))
		}
		if err := addEvent(ctx, tx, o.ID, now, EventShipped, actorName(actor), carrier+" "+tracking); err != nil {
			return "", err
		}
		d := s.mailData(*o)
		d["Carrier"], d["Tracking"] = carrier, tracking
		return "shipped " + carrier + " " + tracking, s.send(ctx, tx, *o, o.Email, mailShipped, d, now)
	})
}

// MarkDelivered records the delivery (the withdrawal period counts from it).
func (s *Service) MarkDelivered(ctx context.Context, actor audit.Actor, orderID int64) (Order, error) {
	return s.staffAct(ctx, actor, orderID, "order.deliver", func(tx *sqlx.Tx, o *Order) (string, error) {
		now := s.now()
		if err := move(ctx, tx, o, StatusDelivered, now); err != nil {
			return "", err
		}
		return "delivered", addEvent(ctx, tx, o.ID, now, EventDelivered, actorName(actor), "")
	})
}

// RefundDue is what must still be refunded before a paid order can be cancelled: the
// total minus what was refunded, for an order whose money was received.
func RefundDue(o Order) int64 {
	if o.PaidAt == nil {
		return 0
	}
	return o.Total - o.RefundedMinor
}

// Cancel cancels an unpaid order, gives its reserved stock back and emails the shopper.
// A paid order is not cancelled but refunded: Cancel refuses it with Conflict
// "order.refund_first" (RefundDue says how much) — the caller refunds through payment and calls
// RecordRefund, whose full refund of an unshipped order moves it to refunded and puts
// its stock back.
func (s *Service) Cancel(ctx context.Context, actor audit.Actor, orderID int64, reason string) (Order, error) {
	reason = oneLine(reason)
	if reason == "" {
		return Order{}, apperr.Fields(map[string]string{"reason": keyReasonRequired})
	}
	return s.staffAct(ctx, actor, orderID, "order.cancel", func(tx *sqlx.Tx, o *Order) (string, error) {
		if o.Status == StatusPaid && RefundDue(*o) > 0 {
			return "", apperr.New(apperr.Conflict, keyRefundFirst)
		}
		return "cancelled: " + reason, s.cancel(ctx, tx, o, actorName(actor), "staff", reason, s.now())
	})
}

// cancel moves a locked open order to cancelled, gives its reserved stock back and
// emails the shopper.
// cause is "expired", "payment_failed" or "staff" (the email's wording); reason the
// staff's words.
func (s *Service) cancel(ctx context.Context, tx *sqlx.Tx, o *Order, actor, cause, reason string, now time.Time) error {
	if err := move(ctx, tx, o, StatusCancelled, now); err != nil {
		return err
	}
	if err := releaseStock(ctx, tx, o.ID, now); err != nil {
		return err
	}
	if err := addEvent(ctx, tx, o.ID, now, EventCancelled, actor, strings.TrimSpace(cause+" "+reason)); err != nil {
		return err
	}
	d := s.mailData(*o)
	d["Cause"], d["Reason"] = cause, reason
	return s.send(ctx, tx, *o, o.Email, mailCancel, d, now)
}

// returnCommitted puts a paid order's committed stock back on the shelves when it is
// refunded in full before shipping (marking the reservations released, so it happens
// once).
func returnCommitted(ctx context.Context, tx *sqlx.Tx, orderID int64, now time.Time) error {
	const up = `WITH r AS (
			UPDATE stock_reservations SET committed_at = NULL, released_at = $2
			WHERE order_id = $1 AND committed_at IS NOT NULL RETURNING variant_id, quantity)
		SELECT variant_id, quantity FROM r ORDER BY variant_id`
	var rs []struct {
		VariantID int64 `db:"variant_id"`
		Quantity  int   `db:"quantity"`
	}
	if err := sqlx.SelectContext(ctx, tx, &rs, up, orderID, now); err != nil {
		return fmt.Errorf("return stock of order %d: %w", orderID, db.Translate(err))
	}
	for _, r := range rs {
		if _, err := tx.ExecContext(ctx, `UPDATE variants SET stock_on_hand = stock_on_hand + $2 WHERE id = $1`, r.VariantID, r.Quantity); err != nil {
			return fmt.Errorf("give back stock of variant %d: %w", r.VariantID, db.Translate(err))
		}
	}
	return nil
}

// RecordRefund records money returned (a provider refund done, or a manual one): the
// amount, the reference, the order lines concerned (line numbers; empty: the whole
// order). A full refund moves a paid, shipped or delivered order to refunded; a
// cancelled one stays cancelled. Refunding more than was paid is a field error
// "amount"; unknown line numbers "lines".
func (s *Service) RecordRefund(ctx context.Context, actor audit.Actor, orderID int64, amountMinor int64, reference string, lines []int) (Order, error) {
	return s.RecordRefundFrom(ctx, actor, orderID, -1, amountMinor, reference, lines)
}

// RecordRefundFrom is RecordRefund that applies only if the order's refunded total is
// still refundedBefore (what staff saw, or what it was before asking the provider): two
// submits of one refund record it once; the second gets Conflict "order.refund_changed".
// A negative refundedBefore skips the check.
func (s *Service) RecordRefundFrom(ctx context.Context, actor audit.Actor, orderID, refundedBefore, amountMinor int64, reference string, lines []int) (Order, error) {
	reference = oneLine(reference)
	return s.staffAct(ctx, actor, orderID, "order.refund", func(tx *sqlx.Tx, o *Order) (string, error) {
		if refundedBefore >= 0 && o.RefundedMinor != refundedBefore {
			return "", apperr.New(apperr.Conflict, keyRefundChanged)
		}
		if amountMinor <= 0 || amountMinor > o.Total-o.RefundedMinor || o.PaidAt == nil {
			return "", apperr.Fields(map[string]string{"amount": keyRefundAmount})
		}
		for _, n := range lines {
			if n < 1 || n > len(o.Lines) {
				return "", apperr.Fields(map[string]string{"lines": keyRefundLines})
			}
		}
		detail := s.amount(amountMinor, "es") + " " + reference
		if len(lines) > 0 {
			detail += " (" + fmt.Sprint(lines) + ")"
		}
		return "refund " + detail, s.refund(ctx, tx, o, o.RefundedMinor+amountMinor, amountMinor, lines, reference, actorName(actor), detail, s.now())
	})
}

// refund sets the refunded total of a locked order to total (amount more than before),
// records the refund (order_refunds: the amount and the lines chosen, empty for an
// amount) and its ledger entries, moves the order to refunded when nothing is left,
// and emails the shopper.
func (s *Service) refund(ctx context.Context, tx *sqlx.Tx, o *Order, total, amount int64, lines []int, ref, actor, detail string, now time.Time) error {
	sold := sold(*o)
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET refunded_minor = $2 WHERE id = $1`, o.ID, total); err != nil {
		return fmt.Errorf("refunded amount: %w", db.Translate(err))
	}
	if err := s.recordRefund(ctx, tx, *o, amount, lines, ref, actor, now, sold); err != nil {
		return err
	}
	o.RefundedMinor = total
	full := total >= o.Total
	if full && o.Flagged {
		// A flagged order (paid after it was cancelled) is settled once its money is back;
		// the timeline keeps why it was flagged.
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET flagged = false WHERE id = $1`, o.ID); err != nil {
			return fmt.Errorf("clear flag: %w", db.Translate(err))
		}
		o.Flagged = false
	}
	if full && CanMove(o.Status, StatusRefunded) {
		unshipped := o.Status == StatusPaid
		if err := move(ctx, tx, o, StatusRefunded, now); err != nil {
			return err
		}
		if unshipped {
			if err := returnCommitted(ctx, tx, o.ID, now); err != nil {
				return err
			}
		}
	}
	if err := addEvent(ctx, tx, o.ID, now, EventRefunded, actor, detail); err != nil {
		return err
	}
	d := s.mailData(*o)
	d["Amount"], d["Full"] = s.amount(amount, o.Lang), full
	return s.send(ctx, tx, *o, o.Email, mailRefunded, d, now)
}

// AddNote adds a staff note to the timeline.
func (s *Service) AddNote(ctx context.Context, actor audit.Actor, orderID int64, text string) error {
	text = strings.TrimSpace(storable(text))
	switch {
	case text == "":
		return apperr.Fields(map[string]string{"note": keyNoteRequired})
	case utf8.RuneCountInString(text) > 2000:
		return apperr.Fields(map[string]string{"note": keyTooLong})
	}
	_, err := s.staffAct(ctx, actor, orderID, "order.note", func(tx *sqlx.Tx, o *Order) (string, error) {
		return "note", addEvent(ctx, tx, o.ID, s.now(), EventNote, actorName(actor), text)
	})
	return err
}

// Events returns an order's timeline, oldest first.
func (s *Service) Events(ctx context.Context, orderID int64) ([]Event, error) {
	var es []Event
	const sel = `SELECT id, order_id, at, kind, actor, detail FROM order_events WHERE order_id = $1 ORDER BY at, id`
	if err := sqlx.SelectContext(ctx, s.db, &es, sel, orderID); err != nil {
		return nil, fmt.Errorf("events of order %d: %w", orderID, db.Translate(err))
	}
	return es, nil
}
