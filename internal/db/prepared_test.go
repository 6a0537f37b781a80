package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
)

// TestStatements: a statement prepared once runs on the pool and inside transactions
// (seeing the transaction's own writes, undone with it), and is prepared on the
// connection for later calls rather than parsed again.
func TestStatements(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	st := db.NewStatements(conn)
	t.Cleanup(func() { _ = st.Close() })
	const insert = `INSERT INTO site_settings (key, value) VALUES ($1, $2)`
	const read = `SELECT value FROM site_settings WHERE key = $1`

	// Whatever the pool holds, a statement not prepared yet runs at once (unprepared):
	// both connections of a pool of two are in transactions here.
	conn.SetMaxOpenConns(2)
	held := make(chan error, 2)
	for i := range 2 {
		go func() {
			held <- db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
				p, err := st.On(ctx, tx, insert)
				if err == nil {
					_, err = p.ExecContext(ctx, "busy-"+string(rune('a'+i)), "0")
				}
				return err
			})
		}()
	}
	for range 2 {
		if err := <-held; err != nil {
			t.Fatalf("a statement in a transaction of a full pool: %v", err)
		}
	}
	conn.SetMaxOpenConns(20)
	if err := st.Prepare(ctx, insert, read); err != nil {
		t.Fatal(err)
	}

	get := func(q db.Querier, key string) (string, error) {
		p, err := st.On(ctx, q, read)
		if err != nil {
			return "", err
		}
		var v string
		return v, p.GetContext(ctx, &v, key)
	}
	boom := errors.New("boom")
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		p, err := st.On(ctx, tx, insert)
		if err != nil {
			return err
		}
		if _, err := p.ExecContext(ctx, "undone", "1"); err != nil {
			return err
		}
		if v, err := get(tx, "undone"); err != nil || v != "1" {
			t.Errorf("inside the transaction: %q, %v; want its own write", v, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v", err)
	}
	if _, err := get(conn, "undone"); err == nil {
		t.Errorf("a rolled-back write is visible on the pool")
	}
	if err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		p, err := st.On(ctx, tx, insert)
		if err != nil {
			return err
		}
		_, err = p.ExecContext(ctx, "kept", "2")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if v, err := get(conn, "kept"); err != nil || v != "2" {
			t.Fatalf("on the pool: %q, %v; want 2", v, err)
		}
	}
	// On one connection: the read runs there, then that connection lists it as prepared.
	conn.SetMaxOpenConns(1)
	var n int
	if v, err := get(conn, "kept"); err != nil || v != "2" {
		t.Fatalf("on one connection: %q, %v", v, err)
	}
	if err := conn.GetContext(ctx, &n, `SELECT count(*) FROM pg_prepared_statements WHERE statement = $1`, read); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("the read is prepared %d times on the connection, want once", n)
	}
	// A Querier that is neither the pool nor its transaction runs unprepared.
	var q db.Querier = sqlx.NewDb(conn.DB, "postgres")
	if v, err := get(q, "kept"); err != nil || v != "2" {
		t.Errorf("unprepared: %q, %v", v, err)
	}
}
