package quote

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// Message keys of production.
const (
	keyNotFinished     = "quote.not_finished"
	keyProgressInvalid = "quote.progress_invalid"
)

// jobStatuses are the statuses of work a workshop sees: paid for, being made, made and
// handed over. Before the deposit the work is not theirs yet.
var jobStatuses = []Status{StatusDepositPaid, StatusInProduction, StatusReady, StatusDelivered, StatusSettled}

// assignedCond is true when quote q (the alias) is assigned, in its accepted version
// (or the latest), to one of the workshops of the parameter ids ($N, a bigint[]; NULL
// for staff, who see every quote).
func assignedCond(ids string) string {
	return `(` + ids + `::bigint[] IS NULL OR EXISTS (SELECT 1 FROM quote_workshops qw WHERE qw.quote_id = q.id
		AND qw.version = coalesce(q.accepted_version, (SELECT max(v.version) FROM quote_versions v WHERE v.quote_id = q.id))
		AND qw.workshop_id = ANY(` + ids + `)))`
}

// job loads quote id for workshopIDs (nil: staff, any quote) inside q; a quote not
// assigned to one of them, or not yet theirs to work on, is not found.
func (s *Service) job(ctx context.Context, conn db.Querier, workshopIDs []int64, id int64, lock bool) (Quote, error) {
	qt, err := s.load(ctx, conn, id, 0, lock)
	if err != nil || workshopIDs == nil {
		return qt, err
	}
	var ok bool
	sel := `SELECT ` + assignedCond("$2") + ` FROM quotes q WHERE q.id = $1`
	if err := sqlx.GetContext(ctx, conn, &ok, sel, id, pq.Array(workshopIDs)); err != nil {
		return Quote{}, fmt.Errorf("workshops of quote %s: %w", qt.Number, db.Translate(err))
	}
	if !ok || !slices.Contains(jobStatuses, qt.Status) {
		return Quote{}, apperr.Wrap(fmt.Errorf("quote %s is not a job of workshops %v", qt.Number, workshopIDs),
			apperr.NotFound, "")
	}
	return qt, nil
}

// StartProduction moves a deposit_paid quote to in_production: staff (workshopIDs nil)
// or a lead of an assigned workshop.
func (s *Service) StartProduction(ctx context.Context, actor audit.Actor, workshopIDs []int64, id int64) (Quote, error) {
	var q Quote
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := s.job(ctx, tx, workshopIDs, id, true); err != nil {
			return err
		}
		var err error
		q, err = s.move(ctx, tx, actor, id, 0, StatusInProduction, "")
		return err
	})
	return q, err
}

// Job is one job of workshopIDs (nil: staff) with its progress; a quote not assigned to
// them is not found.
func (s *Service) Job(ctx context.Context, workshopIDs []int64, id int64) (Detail, error) {
	q, err := s.job(ctx, s.db, workshopIDs, id, false)
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, s.db, q)
}

// RecordProgress saves cut/sewn/finished counts per line and size (finished <= sewn <=
// cut <= ordered, else field errors "progress.LINE.SIZE"); a deposit_paid job starts
// production with its first progress.
func (s *Service) RecordProgress(ctx context.Context, actor audit.Actor, workshopIDs []int64, id int64, p []Progress) error {
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		q, err := s.job(ctx, tx, workshopIDs, id, true)
		if err != nil {
			return err
		}
		if q.Status != StatusDepositPaid && q.Status != StatusInProduction {
			return transitionErr(q, StatusInProduction)
		}
		fe := map[string]string{}
		for _, pr := range p {
			if !progressOK(q, pr) {
				fe[fmt.Sprintf("progress.%d.%s", pr.LineNo, pr.Size)] = keyProgressInvalid
			}
		}
		if len(fe) > 0 {
			return apperr.Fields(fe)
		}
		const upsert = `INSERT INTO quote_progress (quote_id, line_no, size, cut, sewn, finished, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (quote_id, line_no, size) DO UPDATE SET cut = EXCLUDED.cut, sewn = EXCLUDED.sewn,
				finished = EXCLUDED.finished, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`
		now := s.now()
		for _, pr := range p {
			if _, err := tx.ExecContext(ctx, upsert, id, pr.LineNo, pr.Size, pr.Cut, pr.Sewn, pr.Finished,
				nullID(actor.ID), now); err != nil {
				return fmt.Errorf("progress of quote %s line %d %s: %w", q.Number, pr.LineNo, pr.Size, db.Translate(err))
			}
		}
		if err := audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "quote.progress", Entity: "quote",
			EntityID: strconv.FormatInt(id, 10), Summary: q.Number, After: p}); err != nil {
			return err
		}
		if q.Status == StatusDepositPaid {
			_, err = s.move(ctx, tx, actor, id, 0, StatusInProduction, "")
		}
		return err
	})
}

// progressOK applies 0 <= finished <= sewn <= cut <= ordered to counts of a size the
// quote's line has (a size not ordered takes only zeros).
func progressOK(q Quote, p Progress) bool {
	if !slices.Contains(Sizes, p.Size) {
		return false
	}
	i := slices.IndexFunc(q.Lines, func(l Line) bool { return l.LineNo == p.LineNo })
	if i < 0 {
		return false
	}
	return 0 <= p.Finished && p.Finished <= p.Sewn && p.Sewn <= p.Cut && p.Cut <= q.Lines[i].ordered(p.Size)
}

// MarkReady moves a job whose every garment is finished from in_production to ready.
func (s *Service) MarkReady(ctx context.Context, actor audit.Actor, workshopIDs []int64, id int64) (Quote, error) {
	var q Quote
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		if q, err = s.job(ctx, tx, workshopIDs, id, true); err != nil {
			return err
		}
		if !CanMove(q.Status, StatusReady) {
			return transitionErr(q, StatusReady)
		}
		ps, err := progress(ctx, tx, q)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.Finished != p.Ordered {
				return apperr.Wrap(fmt.Errorf("quote %s line %d %s: %d of %d finished", q.Number, p.LineNo, p.Size,
					p.Finished, p.Ordered), apperr.Conflict, keyNotFinished)
			}
		}
		q, err = s.move(ctx, tx, actor, id, 0, StatusReady, "")
		return err
	})
	return q, err
}

// Deliver is staff recording delivery (ready -> delivered; then settled if fully paid).
func (s *Service) Deliver(ctx context.Context, actor audit.Actor, id int64, note string) (Quote, error) {
	note = clean(note)
	if utf8.RuneCountInString(note) > 1000 {
		return Quote{}, apperr.Fields(map[string]string{"note": "quote.note_too_long"})
	}
	var q Quote
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := s.move(ctx, tx, actor, id, 0, StatusDelivered, ""); err != nil {
			return err
		}
		const upd = `UPDATE quotes SET delivered_at = $2, delivery_note = $3 WHERE id = $1`
		if _, err := tx.ExecContext(ctx, upd, id, s.now(), note); err != nil {
			return fmt.Errorf("deliver quote %d: %w", id, db.Translate(err))
		}
		if err := s.settleIfPaid(ctx, tx, actor, id); err != nil {
			return err
		}
		var err error
		q, err = s.load(ctx, tx, id, 0, false)
		return err
	})
	return q, err
}
