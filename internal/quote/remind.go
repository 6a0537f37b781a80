package quote

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// remindDays is how many days before its last valid day a quoted price is reminded.
const remindDays = 2

// RemindExpiring emails the company of every quoted quote that expires in two days
// (once per quote) and returns how many it reminded.
func (s *Service) RemindExpiring(ctx context.Context) (int, error) {
	today := s.today()
	from, to := today.Format(time.DateOnly), today.AddDate(0, 0, remindDays).Format(time.DateOnly)
	// Due: valid through today at least (later ones are for Expire) and at most two
	// days ahead, never reminded for this validity.
	const due = `status = '` + string(StatusQuoted) + `' AND reminded_at IS NULL AND valid_until BETWEEN $1::date AND $2::date`
	var ids []int64
	if err := sqlx.SelectContext(ctx, s.db, &ids, `SELECT id FROM quotes WHERE `+due+` ORDER BY id`, from, to); err != nil {
		return 0, fmt.Errorf("find quotes to remind: %w", db.Translate(err))
	}
	n := 0
	for _, id := range ids {
		err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
			// Claimed under the lock (another replica may be reminding it now).
			var claimed int64
			sel := `SELECT id FROM quotes WHERE id = $3 AND ` + due + ` FOR UPDATE SKIP LOCKED`
			if err := tx.GetContext(ctx, &claimed, sel, from, to, id); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return errSkip
				}
				return fmt.Errorf("claim quote %d: %w", id, db.Translate(err))
			}
			if _, err := tx.ExecContext(ctx, `UPDATE quotes SET reminded_at = $2 WHERE id = $1`, id, s.now()); err != nil {
				return fmt.Errorf("remind quote %d: %w", id, db.Translate(err))
			}
			q, err := s.load(ctx, tx, id, 0, false)
			if err != nil {
				return err
			}
			v := q.latest()
			return s.mailSide(ctx, tx, q, true, mailReminder, func(lang string) map[string]any {
				return map[string]any{"Total": formatMoney(v.Total, v.Currency, lang), "ValidUntil": formatDay(v.ValidUntil, lang)}
			})
		})
		switch {
		case errors.Is(err, errSkip):
		case err != nil:
			return n, fmt.Errorf("remind quote %d: %w", id, err)
		default:
			n++
		}
	}
	return n, nil
}
