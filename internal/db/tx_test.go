package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"

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
	if !errors.Is(err, db.ErrNotFound) {
		t.Errorf("no rows: %v, want ErrNotFound", err)
	}
	conn.MustExecContext(ctx, `INSERT INTO site_settings (key, value) VALUES ('k', 'v')`)
	_, err = conn.ExecContext(ctx, `INSERT INTO site_settings (key, value) VALUES ('k', 'v')`)
	if !errors.Is(db.Translate(err), db.ErrConflict) {
		t.Errorf("duplicate key: %v, want ErrConflict", db.Translate(err))
	}
}
