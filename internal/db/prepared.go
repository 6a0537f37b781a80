package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Statements keeps the hot statements of a pool prepared: database/sql prepares a
// pool-level statement on each connection the first time it runs there and reuses it
// after, so PostgreSQL parses each statement once per connection and, after a few runs,
// reuses its plan (plan_cache_mode auto). Planning is most of the cost of the cart's
// and the checkout's statements (docs/performance.md); an unprepared statement is
// parsed and planned on every call.
//
// A statement is prepared on first use. Prepared statements hold their result's column
// types: a migration that changes the type of a column a statement returns makes it
// fail with "cached plan must not change result type" until the process restarts, which
// expand/contract migrations never do (they add, then drop in a later release).
type Statements struct {
	db *sqlx.DB
	mu sync.Mutex
	m  map[string]*sqlx.Stmt
}

// NewStatements returns an empty set of prepared statements of the pool db.
func NewStatements(db *sqlx.DB) *Statements {
	return &Statements{db: db, m: map[string]*sqlx.Stmt{}}
}

// pooled prepares query on the pool once.
func (s *Statements) pooled(ctx context.Context, query string) (*sqlx.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[query]; ok {
		return st, nil
	}
	st, err := s.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare statement: %w", Translate(err))
	}
	s.m[query] = st
	return st, nil
}

// On returns query prepared for q: the pool itself, or one of its transactions (the
// statement then runs in the transaction, on its connection, and is released with it).
// Any other Querier, or a nil s, gets an unprepared statement, so callers can always
// go through On.
func (s *Statements) On(ctx context.Context, q Querier, query string) (Prepared, error) {
	if s == nil {
		return unprepared{q, query}, nil
	}
	switch x := q.(type) {
	case *sqlx.DB:
		if x != s.db {
			return unprepared{q, query}, nil
		}
		return s.pooled(ctx, query)
	case *sqlx.Tx:
		st, err := s.pooled(ctx, query)
		if err != nil {
			return nil, err
		}
		return x.StmtxContext(ctx, st), nil
	}
	return unprepared{q, query}, nil
}

// Close releases every prepared statement.
func (s *Statements) Close() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for q, st := range s.m {
		_ = st.Close()
		delete(s.m, q)
	}
	return nil
}

// Prepared is a statement ready to run with its arguments (a *sqlx.Stmt).
type Prepared interface {
	GetContext(ctx context.Context, dest any, args ...any) error
	SelectContext(ctx context.Context, dest any, args ...any) error
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
}

// unprepared runs a query the ordinary way (parsed and planned on every call).
type unprepared struct {
	q     Querier
	query string
}

func (u unprepared) GetContext(ctx context.Context, dest any, args ...any) error {
	return sqlx.GetContext(ctx, u.q, dest, u.query, args...)
}

func (u unprepared) SelectContext(ctx context.Context, dest any, args ...any) error {
	return sqlx.SelectContext(ctx, u.q, dest, u.query, args...)
}

func (u unprepared) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return u.q.ExecContext(ctx, u.query, args...)
}
