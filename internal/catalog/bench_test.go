package catalog_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/seed"
)

// BenchmarkCatalog measures the storefront's read queries on the demo catalog and on the
// synthetic one (10,000 products, 80,000 variants), each seeded once into its own test
// database, so the two columns of docs/performance.md come from one run:
//
//	go test -run '^$' -bench Catalog -benchtime 200x ./internal/catalog
//
// Seeding takes about half a minute; without a test cluster the benchmark is skipped.
func BenchmarkCatalog(b *testing.B) {
	if testing.Short() {
		b.Skip("seeds two catalogs")
	}
	for _, c := range []struct {
		name string
		load func(context.Context, *sqlx.DB, media.Store) error
	}{
		{"demo", func(ctx context.Context, conn *sqlx.DB, ms media.Store) error {
			return seed.Load(ctx, conn, ms, quiet(), seed.Options{PhotoWidth: 320})
		}},
		{"synthetic", func(ctx context.Context, conn *sqlx.DB, ms media.Store) error {
			return seed.Synthetic(ctx, conn, ms, quiet(), seed.SyntheticOptions{Products: 10_000, PhotoWidth: 320})
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			conn := dbtest.New(b)
			ms, err := media.NewDisk(b.TempDir(), "/media")
			if err != nil {
				b.Fatal(err)
			}
			if err := c.load(ctx, conn, ms); err != nil {
				b.Fatal(err)
			}
			if _, err := conn.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
				b.Fatal(err)
			}
			benchQueries(b, conn)
		})
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// benchQueries runs each query the shop's catalog pages make, as the pages make them.
func benchQueries(b *testing.B, conn *sqlx.DB) {
	ctx := context.Background()
	s := catalog.NewStore(conn)
	cats, err := s.Categories(ctx)
	if err != nil || len(cats) == 0 {
		b.Fatalf("categories: %v %v", cats, err)
	}
	shoes := cats[0].ID
	for _, c := range cats {
		if c.Key == "shoes" {
			shoes = c.ID
		}
	}
	newest, err := s.List(ctx, catalog.Filter{PerPage: 1})
	if err != nil || len(newest.Cards) == 0 {
		b.Fatalf("no product: %v", err)
	}
	slug := newest.Cards[0].Slug
	lists := []struct {
		name string
		f    catalog.Filter
	}{
		{"list/category", catalog.Filter{CategoryID: shoes, PerPage: 24}},
		{"list/all", catalog.Filter{PerPage: 24}},
		{"list/all_page_10", catalog.Filter{PerPage: 24, Page: 10}},
		{"list/price_asc", catalog.Filter{Sort: catalog.SortPriceAsc, PerPage: 24}},
		{"list/in_stock", catalog.Filter{InStock: true, PerPage: 24}},
		{"list/filtered", catalog.Filter{CategoryID: shoes, Sizes: []string{"38"}, InStock: true,
			MinMinor: 10_000_000, Sort: catalog.SortPriceAsc, PerPage: 24}},
		{"list/search", catalog.Filter{Query: "zapato", Sort: catalog.SortRelevance, PerPage: 24}},
		{"list/search_rare", catalog.Filter{Query: "oxford", Sort: catalog.SortRelevance, PerPage: 24}},
		{"home/newest", catalog.Filter{InStock: true, PerPage: 8}},
		{"home/newest_no_total", catalog.Filter{InStock: true, PerPage: 8, NoTotal: true}},
		{"home/covers", catalog.Filter{OnePerCategory: true, InStock: true, PerPage: 100}},
		{"product/related", catalog.Filter{CategoryID: shoes, InStock: true, PerPage: 5}},
		{"product/related_no_total", catalog.Filter{CategoryID: shoes, InStock: true, PerPage: 5, NoTotal: true}},
	}
	type query struct {
		name string
		run  func() error
	}
	var cases []query
	for _, l := range lists {
		cases = append(cases, query{l.name, func() error { _, err := s.List(ctx, l.f); return err }})
		if !l.f.NoTotal {
			// The single query List replaced, for the before/after columns.
			cases = append(cases, query{"one_query/" + l.name, func() error { _, err := listOneQuery(ctx, conn, l.f); return err }})
		}
	}
	cases = append(cases, []query{
		{"home/featured", func() error { _, err := s.Featured(ctx, 8); return err }},
		{"sizes/category", func() error { _, err := s.Sizes(ctx, shoes); return err }},
		{"sizes/all", func() error { _, err := s.Sizes(ctx, 0); return err }},
		{"workshops", func() error { _, err := s.Workshops(ctx); return err }},
		{"product", func() error { _, err := s.ActiveProductBySlug(ctx, slug); return err }},
	}...)
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
