package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

const editorProductCols = productCols + `, version`

// loadProduct reads a product in scope (locked FOR UPDATE when lock is set, for the
// writes that follow in the same transaction), or a not-found error.
func loadProduct(ctx context.Context, q db.Querier, scope Scope, id int64, lock bool) (Product, error) {
	sel := `SELECT ` + editorProductCols + ` FROM products p WHERE p.id = $1 AND ` + scopeSQL("p.workshop_id", "$2", "$3")
	if lock {
		sel += ` FOR UPDATE`
	}
	var p Product
	if err := sqlx.GetContext(ctx, q, &p, sel, id, scope.All, scope.ids()); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return p, fmt.Errorf("product %d: %w", id, errProductNotFound)
		}
		return p, fmt.Errorf("product %d: %w", id, db.Translate(err))
	}
	return p, nil
}

func loadVariants(ctx context.Context, q db.Querier, productID int64) ([]Variant, error) {
	const sel = `SELECT id, product_id, sku, size, color_es, color_en, price_override_minor, stock_on_hand, position
		FROM variants WHERE product_id = $1 ORDER BY position, id`
	var vs []Variant
	if err := sqlx.SelectContext(ctx, q, &vs, sel, productID); err != nil {
		return nil, fmt.Errorf("variants of product %d: %w", productID, err)
	}
	return vs, nil
}

func loadPhotos(ctx context.Context, q db.Querier, productID int64) ([]Photo, error) {
	const sel = `SELECT id, product_id, object_key, width, height, renditions, webp, alt_es, alt_en, position
		FROM photos WHERE product_id = $1 ORDER BY position, id`
	var ps []Photo
	if err := sqlx.SelectContext(ctx, q, &ps, sel, productID); err != nil {
		return nil, fmt.Errorf("photos of product %d: %w", productID, err)
	}
	return ps, nil
}

// EditorProduct returns a product of the scope, whatever its status, with its variants,
// photos and version, or a not-found error.
func (e *Editor) EditorProduct(ctx context.Context, scope Scope, id int64) (Product, error) {
	p, err := loadProduct(ctx, e.db, scope, id, false)
	if err != nil {
		return p, err
	}
	if p.Variants, err = loadVariants(ctx, e.db, id); err != nil {
		return p, err
	}
	if p.Photos, err = loadPhotos(ctx, e.db, id); err != nil {
		return p, err
	}
	return p, nil
}

// Form returns the editor form filled with p, as the edit page first shows it.
func (p Product) Form() ProductForm {
	f := ProductForm{
		TitleES: p.TitleES, TitleEN: p.TitleEN, DescES: p.DescES, DescEN: p.DescEN,
		CategoryID: strconv.FormatInt(p.CategoryID, 10), WorkshopID: strconv.FormatInt(p.WorkshopID, 10),
		TaxClass: string(p.TaxClass), Price: pesos(p.PriceMinor), Version: strconv.Itoa(p.Version),
	}
	for _, v := range p.Variants {
		vf := VariantForm{ID: strconv.FormatInt(v.ID, 10), SKU: v.SKU, Size: v.Size, ColorES: v.ColorES,
			ColorEN: v.ColorEN, Stock: strconv.Itoa(v.Stock), Was: strconv.Itoa(v.Stock)}
		if v.PriceOverride != nil {
			vf.Price = pesos(*v.PriceOverride)
		}
		f.Variants = append(f.Variants, vf)
	}
	return f
}

// pesos writes minor units as whole pesos ("189000"); centavos, which the editor never
// writes, are kept after a point.
func pesos(minor int64) string {
	if minor%100 == 0 {
		return strconv.FormatInt(minor/100, 10)
	}
	return fmt.Sprintf("%d.%02d", minor/100, minor%100)
}

// EditorFilter narrows EditorList; zero values match everything.
type EditorFilter struct {
	Query      string // title (either language, accents ignored), slug or SKU
	WorkshopID int64
	CategoryID int64
	Status     Status // "" for any
	Page       int    // from 1
	PerPage    int    // default 50
}

// EditorRow is a product in the editor's list.
type EditorRow struct {
	ID           int64     `db:"id"`
	Slug         string    `db:"slug"`
	TitleES      string    `db:"title_es"`
	TitleEN      string    `db:"title_en"`
	WorkshopID   int64     `db:"workshop_id"`
	WorkshopName string    `db:"workshop_name"`
	CategoryID   int64     `db:"category_id"`
	Status       Status    `db:"status"`
	PriceMinor   int64     `db:"price_minor"`
	Currency     string    `db:"currency"`
	TotalStock   int       `db:"total_stock"`
	VariantCount int       `db:"variant_count"`
	PhotoCount   int       `db:"photo_count"`
	Low          bool      `db:"low"`      // some variant has 1..LowStock left
	SoldOut      bool      `db:"sold_out"` // nothing left in any variant
	UpdatedAt    time.Time `db:"updated_at"`
	Version      int       `db:"version"`
	Total        int       `db:"total"`
}

// Title returns the title in lang.
func (r EditorRow) Title(lang string) string { return pick(lang, r.TitleES, r.TitleEN) }

// EditorList returns one page of the scope's products, recently changed first, and how
// many match in all.
func (e *Editor) EditorList(ctx context.Context, scope Scope, f EditorFilter) ([]EditorRow, int, error) {
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	args := []any{scope.All, scope.ids()}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{scopeSQL("p.workshop_id", "$1", "$2")}
	if q := strings.TrimSpace(strings.ToValidUTF8(f.Query, "")); q != "" {
		if r := []rune(q); len(r) > MaxQueryRunes {
			q = string(r[:MaxQueryRunes])
		}
		a := arg(db.LikeEscape(q))
		where = append(where, `(unaccent(p.title_es) ILIKE '%' || unaccent(`+a+`) || '%'
			OR unaccent(p.title_en) ILIKE '%' || unaccent(`+a+`) || '%' OR p.slug ILIKE '%' || `+a+` || '%'
			OR EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.sku ILIKE '%' || `+a+` || '%'))`)
	}
	if f.WorkshopID != 0 {
		where = append(where, "p.workshop_id = "+arg(f.WorkshopID))
	}
	if f.CategoryID != 0 {
		where = append(where, "p.category_id = "+arg(f.CategoryID))
	}
	if slices.Contains(Statuses, f.Status) {
		where = append(where, "p.status = "+arg(f.Status))
	}
	q := `SELECT p.id, p.slug, p.title_es, p.title_en, p.workshop_id, w.name AS workshop_name,
			p.category_id, p.status, p.price_minor, p.currency, p.updated_at, p.version,
			COALESCE(v.total, 0) AS total_stock, COALESCE(v.n, 0) AS variant_count,
			COALESCE(v.low, false) AS low, COALESCE(v.total, 0) = 0 AS sold_out,
			(SELECT count(*) FROM photos ph WHERE ph.product_id = p.id) AS photo_count,
			count(*) OVER () AS total
		FROM products p
		JOIN workshops w ON w.id = p.workshop_id
		LEFT JOIN LATERAL (
			SELECT sum(stock_on_hand) AS total, count(*) AS n,
				bool_or(stock_on_hand BETWEEN 1 AND ` + strconv.Itoa(LowStock) + `) AS low
			FROM variants WHERE product_id = p.id) v ON true
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY p.updated_at DESC, p.id DESC
		LIMIT ` + arg(f.PerPage) + ` OFFSET ` + arg((f.Page-1)*f.PerPage)
	var rows []EditorRow
	if err := sqlx.SelectContext(ctx, e.db, &rows, q, args...); err != nil {
		return nil, 0, fmt.Errorf("list products for editor: %w", err)
	}
	total := 0
	if len(rows) > 0 {
		total = rows[0].Total
	} else if f.Page > 1 {
		f.Page, f.PerPage = 1, 1
		_, n, err := e.EditorList(ctx, scope, f)
		if err != nil {
			return nil, 0, err
		}
		total = n
	}
	return rows, total, nil
}
