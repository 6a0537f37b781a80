package ledger

import (
	"context"
	"io"
	"time"

	"github.com/libres/storefront/internal/db"
)

// Totals are the figures Reconcile compares for one account.
type Totals struct {
	Sales   int64 // AmountMinor of sale entries
	Refunds int64 // AmountMinor of refund entries (negative)
	Share   int64 // ShareMinor of sales and refunds
	Payouts int64 // payouts (positive)
}

// ReportRow is one account of a reconciliation: what the orders, refunds and payouts
// say (Expected) and what the ledger holds (Recorded).
type ReportRow struct {
	Account    Account
	WorkshopID int64 // 0 for foundation accounts
	Name       string
	Expected   Totals
	Recorded   Totals
}

// OK reports whether the row has no difference.
func (r ReportRow) OK() bool { return r.Expected == r.Recorded }

// Report is a reconciliation of [From, To).
type Report struct {
	From, To time.Time
	Rows     []ReportRow
	// Problems are differences not tied to one account (an order whose refunds do not
	// add up to its refunded total, a stray entry with no source).
	Problems []string
}

// OK reports whether the ledger matches everything.
func (r Report) OK() bool {
	for _, row := range r.Rows {
		if !row.OK() {
			return false
		}
	}
	return len(r.Problems) == 0
}

// Reconcile recomputes, from orders (paid, with their lines' totals and workshop
// snapshots, shipping and donation), order_refunds and payouts, what each account
// should hold for [from, to) (zero times: all time), and compares it with the ledger.
func (l *Ledger) Reconcile(ctx context.Context, q db.Querier, from, to time.Time) (Report, error) {
	return Report{}, errTODO
}

// WriteTable prints the report as a plain-text table.
func (r Report) WriteTable(w io.Writer) error {
	return errTODO
}
