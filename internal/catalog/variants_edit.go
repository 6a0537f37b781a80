package catalog

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
)

// Unique constraints on variants, named by PostgreSQL's defaults in 00001_catalog.sql.
const (
	constraintSKU       = "variants_sku_key"
	constraintSizeColor = "variants_product_id_size_color_es_key"
)

func insertVariant(ctx context.Context, tx *sqlx.Tx, productID int64, pos int, v variantInput) error {
	const ins = `INSERT INTO variants (product_id, sku, size, color_es, color_en, price_override_minor, stock_on_hand, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	if _, err := tx.ExecContext(ctx, ins, productID, v.SKU, v.Size, v.ColorES, v.ColorEN, v.PriceOverride, v.Stock, pos); err != nil {
		return variantError(err, v, "insert variant "+v.SKU)
	}
	return nil
}

// variantError turns a unique violation into a field error on the variant's row (a
// SKU another product took since the form was checked); other errors pass translated.
func variantError(err error, v variantInput, what string) error {
	switch {
	case isConstraint(err, constraintSKU):
		return invalidFields(map[string]string{v.field + ".sku": "variant.sku.taken"})
	case isConstraint(err, constraintSizeColor):
		return invalidFields(map[string]string{v.field + ".size": "variant.duplicate"})
	}
	return fmt.Errorf("%s: %w", what, db.Translate(err))
}

// syncVariants makes the product's variants those of the form: rows with an ID are
// updated (the ID must be one of this product's variants, else not found), new rows
// inserted, and variants left out of the form deleted. It returns one line per change
// for the audit summary.
//
// Variants are deleted outright: no table references them yet. When order lines do,
// a variant that was ever ordered must be retired (hidden, kept) instead of deleted.
func syncVariants(ctx context.Context, tx *sqlx.Tx, productID int64, cur []Variant, in []variantInput) ([]string, error) {
	byID := make(map[int64]Variant, len(cur))
	for _, v := range cur {
		byID[v.ID] = v
	}
	keep := map[int64]bool{}
	for _, v := range in {
		if v.ID == 0 {
			continue
		}
		if _, ok := byID[v.ID]; !ok {
			return nil, fmt.Errorf("variant %d of product %d: %w", v.ID, productID, apperr.New(apperr.NotFound, "variant.not_found"))
		}
		keep[v.ID] = true
	}
	var changes []string
	var gone []int64
	for _, v := range cur {
		if !keep[v.ID] {
			gone = append(gone, v.ID)
			changes = append(changes, "-"+v.SKU)
		}
	}
	if len(gone) > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM variants WHERE id = ANY($1)`, pqInt64s(gone)); err != nil {
			if db.Constraint(err) != "" && apperr.CodeOf(db.Translate(err)) == apperr.Invalid {
				// An order waiting for its payment holds stock of it.
				return nil, invalidFields(map[string]string{"variants": "variant.reserved"})
			}
			return nil, fmt.Errorf("delete variants of product %d: %w", productID, db.Translate(err))
		}
	}
	// Two rows may swap SKUs or sizes; the unique constraints are checked per statement,
	// so first move every row whose keys change out of the way.
	var moving []int64
	for _, v := range in {
		if old, ok := byID[v.ID]; ok && (old.SKU != v.SKU || old.Size != v.Size || old.ColorES != v.ColorES) {
			moving = append(moving, v.ID)
		}
	}
	if len(moving) > 0 {
		const park = `UPDATE variants SET sku = '~' || id, size = '~' || id WHERE id = ANY($1)`
		if _, err := tx.ExecContext(ctx, park, pqInt64s(moving)); err != nil {
			return nil, fmt.Errorf("park variants of product %d: %w", productID, db.Translate(err))
		}
	}
	// With the stock the form showed ($9), the lead's change is applied to the stock as
	// it is now: a sale made while the form was open stays sold.
	const upd = `UPDATE variants SET sku = $2, size = $3, color_es = $4, color_en = $5, price_override_minor = $6,
			stock_on_hand = CASE WHEN $9::int IS NULL THEN $7 ELSE stock_on_hand + ($7 - $9::int) END,
			position = $8 WHERE id = $1`
	for i, v := range in {
		if v.ID == 0 {
			if err := insertVariant(ctx, tx, productID, i, v); err != nil {
				return nil, err
			}
			changes = append(changes, "+"+v.SKU)
			continue
		}
		if _, err := tx.ExecContext(ctx, upd, v.ID, v.SKU, v.Size, v.ColorES, v.ColorEN, v.PriceOverride, v.Stock, i, v.Was); err != nil {
			if db.Constraint(err) == "variants_stock_on_hand_check" {
				// Fewer were sold meanwhile than the lead took off: nothing to go below zero.
				return nil, invalidFields(map[string]string{v.field + ".stock": "stock.sold_meanwhile"})
			}
			return nil, variantError(err, v, "update variant "+strconv.FormatInt(v.ID, 10))
		}
		if d := variantDiff(byID[v.ID], v); d != "" {
			changes = append(changes, "~"+v.SKU+" ("+d+")")
		}
	}
	return changes, nil
}

func variantDiff(old Variant, v variantInput) string {
	var d []string
	add := func(name string, a, b any) {
		if fmt.Sprint(a) != fmt.Sprint(b) {
			d = append(d, fmt.Sprintf("%s %v -> %v", name, a, b))
		}
	}
	add("sku", old.SKU, v.SKU)
	add("size", old.Size, v.Size)
	add("color_es", old.ColorES, v.ColorES)
	add("color_en", old.ColorEN, v.ColorEN)
	add("price_override_minor", derefInt(old.PriceOverride), derefInt(v.PriceOverride))
	add("stock", old.Stock, v.Stock)
	return strings.Join(d, ", ")
}

func derefInt(p *int64) any {
	if p == nil {
		return "none"
	}
	return *p
}

type variantRecord struct {
	SKU           string `json:"sku"`
	Size          string `json:"size,omitempty"`
	ColorES       string `json:"color_es,omitempty"`
	ColorEN       string `json:"color_en,omitempty"`
	PriceOverride *int64 `json:"price_override_minor,omitempty"`
	Stock         int    `json:"stock"`
}

func variantSnapshot(vs []Variant) []variantRecord {
	out := make([]variantRecord, 0, len(vs))
	for _, v := range vs {
		out = append(out, variantRecord{v.SKU, v.Size, v.ColorES, v.ColorEN, v.PriceOverride, v.Stock})
	}
	return out
}

func variantInputSnapshot(vs []variantInput) []variantRecord {
	out := make([]variantRecord, 0, len(vs))
	for _, v := range vs {
		out = append(out, variantRecord{v.SKU, v.Size, v.ColorES, v.ColorEN, v.PriceOverride, v.Stock})
	}
	return out
}

// changedSummary says in one line what an update changed: field names, then variants.
func changedSummary(before map[string]any, variants []string) string {
	var names []string
	for k := range before {
		names = append(names, k)
	}
	sort.Strings(names)
	s := strings.Join(names, ", ")
	if len(variants) > 0 {
		if s != "" {
			s += "; "
		}
		s += "variants: " + strings.Join(variants, ", ")
	}
	if s == "" {
		s = "no changes"
	}
	return s
}
