package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

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
	db      *sqlx.DB
	mu      sync.Mutex
	m       map[string]*sqlx.Stmt
	pending map[string]bool
}

// NewStatements returns an empty set of prepared statements of the pool db.
func NewStatements(db *sqlx.DB) *Statements {
	return &Statements{db: db, m: map[string]*sqlx.Stmt{}, pending: map[string]bool{}}
}

// Prepare prepares queries on the pool now (at start-up, or in a test).
func (s *Statements) Prepare(ctx context.Context, queries ...string) error {
	for _, q := range queries {
		st, err := s.db.PreparexContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare statement: %w", Translate(err))
		}
		s.mu.Lock()
		if old, ok := s.m[q]; ok {
			_ = old.Close()
		}
		s.m[q] = st
		s.mu.Unlock()
	}
	return nil
}

// prepareLater prepares query on the pool in the background. Preparing on the pool
// takes a connection of its own: done inline by a caller holding a transaction, it
// could wait forever for a pool that every such caller holds.
func (s *Statements) prepareLater(query string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending[query] {
		return
	}
	s.pending[query] = true
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		st, err := s.db.PreparexContext(ctx, query)
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.pending, query)
		if err == nil {
			s.m[query] = st
		}
	}()
}

// On returns query ready to run on q: prepared when q is the pool or one of its
// transactions (the statement then runs in the transaction, on its connection, and is
// released with it); unprepared the first time (it is prepared in the background for
// the next calls), for any other Querier, or with a nil s. Callers can always go
// through On.
func (s *Statements) On(ctx context.Context, q Querier, query string) (Prepared, error) {
	if s == nil {
		return unprepared{q, query}, nil
	}
	var st *sqlx.Stmt
	switch q.(type) {
	case *sqlx.DB, *sqlx.Tx:
		s.mu.Lock()
		st = s.m[query]
		s.mu.Unlock()
		if st == nil {
			s.prepareLater(query)
			return unprepared{q, query}, nil
		}
	}
	switch x := q.(type) {
	case *sqlx.DB:
		if x == s.db {
			return st, nil
		}
	case *sqlx.Tx:
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
