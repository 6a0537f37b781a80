package db

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// ClaimEach is the loop of a sweeper that several processes may run at once: step
// runs in a READ COMMITTED transaction of its own, again and again, until it reports
// that nothing was left to claim (claimed false; its transaction commits, writing
// nothing) or fails, or ctx ends. step claims one row (SELECT … FOR UPDATE SKIP LOCKED)
// and acts on it, so each row is handled once and each row's work commits on its own.
// It returns how many steps claimed a row.
func ClaimEach(ctx context.Context, conn *sqlx.DB, step func(tx *sqlx.Tx) (claimed bool, err error)) (int, error) {
	n := 0
	for ctx.Err() == nil {
		claimed := false
		err := InTx(ctx, conn, func(tx *sqlx.Tx) error {
			var err error
			claimed, err = step(tx)
			return err
		})
		if err != nil {
			return n, err
		}
		if !claimed {
			return n, nil
		}
		n++
	}
	return n, ctx.Err()
}
