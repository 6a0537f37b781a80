// Package order owns carts, orders, stock reservations, order numbers, the order state
// machine, payment events as they touch orders, the Ley 1480 requests (withdrawal,
// payment reversal) and the sweeper that cancels unpaid orders. It knows nothing of
// HTTP: the web packages call its Service and render its apperr errors.
package order

import (
	"time"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/payment"
)

// Status is where an order stands (database enum order_status).
type Status string

// The statuses.
const (
	StatusPending   Status = "pending_payment"  // placed, stock reserved, not paid yet
	StatusAwaiting  Status = "awaiting_payment" // an asynchronous payment (bank) is on its way
	StatusPaid      Status = "paid"
	StatusShipped   Status = "shipped"
	StatusDelivered Status = "delivered"
	StatusCancelled Status = "cancelled"
	StatusRefunded  Status = "refunded"
)

// Statuses lists every status in the order an order moves through them.
var Statuses = []Status{StatusPending, StatusAwaiting, StatusPaid, StatusShipped, StatusDelivered, StatusCancelled, StatusRefunded}

// transitions is the state machine, the one place that says which moves exist.
// pending_payment -> shipped exists for cash on delivery only (Ship checks the method):
// such an order is paid when it arrives, and MarkPaid then records the payment without
// moving it. A paid order is not cancelled but refunded (see Cancel).
var transitions = map[Status][]Status{
	StatusPending:   {StatusAwaiting, StatusPaid, StatusShipped, StatusCancelled},
	StatusAwaiting:  {StatusPaid, StatusCancelled},
	StatusPaid:      {StatusShipped, StatusRefunded},
	StatusShipped:   {StatusDelivered, StatusRefunded},
	StatusDelivered: {StatusRefunded},
	// A cancelled order is paid again only through Reinstate: flagged (its money came
	// after the sweeper cancelled it) and its stock taken again.
	StatusCancelled: {StatusPaid},
}

// CanMove reports whether an order may go from one status to another.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Open reports whether the order still waits for its payment (its stock is reserved).
func (s Status) Open() bool { return s == StatusPending || s == StatusAwaiting }

// Totals are an order's or a cart's money, in minor units of Currency. Prices include
// IVA: Subtotal is the sum of the lines as shown, Tax the IVA contained in it (not added
// on top), Total = Subtotal + Shipping + Donation.
type Totals struct {
	Currency string `db:"currency"`
	Subtotal int64  `db:"subtotal_minor"`
	Tax      int64  `db:"tax_minor"`
	Shipping int64  `db:"shipping_minor"`
	Donation int64  `db:"donation_minor"`
	Total    int64  `db:"total_minor"`
}

// Order is a placed order with its lines (Lines is filled by the methods that say so).
type Order struct {
	ID         int64          `db:"id"`
	Number     string         `db:"number"` // LIB-2026-000123
	Status     Status         `db:"status"`
	Method     payment.Method `db:"payment_method"`
	UserID     *int64         `db:"user_id"`
	Email      string         `db:"email"`
	Name       string         `db:"name"`
	Phone      string         `db:"phone"`
	Lang       string         `db:"lang"`
	Department string         `db:"department"`
	City       string         `db:"city"`
	Address    string         `db:"address_line"`
	Notes      string         `db:"notes"`
	Totals
	RefundedMinor  int64      `db:"refunded_minor"`
	SessionID      string     `db:"provider_session_id"`
	PaymentRef     string     `db:"payment_ref"`
	ExpiresAt      *time.Time `db:"expires_at"` // reservation expiry while unpaid
	ReminderSentAt *time.Time `db:"reminder_sent_at"`
	Flagged        bool       `db:"flagged"`
	FlagReason     string     `db:"flag_reason"`
	Carrier        string     `db:"carrier"`
	Tracking       string     `db:"tracking"`
	CreatedAt      time.Time  `db:"created_at"`
	UpdatedAt      time.Time  `db:"updated_at"`
	PaidAt         *time.Time `db:"paid_at"`
	ShippedAt      *time.Time `db:"shipped_at"`
	DeliveredAt    *time.Time `db:"delivered_at"`
	CancelledAt    *time.Time `db:"cancelled_at"`
	// Delivery is shipping or pickup; a pickup order names its PickupPoint and holds the
	// point's address in Department, City and Address.
	Delivery      Delivery   `db:"delivery_method"`
	PickupPoint   string     `db:"pickup_point"`
	PickupReadyAt *time.Time `db:"pickup_ready_at"`
	PickedUpAt    *time.Time `db:"picked_up_at"`

	Lines []Line `db:"-"`
}

// Manual reports whether staff confirm the payment (bank transfer, cash on delivery).
func (o Order) Manual() bool { return o.Method != payment.MethodCard }

// Line is an order line: a snapshot of the variant when the order was placed.
type Line struct {
	OrderID      int64            `db:"order_id"`
	LineNo       int              `db:"line_no"`
	VariantID    int64            `db:"variant_id"`
	ProductID    int64            `db:"product_id"`
	WorkshopID   int64            `db:"workshop_id"`
	WorkshopName string           `db:"workshop_name"`
	ProductSlug  string           `db:"product_slug"`
	TitleES      string           `db:"title_es"`
	TitleEN      string           `db:"title_en"`
	SKU          string           `db:"sku"`
	Size         string           `db:"size"`
	ColorES      string           `db:"color_es"`
	ColorEN      string           `db:"color_en"`
	UnitMinor    int64            `db:"unit_minor"`
	Quantity     int              `db:"quantity"`
	TaxClass     catalog.TaxClass `db:"tax_class"`
	TaxMinor     int64            `db:"tax_minor"`
	TotalMinor   int64            `db:"line_total_minor"`
}

// Title returns the title in lang.
func (l Line) Title(lang string) string { return pick(lang, l.TitleES, l.TitleEN) }

// Color returns the colour in lang.
func (l Line) Color(lang string) string { return pick(lang, l.ColorES, l.ColorEN) }

// Event is one entry of an order's timeline.
type Event struct {
	ID      int64     `db:"id"`
	OrderID int64     `db:"order_id"`
	At      time.Time `db:"at"`
	Kind    EventKind `db:"kind"`
	Actor   string    `db:"actor"` // staff email, "shopper", "system", "stripe"
	Detail  string    `db:"detail"`
}

// EventKind names a timeline entry.
type EventKind string

// The timeline's kinds.
const (
	EventPlaced         EventKind = "placed"
	EventPaymentStarted EventKind = "payment_started"
	EventAwaiting       EventKind = "awaiting_payment"
	EventPaid           EventKind = "paid"
	EventEmailQueued    EventKind = "email_queued"
	EventReminder       EventKind = "reminder"
	EventShipped        EventKind = "shipped"
	EventDelivered      EventKind = "delivered"
	EventCancelled      EventKind = "cancelled"
	EventRefunded       EventKind = "refunded"
	EventNote           EventKind = "note"
	EventFlagged        EventKind = "flagged"
	EventWithdrawal     EventKind = "request_withdrawal"
	EventReversal       EventKind = "request_reversal"
	EventReadyForPickup EventKind = "ready_for_pickup"
	EventPickedUp       EventKind = "picked_up"
)

// Filter narrows List and WriteCSV; zero fields match everything.
type Filter struct {
	Status     Status
	Method     payment.Method
	From, To   time.Time // created_at in [From, To)
	WorkshopID int64     // orders with at least one line of the workshop
	Query      string    // number, email or name
	Flagged    bool      // only orders flagged for staff (paid after cancellation)
	Page       int       // from 1
	PerPage    int       // default 50
	// Uncollected: only pickup orders ready longer than Options.PickupUncollectedAfter
	// and not picked up (List and WriteCSV set the cut-off from the clock).
	Uncollected bool
	readyBefore time.Time
	Delivery    Delivery // shipping or pickup; "" for both
	// ToPrepare: only pickup orders staff still have to get ready: paid (or cash on
	// delivery, paid at the point) and not marked ready.
	ToPrepare bool
}

func pick(lang, es, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return es
}
