package catalog

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/libres/storefront/internal/sheet"
)

// csvHeader names the columns of WriteProductsCSV.
var csvHeader = []string{"product_id", "slug", "title_es", "workshop", "category", "status",
	"sku", "size", "color", "price_cop", "stock"}

// WriteProductsCSV writes the scope's products as CSV, one row per variant (a product
// without variants gets one row with the variant columns empty), prices in whole pesos
// (the variant's own price when it has one). It starts with a UTF-8 byte order mark so
// Excel reads the accents right, and cells that a spreadsheet would run as a formula
// (starting with = + - @, tab or carriage return) are prefixed with a quote.
func (e *Editor) WriteProductsCSV(ctx context.Context, scope Scope, w io.Writer) error {
	q := `SELECT p.id, p.slug, p.title_es, w.name AS workshop, c.name_es AS category, p.status,
			v.sku, v.size, v.color_es, COALESCE(v.price_override_minor, p.price_minor) AS price_minor, v.stock_on_hand
		FROM products p
		JOIN workshops w ON w.id = p.workshop_id
		JOIN categories c ON c.id = p.category_id
		LEFT JOIN variants v ON v.product_id = p.id
		WHERE ` + scopeSQL("p.workshop_id", "$1", "$2") + `
		ORDER BY w.name, p.id, v.position, v.id`
	rows, err := e.db.QueryxContext(ctx, q, scope.All, scope.ids())
	if err != nil {
		return fmt.Errorf("export products: %w", err)
	}
	defer rows.Close()
	cw, err := sheet.NewWriter(w)
	if err != nil {
		return fmt.Errorf("export products: %w", err)
	}
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("export products: %w", err)
	}
	for rows.Next() {
		var r struct {
			ID       int64   `db:"id"`
			Slug     string  `db:"slug"`
			Title    string  `db:"title_es"`
			Workshop string  `db:"workshop"`
			Category string  `db:"category"`
			Status   Status  `db:"status"`
			SKU      *string `db:"sku"`
			Size     *string `db:"size"`
			Color    *string `db:"color_es"`
			Price    int64   `db:"price_minor"`
			Stock    *int    `db:"stock_on_hand"`
		}
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("export products: %w", err)
		}
		stock := ""
		if r.Stock != nil {
			stock = strconv.Itoa(*r.Stock)
		}
		rec := []string{strconv.FormatInt(r.ID, 10), sheet.Cell(r.Slug), sheet.Cell(r.Title), sheet.Cell(r.Workshop), sheet.Cell(r.Category),
			string(r.Status), sheet.Cell(deref(r.SKU)), sheet.Cell(deref(r.Size)), sheet.Cell(deref(r.Color)), pesos(r.Price), stock}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("export products: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export products: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export products: %w", err)
	}
	return nil
}
