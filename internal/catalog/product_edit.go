package catalog

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

var errStale = apperr.New(apperr.Conflict, "product.stale")

// CreateProduct validates f and saves it as a draft of a workshop in scope, with a slug
// made from the Spanish title (unique: "-2", "-3"… when taken). It returns the new id.
// A workshop outside the scope is a field error on workshop_id, worded like a workshop
// that does not exist.
func (e *Editor) CreateProduct(ctx context.Context, scope Scope, actor audit.Actor, f ProductForm) (int64, error) {
	in, fields := f.parse()
	delete(fields, "version")
	var id int64
	err := db.InTx(ctx, e.db, func(tx *sqlx.Tx) error {
		if err := checkRefs(ctx, tx, scope, in, 0, fields); err != nil {
			return err
		}
		if len(fields) > 0 {
			return invalidFields(fields)
		}
		var err error
		if id, err = insertProduct(ctx, tx, in); err != nil {
			return err
		}
		for i, v := range in.Variants {
			if err := insertVariant(ctx, tx, id, i, v); err != nil {
				return err
			}
		}
		after := productSnapshot(in)
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "product.create", Entity: "product",
			EntityID: strconv.FormatInt(id, 10), WorkshopID: in.WorkshopID,
			Summary: "created draft " + strconv.Quote(in.TitleES), After: after})
	})
	if err != nil {
		return 0, fmt.Errorf("create product: %w", err)
	}
	return id, nil
}

func insertProduct(ctx context.Context, tx *sqlx.Tx, in productInput) (int64, error) {
	base := Slugify(in.TitleES)
	if base == "" {
		base = "producto"
	}
	const ins = `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, description_es,
			description_en, status, price_minor, currency, tax_class)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, 'COP', $9)
		ON CONFLICT (slug) DO NOTHING RETURNING id`
	// A concurrent save may take the free slug between the look-up and the insert:
	// look again rather than fail.
	for range 5 {
		slug, err := uniqueSlug(ctx, tx, "products", base, 0)
		if err != nil {
			return 0, err
		}
		var ids []int64
		if err := sqlx.SelectContext(ctx, tx, &ids, ins, slug, in.WorkshopID, in.CategoryID, in.TitleES, in.TitleEN,
			in.DescES, in.DescEN, in.PriceMinor, in.TaxClass); err != nil {
			return 0, fmt.Errorf("insert product %s: %w", slug, db.Translate(err))
		}
		if len(ids) == 1 {
			return ids[0], nil
		}
	}
	return 0, apperr.New(apperr.Conflict, "catalog.retry")
}

// checkRefs adds field errors for references the form names: a category that does not
// exist, a workshop that does not exist or is outside the scope (the same message, so
// a lead learns nothing about other workshops), SKUs another product uses.
func checkRefs(ctx context.Context, q db.Querier, scope Scope, in productInput, productID int64, fields map[string]string) error {
	if _, bad := fields["category_id"]; !bad {
		ok, err := exists(ctx, q, `SELECT EXISTS (SELECT 1 FROM categories WHERE id = $1)`, in.CategoryID)
		if err != nil {
			return err
		}
		if !ok {
			fields["category_id"] = "product.category.unknown"
		}
	}
	if _, bad := fields["workshop_id"]; !bad {
		ok := scope.Allows(in.WorkshopID)
		if ok {
			var err error
			if ok, err = exists(ctx, q, `SELECT EXISTS (SELECT 1 FROM workshops WHERE id = $1)`, in.WorkshopID); err != nil {
				return err
			}
		}
		if !ok {
			fields["workshop_id"] = "product.workshop.unknown"
		}
	}
	var skus []string
	for _, v := range in.Variants {
		skus = append(skus, v.SKU)
	}
	var taken []string
	const sel = `SELECT sku FROM variants WHERE sku = ANY($1) AND product_id <> $2`
	if err := sqlx.SelectContext(ctx, q, &taken, sel, pq.StringArray(skus), productID); err != nil {
		return fmt.Errorf("look up SKUs: %w", err)
	}
	for _, v := range in.Variants {
		for _, t := range taken {
			if _, bad := fields[v.field+".sku"]; v.SKU == t && !bad {
				fields[v.field+".sku"] = "variant.sku.taken"
			}
		}
	}
	return nil
}

func exists(ctx context.Context, q db.Querier, query string, args ...any) (bool, error) {
	var ok bool
	if err := sqlx.GetContext(ctx, q, &ok, query, args...); err != nil {
		return false, fmt.Errorf("check %q: %w", query, err)
	}
	return ok, nil
}

// UpdateProduct saves f over product id if nobody saved it since the editor loaded
// version f.Version; otherwise it returns a Conflict "product.stale" and changes nothing.
// Variants with an ID are updated, rows without one inserted, and variants missing from
// the form deleted, all in one transaction with one audit entry listing what changed.
// The slug stays as it was, so links keep working after a title is corrected.
func (e *Editor) UpdateProduct(ctx context.Context, scope Scope, actor audit.Actor, id int64, f ProductForm) error {
	in, fields := f.parse()
	if in.Version == 0 {
		fields["version"] = "product.version.invalid"
	}
	err := db.InTx(ctx, e.db, func(tx *sqlx.Tx) error {
		cur, err := loadProduct(ctx, tx, scope, id, true)
		if err != nil {
			return err
		}
		if in.Version != 0 && cur.Version != in.Version {
			return errStale
		}
		if err := checkRefs(ctx, tx, scope, in, id, fields); err != nil {
			return err
		}
		if len(fields) > 0 {
			return invalidFields(fields)
		}
		if cur.Variants, err = loadVariants(ctx, tx, id); err != nil {
			return err
		}
		const upd = `UPDATE products SET workshop_id = $3, category_id = $4, title_es = $5, title_en = $6,
				description_es = $7, description_en = $8, price_minor = $9, tax_class = $10, version = version + 1
			WHERE id = $1 AND version = $2`
		res, err := tx.ExecContext(ctx, upd, id, in.Version, in.WorkshopID, in.CategoryID, in.TitleES, in.TitleEN,
			in.DescES, in.DescEN, in.PriceMinor, in.TaxClass)
		if err != nil {
			return fmt.Errorf("update product %d: %w", id, db.Translate(err))
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errStale
		}
		vchanges, err := syncVariants(ctx, tx, id, cur.Variants, in.Variants)
		if err != nil {
			return err
		}
		before, after := diffSnapshots(productSnapshot(inputOf(cur)), productSnapshot(in))
		summary := changedSummary(before, vchanges)
		if len(vchanges) > 0 {
			before["variants"], after["variants"] = variantSnapshot(cur.Variants), variantInputSnapshot(in.Variants)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "product.update", Entity: "product",
			EntityID: strconv.FormatInt(id, 10), WorkshopID: in.WorkshopID, Summary: summary, Before: before, After: after})
	})
	if err != nil {
		return fmt.Errorf("update product %d: %w", id, err)
	}
	return nil
}

// SetStatus moves a product to draft, active (publish) or archived, if nobody saved it
// since version. Publishing needs a price, at least one variant and at least one photo
// (an Invalid error whose key names the first thing missing and whose fields name all);
// the first publication sets published_at.
func (e *Editor) SetStatus(ctx context.Context, scope Scope, actor audit.Actor, id int64, status Status, version int) error {
	if !validStatus(status) {
		return apperr.New(apperr.Invalid, "product.status.invalid")
	}
	err := db.InTx(ctx, e.db, func(tx *sqlx.Tx) error {
		cur, err := loadProduct(ctx, tx, scope, id, true)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return errStale
		}
		if cur.Status == status {
			return nil
		}
		if status == StatusActive {
			if err := checkPublishable(ctx, tx, cur); err != nil {
				return err
			}
		}
		const upd = `UPDATE products SET status = $2::product_status, version = version + 1,
				published_at = CASE WHEN $2::product_status = '` + string(StatusActive) + `' THEN COALESCE(published_at, now()) ELSE published_at END
			WHERE id = $1`
		if _, err := tx.ExecContext(ctx, upd, id, status); err != nil {
			return fmt.Errorf("set status of product %d: %w", id, db.Translate(err))
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "product.status", Entity: "product",
			EntityID: strconv.FormatInt(id, 10), WorkshopID: cur.WorkshopID,
			Summary: string(cur.Status) + " -> " + string(status),
			Before:  map[string]any{"status": cur.Status}, After: map[string]any{"status": status}})
	})
	if err != nil {
		return fmt.Errorf("set status of product %d to %s: %w", id, status, err)
	}
	return nil
}

func validStatus(s Status) bool {
	for _, st := range Statuses {
		if s == st {
			return true
		}
	}
	return false
}

func checkPublishable(ctx context.Context, q db.Querier, p Product) error {
	var n struct {
		Variants int `db:"variants"`
		Photos   int `db:"photos"`
	}
	const sel = `SELECT (SELECT count(*) FROM variants WHERE product_id = $1) AS variants,
		(SELECT count(*) FROM photos WHERE product_id = $1) AS photos`
	if err := sqlx.GetContext(ctx, q, &n, sel, p.ID); err != nil {
		return fmt.Errorf("count variants and photos of product %d: %w", p.ID, err)
	}
	missing := &apperr.Error{Code: apperr.Invalid, Fields: map[string]string{}}
	need := func(ok bool, field, key string) {
		if !ok {
			missing.Fields[field] = key
			if missing.Key == "" {
				missing.Key = key
			}
		}
	}
	need(p.TitleES != "", "title_es", "product.publish.needs_title")
	need(p.PriceMinor > 0, "price", "product.publish.needs_price")
	need(n.Variants > 0, "variants", "product.publish.needs_variant")
	need(n.Photos > 0, "photos", "product.publish.needs_photo")
	if missing.Key != "" {
		return missing
	}
	return nil
}

// isConstraint reports whether err is a unique violation of the named constraint.
func isConstraint(err error, name string) bool {
	return errors.Is(db.Translate(err), apperr.ErrConflict) && db.Constraint(err) == name
}

// productSnapshot is what the audit log records of a product's fields.
func productSnapshot(in productInput) map[string]any {
	return map[string]any{
		"title_es": in.TitleES, "title_en": in.TitleEN, "description_es": in.DescES, "description_en": in.DescEN,
		"category_id": in.CategoryID, "workshop_id": in.WorkshopID, "tax_class": in.TaxClass, "price_minor": in.PriceMinor,
	}
}

func inputOf(p Product) productInput {
	return productInput{TitleES: p.TitleES, TitleEN: p.TitleEN, DescES: p.DescES, DescEN: p.DescEN,
		CategoryID: p.CategoryID, WorkshopID: p.WorkshopID, TaxClass: p.TaxClass, PriceMinor: p.PriceMinor}
}

// diffSnapshots keeps only the fields whose value changed.
func diffSnapshots(before, after map[string]any) (map[string]any, map[string]any) {
	b, a := map[string]any{}, map[string]any{}
	for k := range maps.Keys(after) {
		if fmt.Sprint(before[k]) != fmt.Sprint(after[k]) {
			b[k], a[k] = before[k], after[k]
		}
	}
	return b, a
}
