// Package quote owns corporate custom-clothing work from request to delivery: company
// sign-up and approval, quote requests (lines with a size breakdown, reference files),
// the quote state machine, staff price versions and the expiry of unanswered quotes.
// Every read or write by a company user is scoped by that user's company: another
// company's quote is not found, never forbidden. It knows nothing of HTTP.
package quote

import (
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/payment"
)

// Status is where a quote stands (database enum quote_status).
type Status string

// The statuses, in the order a quote moves through them.
const (
	StatusRequested    Status = "requested"
	StatusQuoted       Status = "quoted"
	StatusAccepted     Status = "accepted"
	StatusDeclined     Status = "declined"
	StatusExpired      Status = "expired"
	StatusDepositPaid  Status = "deposit_paid"
	StatusInProduction Status = "in_production"
	StatusReady        Status = "ready"
	StatusDelivered    Status = "delivered"
	StatusSettled      Status = "settled"
	StatusCancelled    Status = "cancelled"
)

// Statuses lists every status.
var Statuses = []Status{StatusRequested, StatusQuoted, StatusAccepted, StatusDeclined, StatusExpired,
	StatusDepositPaid, StatusInProduction, StatusReady, StatusDelivered, StatusSettled, StatusCancelled}

// transitions is the state machine, the one place that says which moves exist. Work can
// be cancelled until production ends; once the garments are ready they are delivered and
// settled. A re-quote (a new price version of a quoted quote) is not a move: the status
// stays quoted (see Service.Quote).
var transitions = map[Status][]Status{
	StatusRequested:    {StatusQuoted, StatusCancelled},
	StatusQuoted:       {StatusAccepted, StatusDeclined, StatusExpired, StatusCancelled},
	StatusAccepted:     {StatusDepositPaid, StatusCancelled},
	StatusDepositPaid:  {StatusInProduction, StatusCancelled},
	StatusInProduction: {StatusReady, StatusCancelled},
	StatusReady:        {StatusDelivered},
	StatusDelivered:    {StatusSettled},
}

// CanMove reports whether a quote may go from one status to another.
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

// Garments are the garment types the workshops make to order.
var Garments = []string{"polo", "t-shirt", "shirt", "jacket", "apron", "cap", "tote-bag"}

// Customisations are the ways a logo goes on a garment.
var Customisations = []string{"embroidery", "print"}

// Sizes are the size columns of a line, in order.
var Sizes = []string{"xs", "s", "m", "l", "xl", "xxl"}

// Quote is a request and where it stands; Lines, Files and Versions are filled by the
// methods that say so.
type Quote struct {
	ID           int64      `db:"id"`
	Number       string     `db:"number"` // COT-2026-00042
	CompanyID    int64      `db:"company_id"`
	RequestedBy  int64      `db:"requested_by"`
	Status       Status     `db:"status"`
	Deadline     time.Time  `db:"deadline"`
	DeliveryCity string     `db:"delivery_city"`
	Notes        string     `db:"notes"`
	StatusReason string     `db:"status_reason"`
	ValidUntil   *time.Time `db:"valid_until"`
	CreatedAt    time.Time  `db:"created_at"`
	UpdatedAt    time.Time  `db:"updated_at"`

	AcceptedVersion *int       `db:"accepted_version"`
	AcceptedBy      *int64     `db:"accepted_by"`
	AcceptedAt      *time.Time `db:"accepted_at"`
	ProofApprovedAt *time.Time `db:"proof_approved_at"`
	RemindedAt      *time.Time `db:"reminded_at"`
	DeliveredAt     *time.Time `db:"delivered_at"`
	DeliveryNote    string     `db:"delivery_note"`

	Lines    []Line    `db:"-"`
	Files    []File    `db:"-"`
	Versions []Version `db:"-"`
}

// Line is one garment of a request with its size breakdown; Quantity is their sum.
type Line struct {
	QuoteID       int64  `db:"quote_id"`
	LineNo        int    `db:"line_no"`
	Garment       string `db:"garment"`
	Fabric        string `db:"fabric"`
	Colour        string `db:"colour"`
	XS            int    `db:"qty_xs"`
	S             int    `db:"qty_s"`
	M             int    `db:"qty_m"`
	L             int    `db:"qty_l"`
	XL            int    `db:"qty_xl"`
	XXL           int    `db:"qty_xxl"`
	Quantity      int    `db:"quantity"`
	Customisation string `db:"customisation"`
	Position      string `db:"position"`
}

// File is a reference file attached to a request.
type File struct {
	ID          int64     `db:"id"`
	QuoteID     int64     `db:"quote_id"`
	Key         string    `db:"object_key"`
	Name        string    `db:"name"`
	ContentType string    `db:"content_type"`
	Size        int64     `db:"size_bytes"`
	CreatedAt   time.Time `db:"created_at"`
	Kind        FileKind  `db:"kind"`
	Version     *int      `db:"version"` // a proof's version
}

// Service runs the quote use cases. The exported fields are optional parts set by main
// before use: without Card no card payments, without Mail no emails, without Ledger no
// workshop credit (tests and tools).
type Service struct {
	db    *sqlx.DB
	files media.Store
	now   func() time.Time

	Card   payment.Provider // deposit and balance by card (Stripe Checkout)
	Mail   notify.Enqueuer  // emails to the other side of every move and message
	Ledger *ledger.Ledger   // credits the assigned workshops with each payment
	// StaffEmail receives the emails meant for the foundation's staff (a shared inbox);
	// empty: every active admin.
	StaffEmail string
	// BaseURL is the public origin, for links in emails.
	BaseURL string
}

// New returns a Service storing reference files in files; now is the clock (nil: time.Now).
func New(conn *sqlx.DB, files media.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: conn, files: files, now: now}
}

// bogota is Colombia's time zone (UTC-5, no daylight saving): dates a company picks are
// days in Bogotá.
var bogota = func() *time.Location {
	if loc, err := time.LoadLocation("America/Bogota"); err == nil {
		return loc
	}
	return time.FixedZone("COT", -5*3600)
}()

// today is the current date in Bogotá, at midnight UTC (as a date column scans).
func (s *Service) today() time.Time {
	y, m, d := s.now().In(bogota).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
