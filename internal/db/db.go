// Package db owns the connection pool, the transaction helper and the schema migrations
// (goose, with the SQL files embedded from migrations/).
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
)

// Open connects to PostgreSQL and checks the connection.
func Open(ctx context.Context, url string) (*sqlx.DB, error) {
	db, err := sqlx.Open("postgres", withBinaryParameters(url))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// Querier is what stores run their SQL on: the pool or a caller's transaction, so a
// store method works alone or as one step of a use case's transaction.
type Querier interface {
	sqlx.ExtContext
}

// Isolation levels a caller picks for Transact.
const (
	ReadCommitted  = sql.LevelReadCommitted
	RepeatableRead = sql.LevelRepeatableRead
	Serializable   = sql.LevelSerializable
)

// Transact runs fn in one transaction at the given isolation level: committed when fn
// returns nil, rolled back on error or panic. Serialization failures and deadlocks are
// retried a few times, so fn must be safe to run again (it only talks to the database
// through tx, and keeps no effects outside it).
func Transact(ctx context.Context, conn *sqlx.DB, iso sql.IsolationLevel, fn func(tx *sqlx.Tx) error) error {
	const attempts = 4
	var err error
	for i := 0; i < attempts; i++ {
		err = transactOnce(ctx, conn, iso, fn)
		if !retryable(err) {
			return err
		}
		if ctx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(i+1) * 5 * time.Millisecond)
	}
	return Translate(fmt.Errorf("transaction retried %d times: %w", attempts, err))
}

// InTx is Transact at READ COMMITTED, PostgreSQL's default.
func InTx(ctx context.Context, conn *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	return Transact(ctx, conn, ReadCommitted, fn)
}

func transactOnce(ctx context.Context, conn *sqlx.DB, iso sql.IsolationLevel, fn func(tx *sqlx.Tx) error) (err error) {
	tx, err := conn.BeginTxx(ctx, &sql.TxOptions{Isolation: iso})
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func retryable(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return pqErr.Code == "40001" || pqErr.Code == "40P01"
	}
	return false
}

// Translate maps driver errors to domain errors (package apperr): no rows -> not found,
// unique violation (23505) -> conflict, check (23514), foreign-key (23503) and not-null
// (23502) violations and text PostgreSQL cannot store (a NUL byte 22021, an
// untranslatable character 22P05, too long for its column 22001) -> invalid, serialization failure or deadlock (40001, 40P01) ->
// conflict ("try again"). Stores that can say more (which field is taken) look at
// Constraint and give their own message key. Errors that are already domain errors, and all others, pass
// through unchanged. The cause stays wrapped for the logs.
func Translate(err error) error {
	if err == nil || apperr.As(err) != nil {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Wrap(err, apperr.NotFound, "")
	}
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) {
		return err
	}
	switch pqErr.Code {
	case "23505":
		return apperr.Wrap(err, apperr.Conflict, "")
	case "23514", "23503", "23502", "22021", "22P05", "22001":
		return apperr.Wrap(err, apperr.Invalid, "")
	case "40001", "40P01":
		return apperr.Wrap(err, apperr.Conflict, "error.retry")
	}
	return err
}

// Constraint returns the name of the constraint a driver error violated, or "".
func Constraint(err error) string {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return pqErr.Constraint
	}
	return ""
}

// withBinaryParameters asks lib/pq to send parameters in binary in the same round trip
// as the statement (parse, bind and execute together) instead of preparing each
// parameterised statement first: half the round trips for every query with parameters,
// which dominate the store's writes (docs/performance.md). A URL that sets the option
// either way keeps it.
func withBinaryParameters(url string) string {
	if strings.Contains(url, "binary_parameters=") {
		return url
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		return url + sep + "binary_parameters=yes"
	}
	return url + " binary_parameters=yes" // key=value form
}
