package ledger

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
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
// the fund's part of Net (sum of the sale and refund entries' ShareMinor); Adjustments
// the share corrections (and AdjustedMinor their money); Payouts paid to the fund
// (positive). ClosingBalance = OpeningBalance + Share + Adjustments - Payouts. Entries
// are the month's entries, oldest first; every total is a sum over them.
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
	AdjustedMinor  int64
	Payouts        int64
	OpeningBalance int64
	ClosingBalance int64
	Entries        []Entry
	// TagScans are the period's scans of the workshop's hang-tags, by product, and
	// TagScansTotal their sum (for the workshop's record, not money).
	TagScans      []TagScan
	TagScansTotal int
}

const entryCols = `id, account, workshop_id, kind, source, source_ref, order_id, order_number, line_no, product_id,
	variant_id, title, size, quantity, amount_minor, share_bps, share_minor, currency, occurred_at, created_at,
	created_by, memo`

// Statement returns a workshop's statement for the month holding month (Bogotá);
// NotFound ledger.workshop_not_found for an unknown workshop.
func (l *Ledger) Statement(ctx context.Context, workshopID int64, month time.Time) (Statement, error) {
	from := MonthStart(month)
	to := from.AddDate(0, 1, 0)
	s := Statement{WorkshopID: workshopID, Month: from, From: from, To: to, Currency: l.opts.Currency}
	err := db.Transact(ctx, l.db, db.RepeatableRead, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &s.WorkshopName, `SELECT name FROM workshops WHERE id = $1`, workshopID); err != nil {
			if apperr.CodeOf(db.Translate(err)) == apperr.NotFound {
				return apperr.New(apperr.NotFound, keyWorkshopNotFound)
			}
			return fmt.Errorf("workshop: %w", db.Translate(err))
		}
		sel := `SELECT ` + entryCols + ` FROM ledger_entries
			WHERE workshop_id = $1 AND occurred_at >= $2 AND occurred_at < $3 ORDER BY occurred_at, id`
		if err := tx.SelectContext(ctx, &s.Entries, sel, workshopID, from.UTC(), to.UTC()); err != nil {
			return fmt.Errorf("entries: %w", db.Translate(err))
		}
		var err error
		if s.OpeningBalance, err = balance(ctx, tx, workshopID, from); err != nil {
			return err
		}
		if s.TagScans, err = tagScans(ctx, tx, workshopID, from, to); err != nil {
			return err
		}
		s.ShareBps, err = l.ShareAt(ctx, tx, workshopID, to.Add(-time.Microsecond))
		return err
	})
	if err != nil {
		return Statement{}, fmt.Errorf("statement of workshop %d for %s: %w", workshopID, from.Format("2006-01"), err)
	}
	s.sum()
	return s, nil
}

// sum fills the totals and units from the entries.
func (s *Statement) sum() {
	type key struct {
		product int64
		title   string
		size    string
	}
	units := map[key]*UnitLine{}
	var order []key
	for _, e := range s.Entries {
		switch e.Kind {
		case KindSale, KindRefund:
			if e.Kind == KindSale {
				s.Gross += e.AmountMinor
			} else {
				s.Refunds -= e.AmountMinor
			}
			s.Share += e.ShareMinor
			if e.Source == SourceQuote || e.Source == SourceQuoteRefund {
				// Corporate work is paid by deposit and balance, not per garment: its
				// money is in the totals and entries, its garments in the job's progress.
				continue
			}
			k := key{e.ProductID, e.Title, e.Size}
			u := units[k]
			if u == nil {
				u = &UnitLine{ProductID: e.ProductID, Title: e.Title, Size: e.Size}
				units[k] = u
				order = append(order, k)
			}
			if e.Kind == KindSale {
				u.Sold += e.Quantity
				u.GrossMinor += e.AmountMinor
			} else {
				u.Refunded -= e.Quantity
				u.RefundsMinor -= e.AmountMinor
			}
		case KindPayout:
			s.Payouts -= e.ShareMinor
		case KindAdjustment:
			s.Adjustments += e.ShareMinor
			s.AdjustedMinor += e.AmountMinor
		}
	}
	s.Net = s.Gross - s.Refunds
	s.TagScansTotal = 0
	for _, t := range s.TagScans {
		s.TagScansTotal += t.Scans
	}
	s.ClosingBalance = s.OpeningBalance + s.Share + s.Adjustments - s.Payouts
	s.Units = make([]UnitLine, 0, len(order))
	for _, k := range order {
		s.Units = append(s.Units, *units[k])
	}
	sort.SliceStable(s.Units, func(i, j int) bool {
		a, b := s.Units[i], s.Units[j]
		if a.Title != b.Title {
			return a.Title < b.Title
		}
		return sizeLess(a.Size, b.Size)
	})
}

// sizeLess orders sizes numerically when both are numbers ("38" < "40"), else as text.
func sizeLess(a, b string) bool {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return x < y
	}
	return a < b
}

// MonthTotal is one month of a workshop's chart.
type MonthTotal struct {
	Month   time.Time // first instant of the month in Bogotá
	Units   int       // sold minus wholly refunded
	Gross   int64
	Refunds int64 // positive
	Net     int64
	Share   int64
}

// Months returns the last n months (1..120) up to the current one, oldest first, with
// zeros for months without entries.
func (l *Ledger) Months(ctx context.Context, workshopID int64, last int) ([]MonthTotal, error) {
	last = min(max(last, 1), 120)
	end := MonthStart(l.now()).AddDate(0, 1, 0)
	start := MonthStart(l.now()).AddDate(0, 1-last, 0)
	const sel = `SELECT kind, quantity, amount_minor, share_minor, occurred_at FROM ledger_entries
		WHERE workshop_id = $1 AND kind IN ('sale', 'refund') AND occurred_at >= $2 AND occurred_at < $3`
	var es []Entry
	if err := sqlx.SelectContext(ctx, l.db, &es, sel, workshopID, start.UTC(), end.UTC()); err != nil {
		return nil, fmt.Errorf("months of workshop %d: %w", workshopID, db.Translate(err))
	}
	out := make([]MonthTotal, last)
	index := map[time.Time]int{}
	for i := range out {
		out[i].Month = start.AddDate(0, i, 0)
		index[out[i].Month] = i
	}
	for _, e := range es {
		m := &out[index[MonthStart(e.OccurredAt)]]
		m.Units += e.Quantity
		m.Share += e.ShareMinor
		if e.Kind == KindSale {
			m.Gross += e.AmountMinor
		} else {
			m.Refunds -= e.AmountMinor
		}
		m.Net = m.Gross - m.Refunds
	}
	return out, nil
}

// EntryFilter narrows Entries; zero fields match everything.
type EntryFilter struct {
	WorkshopID int64
	Account    Account
	Kind       Kind
	OrderID    int64
	From, To   time.Time // occurred_at in [From, To)
	Page       int       // from 1
	PerPage    int       // default 50, at most 500
}

func (f EntryFilter) where() (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.WorkshopID != 0 {
		where = append(where, "workshop_id = "+arg(f.WorkshopID))
	}
	if f.Account != "" {
		where = append(where, "account = "+arg(string(f.Account)))
	}
	if f.Kind != "" {
		where = append(where, "kind = "+arg(string(f.Kind)))
	}
	if f.OrderID != 0 {
		where = append(where, "order_id = "+arg(f.OrderID))
	}
	if !f.From.IsZero() {
		where = append(where, "occurred_at >= "+arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		where = append(where, "occurred_at < "+arg(f.To.UTC()))
	}
	if len(where) == 0 {
		return "true", args
	}
	return strings.Join(where, " AND "), args
}

// Entries returns one page of entries, newest first, and how many match.
func (l *Ledger) Entries(ctx context.Context, f EntryFilter) ([]Entry, int, error) {
	if f.PerPage <= 0 || f.PerPage > 500 {
		f.PerPage = 50
	}
	f.Page = max(f.Page, 1)
	cond, args := f.where()
	var total int
	if err := sqlx.GetContext(ctx, l.db, &total, `SELECT count(*) FROM ledger_entries WHERE `+cond, args...); err != nil {
		return nil, 0, fmt.Errorf("count entries: %w", db.Translate(err))
	}
	n := len(args)
	sel := `SELECT ` + entryCols + ` FROM ledger_entries WHERE ` + cond + ` ORDER BY occurred_at DESC, id DESC
		LIMIT $` + strconv.Itoa(n+1) + ` OFFSET $` + strconv.Itoa(n+2)
	var out []Entry
	if err := sqlx.SelectContext(ctx, l.db, &out, sel, append(args, f.PerPage, (f.Page-1)*f.PerPage)...); err != nil {
		return nil, 0, fmt.Errorf("list entries: %w", db.Translate(err))
	}
	return out, total, nil
}
