package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/media"
)

// TestMediaBackfillWebP runs `libres media backfill-webp` on a store whose photo was
// saved before WebP renditions existed: afterwards every width has its WebP and the
// photo says so; a second run has nothing to do.
func TestMediaBackfillWebP(t *testing.T) {
	dbURL := dbtest.NewEmpty(t)
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": dbURL, "LIBRES_MEDIA_DIR": dir}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	var logs bytes.Buffer
	if err := run(ctx, []string{"migrate", "up"}, getenv, &bytes.Buffer{}, &logs); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, logs.String())
	}
	store, err := media.NewDisk(dir, "/media")
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 700, 500))
	for i := range img.Pix {
		img.Pix[i] = uint8(i % 251)
	}
	img.Set(0, 0, color.White)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	ph, err := media.Process(ctx, store, &buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ph.Renditions { // as stored before WebP renditions
		if err := store.Delete(ctx, media.WebPKey(ph.Key, w)); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`WITH w AS (INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
			VALUES ('t', 'Taller T', 'Cárcel', 'prison', 'Cali', 'Valle del Cauca', 'Ropa', 'Clothing') RETURNING id),
		c AS (INSERT INTO categories (key, slug_es, slug_en, name_es, name_en) VALUES ('c', 'c', 'c', 'C', 'C') RETURNING id),
		p AS (INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, price_minor)
			SELECT 'p', w.id, c.id, 'P', 'P', 100 FROM w, c RETURNING id)
		INSERT INTO photos (product_id, object_key, width, height, renditions) SELECT id, $1, $2, $3, $4 FROM p`,
		ph.Key, ph.Width, ph.Height, "{320,640}"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"media", "backfill-webp"}, getenv, &out, &logs); err != nil {
		t.Fatalf("backfill: %v\n%s", err, logs.String())
	}
	if !strings.Contains(out.String(), "1 photo") {
		t.Errorf("output %q, want one photo done", out.String())
	}
	for _, w := range ph.Renditions {
		b, err := os.ReadFile(filepath.Join(dir, media.WebPKey(ph.Key, w)))
		if err != nil || !bytes.HasPrefix(b, []byte("RIFF")) {
			t.Errorf("WebP %d px: %v", w, err)
		}
	}
	var webp bool
	if err := conn.Get(&webp, `SELECT webp FROM photos WHERE object_key = $1`, ph.Key); err != nil || !webp {
		t.Errorf("photo webp = %v, %v; want recorded", webp, err)
	}
	out.Reset()
	if err := run(ctx, []string{"media", "backfill-webp"}, getenv, &out, &logs); err != nil || !strings.Contains(out.String(), "0 photo") {
		t.Errorf("second run: %v, %q; want nothing to do", err, out.String())
	}
}
