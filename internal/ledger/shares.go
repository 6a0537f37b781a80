package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// Message keys.
const (
	keyWorkshopNotFound = "ledger.workshop_not_found"
	keyShareBps         = "ledger.share.bps"
	keySharePast        = "ledger.share.past"
	keyPayoutAmount     = "ledger.payout.amount"
	keyPayoutDate       = "ledger.payout.date"
	keyPayoutMethod     = "ledger.payout.method"
	keyOverBalance      = "ledger.payout.over_balance"
	keyTooLong          = "ledger.too_long"
	keyMemoRequired     = "ledger.memo_required"
	keyAdjustZero       = "ledger.adjust.zero"
	keyAccount          = "ledger.account"
)

// Share is a workshop's revenue share from EffectiveFrom until the next one.
type Share struct {
	ID            int64     `db:"id"`
	WorkshopID    int64     `db:"workshop_id"`
	Bps           int       `db:"bps"`
	EffectiveFrom time.Time `db:"effective_from"`
	CreatedBy     string    `db:"created_by"`
	CreatedAt     time.Time `db:"created_at"`
}

// SetShare records a workshop's share in basis points (0..10000) from the start of the
// Bogotá day of from; a day before today is refused (sales already posted keep their
// share, and the reconciliation recomputes them with the history), and today means
// from now on. Field errors: "bps" ledger.share.bps, "from" ledger.share.past; unknown
// workshop: NotFound ledger.workshop_not_found. Audited.
func (l *Ledger) SetShare(ctx context.Context, actor audit.Actor, workshopID int64, bps int, from time.Time) error {
	f := map[string]string{}
	if bps < 0 || bps > MaxBps {
		f["bps"] = keyShareBps
	}
	if from.IsZero() || DayStart(from).Before(DayStart(l.now())) {
		f["from"] = keySharePast
	}
	if len(f) > 0 {
		return apperr.Fields(f)
	}
	err := db.InTx(ctx, l.db, func(tx *sqlx.Tx) error {
		if err := workshopExists(ctx, tx, workshopID); err != nil {
			return err
		}
		if err := lockWorkshop(ctx, tx, workshopID); err != nil {
			return err
		}
		// Under the lock no sale of the workshop is being posted: the share starts after
		// every sale already posted (whatever the clocks of other replicas say), so
		// each keeps the share it was posted with.
		start := DayStart(from).UTC()
		if now := l.now(); start.Before(now) {
			start = now
		}
		var last *time.Time
		const sel = `SELECT max(occurred_at) FROM ledger_entries WHERE workshop_id = $1 AND kind = 'sale'`
		if err := tx.GetContext(ctx, &last, sel, workshopID); err != nil {
			return fmt.Errorf("last sale: %w", db.Translate(err))
		}
		if last != nil && !start.After(*last) {
			start = last.UTC().Add(time.Microsecond)
		}
		before, err := l.ShareAt(ctx, tx, workshopID, start)
		if err != nil {
			return err
		}
		const ins = `INSERT INTO workshop_shares (workshop_id, bps, effective_from, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5)`
		if _, err := tx.ExecContext(ctx, ins, workshopID, bps, start, actorName(actor), l.now()); err != nil {
			return fmt.Errorf("insert share: %w", db.Translate(err))
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "ledger.share", Entity: "workshop",
			EntityID: strconv.FormatInt(workshopID, 10), WorkshopID: workshopID,
			Summary: fmt.Sprintf("share %d -> %d bps from %s", before, bps, start.In(Bogota).Format(time.DateTime)),
			Before:  map[string]any{"bps": before}, After: map[string]any{"bps": bps, "from": start}})
	})
	if err != nil {
		return fmt.Errorf("set share of workshop %d: %w", workshopID, err)
	}
	return nil
}

// Shares lists a workshop's share history, newest first.
func (l *Ledger) Shares(ctx context.Context, workshopID int64) ([]Share, error) {
	const sel = `SELECT id, workshop_id, bps, effective_from, created_by, created_at FROM workshop_shares
		WHERE workshop_id = $1 ORDER BY effective_from DESC, id DESC`
	var out []Share
	if err := sqlx.SelectContext(ctx, l.db, &out, sel, workshopID); err != nil {
		return nil, fmt.Errorf("shares of workshop %d: %w", workshopID, db.Translate(err))
	}
	return out, nil
}

// ShareAt returns the share in force for a workshop at t (Options.DefaultShareBps when
// none was recorded).
func (l *Ledger) ShareAt(ctx context.Context, q db.Querier, workshopID int64, t time.Time) (int, error) {
	const sel = `SELECT bps FROM workshop_shares WHERE workshop_id = $1 AND effective_from <= $2
		ORDER BY effective_from DESC, id DESC LIMIT 1`
	var bps int
	err := sqlx.GetContext(ctx, q, &bps, sel, workshopID, t.UTC())
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return l.opts.DefaultShareBps, nil
	case err != nil:
		return 0, fmt.Errorf("share of workshop %d at %s: %w", workshopID, t.Format(time.RFC3339), db.Translate(err))
	}
	return bps, nil
}

func workshopExists(ctx context.Context, q db.Querier, id int64) error {
	var ok bool
	if err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM workshops WHERE id = $1)`, id); err != nil {
		return fmt.Errorf("workshop %d: %w", id, db.Translate(err))
	}
	if !ok {
		return apperr.New(apperr.NotFound, keyWorkshopNotFound)
	}
	return nil
}

func actorName(a audit.Actor) string {
	if a.Email == "" {
		return "system"
	}
	return a.Email
}
