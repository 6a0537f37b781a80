package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
)

// TestReconcile runs `libres reconcile` on a migrated database: clean, then with an
// entry written around the application, then with bad flags.
func TestReconcile(t *testing.T) {
	dbURL := dbtest.NewEmpty(t)
	getenv := func(k string) string { return map[string]string{"DATABASE_URL": dbURL}[k] }
	ctx := context.Background()
	var logs bytes.Buffer
	if err := run(ctx, []string{"migrate", "up"}, getenv, &bytes.Buffer{}, &logs); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, logs.String())
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"reconcile"}, getenv, &out, &logs); err != nil || !strings.Contains(out.String(), "OK") {
		t.Fatalf("empty store: %v\n%s", err, out.String())
	}
	conn, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`WITH w AS (INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
			VALUES ('t', 'Taller T', 'Cárcel', 'prison', 'Cali', 'Valle del Cauca', 'Ropa', 'Clothing') RETURNING id)
		INSERT INTO ledger_entries (account, workshop_id, kind, source, source_ref, amount_minor, currency, occurred_at)
		SELECT 'workshop', id, 'sale', 'order', 'stray', 1000, 'COP', '2026-03-10 12:00:00-05' FROM w`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(ctx, []string{"reconcile"}, getenv, &out, &logs)
	if !errors.Is(err, errDifferences) || !strings.Contains(out.String(), "Taller T") || !strings.Contains(out.String(), "DIFFERS") {
		t.Fatalf("stray entry: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"reconcile", "--from", "2026-03-11", "--to", "2026-03-31"}, getenv, &out, &logs); err != nil {
		t.Fatalf("a period without the stray entry: %v\n%s", err, out.String())
	}
	if err := run(ctx, []string{"reconcile", "--to", "2026-03-10"}, getenv, &out, &logs); !errors.Is(err, errDifferences) {
		t.Fatalf("--to includes its day: %v", err)
	}
	for _, args := range [][]string{{"--from", "10/03/2026"}, {"--from", "2026-03-05", "--to", "2026-03-01"}, {"extra"}} {
		if err := run(ctx, append([]string{"reconcile"}, args...), getenv, &out, &logs); !errors.Is(err, errUsage) {
			t.Errorf("reconcile %v = %v, want usage", args, err)
		}
	}
}
