package quote

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// keyTransition is the error of a move the state machine does not have.
const keyTransition = "quote.transition"

// move takes quote id (of companyID; 0 for staff, a lead or the system) to status to
// inside tx, refusing a move the state machine lacks with a conflict that changes
// nothing. The other side of whoever moved is emailed (see mailedMoves).
func (s *Service) move(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, id, companyID int64, to Status, reason string) (Quote, error) {
	before, err := s.load(ctx, tx, id, companyID, true)
	if err != nil {
		return Quote{}, err
	}
	if !CanMove(before.Status, to) {
		return Quote{}, transitionErr(before, to)
	}
	const upd = `UPDATE quotes SET status = $2, status_reason = $3 WHERE id = $1 RETURNING ` + quoteCols
	after := before
	if err := sqlx.GetContext(ctx, tx, &after, upd, id, to, reason); err != nil {
		return Quote{}, fmt.Errorf("move quote %s to %s: %w", before.Number, to, db.Translate(err))
	}
	after.Lines, after.Files, after.Versions = before.Lines, before.Files, before.Versions
	err = audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "quote." + string(to), Entity: "quote",
		EntityID: strconv.FormatInt(id, 10), Summary: fmt.Sprintf("%s %s -> %s %s", before.Number, before.Status, to, reason),
		Before: map[string]any{"status": before.Status}, After: map[string]any{"status": to, "reason": reason}})
	if err != nil {
		return Quote{}, err
	}
	return after, s.mailMove(ctx, tx, after, companyID != 0)
}

// transitionErr refuses a move the state machine lacks; the statuses are for the logs.
func transitionErr(q Quote, to Status) error {
	return apperr.Wrap(fmt.Errorf("quote %s: no move %s -> %s", q.Number, q.Status, to), apperr.Conflict, keyTransition)
}

func reasonOK(reason string) (string, error) {
	reason = clean(reason)
	if utf8.RuneCountInString(reason) > 1000 {
		return "", apperr.Fields(map[string]string{"reason": "quote.reason_too_long"})
	}
	return reason, nil
}

// Decline is a company user turning down the price of their company's quote, with a
// reason (required).
func (s *Service) Decline(ctx context.Context, companyID, userID, id int64, reason string) (Quote, error) {
	reason, err := reasonOK(reason)
	if err != nil {
		return Quote{}, err
	}
	if reason == "" { // staff need to know why, to quote better next time
		return Quote{}, apperr.Fields(map[string]string{"reason": "quote.reason_required"})
	}
	var q Quote
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := member(ctx, tx, companyID, userID); err != nil {
			return err
		}
		var err error
		q, err = s.move(ctx, tx, audit.Actor{ID: userID}, id, companyID, StatusDeclined, reason)
		return err
	})
	return q, err
}

// Cancel is staff stopping a quote's work before it is ready (with the company's word).
func (s *Service) Cancel(ctx context.Context, actor audit.Actor, id int64, reason string) (Quote, error) {
	reason, err := reasonOK(reason)
	if err != nil {
		return Quote{}, err
	}
	if reason == "" {
		return Quote{}, apperr.Fields(map[string]string{"reason": "quote.reason_required"})
	}
	var q Quote
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		q, err = s.move(ctx, tx, actor, id, 0, StatusCancelled, reason)
		return err
	})
	return q, err
}

// Expire moves every quoted quote whose validity has run out (the end of its last valid
// day in Bogotá) to expired, and returns how many it moved. Safe to run at any time.
func (s *Service) Expire(ctx context.Context) (int, error) {
	now := s.now()
	var ids []int64
	const sel = `SELECT id FROM quotes WHERE status = '` + string(StatusQuoted) + `'
		AND ((valid_until + 1)::timestamp AT TIME ZONE 'America/Bogota') <= $1 ORDER BY id`
	if err := sqlx.SelectContext(ctx, s.db, &ids, sel, now); err != nil {
		return 0, fmt.Errorf("find expired quotes: %w", db.Translate(err))
	}
	n := 0
	for _, id := range ids {
		err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
			q, err := s.load(ctx, tx, id, 0, true)
			if err != nil {
				return err
			}
			// Re-checked under the lock: a new version may have extended it meanwhile.
			if q.Status != StatusQuoted || q.ValidUntil == nil || now.Before(endOfDay(*q.ValidUntil)) {
				return errSkip
			}
			_, err = s.move(ctx, tx, audit.Actor{}, id, 0, StatusExpired, "")
			return err
		})
		switch {
		case errors.Is(err, errSkip):
		case err != nil:
			return n, fmt.Errorf("expire quote %d: %w", id, err)
		default:
			n++
		}
	}
	return n, nil
}

// errSkip rolls back a quote that no longer needs expiring.
var errSkip = errors.New("quote no longer expires")

// endOfDay is the instant day (a date) ends in Bogotá.
func endOfDay(day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, bogota)
}
