// Package dbtest gives each test package its own freshly migrated PostgreSQL database
// on the test cluster that `make test` starts (LIBRES_TEST_DATABASE_URL).
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// ErrNoCluster means LIBRES_TEST_DATABASE_URL is not set.
var ErrNoCluster = errors.New("PostgreSQL test cluster not configured: run `make test`")

// AdminURL returns the test cluster's superuser URL, or skips/fails the test when the
// cluster is not configured (fails when LIBRES_TEST_REQUIRE=1, as under `make test`).
func AdminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("LIBRES_TEST_DATABASE_URL")
	if u == "" {
		if os.Getenv("LIBRES_TEST_REQUIRE") == "1" {
			t.Fatal("LIBRES_TEST_DATABASE_URL is not set")
		}
		t.Skip(ErrNoCluster.Error())
	}
	return u
}

// Create makes an empty database on the test cluster; drop removes it. For TestMain,
// where there is no *testing.T. Returns ErrNoCluster when the cluster is not configured.
func Create(ctx context.Context) (dbURL string, drop func() error, err error) {
	admin := os.Getenv("LIBRES_TEST_DATABASE_URL")
	if admin == "" {
		return "", nil, ErrNoCluster
	}
	adb, err := sqlx.Open("postgres", admin)
	if err != nil {
		return "", nil, fmt.Errorf("open admin database: %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "libres_test_" + hex.EncodeToString(b[:])
	if _, err := adb.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		adb.Close()
		return "", nil, fmt.Errorf("create test database: %w", err)
	}
	drop = func() error {
		defer adb.Close()
		if _, err := adb.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop test database %s: %w", name, err)
		}
		return nil
	}
	u, err := url.Parse(admin)
	if err != nil {
		_ = drop()
		return "", nil, fmt.Errorf("parse LIBRES_TEST_DATABASE_URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// OpenMigrated opens dbURL and applies all migrations.
func OpenMigrated(ctx context.Context, dbURL string) (*sqlx.DB, error) {
	conn, err := db.Open(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	if err := db.MigrateUp(ctx, conn.DB, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// NewEmpty creates an empty database and returns its URL; it is dropped when the test ends.
func NewEmpty(t testing.TB) string {
	t.Helper()
	AdminURL(t)
	u, drop, err := Create(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Error(err)
		}
	})
	return u
}

// New creates a migrated database and returns an open pool, closed and dropped at cleanup.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	u := NewEmpty(t)
	conn, err := OpenMigrated(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}
