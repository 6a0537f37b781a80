package db_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/lib/pq"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
)

// Three `libres migrate up` at once on an empty database (three deploys, a Job retried
// while the first still runs) take turns: each succeeds, the schema is applied once.
func TestConcurrentMigrationsTakeTurns(t *testing.T) {
	ctx := context.Background()
	url := db.MigrationURL(dbtest.NewEmpty(t))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Open(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer conn.Close()
			errs[i] = db.MigrateUp(ctx, conn.DB, log)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent migrate up: %v", err)
	}
	conn, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var applied, versions int
	if err := conn.GetContext(ctx, &applied, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`); err != nil {
		t.Fatal(err)
	}
	if err := conn.GetContext(ctx, &versions, `SELECT count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`); err != nil {
		t.Fatal(err)
	}
	if applied == 0 || applied != versions {
		t.Errorf("goose recorded %d applications of %d versions; want each once", applied, versions)
	}
}

// A migration's connection gives up on a table lock after MigrationLockTimeout instead
// of waiting behind a long transaction (and queueing the store's requests behind it).
func TestMigrationConnectionsHaveALockTimeout(t *testing.T) {
	ctx := context.Background()
	dsn := dbtest.NewEmpty(t)
	for in, want := range map[string]string{
		"host=/tmp dbname=libres":                               "host=/tmp dbname=libres lock_timeout=5s",
		"postgres://u@h/libres?sslmode=disable&lock_timeout=1s": "postgres://u@h/libres?sslmode=disable&lock_timeout=1s",
		"postgres://u@h/libres?sslmode=disable":                 "postgres://u@h/libres?lock_timeout=5s&sslmode=disable",
	} {
		if got := db.MigrationURL(in); got != want {
			t.Errorf("MigrationURL(%q) = %q, want %q", in, got, want)
		}
	}
	conn, err := db.Open(ctx, db.MigrationURL(dsn))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var v string
	if err := conn.GetContext(ctx, &v, `SHOW lock_timeout`); err != nil || v != db.MigrationLockTimeout {
		t.Fatalf("lock_timeout on a migration connection = %q (%v), want %s", v, err, db.MigrationLockTimeout)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE busy (id int)`); err != nil {
		t.Fatal(err)
	}
	reader, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	tx, err := reader.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `LOCK TABLE busy IN ACCESS SHARE MODE`); err != nil { // a long read
		t.Fatal(err)
	}
	_, err = conn.ExecContext(ctx, `ALTER TABLE busy ADD COLUMN note text`)
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) || pqErr.Code != "55P03" {
		t.Fatalf("DDL behind a long read: %v; want lock_not_available (55P03) after the lock timeout", err)
	}
}
