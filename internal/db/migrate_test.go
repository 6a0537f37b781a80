package db_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
)

// TestMigrationsUpDownUp applies every migration, rolls all back, and applies them again
// on a real database, checking the schema exists, is gone, and is back.
func TestMigrationsUpDownUp(t *testing.T) {
	ctx := context.Background()
	conn, err := db.Open(ctx, dbtest.NewEmpty(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tables := func() int {
		var n int
		if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM information_schema.tables
			WHERE table_schema = 'public' AND table_name IN ('workshops','categories','products','variants','photos','river_job')`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := db.MigrateUp(ctx, conn.DB, log); err != nil {
		t.Fatalf("first up: %v", err)
	}
	if n := tables(); n != 6 {
		t.Fatalf("after up: %d catalog and job tables, want 6", n)
	}
	if err := db.MigrateDown(ctx, conn.DB, true, log); err != nil {
		t.Fatalf("down: %v", err)
	}
	if n := tables(); n != 0 {
		t.Fatalf("after down: %d catalog and job tables left, want 0", n)
	}
	if err := db.MigrateUp(ctx, conn.DB, log); err != nil {
		t.Fatalf("second up: %v", err)
	}
	if n := tables(); n != 6 {
		t.Fatalf("after second up: %d catalog and job tables, want 6", n)
	}
	if err := db.MigrateUp(ctx, conn.DB, log); err != nil {
		t.Fatalf("up with nothing pending: %v", err)
	}
	var b bytes.Buffer
	if err := db.MigrateStatus(ctx, conn.DB, &b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "pending") || !strings.Contains(b.String(), "applied") {
		t.Errorf("status after up:\n%s", b.String())
	}
}

// TestConstraints checks the rules the schema carries itself.
func TestConstraints(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	mustExec := func(q string, args ...any) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(`INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
		VALUES ('taller-a', 'Taller A', 'Cárcel', 'prison', 'Bogotá', 'Bogotá D.C.', 'calzado', 'shoes')`)
	mustExec(`INSERT INTO categories (key, slug_es, slug_en, name_es, name_en) VALUES ('shoes', 'calzado', 'shoes', 'Calzado', 'Shoes')`)
	mustExec(`INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, price_minor)
		VALUES ('zapato', 1, 1, 'Zapato', 'Shoe', 100)`)
	mustExec(`INSERT INTO variants (product_id, sku, size, stock_on_hand) VALUES (1, 'SKU-1', '38', 2)`)
	bad := []struct{ name, q string }{
		{"negative stock", `INSERT INTO variants (product_id, sku, size, stock_on_hand) VALUES (1, 'SKU-2', '39', -1)`},
		{"duplicate sku", `INSERT INTO variants (product_id, sku, size) VALUES (1, 'SKU-1', '40')`},
		{"negative price", `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, price_minor) VALUES ('x', 1, 1, 'X', 'X', -1)`},
		{"duplicate slug", `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, price_minor) VALUES ('zapato', 1, 1, 'X', 'X', 1)`},
		{"bad status", `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, price_minor, status) VALUES ('y', 1, 1, 'Y', 'Y', 1, 'sold')`},
		{"bad slug", `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, price_minor) VALUES ('Not A Slug', 1, 1, 'Z', 'Z', 1)`},
		{"stock below zero by update", `UPDATE variants SET stock_on_hand = stock_on_hand - 3 WHERE sku = 'SKU-1'`},
	}
	var changed bool
	if err := conn.GetContext(ctx, &changed, `UPDATE products SET title_es = 'Zapato nuevo'
		WHERE slug = 'zapato' RETURNING updated_at > created_at`); err != nil || !changed {
		t.Errorf("updated_at did not follow an update (%v)", err)
	}
	for _, b := range bad {
		if _, err := conn.ExecContext(ctx, b.q); err == nil {
			t.Errorf("%s: accepted, want a constraint error", b.name)
		}
	}
}
