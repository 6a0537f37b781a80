package quote

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// Message keys of acceptance.
const (
	keyExpired       = "quote.expired"
	keyStaleVersion  = "quote.version_stale"
	keyProofRequired = "quote.proof_required"
)

// Accept is a company user accepting version (which must be the latest) of their
// company's quoted quote and approving its proof. Refused: proof not approved (field
// "proof"), a stale version (conflict), a quote past its validity (conflict
// "quote.expired"), any status but quoted (conflict).
func (s *Service) Accept(ctx context.Context, companyID, userID, id int64, version int, approveProof bool) (Quote, error) {
	var q Quote
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := member(ctx, tx, companyID, userID); err != nil {
			return err
		}
		var err error
		if q, err = s.load(ctx, tx, id, companyID, true); err != nil {
			return err
		}
		switch q.Status {
		case StatusQuoted:
		case StatusExpired:
			return apperr.Wrap(fmt.Errorf("quote %s expired", q.Number), apperr.Conflict, keyExpired)
		default:
			return transitionErr(q, StatusAccepted)
		}
		v := q.latest()
		if v == nil || v.Version != version {
			return apperr.Wrap(fmt.Errorf("quote %s: accept version %d, latest is another", q.Number, version),
				apperr.Conflict, keyStaleVersion)
		}
		now := s.now()
		if q.ValidUntil != nil && !now.Before(endOfDay(*q.ValidUntil)) {
			return apperr.Wrap(fmt.Errorf("quote %s: valid until %s", q.Number, q.ValidUntil.Format("2006-01-02")),
				apperr.Conflict, keyExpired)
		}
		var proofAt any
		if v.Proof != nil {
			if !approveProof {
				return apperr.Fields(map[string]string{"proof": keyProofRequired})
			}
			proofAt = now
		}
		if _, err := s.move(ctx, tx, audit.Actor{ID: userID}, id, companyID, StatusAccepted, ""); err != nil {
			return err
		}
		const upd = `UPDATE quotes SET accepted_version = $2, accepted_by = $3, accepted_at = $4,
			proof_approved_at = $5 WHERE id = $1`
		if _, err := tx.ExecContext(ctx, upd, id, version, userID, now, proofAt); err != nil {
			return fmt.Errorf("accept quote %s: %w", q.Number, db.Translate(err))
		}
		if err := audit.Record(ctx, tx, audit.Entry{Actor: audit.Actor{ID: userID}, Action: "quote.accept",
			Entity: "quote", EntityID: strconv.FormatInt(id, 10), Summary: fmt.Sprintf("%s v%d", q.Number, version),
			After: map[string]any{"version": version, "proof_approved": proofAt != nil}}); err != nil {
			return err
		}
		q, err = s.load(ctx, tx, id, companyID, false)
		return err
	})
	return q, err
}

// member refuses a user who is not one of the company's active people: the company is
// not theirs to name, so its quotes are not found.
func member(ctx context.Context, q db.Querier, companyID, userID int64) error {
	var one int
	const sel = `SELECT 1 FROM users WHERE id = $1 AND company_id = $2 AND disabled_at IS NULL`
	if err := sqlx.GetContext(ctx, q, &one, sel, userID, companyID); err != nil {
		return fmt.Errorf("user %d of company %d: %w", userID, companyID, db.Translate(err))
	}
	return nil
}
