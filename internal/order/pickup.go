package order

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/payment"
)

// Delivery is how an order reaches the shopper (orders.delivery_method).
type Delivery string

// The deliveries.
const (
	DeliveryShipping Delivery = "shipping" // sent to the address on the order
	DeliveryPickup   Delivery = "pickup"   // collected at a pickup point (Order.PickupPoint)
)

// PickupPoint is a place where shoppers collect their orders, such as the foundation's
// own store. Points are configuration (LIBRES_PICKUP_POINTS); an order keeps the
// point's id, and its address fields hold the point's address when it was placed.
type PickupPoint struct {
	ID         string `json:"id"` // short and stable: orders keep it
	Name       string `json:"name"`
	Address    string `json:"address"`
	City       string `json:"city"`
	Department string `json:"department"` // as in Departments
	HoursES    string `json:"hours_es"`
	HoursEN    string `json:"hours_en"`
	// InstructionsES/EN say what to bring and where to ask (shown on the order page and
	// in the "ready for pickup" email).
	InstructionsES string `json:"instructions_es"`
	InstructionsEN string `json:"instructions_en"`
	// Workshops are the slugs of the workshops whose items the point keeps; empty: all.
	// An order is offered pickup at a point only when every line's workshop is kept there.
	Workshops []string `json:"workshops,omitempty"`
	Sample    bool     `json:"-"` // the demo's point, not configured yet
}

// Hours returns the opening hours in lang.
func (p PickupPoint) Hours(lang string) string { return pick(lang, p.HoursES, p.HoursEN) }

// Instructions returns the instructions in lang.
func (p PickupPoint) Instructions(lang string) string {
	return pick(lang, p.InstructionsES, p.InstructionsEN)
}

// Message keys of pickup.
const (
	keyPickupPointInvalid = "pickup.point_invalid"
	keyPickupUnavailable  = "pickup.not_available"
	keyPickupOnly         = "pickup.pickup_only"
	keyPickupNotPaid      = "pickup.not_paid"
	keyPickupNotReady     = "pickup.not_ready"
	keyPickupNotShipped   = "pickup.not_shipped"
)

// The pickup emails (web/templates/mail/order_pickup_*).
const (
	mailPickupReady = "order_pickup_ready"
	mailPickedUp    = "order_picked_up"
)

// defaultUncollectedAfter is how long a pickup order may wait, once ready, before it is
// flagged for staff (Options.PickupUncollectedAfter).
const defaultUncollectedAfter = 14 * 24 * time.Hour

// PickupPoints returns the configured pickup points, in configuration order.
func (s *Service) PickupPoints() []PickupPoint { return s.opts.PickupPoints }

// PickupPoint returns the point with the id.
func (s *Service) PickupPoint(id string) (PickupPoint, bool) {
	for _, p := range s.opts.PickupPoints {
		if p.ID == id {
			return p, true
		}
	}
	return PickupPoint{}, false
}

// PickupOffered returns the pickup points that keep every line's workshop: the points
// offered at checkout for these lines (none for no lines).
func (s *Service) PickupOffered(ctx context.Context, lines []CartLine) ([]PickupPoint, error) {
	if len(lines) == 0 || len(s.opts.PickupPoints) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(lines))
	for _, l := range lines {
		if !slices.Contains(ids, l.WorkshopID) {
			ids = append(ids, l.WorkshopID)
		}
	}
	var slugs []string
	const sel = `SELECT slug FROM workshops WHERE id = ANY($1::bigint[])`
	if err := sqlx.SelectContext(ctx, s.db, &slugs, sel, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("workshops of the cart: %w", db.Translate(err))
	}
	var out []PickupPoint
	for _, p := range s.opts.PickupPoints {
		keeps := len(slugs) == len(ids)
		for _, slug := range slugs {
			if len(p.Workshops) > 0 && !slices.Contains(p.Workshops, slug) {
				keeps = false
			}
		}
		if keeps {
			out = append(out, p)
		}
	}
	return out, nil
}

// pickupFor checks a pickup checkout: its point exists (else field "pickup_point") and
// keeps every line (else field "delivery"); it returns the point.
func (s *Service) pickupFor(ctx context.Context, lines []CartLine, id string) (PickupPoint, error) {
	p, ok := s.PickupPoint(id)
	if !ok {
		return PickupPoint{}, apperr.Fields(map[string]string{"pickup_point": keyPickupPointInvalid})
	}
	offered, err := s.PickupOffered(ctx, lines)
	if err != nil {
		return PickupPoint{}, err
	}
	if !slices.ContainsFunc(offered, func(o PickupPoint) bool { return o.ID == id }) {
		return PickupPoint{}, apperr.Fields(map[string]string{"delivery": keyPickupUnavailable})
	}
	return p, nil
}

// Uncollected reports whether a pickup order has waited at its point, ready, longer
// than the configured time (Options.PickupUncollectedAfter) without being picked up.
func (s *Service) Uncollected(o Order) bool {
	return o.Delivery == DeliveryPickup && o.PickedUpAt == nil && o.PickupReadyAt != nil &&
		o.Status == StatusPaid && s.now().Sub(*o.PickupReadyAt) > s.opts.PickupUncollectedAfter
}

// pickupData adds the pickup point to an email's data (Point, PointAddress, Hours,
// Instructions); a point no longer configured shows the address kept on the order.
func (s *Service) pickupData(o Order, d map[string]any) {
	p, ok := s.PickupPoint(o.PickupPoint)
	if !ok {
		p = PickupPoint{ID: o.PickupPoint, Name: o.PickupPoint, Address: o.Address, City: o.City}
	}
	d["Point"], d["PointAddress"] = p.Name, o.Address+", "+o.City
	d["Hours"], d["Instructions"] = p.Hours(o.Lang), p.Instructions(o.Lang)
}

// MarkReadyForPickup records that a paid pickup order waits at its point and emails the
// shopper the point's address and hours. Marking it again changes nothing and sends no
// second email. A cash-on-delivery order is paid at the point and may be ready unpaid.
func (s *Service) MarkReadyForPickup(ctx context.Context, actor audit.Actor, orderID int64) (Order, error) {
	return s.staffAct(ctx, actor, orderID, "order.pickup_ready", func(tx *sqlx.Tx, o *Order) (string, error) {
		if o.Delivery != DeliveryPickup {
			return "", apperr.New(apperr.Conflict, keyPickupOnly)
		}
		if o.PickupReadyAt != nil {
			return "already ready for pickup", nil
		}
		unpaidCOD := o.Status == StatusPending && o.Method == payment.MethodCOD
		if o.Status != StatusPaid && !unpaidCOD {
			return "", apperr.New(apperr.Conflict, keyPickupNotPaid)
		}
		now := s.now()
		if unpaidCOD {
			if err := commitStock(ctx, tx, o.ID, now); err != nil {
				return "", err
			}
			const keep = `UPDATE orders SET expires_at = NULL WHERE id = $1`
			if _, err := tx.ExecContext(ctx, keep, o.ID); err != nil {
				return "", fmt.Errorf("keep reservation: %w", db.Translate(err))
			}
		}
		const up = `UPDATE orders SET pickup_ready_at = $2, updated_at = $2 WHERE id = $1`
		if _, err := tx.ExecContext(ctx, up, o.ID, now); err != nil {
			return "", fmt.Errorf("ready for pickup: %w", db.Translate(err))
		}
		o.PickupReadyAt = &now
		if err := addEvent(ctx, tx, o.ID, now, EventReadyForPickup, actorName(actor), o.PickupPoint); err != nil {
			return "", err
		}
		d := s.mailData(*o)
		s.pickupData(*o, d)
		return "ready for pickup at " + o.PickupPoint, s.send(ctx, tx, *o, o.Email, mailPickupReady, d, now)
	})
}

// MarkPickedUp records that the shopper collected a pickup order that was ready: it
// becomes delivered (the withdrawal period counts from then) and the shopper gets a
// thank-you email. Marking it again changes nothing. A cash-on-delivery order is marked
// paid first (the money taken at the point).
func (s *Service) MarkPickedUp(ctx context.Context, actor audit.Actor, orderID int64) (Order, error) {
	return s.staffAct(ctx, actor, orderID, "order.picked_up", func(tx *sqlx.Tx, o *Order) (string, error) {
		if o.Delivery != DeliveryPickup {
			return "", apperr.New(apperr.Conflict, keyPickupOnly)
		}
		if o.PickedUpAt != nil {
			return "already picked up", nil
		}
		if o.PickupReadyAt == nil {
			return "", apperr.New(apperr.Conflict, keyPickupNotReady)
		}
		if o.Status != StatusPaid {
			return "", apperr.New(apperr.Conflict, keyPickupNotPaid)
		}
		now := s.now()
		// paid -> delivered without shipping: the state machine's paid -> shipped ->
		// delivered is for parcels, so the move is written here for pickup orders only.
		const up = `UPDATE orders SET status = $2, delivered_at = $3, picked_up_at = $3, updated_at = $3 WHERE id = $1`
		if _, err := tx.ExecContext(ctx, up, o.ID, StatusDelivered, now); err != nil {
			return "", fmt.Errorf("picked up: %w", db.Translate(err))
		}
		o.Status, o.PickedUpAt, o.DeliveredAt = StatusDelivered, &now, &now
		if err := addEvent(ctx, tx, o.ID, now, EventPickedUp, actorName(actor), o.PickupPoint); err != nil {
			return "", err
		}
		d := s.mailData(*o)
		s.pickupData(*o, d)
		return "picked up at " + o.PickupPoint, s.send(ctx, tx, *o, o.Email, mailPickedUp, d, now)
	})
}
