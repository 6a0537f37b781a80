// Package dbtest gives each test package its own freshly migrated PostgreSQL database
// on the test cluster that `make test` starts (LIBRES_TEST_DATABASE_URL).
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"io"
	"log/slog"
	"net/url"
	"os"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// AdminURL returns the test cluster's superuser URL, or skips/fails the test when the
// cluster is not configured (fails when LIBRES_TEST_REQUIRE=1, as under `make test`).
func AdminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("LIBRES_TEST_DATABASE_URL")
	if u == "" {
		if os.Getenv("LIBRES_TEST_REQUIRE") == "1" {
			t.Fatal("LIBRES_TEST_DATABASE_URL is not set")
		}
		t.Skip("PostgreSQL test cluster not configured: run `make test`")
	}
	return u
}

// NewEmpty creates an empty database and returns its URL; it is dropped when the test ends.
func NewEmpty(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	ctx := context.Background()
	adb, err := sqlx.Open("postgres", admin)
	if err != nil {
		t.Fatalf("open admin database: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "libres_test_" + hex.EncodeToString(b[:])
	if _, err := adb.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		adb.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		_, err := adb.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
		adb.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse LIBRES_TEST_DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// New creates a migrated database and returns an open pool, closed and dropped at cleanup.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	dbURL := NewEmpty(t)
	ctx := context.Background()
	conn, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := db.MigrateUp(ctx, conn.DB, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	return conn
}
