package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
)

// TestInTx: a failing or panicking function leaves nothing written; a good one commits.
func TestInTx(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	write := func(tx *sqlx.Tx, key string) error {
		return catalogSetting(ctx, tx, key)
	}
	boom := errors.New("boom")
	if err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		if err := write(tx, "rolled-back"); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want the function's error", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("panic was swallowed")
			}
		}()
		_ = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			_ = write(tx, "panicked")
			panic("boom")
		})
	}()
	if err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error { return write(tx, "committed") }); err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := conn.SelectContext(ctx, &keys, `SELECT key FROM site_settings ORDER BY key`); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "committed" {
		t.Errorf("rows after InTx calls: %v, want only [committed]", keys)
	}
}

func catalogSetting(ctx context.Context, tx *sqlx.Tx, key string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO site_settings (key, value) VALUES ($1, 'x')`, key)
	return err
}

// TestTranslate maps driver errors to the store's errors.
func TestTranslate(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	var v string
	err := db.Translate(conn.GetContext(ctx, &v, `SELECT value FROM site_settings WHERE key = 'none'`))
	if !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("no rows: %v, want ErrNotFound", err)
	}
	conn.MustExecContext(ctx, `INSERT INTO site_settings (key, value) VALUES ('k', 'v')`)
	_, err = conn.ExecContext(ctx, `INSERT INTO site_settings (key, value) VALUES ('k', 'v')`)
	if !errors.Is(db.Translate(err), apperr.ErrConflict) {
		t.Errorf("duplicate key: %v, want ErrConflict", db.Translate(err))
	}
	// Text PostgreSQL cannot store is the visitor's input, not the store's failure.
	_, err = conn.ExecContext(ctx, `INSERT INTO site_settings (key, value) VALUES ($1, 'v')`, "nul\x00")
	if apperr.CodeOf(db.Translate(err)) != apperr.Invalid {
		t.Errorf("a NUL byte: %v, want invalid input", db.Translate(err))
	}
}

// TestTranslateChecksAndIsolation: a CHECK violation is invalid input; Transact runs at
// the level asked for and retries a serialization failure until it commits.
func TestTranslateChecksAndIsolation(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	conn.MustExecContext(ctx, `CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL CHECK (n >= 0))`)
	conn.MustExecContext(ctx, `INSERT INTO counters VALUES (1, 0)`)
	_, err := conn.ExecContext(ctx, `UPDATE counters SET n = -1 WHERE id = 1`)
	if !errors.Is(db.Translate(err), apperr.ErrInvalid) || db.Constraint(err) != "counters_n_check" {
		t.Errorf("check violation: %v (constraint %q), want ErrInvalid on counters_n_check", db.Translate(err), db.Constraint(err))
	}

	var level string
	if err := db.Transact(ctx, conn, db.Serializable, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &level, `SHOW transaction_isolation`)
	}); err != nil || level != "serializable" {
		t.Fatalf("Transact(Serializable): level %q, err %v", level, err)
	}

	// Two serializable increments that read the same row: one fails with 40001 at first
	// and is retried, so both land.
	start := make(chan struct{})
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() {
			<-start
			errs <- db.Transact(ctx, conn, db.Serializable, func(tx *sqlx.Tx) error {
				var n int
				if err := tx.GetContext(ctx, &n, `SELECT n FROM counters WHERE id = 1`); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, `UPDATE counters SET n = $1 WHERE id = 1`, n+1)
				return err
			})
		}()
	}
	close(start)
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("serializable increment: %v", err)
		}
	}
	var n int
	conn.GetContext(ctx, &n, `SELECT n FROM counters WHERE id = 1`)
	if n != 2 {
		t.Fatalf("counter = %d after two serializable increments, want 2 (a lost update)", n)
	}
}
