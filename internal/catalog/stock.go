package catalog

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// StockFilter narrows the stock sheet; zero values match everything.
type StockFilter struct {
	WorkshopID int64
	Query      string // product title or SKU
	OnlyLow    bool   // only variants with LowStock or fewer left (sold out included)
}

// StockRow is one variant on the stock sheet.
type StockRow struct {
	VariantID     int64  `db:"variant_id"`
	ProductID     int64  `db:"product_id"`
	ProductTitle  string `db:"product_title"` // Spanish: the leads' working language
	ProductStatus Status `db:"product_status"`
	WorkshopID    int64  `db:"workshop_id"`
	WorkshopName  string `db:"workshop_name"`
	SKU           string `db:"sku"`
	Size          string `db:"size"`
	ColorES       string `db:"color_es"`
	ColorEN       string `db:"color_en"`
	Stock         int    `db:"stock_on_hand"`
}

const stockRowSelect = `SELECT v.id AS variant_id, p.id AS product_id, p.title_es AS product_title,
		p.status AS product_status, w.id AS workshop_id, w.name AS workshop_name,
		v.sku, v.size, v.color_es, v.color_en, v.stock_on_hand
	FROM variants v JOIN products p ON p.id = v.product_id JOIN workshops w ON w.id = p.workshop_id`

// StockSheet returns every variant of the scope's workshops, by workshop, product and
// variant order, archived products left out.
func (e *Editor) StockSheet(ctx context.Context, scope Scope, f StockFilter) ([]StockRow, error) {
	args := []any{scope.All, scope.ids()}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{scopeSQL("p.workshop_id", "$1", "$2"), "p.status <> '" + string(StatusArchived) + "'"}
	if f.WorkshopID != 0 {
		where = append(where, "p.workshop_id = "+arg(f.WorkshopID))
	}
	if q := strings.TrimSpace(strings.ToValidUTF8(f.Query, "")); q != "" {
		if r := []rune(q); len(r) > MaxQueryRunes {
			q = string(r[:MaxQueryRunes])
		}
		a := arg(db.LikeEscape(q))
		where = append(where, "(unaccent(p.title_es) ILIKE '%' || unaccent("+a+") || '%' OR v.sku ILIKE '%' || "+a+" || '%')")
	}
	if f.OnlyLow {
		where = append(where, "v.stock_on_hand <= "+strconv.Itoa(LowStock))
	}
	q := stockRowSelect + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY w.name, w.id, p.title_es, p.id, v.position, v.id`
	var rows []StockRow
	if err := sqlx.SelectContext(ctx, e.db, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("stock sheet: %w", err)
	}
	return rows, nil
}

// StockChange is one row of a submitted stock sheet: the count as typed and the count
// the sheet showed when it was loaded.
type StockChange struct {
	VariantID int64
	Stock     string
	Was       int
}

// UpdateStock saves many stock counts at once, all or none. Rows whose count was not
// changed are skipped. A variant outside the scope is not found; a bad count is a field
// error "stock.<variant id>"; a row whose stock changed since the sheet was loaded
// (Was differs from the database) makes the whole save a Conflict "stock.stale" naming
// those rows, and nothing is saved. Each product touched gets one audit entry and a new
// version (its open edit form is then stale rather than overwriting the counts).
func (e *Editor) UpdateStock(ctx context.Context, scope Scope, actor audit.Actor, changes []StockChange) error {
	want := map[int64]int{}
	fields := map[string]string{}
	var ids []int64
	for _, c := range changes {
		n, key := ParseStock(c.Stock)
		name := "stock." + strconv.FormatInt(c.VariantID, 10)
		switch {
		case strings.TrimSpace(c.Stock) == "":
			fields[name] = "stock.required"
		case key != "":
			fields[name] = key
		case n == c.Was:
			continue
		}
		if _, dup := want[c.VariantID]; dup {
			fields[name] = "stock.duplicate"
		}
		want[c.VariantID] = n
		ids = append(ids, c.VariantID)
	}
	if len(fields) > 0 {
		return invalidFields(fields)
	}
	if len(ids) == 0 {
		return nil
	}
	was := map[int64]int{}
	for _, c := range changes {
		was[c.VariantID] = c.Was
	}
	err := db.InTx(ctx, e.db, func(tx *sqlx.Tx) error {
		// Lock in id order, so two sheets saved at once cannot deadlock.
		q := stockRowSelect + ` WHERE v.id = ANY($1) AND ` + scopeSQL("p.workshop_id", "$2", "$3") + `
			ORDER BY v.id FOR UPDATE OF v`
		var cur []StockRow
		if err := sqlx.SelectContext(ctx, tx, &cur, q, pqInt64s(ids), scope.All, scope.ids()); err != nil {
			return fmt.Errorf("lock variants: %w", err)
		}
		if len(cur) != len(ids) {
			return apperr.New(apperr.NotFound, "variant.not_found")
		}
		stale := map[string]string{}
		for _, r := range cur {
			if r.Stock != was[r.VariantID] {
				stale["stock."+strconv.FormatInt(r.VariantID, 10)] = "stock.stale"
			}
		}
		if len(stale) > 0 {
			return &apperr.Error{Code: apperr.Conflict, Key: "stock.stale", Fields: stale}
		}
		byProduct := map[int64][]StockRow{}
		for _, r := range cur {
			byProduct[r.ProductID] = append(byProduct[r.ProductID], r)
		}
		for _, r := range cur {
			if _, err := tx.ExecContext(ctx, `UPDATE variants SET stock_on_hand = $2 WHERE id = $1`, r.VariantID, want[r.VariantID]); err != nil {
				return fmt.Errorf("set stock of variant %d: %w", r.VariantID, db.Translate(err))
			}
		}
		return auditStock(ctx, tx, actor, byProduct, want)
	})
	if err != nil {
		return fmt.Errorf("update stock: %w", err)
	}
	return nil
}

func auditStock(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, byProduct map[int64][]StockRow, want map[int64]int) error {
	pids := make([]int64, 0, len(byProduct))
	for id := range byProduct {
		pids = append(pids, id)
	}
	sort.Slice(pids, func(i, j int) bool { return pids[i] < pids[j] })
	for _, pid := range pids {
		rows := byProduct[pid]
		before, after := map[string]int{}, map[string]int{}
		var parts []string
		for _, r := range rows {
			before[r.SKU], after[r.SKU] = r.Stock, want[r.VariantID]
			parts = append(parts, fmt.Sprintf("%s %d -> %d", r.SKU, r.Stock, want[r.VariantID]))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE products SET version = version + 1 WHERE id = $1`, pid); err != nil {
			return fmt.Errorf("bump version of product %d: %w", pid, db.Translate(err))
		}
		if err := audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "stock.update", Entity: "product",
			EntityID: strconv.FormatInt(pid, 10), WorkshopID: rows[0].WorkshopID,
			Summary: "stock: " + strings.Join(parts, ", "), Before: before, After: after}); err != nil {
			return err
		}
	}
	return nil
}

// WorkshopStats is one workshop on the studio dashboard: products by status, and the
// variants of products on sale that are running low (1..LowStock left) or sold out.
type WorkshopStats struct {
	Workshop Workshop
	Draft    int
	Active   int
	Archived int
	LowStock []StockRow
	SoldOut  []StockRow
}

// WorkshopSummary returns the dashboard of every workshop in scope, by name.
func (e *Editor) WorkshopSummary(ctx context.Context, scope Scope) ([]WorkshopStats, error) {
	q := `SELECT ` + workshopCols + ` FROM workshops w WHERE ` + scopeSQL("w.id", "$2", "$3") + ` ORDER BY w.name, w.id`
	var ws []Workshop
	if err := sqlx.SelectContext(ctx, e.db, &ws, q, StatusActive, scope.All, scope.ids()); err != nil {
		return nil, fmt.Errorf("workshops for dashboard: %w", err)
	}
	var counts []struct {
		WorkshopID int64  `db:"workshop_id"`
		Status     Status `db:"status"`
		N          int    `db:"n"`
	}
	const qc = `SELECT workshop_id, status, count(*) AS n FROM products
		WHERE ($1::boolean OR workshop_id = ANY($2::bigint[])) GROUP BY workshop_id, status`
	if err := sqlx.SelectContext(ctx, e.db, &counts, qc, scope.All, scope.ids()); err != nil {
		return nil, fmt.Errorf("count products by status: %w", err)
	}
	var low []StockRow
	qs := stockRowSelect + ` WHERE ` + scopeSQL("p.workshop_id", "$1", "$2") + ` AND p.status = '` + string(StatusActive) + `'
		AND v.stock_on_hand <= ` + strconv.Itoa(LowStock) + ` ORDER BY v.stock_on_hand, p.title_es, v.position, v.id`
	if err := sqlx.SelectContext(ctx, e.db, &low, qs, scope.All, scope.ids()); err != nil {
		return nil, fmt.Errorf("low stock: %w", err)
	}
	out := make([]WorkshopStats, len(ws))
	index := map[int64]*WorkshopStats{}
	for i, w := range ws {
		out[i].Workshop = w
		index[w.ID] = &out[i]
	}
	for _, c := range counts {
		s := index[c.WorkshopID]
		if s == nil {
			continue
		}
		switch c.Status {
		case StatusDraft:
			s.Draft = c.N
		case StatusActive:
			s.Active = c.N
		case StatusArchived:
			s.Archived = c.N
		}
	}
	for _, r := range low {
		if s := index[r.WorkshopID]; s != nil {
			if r.Stock == 0 {
				s.SoldOut = append(s.SoldOut, r)
			} else {
				s.LowStock = append(s.LowStock, r)
			}
		}
	}
	return out, nil
}
