package quote

// The rest of the path after a price: acceptance with the proof, the message thread,
// payments, production and delivery. This file holds the types the web rooms build on;
// the use cases live in accept.go, view.go, thread.go, production.go, search.go,
// remind.go and payments.go.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/payment"
)

var errNotYet = errors.New("quote: not implemented yet")

// Assignment is a workshop doing part of a version's work: WorkBps of it, in basis
// points (a version's assignments sum to 10000). Payments credit the workshops in the
// ledger by these shares.
type Assignment struct {
	WorkshopID   int64  `db:"workshop_id"`
	WorkshopName string `db:"workshop_name"`
	WorkBps      int    `db:"work_bps"`
	// The workshop's public page (/taller/{slug}) exists only while it is active.
	WorkshopSlug   string `db:"workshop_slug"`
	WorkshopActive bool   `db:"workshop_active"`
}

// FileKind tells a company's reference artwork from staff's proof.
type FileKind string

// The file kinds.
const (
	FileReference FileKind = "reference" // uploaded by the company with the request
	FileProof     FileKind = "proof"     // staff's image of the logo placement, per version
)

// Message is one post in a quote's thread.
type Message struct {
	ID         int64     `db:"id"`
	QuoteID    int64     `db:"quote_id"`
	AuthorID   *int64    `db:"author_id"`
	AuthorName string    `db:"author_name"`
	Staff      bool      `db:"staff"` // the foundation wrote it (else the company)
	Body       string    `db:"body"`
	CreatedAt  time.Time `db:"created_at"`
}

// PaymentKind says what a payment pays.
type PaymentKind string

// The payment kinds.
const (
	PaymentDeposit PaymentKind = "deposit" // due on acceptance, before production
	PaymentBalance PaymentKind = "balance" // the rest, due on delivery
)

// PaymentStatus is where a payment stands.
type PaymentStatus string

// The payment statuses.
const (
	PaymentPending PaymentStatus = "pending" // a card checkout is open
	PaymentPaid    PaymentStatus = "paid"
	PaymentFailed  PaymentStatus = "failed"
	PaymentExpired PaymentStatus = "expired"
)

// Payment is money received (or being paid by card) for a quote.
type Payment struct {
	ID            int64          `db:"id"`
	QuoteID       int64          `db:"quote_id"`
	Kind          PaymentKind    `db:"kind"`
	Method        payment.Method `db:"method"` // card or transfer
	Status        PaymentStatus  `db:"status"`
	AmountMinor   int64          `db:"amount_minor"`
	RefundedMinor int64          `db:"refunded_minor"`
	Currency      string         `db:"currency"`
	SessionID     *string        `db:"session_id"`
	PaymentRef    string         `db:"payment_ref"` // provider's payment id, or the transfer's reference
	RecordedBy    *int64         `db:"recorded_by"`
	PaidAt        *time.Time     `db:"paid_at"`
	CreatedAt     time.Time      `db:"created_at"`
}

// Money is what a quote costs and what has been paid, always shown to both sides.
type Money struct {
	Currency   string
	Total      int64 // of the accepted version (or the latest, before acceptance)
	Deposit    int64 // the deposit due before production
	Paid       int64 // paid, net of refunds
	DepositDue int64 // what is still owed of the deposit
	BalanceDue int64 // what is still owed in all: Total - Paid
}

// Progress is a line's production in one size.
type Progress struct {
	LineNo   int    `db:"line_no"`
	Size     string `db:"size"` // one of Sizes
	Ordered  int    `db:"ordered"`
	Cut      int    `db:"cut"`
	Sewn     int    `db:"sewn"`
	Finished int    `db:"finished"`
}

// Job is a quote in production (or about to be) as a workshop or the staff board sees it.
type Job struct {
	Quote
	CompanyName string
	Ordered     int // garments in all
	Finished    int
	Workshops   []Assignment
}

// Detail is a quote with everything its page shows.
type Detail struct {
	Quote
	Company  Company
	Messages []Message
	Payments []Payment
	Money    Money
	Progress []Progress
	// Workshops of the accepted version (or the latest).
	Workshops []Assignment
}

// Filter selects quotes for staff.
type Filter struct {
	Status    Status // "" for all
	CompanyID int64  // 0 for all
	Query     string // number or company name
	Page      int    // from 1
	PerPage   int    // default 50
}

// Companies lists companies with the given status ("" for all), newest first.
func (s *Service) Companies(ctx context.Context, status string) ([]Company, error) {
	cs := []Company{}
	sel := `SELECT ` + companyCols + ` FROM companies WHERE ($1 = '' OR status = $1) ORDER BY created_at DESC, id DESC`
	if err := sqlx.SelectContext(ctx, s.db, &cs, sel, status); err != nil {
		return nil, fmt.Errorf("companies %q: %w", status, db.Translate(err))
	}
	return cs, nil
}
