package db_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
)

// TestClaimEachTwoAtOnce: two sweepers over the same 40 rows handle each row once
// between them, and a failing step stops its loop with that row left as it was.
func TestClaimEachTwoAtOnce(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	if _, err := conn.Exec(`CREATE TABLE claim_jobs (id int PRIMARY KEY, done int NOT NULL DEFAULT 0);
		INSERT INTO claim_jobs (id) SELECT generate_series(1, 40)`); err != nil {
		t.Fatal(err)
	}
	step := func(tx *sqlx.Tx) (bool, error) {
		var id int
		err := tx.Get(&id, `SELECT id FROM claim_jobs WHERE done = 0 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		_, err = tx.Exec(`UPDATE claim_jobs SET done = done + 1 WHERE id = $1`, id)
		return true, err
	}
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i := range counts {
		wg.Go(func() {
			n, err := db.ClaimEach(ctx, conn, step)
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		})
	}
	wg.Wait()
	var once, total int
	if err := conn.Get(&once, `SELECT count(*) FROM claim_jobs WHERE done = 1`); err != nil {
		t.Fatal(err)
	}
	if err := conn.Get(&total, `SELECT sum(done) FROM claim_jobs`); err != nil {
		t.Fatal(err)
	}
	if once != 40 || total != 40 || counts[0]+counts[1] != 40 {
		t.Errorf("rows done once %d, total %d, claimed %v: want 40, 40, 40 between them", once, total, counts)
	}

	if _, err := conn.Exec(`UPDATE claim_jobs SET done = 0 WHERE id > 38`); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	n, err := db.ClaimEach(ctx, conn, func(tx *sqlx.Tx) (bool, error) {
		if ok, err := step(tx); !ok || err != nil {
			return ok, err
		}
		return true, boom
	})
	if !errors.Is(err, boom) || n != 0 {
		t.Errorf("ClaimEach with a failing step = %d, %v; want 0, boom", n, err)
	}
	var left int
	if err := conn.Get(&left, `SELECT count(*) FROM claim_jobs WHERE done = 0`); err != nil {
		t.Fatal(err)
	}
	if left != 2 {
		t.Errorf("%d rows left undone after the failed step, want 2 (its work rolled back)", left)
	}
}
