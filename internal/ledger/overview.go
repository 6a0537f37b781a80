package ledger

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/sheet"
)

// WorkshopTotals is one workshop in the overview.
type WorkshopTotals struct {
	WorkshopID  int64  `db:"workshop_id"`
	Name        string `db:"name"`
	Slug        string `db:"slug"`
	ShareBps    int    // in force now
	Units       int    // sold minus wholly refunded
	Gross       int64
	Refunds     int64 // positive
	Net         int64
	Share       int64
	Foundation  int64 // Net - Share: materials and the foundation
	Adjustments int64 // share corrections
	Payouts     int64 // positive
	Balance     int64 // all time up to To: what the fund is owed
}

// AccountTotals is a foundation account in the overview.
type AccountTotals struct {
	Account Account
	Gross   int64
	Refunds int64 // positive
	Net     int64
}

// Overview is every workshop side by side and the foundation's accounts for [From, To).
// Gross, Refunds and Net are over all accounts: Net is what shoppers paid minus what
// was refunded in the period (Reconcile proves it equals the orders); BalanceDue is the
// sum of the workshops' positive balances.
type Overview struct {
	From, To   time.Time
	Currency   string
	Workshops  []WorkshopTotals
	Foundation []AccountTotals // shipping, donations
	Gross      int64
	Refunds    int64
	Net        int64
	BalanceDue int64
}

// Overview returns the totals of [from, to); zero times leave that side open.
func (l *Ledger) Overview(ctx context.Context, from, to time.Time) (Overview, error) {
	ov := Overview{From: from, To: to, Currency: l.opts.Currency}
	var sums []struct {
		Account    Account `db:"account"`
		WorkshopID *int64  `db:"workshop_id"`
		Kind       Kind    `db:"kind"`
		Amount     int64   `db:"amount"`
		Share      int64   `db:"share"`
		Quantity   int     `db:"quantity"`
	}
	var balances []struct {
		WorkshopID int64 `db:"workshop_id"`
		Balance    int64 `db:"balance"`
	}
	err := db.Transact(ctx, l.db, db.RepeatableRead, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &ov.Workshops, `SELECT id AS workshop_id, name, slug FROM workshops ORDER BY name, id`); err != nil {
			return fmt.Errorf("workshops: %w", db.Translate(err))
		}
		const sel = `SELECT account, workshop_id, kind, sum(amount_minor) AS amount, sum(share_minor) AS share,
				sum(quantity) AS quantity
			FROM ledger_entries WHERE ($1::timestamptz IS NULL OR occurred_at >= $1) AND ($2::timestamptz IS NULL OR occurred_at < $2)
			GROUP BY account, workshop_id, kind`
		if err := tx.SelectContext(ctx, &sums, sel, nullTime(from), nullTime(to)); err != nil {
			return fmt.Errorf("sums: %w", db.Translate(err))
		}
		const bal = `SELECT workshop_id, sum(share_minor) AS balance FROM ledger_entries
			WHERE workshop_id IS NOT NULL AND ($1::timestamptz IS NULL OR occurred_at < $1) GROUP BY workshop_id`
		if err := tx.SelectContext(ctx, &balances, bal, nullTime(to)); err != nil {
			return fmt.Errorf("balances: %w", db.Translate(err))
		}
		for i := range ov.Workshops {
			var err error
			if ov.Workshops[i].ShareBps, err = l.ShareAt(ctx, tx, ov.Workshops[i].WorkshopID, l.now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Overview{}, fmt.Errorf("ledger overview: %w", err)
	}
	index := map[int64]*WorkshopTotals{}
	for i := range ov.Workshops {
		index[ov.Workshops[i].WorkshopID] = &ov.Workshops[i]
	}
	ov.Foundation = []AccountTotals{{Account: AccountShipping}, {Account: AccountDonations}}
	for _, s := range sums {
		if s.Kind == KindSale {
			ov.Gross += s.Amount
		} else if s.Kind == KindRefund {
			ov.Refunds -= s.Amount
		}
		if s.WorkshopID == nil {
			for i := range ov.Foundation {
				a := &ov.Foundation[i]
				if a.Account == s.Account && s.Kind == KindSale {
					a.Gross += s.Amount
				} else if a.Account == s.Account && s.Kind == KindRefund {
					a.Refunds -= s.Amount
				}
			}
			continue
		}
		w := index[*s.WorkshopID]
		if w == nil {
			continue // a workshop created after the read above
		}
		switch s.Kind {
		case KindSale:
			w.Gross += s.Amount
			w.Share += s.Share
			w.Units += s.Quantity
		case KindRefund:
			w.Refunds -= s.Amount
			w.Share += s.Share
			w.Units += s.Quantity
		case KindPayout:
			w.Payouts -= s.Share
		case KindAdjustment:
			w.Adjustments += s.Share
		}
	}
	ov.Net = ov.Gross - ov.Refunds
	for i := range ov.Foundation {
		ov.Foundation[i].Net = ov.Foundation[i].Gross - ov.Foundation[i].Refunds
	}
	for _, b := range balances {
		if w := index[b.WorkshopID]; w != nil {
			w.Balance = b.Balance
		}
	}
	for i := range ov.Workshops {
		w := &ov.Workshops[i]
		w.Net = w.Gross - w.Refunds
		w.Foundation = w.Net - w.Share
		if w.Balance > 0 {
			ov.BalanceDue += w.Balance
		}
	}
	return ov, nil
}

// WriteSummaryCSV writes the overview of [from, to) as CSV: a row per workshop, then
// one per foundation account (amounts as decimals, "189000.00").
func (l *Ledger) WriteSummaryCSV(ctx context.Context, w io.Writer, from, to time.Time) error {
	ov, err := l.Overview(ctx, from, to)
	if err != nil {
		return err
	}
	cw, err := sheet.NewWriter(w)
	if err != nil {
		return err
	}
	_ = cw.Write([]string{"account", "workshop_id", "workshop", "share_bps", "units", "gross", "refunds", "net",
		"share", "foundation_part", "adjustments", "payouts", "balance", "currency"})
	for _, t := range ov.Workshops {
		_ = cw.Write([]string{string(AccountWorkshop), strconv.FormatInt(t.WorkshopID, 10), sheet.Cell(t.Name),
			strconv.Itoa(t.ShareBps), strconv.Itoa(t.Units), decimal(t.Gross), decimal(t.Refunds), decimal(t.Net),
			decimal(t.Share), decimal(t.Foundation), decimal(t.Adjustments), decimal(t.Payouts), decimal(t.Balance), ov.Currency})
	}
	for _, a := range ov.Foundation {
		_ = cw.Write([]string{string(a.Account), "", "", "", "", decimal(a.Gross), decimal(a.Refunds), decimal(a.Net),
			"", "", "", "", "", ov.Currency})
	}
	cw.Flush()
	return cw.Error()
}

// WriteEntriesCSV writes a workshop's entries (0: every account) in [from, to) as CSV,
// oldest first (zero times leave that side open).
func (l *Ledger) WriteEntriesCSV(ctx context.Context, w io.Writer, workshopID int64, from, to time.Time) error {
	cond, args := EntryFilter{WorkshopID: workshopID, From: from, To: to}.where()
	rows, err := l.db.QueryxContext(ctx, `SELECT `+entryCols+` FROM ledger_entries WHERE `+cond+` ORDER BY occurred_at, id`, args...)
	if err != nil {
		return fmt.Errorf("export entries: %w", db.Translate(err))
	}
	defer rows.Close()
	cw, err := sheet.NewWriter(w)
	if err != nil {
		return err
	}
	_ = cw.Write([]string{"id", "date", "account", "workshop_id", "kind", "source", "source_ref", "order", "line",
		"product_id", "title", "size", "quantity", "amount", "share_bps", "share", "currency", "created_by", "memo"})
	for rows.Next() {
		var e Entry
		if err := rows.StructScan(&e); err != nil {
			return fmt.Errorf("export entries: %w", err)
		}
		ws := ""
		if e.WorkshopID != nil {
			ws = strconv.FormatInt(*e.WorkshopID, 10)
		}
		_ = cw.Write([]string{strconv.FormatInt(e.ID, 10), e.OccurredAt.In(Bogota).Format(time.DateTime),
			string(e.Account), ws, string(e.Kind), string(e.Source), e.SourceRef, sheet.Cell(e.OrderNumber),
			strconv.Itoa(e.LineNo), strconv.FormatInt(e.ProductID, 10), sheet.Cell(e.Title), sheet.Cell(e.Size),
			strconv.Itoa(e.Quantity), decimal(e.AmountMinor), strconv.Itoa(e.ShareBps), decimal(e.ShareMinor),
			e.Currency, sheet.Cell(e.CreatedBy), sheet.Cell(e.Memo)})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export entries: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

// decimal writes minor units as a decimal amount ("189000.00", "-5.50"); numbers are
// written by us, so they need no formula guard.
func decimal(minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%02d", sign, minor/100, minor%100)
}

// ProductUnits is one product in a workshop's production month.
type ProductUnits struct {
	ProductID int64  `db:"product_id"`
	Title     string `db:"title"`
	Sold      int    `db:"sold"`     // units sold in the month
	Refunded  int    `db:"refunded"` // units wholly refunded in the month
	Added     int    `db:"added"`    // units added to stock in the month (audited stock changes)
	Stock     int    `db:"stock"`    // on hand now
}

// Production is a workshop's month of work: units sold and units made (added to stock)
// by product. Workshop level only: no person is named.
type Production struct {
	WorkshopID int64
	Month      time.Time
	Products   []ProductUnits
	Sold       int
	Added      int
}

// Production returns a workshop's production for the month holding month: every
// product of the workshop with sales or stock added in the month. Added sums the
// increases of the stock sheet's audited changes ("stock.update") in the month.
func (l *Ledger) Production(ctx context.Context, workshopID int64, month time.Time) (Production, error) {
	from := MonthStart(month)
	to := from.AddDate(0, 1, 0)
	p := Production{WorkshopID: workshopID, Month: from}
	const sel = `WITH sold AS (
			SELECT product_id, sum(quantity) FILTER (WHERE kind = 'sale') AS sold,
				-sum(quantity) FILTER (WHERE kind = 'refund') AS refunded
			FROM ledger_entries WHERE workshop_id = $1 AND kind IN ('sale', 'refund')
				AND occurred_at >= $2 AND occurred_at < $3 GROUP BY product_id),
		added AS (
			SELECT a.entity_id::bigint AS product_id, sum(GREATEST((a.after ->> k.key)::int - COALESCE((a.before ->> k.key)::int, 0), 0)) AS added
			FROM audit_log a CROSS JOIN LATERAL jsonb_object_keys(a.after) AS k(key)
			WHERE a.action = 'stock.update' AND a.entity = 'product' AND a.workshop_id = $1
				AND a.at >= $2 AND a.at < $3 AND jsonb_typeof(a.after) = 'object'
			GROUP BY 1)
		SELECT p.id AS product_id, p.title_es AS title, COALESCE(s.sold, 0) AS sold, COALESCE(s.refunded, 0) AS refunded,
			COALESCE(ad.added, 0) AS added,
			(SELECT COALESCE(sum(v.stock_on_hand), 0) FROM variants v WHERE v.product_id = p.id) AS stock
		FROM products p LEFT JOIN sold s ON s.product_id = p.id LEFT JOIN added ad ON ad.product_id = p.id
		WHERE p.workshop_id = $1 AND (s.product_id IS NOT NULL OR ad.product_id IS NOT NULL)
		ORDER BY p.title_es, p.id`
	if err := sqlx.SelectContext(ctx, l.db, &p.Products, sel, workshopID, from.UTC(), to.UTC()); err != nil {
		return Production{}, fmt.Errorf("production of workshop %d: %w", workshopID, db.Translate(err))
	}
	for _, u := range p.Products {
		p.Sold += u.Sold - u.Refunded
		p.Added += u.Added
	}
	return p, nil
}

// Impact is what the public workshop page may say.
type Impact struct {
	ItemsSoldThisYear int        `db:"this_year"` // units sold minus wholly refunded, this year (Bogotá)
	ItemsSold         int        `db:"all_time"`
	ProductsOnSale    int        `db:"on_sale"` // active products
	FirstSale         *time.Time `db:"first_sale"`
}

// Impact returns a workshop's public figures.
func (l *Ledger) Impact(ctx context.Context, workshopID int64) (Impact, error) {
	now := l.now().In(Bogota)
	year := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, Bogota)
	const sel = `SELECT
			COALESCE(sum(quantity) FILTER (WHERE occurred_at >= $2), 0) AS this_year,
			COALESCE(sum(quantity), 0) AS all_time,
			min(occurred_at) FILTER (WHERE kind = 'sale') AS first_sale,
			(SELECT count(*) FROM products WHERE workshop_id = $1 AND status = '` + string(catalog.StatusActive) + `') AS on_sale
		FROM ledger_entries WHERE workshop_id = $1 AND kind IN ('sale', 'refund')`
	var im Impact
	if err := sqlx.GetContext(ctx, l.db, &im, sel, workshopID, year.UTC()); err != nil {
		return Impact{}, fmt.Errorf("impact of workshop %d: %w", workshopID, db.Translate(err))
	}
	return im, nil
}
