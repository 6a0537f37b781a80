package seed

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/media"
)

// syntheticFingerprint digests what a shopper would see of the synthetic catalog (not
// publication times, which follow the clock).
func syntheticFingerprint(t *testing.T, conn *sqlx.DB) string {
	t.Helper()
	var fp string
	err := conn.GetContext(context.Background(), &fp, `SELECT md5(
		(SELECT string_agg(p.slug || '|' || p.title_es || '|' || p.price_minor || '|' || p.status || '|' || w.slug || '|' || c.key, ',' ORDER BY p.slug)
		   FROM products p JOIN workshops w ON w.id = p.workshop_id JOIN categories c ON c.id = p.category_id) ||
		(SELECT string_agg(sku || '|' || size || '|' || color_es || '|' || stock_on_hand, ',' ORDER BY sku) FROM variants))`)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

func TestSyntheticCatalog(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := media.NewDisk(t.TempDir(), "/media")
	if err != nil {
		t.Fatal(err)
	}
	const products = 150
	opts := SyntheticOptions{Products: products, PhotoWidth: 320}
	conn := dbtest.New(t)
	if err := Synthetic(ctx, conn, store, quiet, opts); err != nil {
		t.Fatal(err)
	}

	var c struct {
		Products   int `db:"products"`
		Active     int `db:"active"`
		Variants   int `db:"variants"`
		Workshops  int `db:"workshops"`
		Categories int `db:"categories"`
		Bare       int `db:"bare"`
		Missing    int `db:"missing"`
		Demo       int `db:"demo"`
	}
	err = conn.GetContext(ctx, &c, `SELECT
		(SELECT count(*) FROM products) AS products,
		(SELECT count(*) FROM products WHERE status = 'active' AND published_at <= now()) AS active,
		(SELECT count(*) FROM variants) AS variants,
		(SELECT count(DISTINCT workshop_id) FROM products) AS workshops,
		(SELECT count(DISTINCT category_id) FROM products) AS categories,
		(SELECT count(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM photos WHERE product_id = p.id)) AS bare,
		(SELECT count(*) FROM photos ph WHERE ph.renditions = '{}' OR NOT ph.webp) AS missing,
		(SELECT count(*) FROM site_settings WHERE key = 'demo') AS demo`)
	if err != nil {
		t.Fatal(err)
	}
	want := products * SyntheticVariantsPerProduct
	if c.Products != products || c.Variants != want || c.Bare != 0 || c.Missing != 0 || c.Demo != 0 {
		t.Errorf("after seed: %+v; want %d products, %d variants, every product with photos (JPEG and WebP), no demo flag", c, products, want)
	}
	if c.Workshops != len(Workshops()) || c.Categories != len(Categories()) {
		t.Errorf("products spread over %d workshops and %d categories, want all %d and %d",
			c.Workshops, c.Categories, len(Workshops()), len(Categories()))
	}
	if c.Active < products*9/10 {
		t.Errorf("%d of %d products on sale, want most", c.Active, products)
	}

	// A stored rendition exists, so product pages show real photos.
	var key string
	if err := conn.GetContext(ctx, &key, `SELECT object_key || '/' || renditions[1] || '.jpg' FROM photos LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if ok, err := store.Exists(ctx, key); err != nil || !ok {
		t.Errorf("photo %s stored: %v %v", key, ok, err)
	}

	// A second run is refused; with IfEmpty it leaves the catalog alone.
	if err := Synthetic(ctx, conn, store, quiet, opts); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("second run: %v, want ErrNotEmpty", err)
	}
	opts.IfEmpty = true
	if err := Synthetic(ctx, conn, store, quiet, opts); err != nil {
		t.Errorf("second run with IfEmpty: %v", err)
	}
	var n int
	if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM variants`); err != nil || n != want {
		t.Errorf("variants after reruns: %d, want %d (%v)", n, want, err)
	}

	// Another store gets the same catalog.
	other := dbtest.New(t)
	if err := Synthetic(ctx, other, store, quiet, SyntheticOptions{Products: products, PhotoWidth: 320}); err != nil {
		t.Fatal(err)
	}
	if a, b := syntheticFingerprint(t, conn), syntheticFingerprint(t, other); a != b {
		t.Errorf("two runs differ: %s vs %s", a, b)
	}
}
