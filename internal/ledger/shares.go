package ledger

import (
	"context"
	"time"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
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
// Bogotá day of from, which may not be before today (sales already posted keep theirs).
// Field errors: "bps" ledger.share.bps, "from" ledger.share.past; unknown workshop:
// NotFound ledger.workshop_not_found. Audited.
func (l *Ledger) SetShare(ctx context.Context, actor audit.Actor, workshopID int64, bps int, from time.Time) error {
	return errTODO
}

// Shares lists a workshop's share history, newest first.
func (l *Ledger) Shares(ctx context.Context, workshopID int64) ([]Share, error) {
	return nil, errTODO
}

// ShareAt returns the share in force for a workshop at t (Options.DefaultShareBps when
// none was recorded).
func (l *Ledger) ShareAt(ctx context.Context, q db.Querier, workshopID int64, t time.Time) (int, error) {
	return 0, errTODO
}
