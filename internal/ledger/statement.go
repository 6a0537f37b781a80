package ledger

import (
	"context"
	"io"
	"time"
)

// UnitLine is what a statement says of one product and size.
type UnitLine struct {
	ProductID    int64
	Title        string
	Size         string
	Sold         int   // units sold in the period
	Refunded     int   // units wholly refunded in the period (positive)
	GrossMinor   int64 // sales
	RefundsMinor int64 // refunds (positive)
}

// Statement is a workshop's month. Gross - Refunds = Net (money of its lines); Share is
// the fund's part of Net (sum of the entries' ShareMinor); Adjustments the share
// corrections; Payouts paid to the fund (positive). ClosingBalance = OpeningBalance +
// Share + Adjustments - Payouts. Entries are the month's entries, oldest first; the
// totals are their sums.
type Statement struct {
	WorkshopID     int64
	WorkshopName   string
	Month          time.Time // first instant of the month in Bogotá
	From, To       time.Time // [From, To)
	Currency       string
	ShareBps       int // in force at the end of the month
	Units          []UnitLine
	Gross          int64
	Refunds        int64
	Net            int64
	Share          int64
	Adjustments    int64
	Payouts        int64
	OpeningBalance int64
	ClosingBalance int64
	Entries        []Entry
}

// Statement returns a workshop's statement for the month holding month (Bogotá).
func (l *Ledger) Statement(ctx context.Context, workshopID int64, month time.Time) (Statement, error) {
	return Statement{}, errTODO
}

// MonthTotal is one month of a workshop's chart.
type MonthTotal struct {
	Month   time.Time
	Units   int
	Gross   int64
	Refunds int64
	Net     int64
	Share   int64
}

// Months returns the last n months up to the current one, oldest first, zeros included.
func (l *Ledger) Months(ctx context.Context, workshopID int64, last int) ([]MonthTotal, error) {
	return nil, errTODO
}

// EntryFilter narrows Entries; zero fields match everything.
type EntryFilter struct {
	WorkshopID int64
	Account    Account
	Kind       Kind
	OrderID    int64
	From, To   time.Time // occurred_at in [From, To)
	Page       int       // from 1
	PerPage    int       // default 50
}

// Entries returns one page of entries, newest first, and how many match.
func (l *Ledger) Entries(ctx context.Context, f EntryFilter) ([]Entry, int, error) {
	return nil, 0, errTODO
}

// WriteEntriesCSV writes a workshop's entries (0: every account) in [from, to) as CSV.
func (l *Ledger) WriteEntriesCSV(ctx context.Context, w io.Writer, workshopID int64, from, to time.Time) error {
	return errTODO
}

// WriteSummaryCSV writes the overview of [from, to) as CSV: a row per workshop and per
// foundation account.
func (l *Ledger) WriteSummaryCSV(ctx context.Context, w io.Writer, from, to time.Time) error {
	return errTODO
}

// WorkshopTotals is one workshop in the overview.
type WorkshopTotals struct {
	WorkshopID  int64
	Name        string
	Slug        string
	ShareBps    int // in force now
	Units       int
	Gross       int64
	Refunds     int64
	Net         int64
	Share       int64
	Foundation  int64 // Net - Share: materials and the foundation
	Adjustments int64
	Payouts     int64
	Balance     int64 // all time up to To: what the fund is owed
}

// AccountTotals is a foundation account in the overview.
type AccountTotals struct {
	Account Account
	Gross   int64
	Refunds int64
	Net     int64
}

// Overview is every workshop side by side and the foundation's accounts for [From, To).
// Net is what shoppers paid minus refunds in the period, all accounts together (it
// equals the paid orders' totals minus refunds: see Reconcile); BalanceDue the sum of
// the workshops' positive balances.
type Overview struct {
	From, To   time.Time
	Currency   string
	Workshops  []WorkshopTotals
	Foundation []AccountTotals
	Gross      int64
	Refunds    int64
	Net        int64
	BalanceDue int64
}

// Overview returns the totals of [from, to).
func (l *Ledger) Overview(ctx context.Context, from, to time.Time) (Overview, error) {
	return Overview{}, errTODO
}

// ProductUnits is one product in a workshop's production month.
type ProductUnits struct {
	ProductID int64
	Title     string
	Sold      int // units sold in the month
	Refunded  int // units refunded in the month
	Added     int // units added to stock in the month (from the stock changes audited)
	Stock     int // on hand now
}

// Production is a workshop's month of work: units sold and made by product (workshop
// level only; no person is named).
type Production struct {
	WorkshopID int64
	Month      time.Time
	Products   []ProductUnits
	Sold       int
	Added      int
}

// Production returns a workshop's production for the month holding month.
func (l *Ledger) Production(ctx context.Context, workshopID int64, month time.Time) (Production, error) {
	return Production{}, errTODO
}

// Impact is what the public workshop page may say.
type Impact struct {
	ItemsSoldThisYear int        // units sold minus refunded, this year (Bogotá)
	ItemsSold         int        // all time
	ProductsOnSale    int        // active products
	FirstSale         *time.Time // nil before the first
}

// Impact returns a workshop's public figures.
func (l *Ledger) Impact(ctx context.Context, workshopID int64) (Impact, error) {
	return Impact{}, errTODO
}
