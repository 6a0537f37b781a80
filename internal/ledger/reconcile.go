package ledger

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/db"
)

// Totals are the figures Reconcile compares for one account.
type Totals struct {
	Sales   int64 // money of sale entries
	Refunds int64 // money of refund entries (negative)
	Share   int64 // the workshop fund's part of sales and refunds
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

// Report is a reconciliation of [From, To) (zero times: open on that side).
type Report struct {
	From, To time.Time
	Rows     []ReportRow
	// Problems are differences Rows cannot show: an order whose refunds do not add up
	// to its refunded total, an order whose entries do not add up to what it should
	// hold (first few only).
	Problems []string
	// Orders and Refunds counted; Adjustments is the number of adjustment entries in
	// the period (corrections are their own source, so they are not compared).
	Orders, Refunds, Adjustments int
	// QuotePayments and QuoteRefunds counted (corporate quotes' money).
	QuotePayments, QuoteRefunds int
	// Donations and DonationRefunds counted (gifts made without a purchase).
	Donations, DonationRefunds int
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

// Reconcile reconciles [from, to) in one read-only REPEATABLE READ transaction, so
// that it sees one moment of the books.
func (l *Ledger) Reconcile(ctx context.Context, from, to time.Time) (Report, error) {
	var r Report
	err := db.Transact(ctx, l.db, db.RepeatableRead, func(tx *sqlx.Tx) error {
		var err error
		r, err = l.ReconcileTx(ctx, tx, from, to)
		return err
	})
	return r, err
}

// ReconcileTx recomputes on q, from orders (sold: paid and not cancelled, with their
// lines' totals and workshop snapshots, shipping and donation), order_refunds
// (replayed in order through Allocate), quote payments and their refunds (split over
// the quote's workshops, see reconcile_quote.go) and payouts, what each account should hold for
// [from, to), and compares it with the ledger. Sales count at the order's paid_at,
// refunds at their time, payouts on their day; shares are recomputed from the share
// history in force when each order was paid.
func (l *Ledger) ReconcileTx(ctx context.Context, q db.Querier, from, to time.Time) (Report, error) {
	r := Report{From: from, To: to}
	in := func(t time.Time) bool { return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to)) }
	src, err := loadSources(ctx, q)
	if err != nil {
		return Report{}, fmt.Errorf("reconcile: %w", err)
	}
	type key struct {
		account Account
		ws      int64
	}
	expected, recorded := map[key]*Totals{}, map[key]*Totals{}
	get := func(m map[key]*Totals, k key) *Totals {
		if m[k] == nil {
			m[k] = &Totals{}
		}
		return m[k]
	}
	orderWant, orderHave := map[int64]int64{}, map[int64]int64{}
	shares := shareHistory(src.shares, l.opts.DefaultShareBps)
	for _, o := range src.orders {
		lines := src.lines[o.ID]
		refunds := src.refunds[o.ID]
		var sumRefunds int64
		for _, rf := range refunds {
			sumRefunds += rf.Amount
		}
		if sumRefunds != o.Refunded {
			r.Problems = append(r.Problems, fmt.Sprintf("order %s: refunds recorded %s, refunded total %s",
				o.Number, decimal(sumRefunds), decimal(o.Refunded)))
		}
		if !o.sold() {
			continue
		}
		bps := map[int]int{}
		for _, ln := range lines {
			bps[ln.LineNo] = shares(ln.WorkshopID, *o.PaidAt)
		}
		if in(*o.PaidAt) {
			r.Orders++
			for _, ln := range lines {
				t := get(expected, key{AccountWorkshop, ln.WorkshopID})
				t.Sales += ln.TotalMinor
				t.Share += shareOf(ln.TotalMinor, bps[ln.LineNo])
				orderWant[o.ID] += ln.TotalMinor
			}
			get(expected, key{AccountShipping, 0}).Sales += o.Shipping
			get(expected, key{AccountDonations, 0}).Sales += o.Donation
			orderWant[o.ID] += o.Shipping + o.Donation
		}
		refunded := map[bucket]int64{}
		for _, rf := range refunds {
			var first, other []SaleLine
			for _, ln := range lines {
				if len(rf.Lines) == 0 || slices.Contains(rf.Lines, int64(ln.LineNo)) {
					first = append(first, ln)
				} else {
					other = append(other, ln)
				}
			}
			caps := func(ls []SaleLine) []int64 {
				out := make([]int64, len(ls))
				for i, ln := range ls {
					out[i] = ln.TotalMinor - refunded[bucket{AccountWorkshop, ln.LineNo}]
				}
				return out
			}
			fees := []int64{o.Shipping - refunded[bucket{AccountShipping, 0}], o.Donation - refunded[bucket{AccountDonations, 0}]}
			parts := Allocate(rf.Amount, caps(first), caps(other), fees)
			count := in(rf.At)
			if count {
				r.Refunds++
			}
			for ti, ls := range [][]SaleLine{first, other} {
				for i, ln := range ls {
					b := bucket{AccountWorkshop, ln.LineNo}
					part, before := parts[ti][i], refunded[b]
					refunded[b] += part
					if !count || part == 0 {
						continue
					}
					t := get(expected, key{AccountWorkshop, ln.WorkshopID})
					t.Refunds -= part
					t.Share += shareOf(ln.TotalMinor-before-part, bps[ln.LineNo]) - shareOf(ln.TotalMinor-before, bps[ln.LineNo])
					orderWant[o.ID] -= part
				}
			}
			for i, a := range []Account{AccountShipping, AccountDonations} {
				refunded[bucket{a, 0}] += parts[2][i]
				if count {
					get(expected, key{a, 0}).Refunds -= parts[2][i]
					orderWant[o.ID] -= parts[2][i]
				}
			}
		}
	}
	for _, p := range src.payouts {
		if in(payoutDay(p.PaidOn)) {
			get(expected, key{AccountWorkshop, p.WorkshopID}).Payouts += p.AmountMinor
		}
	}
	quoteWant, quoteSrcProblems, nq, nqr := quoteExpected(src.quotes, in, shares,
		func(ws int64) *Totals { return get(expected, key{AccountWorkshop, ws}) })
	r.QuotePayments, r.QuoteRefunds = nq, nqr
	r.Problems = append(r.Problems, quoteSrcProblems...)
	r.Donations, r.DonationRefunds, err = donationExpected(ctx, q, in, get(expected, key{AccountDonations, 0}))
	if err != nil {
		return Report{}, fmt.Errorf("reconcile: %w", err)
	}
	quoteHave, err := quoteHeld(ctx, q, from, to)
	if err != nil {
		return Report{}, fmt.Errorf("reconcile: %w", err)
	}
	sums, err := ledgerSums(ctx, q, from, to)
	if err != nil {
		return Report{}, fmt.Errorf("reconcile: %w", err)
	}
	for _, s := range sums {
		k := key{s.Account, 0}
		if s.WorkshopID != nil {
			k.ws = *s.WorkshopID
		}
		t := get(recorded, k)
		switch s.Kind {
		case KindSale:
			t.Sales += s.Amount
			t.Share += s.Share
		case KindRefund:
			t.Refunds += s.Amount
			t.Share += s.Share
		case KindPayout:
			t.Payouts -= s.Share
		case KindAdjustment:
			r.Adjustments += s.Count
			continue
		}
		if s.OrderID != nil && (s.Kind == KindSale || s.Kind == KindRefund) {
			orderHave[*s.OrderID] += s.Amount
		}
	}
	r.Rows = rows(expected, recorded, src.names, func(k key) (Account, int64) { return k.account, k.ws })
	r.Problems = append(r.Problems, orderProblems(orderWant, orderHave, src.numbers)...)
	r.Problems = append(r.Problems, quoteProblems(quoteWant, quoteHave, src.quoteNumbers)...)
	return r, nil
}

// rows turns the two maps into report rows: workshops by name, then the foundation's.
func rows[K comparable](expected, recorded map[K]*Totals, names map[int64]string, split func(K) (Account, int64)) []ReportRow {
	keys := map[K]bool{}
	for k := range expected {
		keys[k] = true
	}
	for k := range recorded {
		keys[k] = true
	}
	var out []ReportRow
	for k := range keys {
		a, ws := split(k)
		row := ReportRow{Account: a, WorkshopID: ws, Name: names[ws]}
		if t := expected[k]; t != nil {
			row.Expected = *t
		}
		if t := recorded[k]; t != nil {
			row.Recorded = *t
		}
		if a == AccountFoundation && row.OK() {
			continue // adjustments only
		}
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Account == AccountWorkshop) != (b.Account == AccountWorkshop) {
			return a.Account == AccountWorkshop
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.WorkshopID < b.WorkshopID
	})
	return out
}

func orderProblems(want, have map[int64]int64, numbers map[int64]string) []string {
	var ids []int64
	for id := range want {
		ids = append(ids, id)
	}
	for id := range have {
		if _, ok := want[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []string
	for _, id := range ids {
		if want[id] == have[id] {
			continue
		}
		if len(out) == 20 {
			out = append(out, "… more orders differ")
			break
		}
		n := numbers[id]
		if n == "" {
			n = fmt.Sprintf("id %d", id)
		}
		out = append(out, fmt.Sprintf("order %s: ledger holds %s, orders say %s", n, decimal(have[id]), decimal(want[id])))
	}
	return out
}

// payoutDay is the instant a payout's entry occurs: the start of its day in Bogotá
// (the driver reads a date as midnight UTC of that date).
func payoutDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, Bogota)
}

type srcOrder struct {
	ID       int64      `db:"id"`
	Number   string     `db:"number"`
	Status   string     `db:"status"`
	PaidAt   *time.Time `db:"paid_at"`
	Shipping int64      `db:"shipping_minor"`
	Donation int64      `db:"donation_minor"`
	Refunded int64      `db:"refunded_minor"`
}

// sold reports whether the order is a sale: paid, and not a cancelled order whose late
// money is held for a refund (see package order: such an order is never sold).
func (o srcOrder) sold() bool {
	return o.PaidAt != nil && o.Status != "cancelled" && o.Status != "pending_payment" && o.Status != "awaiting_payment"
}

type srcRefund struct {
	OrderID int64         `db:"order_id"`
	Amount  int64         `db:"amount_minor"`
	Lines   pq.Int64Array `db:"lines"`
	At      time.Time     `db:"at"`
}

type sources struct {
	orders  []srcOrder
	numbers map[int64]string
	lines   map[int64][]SaleLine
	refunds map[int64][]srcRefund
	shares  []Share
	payouts []Payout
	names   map[int64]string
	quotes  quoteSources
	// quoteNumbers names quote payments (by id) in problems.
	quoteNumbers map[int64]string
}

// loadSources reads every paid or refunded order, its lines and refunds, the share
// history, the payouts, the workshops' names and the quote payments with their refunds.
func loadSources(ctx context.Context, q db.Querier) (sources, error) {
	s := sources{numbers: map[int64]string{}, lines: map[int64][]SaleLine{}, refunds: map[int64][]srcRefund{}, names: map[int64]string{}}
	const selOrders = `SELECT id, number, status, paid_at, shipping_minor, donation_minor, refunded_minor
		FROM orders WHERE paid_at IS NOT NULL OR refunded_minor > 0 ORDER BY id`
	if err := sqlx.SelectContext(ctx, q, &s.orders, selOrders); err != nil {
		return s, fmt.Errorf("orders: %w", db.Translate(err))
	}
	for _, o := range s.orders {
		s.numbers[o.ID] = o.Number
	}
	rows, err := q.QueryxContext(ctx, `SELECT l.order_id, l.line_no, l.workshop_id, l.unit_minor, l.quantity, l.line_total_minor
		FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.paid_at IS NOT NULL ORDER BY l.order_id, l.line_no`)
	if err != nil {
		return s, fmt.Errorf("order lines: %w", db.Translate(err))
	}
	for rows.Next() {
		var id int64
		var ln SaleLine
		if err := rows.Scan(&id, &ln.LineNo, &ln.WorkshopID, &ln.UnitMinor, &ln.Quantity, &ln.TotalMinor); err != nil {
			rows.Close()
			return s, fmt.Errorf("order lines: %w", err)
		}
		s.lines[id] = append(s.lines[id], ln)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("order lines: %w", err)
	}
	var refunds []srcRefund
	if err := sqlx.SelectContext(ctx, q, &refunds, `SELECT order_id, amount_minor, lines, at FROM order_refunds ORDER BY order_id, id`); err != nil {
		return s, fmt.Errorf("refunds: %w", db.Translate(err))
	}
	for _, rf := range refunds {
		s.refunds[rf.OrderID] = append(s.refunds[rf.OrderID], rf)
	}
	if err := sqlx.SelectContext(ctx, q, &s.shares, `SELECT id, workshop_id, bps, effective_from, created_by, created_at
		FROM workshop_shares ORDER BY workshop_id, effective_from, id`); err != nil {
		return s, fmt.Errorf("shares: %w", db.Translate(err))
	}
	if err := sqlx.SelectContext(ctx, q, &s.payouts, `SELECT id, workshop_id, amount_minor, currency, paid_on, method,
		reference, memo, created_by, created_at FROM payouts ORDER BY id`); err != nil {
		return s, fmt.Errorf("payouts: %w", db.Translate(err))
	}
	var ws []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	if err := sqlx.SelectContext(ctx, q, &ws, `SELECT id, name FROM workshops`); err != nil {
		return s, fmt.Errorf("workshops: %w", db.Translate(err))
	}
	for _, w := range ws {
		s.names[w.ID] = w.Name
	}
	var err2 error
	if s.quotes, err2 = loadQuoteSources(ctx, q); err2 != nil {
		return s, err2
	}
	s.quoteNumbers = map[int64]string{}
	for _, p := range s.quotes.payments {
		s.quoteNumbers[p.ID] = p.Number
	}
	return s, nil
}

// shareHistory returns ShareAt over an in-memory history (sorted by workshop,
// effective_from, id).
func shareHistory(shares []Share, def int) func(ws int64, t time.Time) int {
	by := map[int64][]Share{}
	for _, s := range shares {
		by[s.WorkshopID] = append(by[s.WorkshopID], s)
	}
	return func(ws int64, t time.Time) int {
		bps := def
		for _, s := range by[ws] {
			if s.EffectiveFrom.After(t) {
				break
			}
			bps = s.Bps
		}
		return bps
	}
}

type ledgerSum struct {
	Account    Account `db:"account"`
	WorkshopID *int64  `db:"workshop_id"`
	Kind       Kind    `db:"kind"`
	OrderID    *int64  `db:"order_id"`
	Amount     int64   `db:"amount"`
	Share      int64   `db:"share"`
	Count      int     `db:"n"`
}

func ledgerSums(ctx context.Context, q db.Querier, from, to time.Time) ([]ledgerSum, error) {
	const sel = `SELECT account, workshop_id, kind, order_id, sum(amount_minor) AS amount, sum(share_minor) AS share, count(*) AS n
		FROM ledger_entries WHERE ($1::timestamptz IS NULL OR occurred_at >= $1) AND ($2::timestamptz IS NULL OR occurred_at < $2)
		GROUP BY account, workshop_id, kind, order_id`
	var out []ledgerSum
	if err := sqlx.SelectContext(ctx, q, &out, sel, nullTime(from), nullTime(to)); err != nil {
		return nil, fmt.Errorf("ledger sums: %w", db.Translate(err))
	}
	return out, nil
}

// WriteTable prints the report as a plain-text table: a row per account with the
// expected and recorded figures, a difference marker, then the problems and a verdict.
func (r Report) WriteTable(w io.Writer) error {
	period := "all time"
	if !r.From.IsZero() || !r.To.IsZero() {
		f, t := "…", "…"
		if !r.From.IsZero() {
			f = r.From.In(Bogota).Format(time.DateOnly)
		}
		if !r.To.IsZero() {
			t = r.To.In(Bogota).Format(time.DateOnly)
		}
		period = f + " to " + t + " (exclusive)"
	}
	fmt.Fprintf(w, "reconciliation, %s: %d orders sold, %d refunds, %d quote payments, %d quote refunds, %d donations, %d donation refunds, %d adjustments\n\n",
		period, r.Orders, r.Refunds, r.QuotePayments, r.QuoteRefunds, r.Donations, r.DonationRefunds, r.Adjustments)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "account\tsales\tledger\trefunds\tledger\tshare\tledger\tpayouts\tledger\t\t")
	for _, row := range r.Rows {
		name := string(row.Account)
		if row.Account == AccountWorkshop {
			name = fmt.Sprintf("%s (#%d)", row.Name, row.WorkshopID)
		}
		mark := "ok"
		if !row.OK() {
			mark = "DIFFERS"
		}
		e, g := row.Expected, row.Recorded
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, decimal(e.Sales), decimal(g.Sales),
			decimal(e.Refunds), decimal(g.Refunds), decimal(e.Share), decimal(g.Share), decimal(e.Payouts), decimal(g.Payouts), mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, p := range r.Problems {
		fmt.Fprintln(w, "problem:", p)
	}
	verdict := "OK: the ledger matches orders, quote payments, refunds and payouts"
	if !r.OK() {
		verdict = "DIFFERENCES FOUND"
	}
	_, err := fmt.Fprintf(w, "\n%s\n", verdict)
	return err
}
