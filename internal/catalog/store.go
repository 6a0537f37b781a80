package catalog

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// Store reads the catalog for the storefront.
type Store struct {
	db *sqlx.DB
}

// NewStore returns a Store on the pool.
func NewStore(conn *sqlx.DB) *Store { return &Store{db: conn} }

// Categories returns all categories in display order.
func (s *Store) Categories(ctx context.Context) ([]Category, error) {
	const q = `SELECT id, key, slug_es, slug_en, name_es, name_en, description_es, description_en, position
		FROM categories ORDER BY position, id`
	var cs []Category
	if err := sqlx.SelectContext(ctx, s.db, &cs, q); err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	return cs, nil
}

const workshopCols = `w.id, w.slug, w.name, w.facility, w.facility_kind, w.city, w.department,
	w.craft_es, w.craft_en, w.story_es, w.story_en, w.active,
	w.consent_workshop_photos, w.consent_first_names, w.consent_people_photos,
	w.consent_recorded_on, w.consent_recorded_by, w.consent_note,
	(SELECT count(*) FROM products p WHERE p.workshop_id = w.id AND p.status = $1) AS product_count`

// Workshops returns the active workshops by name.
func (s *Store) Workshops(ctx context.Context) ([]Workshop, error) {
	q := `SELECT ` + workshopCols + ` FROM workshops w WHERE w.active ORDER BY w.name`
	var ws []Workshop
	if err := sqlx.SelectContext(ctx, s.db, &ws, q, StatusActive); err != nil {
		return nil, fmt.Errorf("list workshops: %w", err)
	}
	return ws, nil
}

// WorkshopBySlug returns an active workshop, or an apperr not-found error.
func (s *Store) WorkshopBySlug(ctx context.Context, slug string) (Workshop, error) {
	q := `SELECT ` + workshopCols + ` FROM workshops w WHERE w.slug = $2 AND w.active`
	var w Workshop
	if err := sqlx.GetContext(ctx, s.db, &w, q, StatusActive, slug); err != nil {
		return w, fmt.Errorf("workshop %q: %w", slug, db.Translate(err))
	}
	return w, nil
}

// WorkshopByID returns a workshop, active or not.
func (s *Store) WorkshopByID(ctx context.Context, id int64) (Workshop, error) {
	q := `SELECT ` + workshopCols + ` FROM workshops w WHERE w.id = $2`
	var w Workshop
	if err := sqlx.GetContext(ctx, s.db, &w, q, StatusActive, id); err != nil {
		return w, fmt.Errorf("workshop %d: %w", id, db.Translate(err))
	}
	return w, nil
}

const productCols = `id, slug, workshop_id, category_id, title_es, title_en, description_es,
	description_en, status, price_minor, currency, tax_class, featured, published_at, updated_at`

// ActiveProductBySlug returns a product on sale with its variants and photos, or
// a not-found error (drafts and archived products are not shown to shoppers).
func (s *Store) ActiveProductBySlug(ctx context.Context, slug string) (Product, error) {
	// A product of an inactive workshop (consent withdrawn, workshop closed) is not on sale.
	q := `SELECT ` + productCols + ` FROM products WHERE slug = $1 AND status = $2
		AND workshop_id IN (SELECT id FROM workshops WHERE active)`
	var p Product
	if err := sqlx.GetContext(ctx, s.db, &p, q, slug, StatusActive); err != nil {
		return p, fmt.Errorf("product %q: %w", slug, db.Translate(err))
	}
	const qv = `SELECT id, product_id, sku, size, color_es, color_en, price_override_minor, stock_on_hand, position
		FROM variants WHERE product_id = $1 ORDER BY position, id`
	if err := sqlx.SelectContext(ctx, s.db, &p.Variants, qv, p.ID); err != nil {
		return p, fmt.Errorf("variants of product %d: %w", p.ID, err)
	}
	const qp = `SELECT id, product_id, object_key, width, height, renditions, webp, alt_es, alt_en, position
		FROM photos WHERE product_id = $1 ORDER BY position, id`
	if err := sqlx.SelectContext(ctx, s.db, &p.Photos, qp, p.ID); err != nil {
		return p, fmt.Errorf("photos of product %d: %w", p.ID, err)
	}
	return p, nil
}

// Sizes returns the sizes on sale (in a category when categoryID is not 0), shoe sizes
// in numeric order, then letter sizes in S–XXL order.
func (s *Store) Sizes(ctx context.Context, categoryID int64) ([]string, error) {
	const q = `SELECT DISTINCT v.size FROM variants v JOIN products p ON p.id = v.product_id
		JOIN workshops w ON w.id = p.workshop_id
		WHERE p.status = $2 AND w.active AND v.size <> '' AND ($1::bigint = 0 OR p.category_id = $1)`
	var sizes []string
	if err := sqlx.SelectContext(ctx, s.db, &sizes, q, categoryID, StatusActive); err != nil {
		return nil, fmt.Errorf("list sizes: %w", err)
	}
	SortSizes(sizes)
	return sizes, nil
}

// SortSizes orders sizes for people: numeric sizes by number, then S, M, L, XL…
func SortSizes(sizes []string) {
	sort.SliceStable(sizes, func(i, j int) bool { return sizeRank(sizes[i]) < sizeRank(sizes[j]) })
}

var letterSizes = map[string]int{"XXS": 1, "XS": 2, "S": 3, "M": 4, "L": 5, "XL": 6, "XXL": 7, "XXXL": 8}

func sizeRank(s string) float64 {
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		return n
	}
	if r, ok := letterSizes[s]; ok {
		return 1000 + float64(r)
	}
	return 2000
}

// SitemapEntry is one product URL for sitemap.xml.
type SitemapEntry struct {
	Slug      string    `db:"slug"`
	UpdatedAt time.Time `db:"updated_at"`
}

// ActiveSlugs lists the products on sale for the sitemap.
func (s *Store) ActiveSlugs(ctx context.Context) ([]SitemapEntry, error) {
	const q = `SELECT p.slug, p.updated_at FROM products p JOIN workshops w ON w.id = p.workshop_id
		WHERE p.status = $1 AND w.active ORDER BY p.id`
	var es []SitemapEntry
	if err := sqlx.SelectContext(ctx, s.db, &es, q, StatusActive); err != nil {
		return nil, fmt.Errorf("list product slugs: %w", err)
	}
	return es, nil
}

// Setting returns a site setting, "" when unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v []string
	if err := sqlx.SelectContext(ctx, s.db, &v, `SELECT value FROM site_settings WHERE key = $1`, key); err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	if len(v) == 0 {
		return "", nil
	}
	return v[0], nil
}

// SetSetting stores a site setting.
func SetSetting(ctx context.Context, ext sqlx.ExtContext, key, value string) error {
	const q = `INSERT INTO site_settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`
	if _, err := ext.ExecContext(ctx, q, key, value); err != nil {
		return fmt.Errorf("write setting %s: %w", key, err)
	}
	return nil
}

// Ping checks the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }
