package catalog_test

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/seed"
)

// TestListSameAsOneQuery checks that List, which picks a page's ids before joining
// variants and photos, shows shoppers what the single query it replaced showed: the same
// cards in the same order with the same counts, on every page of the demo catalog and of a
// small synthetic one (many equal prices and sizes), for each filter and sort a page uses.
func TestListSameAsOneQuery(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		load func(*sqlx.DB, media.Store) error
	}{
		{"demo", func(conn *sqlx.DB, ms media.Store) error {
			return seed.Load(ctx, conn, ms, quiet(), seed.Options{PhotoWidth: 160})
		}},
		{"synthetic", func(conn *sqlx.DB, ms media.Store) error {
			return seed.Synthetic(ctx, conn, ms, quiet(), seed.SyntheticOptions{Products: 400, PhotoWidth: 160})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn := dbtest.New(t)
			ms, err := media.NewDisk(t.TempDir(), "/media")
			if err != nil {
				t.Fatal(err)
			}
			if err := c.load(conn, ms); err != nil {
				t.Fatal(err)
			}
			// Some stock sold out, so that in-stock filters and the featured order bite.
			if _, err := conn.ExecContext(ctx, `UPDATE variants SET stock_on_hand = 0 WHERE id % 3 = 0 OR product_id % 5 = 0`); err != nil {
				t.Fatal(err)
			}
			compareLists(t, conn)
		})
	}
}

func compareLists(t *testing.T, conn *sqlx.DB) {
	t.Helper()
	ctx := context.Background()
	s := catalog.NewStore(conn)
	var cat, ws int64
	if err := conn.GetContext(ctx, &cat, `SELECT category_id FROM products GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if err := conn.GetContext(ctx, &ws, `SELECT workshop_id FROM products GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	filters := []catalog.Filter{
		{PerPage: 24},
		{CategoryID: cat, PerPage: 24},
		{CategoryID: cat, Sort: catalog.SortPriceAsc, PerPage: 24},
		{Sort: catalog.SortPriceDesc, PerPage: 10},
		{WorkshopID: ws, PerPage: 100},
		{Sizes: []string{"38", "M"}, InStock: true, PerPage: 24},
		{CategoryID: cat, MinMinor: 5_000_000, MaxMinor: 20_000_000, Sort: catalog.SortPriceDesc, PerPage: 7},
		{Query: "zapato", Sort: catalog.SortRelevance, PerPage: 24},
		{Query: "bolso cuero", PerPage: 24},
		{Query: "boots", Sort: catalog.SortRelevance, PerPage: 5},
		{InStock: true, PerPage: 8},
		{OnePerCategory: true, InStock: true, PerPage: 100},
		{CategoryID: cat, InStock: true, PerPage: 5},
	}
	for _, f := range filters {
		var pages int
		for page := 1; ; page++ {
			f.Page = page
			want, err := listOneQuery(ctx, conn, f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.List(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != want.Total || !reflect.DeepEqual(cardKeys(got.Cards), cardKeys(want.Cards)) {
				t.Fatalf("%+v: got %d %v, want %d %v", f, got.Total, cardKeys(got.Cards), want.Total, cardKeys(want.Cards))
			}
			if len(want.Cards) == 0 {
				pages = page - 1
				break
			}
		}
		if pages == 0 && len(f.Query) == 0 {
			t.Errorf("%+v: no products, the comparison shows nothing", f)
		}
	}
	featured, err := s.Featured(ctx, 8)
	if err != nil {
		t.Fatal(err)
	}
	want, err := listOneQuery(ctx, conn, catalog.Filter{FeaturedOnly: true, Sort: "featured", PerPage: 8})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cardKeys(featured), cardKeys(want.Cards)) {
		t.Errorf("featured: got %v, want %v", cardKeys(featured), cardKeys(want.Cards))
	}
}

// cardKeys is what a shopper sees of each card (not the count and rank columns).
func cardKeys(cs []catalog.Card) []string {
	var out []string
	for _, c := range cs {
		photo := ""
		if p := c.Photo(); p != nil {
			photo = fmt.Sprint(p.Key, p.Width, p.Height, p.Renditions, p.WebP, p.AltES)
		}
		out = append(out, fmt.Sprint(c.Slug, c.PriceMinor, c.WorkshopSlug, c.CategoryID, c.InStock, c.Sizes, photo))
	}
	return out
}

// listOneQuery is List as it was before the page's ids were chosen first: one query
// that aggregates every matching product's variants and photo, counting with a window.
func listOneQuery(ctx context.Context, conn *sqlx.DB, f catalog.Filter) (catalog.Result, error) {
	sortSQL := map[string]string{
		catalog.SortNewest:    "p.published_at DESC NULLS LAST, p.id DESC",
		catalog.SortPriceAsc:  "p.price_minor ASC, p.id DESC",
		catalog.SortPriceDesc: "p.price_minor DESC, p.id DESC",
		"featured":            "COALESCE(v.in_stock, false) DESC, p.published_at DESC NULLS LAST, p.id DESC",
		catalog.SortRelevance: "rank DESC, p.published_at DESC NULLS LAST, p.id DESC",
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	if _, ok := sortSQL[f.Sort]; !ok {
		f.Sort = catalog.SortNewest
	}
	terms := catalog.SearchTerms(f.Query)
	if terms == "" && f.Sort == catalog.SortRelevance {
		f.Sort = catalog.SortNewest
	}
	args := []any{}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"p.status = " + arg(catalog.StatusActive), "w.active"}
	rank := "0::float8"
	if terms != "" {
		t := arg(terms)
		where = append(where, fmt.Sprintf("(p.search_es @@ to_tsquery('libres_es', %s) OR p.search_en @@ to_tsquery('libres_en', %s))", t, t))
		rank = fmt.Sprintf("(ts_rank(p.search_es, to_tsquery('libres_es', %s)) + ts_rank(p.search_en, to_tsquery('libres_en', %s)))::float8", t, t)
	}
	if f.CategoryID != 0 {
		where = append(where, "p.category_id = "+arg(f.CategoryID))
	}
	if f.WorkshopID != 0 {
		where = append(where, "p.workshop_id = "+arg(f.WorkshopID))
	}
	if len(f.Sizes) > 0 {
		where = append(where, "EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.stock_on_hand > 0 AND v.size = ANY("+arg(pq.StringArray(f.Sizes))+"))")
	}
	if f.InStock {
		where = append(where, "EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.stock_on_hand > 0)")
	}
	if f.FeaturedOnly {
		where = append(where, "p.featured")
	}
	if f.MinMinor > 0 {
		where = append(where, "p.price_minor >= "+arg(f.MinMinor))
	}
	if f.MaxMinor > 0 {
		where = append(where, "p.price_minor <= "+arg(f.MaxMinor))
	}
	limit, offset := arg(f.PerPage), arg((f.Page-1)*f.PerPage)
	distinct, order := "", sortSQL[f.Sort]
	if f.OnePerCategory {
		distinct, order = "DISTINCT ON (p.category_id) ", "p.category_id, "+order
	}
	q := `SELECT ` + distinct + `p.id, p.slug, p.title_es, p.title_en, p.price_minor, p.currency, p.category_id,
			w.slug AS workshop_slug, w.name AS workshop_name,
			COALESCE(v.in_stock, false) AS in_stock, COALESCE(v.sizes, '{}') AS sizes,
			ph.object_key AS photo_key, ph.width AS photo_w, ph.height AS photo_h,
			ph.renditions AS photo_renditions, ph.webp AS photo_webp, ph.alt_es AS photo_alt_es, ph.alt_en AS photo_alt_en,
			count(*) OVER () AS total, ` + rank + ` AS rank
		FROM products p
		JOIN workshops w ON w.id = p.workshop_id
		LEFT JOIN LATERAL (
			SELECT bool_or(stock_on_hand > 0) AS in_stock,
				array_agg(DISTINCT size) FILTER (WHERE size <> '') AS sizes
			FROM variants WHERE product_id = p.id) v ON true
		LEFT JOIN LATERAL (
			SELECT object_key, width, height, renditions, webp, alt_es, alt_en FROM photos
			WHERE product_id = p.id ORDER BY position, id LIMIT 1) ph ON true
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY ` + order + `
		LIMIT ` + limit + ` OFFSET ` + offset
	var rows []struct {
		catalog.Card
		Total int `db:"total"`
	}
	var res catalog.Result
	if err := sqlx.SelectContext(ctx, conn, &rows, q, args...); err != nil {
		return res, err
	}
	for _, r := range rows {
		res.Cards = append(res.Cards, r.Card)
	}
	if f.OnePerCategory {
		res.Total = 0 // the window counted products before DISTINCT ON; nothing read it
	} else if len(rows) > 0 {
		res.Total = rows[0].Total
	} else if f.Page > 1 {
		f.Page, f.PerPage = 1, 1
		r, err := listOneQuery(ctx, conn, f)
		res.Total = r.Total
		return res, err
	}
	return res, nil
}
