package catalog

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// UpsertCategory creates or updates a category by key and returns its id.
func UpsertCategory(ctx context.Context, ext sqlx.ExtContext, c Category) (int64, error) {
	const q = `INSERT INTO categories (key, slug_es, slug_en, name_es, name_en, description_es, description_en, position)
		VALUES (:key, :slug_es, :slug_en, :name_es, :name_en, :description_es, :description_en, :position)
		ON CONFLICT (key) DO UPDATE SET slug_es = EXCLUDED.slug_es, slug_en = EXCLUDED.slug_en,
			name_es = EXCLUDED.name_es, name_en = EXCLUDED.name_en,
			description_es = EXCLUDED.description_es, description_en = EXCLUDED.description_en,
			position = EXCLUDED.position
		RETURNING id`
	return namedID(ctx, ext, q, c, "category "+c.Key)
}

// CreateWorkshop inserts a workshop and returns its id (a conflict error on a taken slug).
func CreateWorkshop(ctx context.Context, ext sqlx.ExtContext, w Workshop) (int64, error) {
	const q = `INSERT INTO workshops (slug, name, facility, facility_kind, city, department,
			craft_es, craft_en, story_es, story_en, active,
			consent_workshop_photos, consent_first_names, consent_people_photos,
			consent_recorded_on, consent_recorded_by, consent_note)
		VALUES (:slug, :name, :facility, :facility_kind, :city, :department,
			:craft_es, :craft_en, :story_es, :story_en, :active,
			:consent_workshop_photos, :consent_first_names, :consent_people_photos,
			:consent_recorded_on, :consent_recorded_by, :consent_note)
		RETURNING id`
	return namedID(ctx, ext, q, w, "workshop "+w.Slug)
}

// CreateProduct inserts a product with its variants and returns its id.
func CreateProduct(ctx context.Context, ext sqlx.ExtContext, p Product) (int64, error) {
	if p.Currency == "" {
		p.Currency = "COP"
	}
	if p.TaxClass == "" {
		p.TaxClass = TaxStandard
	}
	if p.Status == "" {
		p.Status = StatusDraft
	}
	const q = `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en,
			description_es, description_en, status, price_minor, currency, tax_class, featured, published_at)
		VALUES (:slug, :workshop_id, :category_id, :title_es, :title_en,
			:description_es, :description_en, :status, :price_minor, :currency, :tax_class, :featured, :published_at)
		RETURNING id`
	id, err := namedID(ctx, ext, q, p, "product "+p.Slug)
	if err != nil {
		return 0, err
	}
	for i, v := range p.Variants {
		v.ProductID, v.Position = id, i
		const qv = `INSERT INTO variants (product_id, sku, size, color_es, color_en, price_override_minor, stock_on_hand, position)
			VALUES (:product_id, :sku, :size, :color_es, :color_en, :price_override_minor, :stock_on_hand, :position)
			RETURNING id`
		if _, err := namedID(ctx, ext, qv, v, "variant "+v.SKU); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// AddPhoto records a stored photo for a product. Adding the same object twice is a no-op,
// so a retried upload or seed does not duplicate photos.
func AddPhoto(ctx context.Context, ext sqlx.ExtContext, ph Photo) error {
	const q = `INSERT INTO photos (product_id, object_key, width, height, renditions, webp, alt_es, alt_en, position)
		VALUES (:product_id, :object_key, :width, :height, :renditions, :webp, :alt_es, :alt_en, :position)
		ON CONFLICT (product_id, object_key) DO NOTHING`
	if _, err := sqlx.NamedExecContext(ctx, ext, q, ph); err != nil {
		return fmt.Errorf("add photo %s to product %d: %w", ph.Key, ph.ProductID, err)
	}
	return nil
}

func namedID(ctx context.Context, ext sqlx.ExtContext, q string, arg any, what string) (int64, error) {
	q, args, err := sqlx.Named(q, arg)
	if err != nil {
		return 0, fmt.Errorf("bind %s: %w", what, err)
	}
	var id int64
	if err := sqlx.GetContext(ctx, ext, &id, ext.Rebind(q), args...); err != nil {
		return 0, fmt.Errorf("insert %s: %w", what, db.Translate(err))
	}
	return id, nil
}
