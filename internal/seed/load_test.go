package seed

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"os"
	"testing"

	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/media"
)

// s3Store connects to the test versitygw with a fresh bucket.
func s3Store(t *testing.T) *media.S3Store {
	t.Helper()
	cfg := media.S3Config{
		Endpoint:  os.Getenv("LIBRES_TEST_S3_ENDPOINT"),
		AccessKey: os.Getenv("LIBRES_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("LIBRES_TEST_S3_SECRET_KEY"),
		Region:    "us-east-1",
	}
	if cfg.Endpoint == "" {
		if os.Getenv("LIBRES_TEST_REQUIRE") == "1" {
			t.Fatal("LIBRES_TEST_S3_ENDPOINT not set")
		}
		t.Skip("S3 test server not configured: run `make test`")
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	cfg.Bucket = "seed-" + hex.EncodeToString(b[:])
	s, err := media.NewS3(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLoadDemoIntoPostgresAndS3 loads the demo catalog through the real pipeline into a
// real database and S3 server, then checks what a shopper would get.
func TestLoadDemoIntoPostgresAndS3(t *testing.T) {
	conn := dbtest.New(t)
	store := s3Store(t)
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := Load(ctx, conn, store, quiet, Options{PhotoWidth: 320}); err != nil {
		t.Fatal(err)
	}
	var c struct {
		Workshops int `db:"workshops"`
		Products  int `db:"products"`
		Bare      int `db:"bare"`
		Demo      int `db:"demo"`
	}
	err := conn.GetContext(ctx, &c, `SELECT
		(SELECT count(*) FROM workshops) AS workshops,
		(SELECT count(*) FROM products WHERE status = 'active') AS products,
		(SELECT count(*) FROM products p WHERE (SELECT count(*) FROM photos WHERE product_id = p.id) < 2) AS bare,
		(SELECT count(*) FROM site_settings WHERE key = 'demo' AND value = 'true') AS demo`)
	if err != nil {
		t.Fatal(err)
	}
	if c.Workshops < 6 || c.Products < 40 || c.Bare != 0 || c.Demo != 1 {
		t.Fatalf("after seed: %+v; want 6+ workshops, 40+ active products, none with fewer than 2 photos, demo flag", c)
	}

	checkDemoLedger(t, conn)

	// A stored photo is publicly readable, a JPEG, and carries no metadata segment.
	var key string
	if err := conn.GetContext(ctx, &key, `SELECT object_key || '/' || renditions[1] || '.jpg' FROM photos LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(store.URL(key))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("GET %s = %d %s", store.URL(key), res.StatusCode, res.Header.Get("Content-Type"))
	}
	if _, err := jpeg.Decode(bytes.NewReader(body)); err != nil {
		t.Fatalf("stored photo is not a JPEG: %v", err)
	}
	if bytes.Contains(body, []byte("Exif\x00")) {
		t.Errorf("stored photo carries EXIF")
	}

	// Loading again is refused, and --if-empty leaves the catalog alone.
	if err := Load(ctx, conn, store, quiet, Options{PhotoWidth: 320}); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("second load: %v, want ErrNotEmpty", err)
	}
	if err := Load(ctx, conn, store, quiet, Options{IfEmpty: true}); err != nil {
		t.Errorf("load --if-empty on a full store: %v", err)
	}
	var n int
	if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM products`); err != nil || n != c.Products {
		t.Errorf("products after reloads: %d, want %d (%v)", n, c.Products, err)
	}
}
