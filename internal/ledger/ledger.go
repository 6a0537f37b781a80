// Package ledger owns revenue attribution: the append-only ledger of money per workshop
// and per foundation account (sales, refunds, payouts, adjustments), the workshops'
// revenue shares with their effective dates, payouts to the workshops' funds, the
// statements built from the entries, and the reconciliation that recomputes everything
// from orders, quote payments, refunds and payouts and compares it with the ledger.
//
// Entries are never updated or deleted (the database refuses it); a correction is a new
// entry. Package order posts sales and refunds through PostSale and PostRefund, and
// package quote a corporate quote's payments and refunds through PostQuotePayment and
// PostQuoteRefund, inside the transaction that records the money, so an entry exists
// exactly when its cause does. The ledger knows nothing of those packages: it takes
// plain inputs.
package ledger

import (
	"time"

	"github.com/jmoiron/sqlx"
)

// Account is where an entry's money lands: a workshop (Entry.WorkshopID says which) or
// one of the foundation's own accounts.
type Account string

// The accounts. The foundation's part of a workshop's sales (net minus the workshop's
// share: materials and the foundation) is not posted separately: it is Net - Share.
const (
	AccountWorkshop   Account = "workshop"
	AccountShipping   Account = "foundation_shipping"
	AccountDonations  Account = "foundation_donations"
	AccountFoundation Account = "foundation" // adjustments to the foundation's own books
)

// Accounts lists every account.
var Accounts = []Account{AccountWorkshop, AccountShipping, AccountDonations, AccountFoundation}

// Kind says what an entry records. Shipping and donations paid with an order are
// KindSale entries on the foundation accounts.
type Kind string

// The kinds.
const (
	KindSale       Kind = "sale"       // money paid for an order (positive)
	KindRefund     Kind = "refund"     // money given back (negative)
	KindPayout     Kind = "payout"     // money paid to a workshop's fund (negative, share only)
	KindAdjustment Kind = "adjustment" // a staff correction (either sign)
)

// Source is the document an entry comes from; (Source, SourceRef, Account, LineNo) is
// unique, so a retried transaction cannot post twice.
type Source string

// The sources.
const (
	SourceOrder       Source = "order"        // SourceRef: the order id
	SourceRefund      Source = "refund"       // SourceRef: order_refunds.id
	SourcePayout      Source = "payout"       // SourceRef: payouts.id
	SourceAdjustment  Source = "adjustment"   // SourceRef: adjustment number
	SourceQuote       Source = "quote"        // SourceRef: quote_payments.id (package quote)
	SourceQuoteRefund Source = "quote_refund" // SourceRef: quote_refunds.id
)

// Entry is one ledger row. Amounts are minor units of Currency. AmountMinor is the money
// (sales positive, refunds negative, a payout -amount); ShareMinor is the workshop
// fund's part of it (ShareBps of the order line's net, see PostRefund; a payout's is
// -amount too), so a workshop's balance is the sum of its entries' ShareMinor and its
// net sales the sum of AmountMinor over kinds sale and refund. Quantity is units sold
// (sale) or units whose money is now wholly refunded (refund, negative).
type Entry struct {
	ID          int64     `db:"id"`
	Account     Account   `db:"account"`
	WorkshopID  *int64    `db:"workshop_id"`
	Kind        Kind      `db:"kind"`
	Source      Source    `db:"source"`
	SourceRef   string    `db:"source_ref"`
	OrderID     *int64    `db:"order_id"`
	OrderNumber string    `db:"order_number"`
	LineNo      int       `db:"line_no"` // order line; 0 for shipping, donation, payouts
	ProductID   int64     `db:"product_id"`
	VariantID   int64     `db:"variant_id"`
	Title       string    `db:"title"`
	Size        string    `db:"size"`
	Quantity    int       `db:"quantity"`
	AmountMinor int64     `db:"amount_minor"`
	ShareBps    int       `db:"share_bps"`
	ShareMinor  int64     `db:"share_minor"`
	Currency    string    `db:"currency"`
	OccurredAt  time.Time `db:"occurred_at"`
	CreatedAt   time.Time `db:"created_at"`
	CreatedBy   string    `db:"created_by"`
	Memo        string    `db:"memo"`
}

// Options configure a Ledger; zero fields take the defaults.
type Options struct {
	// DefaultShareBps is the share of a workshop that has none recorded (default 6000:
	// 60% of net sales to the workshop's fund).
	DefaultShareBps int
	// Currency of the store (default "COP").
	Currency string
	// Now is the clock; tests and the demo seed move it.
	Now func() time.Time
}

// Ledger reads and writes the ledger; it is safe for concurrent use.
type Ledger struct {
	db   *sqlx.DB
	opts Options
}

// New returns a Ledger on the pool.
func New(conn *sqlx.DB, opts Options) *Ledger {
	if opts.DefaultShareBps <= 0 || opts.DefaultShareBps > MaxBps {
		opts.DefaultShareBps = 6000
	}
	if opts.Currency == "" {
		opts.Currency = "COP"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Ledger{db: conn, opts: opts}
}

// Options returns the effective options.
func (l *Ledger) Options() Options { return l.opts }

// MaxBps is 100% in basis points.
const MaxBps = 10000

// now is the clock, truncated to what PostgreSQL stores.
func (l *Ledger) now() time.Time { return l.opts.Now().UTC().Truncate(time.Microsecond) }

// Bogota is the shop's time zone (UTC-5 all year): months and dates are Bogotá's.
var Bogota = time.FixedZone("America/Bogota", -5*60*60)

// MonthStart returns the first instant of t's month in Bogotá.
func MonthStart(t time.Time) time.Time {
	t = t.In(Bogota)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, Bogota)
}

// DayStart returns the first instant of t's day in Bogotá.
func DayStart(t time.Time) time.Time {
	t = t.In(Bogota)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Bogota)
}
