// Package audit owns the audit log: one row per change made through the studio, the
// admin or the command line (who, what, when, a before/after summary). It is written in
// the same transaction as the change it records, so neither exists without the other.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// Actor is who made a change; the zero Actor is the system.
type Actor struct {
	ID    int64 // users.id, 0 for the system
	Email string
}

// Entry is one change. Action is "entity.verb" ("product.update", "user.invite");
// Before and After are marshalled to JSON (nil stays NULL).
type Entry struct {
	Actor      Actor
	Action     string
	Entity     string
	EntityID   string
	WorkshopID int64 // 0 when no workshop is concerned
	Summary    string
	Before     any
	After      any
}

// Record writes e on q: pass the transaction that makes the change.
func Record(ctx context.Context, q db.Querier, e Entry) error {
	before, err := jsonOrNil(e.Before)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	after, err := jsonOrNil(e.After)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	const ins = `INSERT INTO audit_log (actor_id, actor_email, action, entity, entity_id, workshop_id, summary, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	if _, err := q.ExecContext(ctx, ins, nullID(e.Actor.ID), e.Actor.Email, e.Action, e.Entity, e.EntityID,
		nullID(e.WorkshopID), e.Summary, before, after); err != nil {
		return fmt.Errorf("audit %s %s %s: %w", e.Action, e.Entity, e.EntityID, db.Translate(err))
	}
	return nil
}

// Row is a recorded change.
type Row struct {
	ID         int64     `db:"id"`
	At         time.Time `db:"at"`
	ActorID    *int64    `db:"actor_id"`
	ActorEmail string    `db:"actor_email"`
	Action     string    `db:"action"`
	Entity     string    `db:"entity"`
	EntityID   string    `db:"entity_id"`
	WorkshopID *int64    `db:"workshop_id"`
	Summary    string    `db:"summary"`
	Before     *string   `db:"before"`
	After      *string   `db:"after"`
}

// Filter narrows List; zero fields match everything.
type Filter struct {
	ActorEmail string // substring, case-insensitive
	Action     string // prefix: "product." or "product.update"
	Entity     string
	EntityID   string
	WorkshopID int64
	Since      time.Time
	Until      time.Time
	Page       int // from 1
	PerPage    int // default 50
}

// List returns one page of entries, newest first, and how many match in all.
func List(ctx context.Context, q db.Querier, f Filter) ([]Row, int, error) {
	if f.PerPage <= 0 || f.PerPage > 500 {
		f.PerPage = 50
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.ActorEmail != "" {
		where = append(where, "actor_email ILIKE '%' || "+arg(db.LikeEscape(f.ActorEmail))+" || '%'")
	}
	if f.Action != "" {
		where = append(where, "action LIKE "+arg(db.LikeEscape(f.Action))+" || '%'")
	}
	if f.Entity != "" {
		where = append(where, "entity = "+arg(f.Entity))
	}
	if f.EntityID != "" {
		where = append(where, "entity_id = "+arg(f.EntityID))
	}
	if f.WorkshopID != 0 {
		where = append(where, "workshop_id = "+arg(f.WorkshopID))
	}
	if !f.Since.IsZero() {
		where = append(where, "at >= "+arg(f.Since))
	}
	if !f.Until.IsZero() {
		where = append(where, "at < "+arg(f.Until))
	}
	cond := "true"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	var total int
	if err := sqlx.GetContext(ctx, q, &total, `SELECT count(*) FROM audit_log WHERE `+cond, args...); err != nil {
		return nil, 0, fmt.Errorf("count audit log: %w", err)
	}
	sel := `SELECT id, at, actor_id, actor_email, action, entity, entity_id, workshop_id, summary,
			before::text AS before, after::text AS after
		FROM audit_log WHERE ` + cond + ` ORDER BY at DESC, id DESC LIMIT ` + arg(f.PerPage) + ` OFFSET ` + arg((f.Page-1)*f.PerPage)
	var rows []Row
	if err := sqlx.SelectContext(ctx, q, &rows, sel, args...); err != nil {
		return nil, 0, fmt.Errorf("list audit log: %w", err)
	}
	return rows, total, nil
}

func jsonOrNil(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	return string(b), nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
