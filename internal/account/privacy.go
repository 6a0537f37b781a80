package account

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// Consent is one recorded agreement to a policy (Ley 1581 asks the store to prove it).
type Consent struct {
	What          string    `db:"what" json:"what"`
	PolicyVersion string    `db:"policy_version" json:"policy_version"`
	AcceptedAt    time.Time `db:"accepted_at" json:"accepted_at"`
	IP            string    `db:"ip" json:"ip"`
}

func recordConsent(ctx context.Context, q db.Querier, userID int64, what, version, ip string, now time.Time) error {
	const ins = `INSERT INTO consents (user_id, what, policy_version, accepted_at, ip) VALUES ($1, $2, $3, $4, $5)`
	if _, err := q.ExecContext(ctx, ins, userID, what, version, now, ip); err != nil {
		return fmt.Errorf("record %s consent of user %d: %w", what, userID, db.Translate(err))
	}
	return nil
}

// DeletionRequest is a person's request that their data be deleted.
type DeletionRequest struct {
	RequestedAt time.Time  `db:"requested_at" json:"requested_at"`
	HandledAt   *time.Time `db:"handled_at" json:"handled_at"`
}

// Export is everything the account domain holds about a person, for the copy Ley 1581
// entitles them to. Session tokens are not in it (the store does not have them).
type Export struct {
	Profile          User              `json:"profile"`
	Company          *Company          `json:"company,omitempty"`
	Consents         []Consent         `json:"consents"`
	Sessions         []Session         `json:"sessions"`
	DeletionRequests []DeletionRequest `json:"deletion_requests"`
	Changes          []audit.Row       `json:"changes"` // audit entries of changes the person made
}

// ExportData gathers a user's data, read in one snapshot.
func (s *Service) ExportData(ctx context.Context, userID int64) (Export, error) {
	var e Export
	err := db.Transact(ctx, s.db, db.RepeatableRead, func(tx *sqlx.Tx) error {
		r, err := userByID(ctx, tx, userID, false)
		if err != nil {
			return err
		}
		e = Export{Profile: r.user(), Consents: []Consent{}, DeletionRequests: []DeletionRequest{}, Changes: []audit.Row{}}
		if r.CompanyID != nil {
			var c Company
			const sel = `SELECT id, name, nit, approved_at, created_at FROM companies WHERE id = $1`
			if err := sqlx.GetContext(ctx, tx, &c, sel, *r.CompanyID); err != nil {
				return fmt.Errorf("company: %w", db.Translate(err))
			}
			e.Company = &c
		}
		const cons = `SELECT what, policy_version, accepted_at, ip FROM consents WHERE user_id = $1 ORDER BY accepted_at, id`
		if err := sqlx.SelectContext(ctx, tx, &e.Consents, cons, userID); err != nil {
			return fmt.Errorf("consents: %w", db.Translate(err))
		}
		if e.Sessions, err = sessionsOf(ctx, tx, userID); err != nil {
			return err
		}
		const dels = `SELECT requested_at, handled_at FROM deletion_requests WHERE user_id = $1 ORDER BY requested_at`
		if err := sqlx.SelectContext(ctx, tx, &e.DeletionRequests, dels, userID); err != nil {
			return fmt.Errorf("deletion requests: %w", db.Translate(err))
		}
		const changes = `SELECT id, at, actor_id, actor_email, action, entity, entity_id, workshop_id, summary,
				before::text AS before, after::text AS after
			FROM audit_log WHERE actor_id = $1 ORDER BY at, id`
		if err := sqlx.SelectContext(ctx, tx, &e.Changes, changes, userID); err != nil {
			return fmt.Errorf("audit entries: %w", db.Translate(err))
		}
		return nil
	})
	if err != nil {
		return Export{}, fmt.Errorf("export data of user %d: %w", userID, err)
	}
	return e, nil
}

// RequestDeletion records that the user asked for their data to be deleted; staff handle
// it. Asking again while a request is open changes nothing.
func (s *Service) RequestDeletion(ctx context.Context, userID int64) error {
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		r, err := userByID(ctx, tx, userID, false)
		if err != nil {
			return err
		}
		const ins = `INSERT INTO deletion_requests (user_id, requested_at) VALUES ($1, $2)
			ON CONFLICT (user_id) WHERE handled_at IS NULL DO NOTHING`
		res, err := tx.ExecContext(ctx, ins, userID, s.now())
		if err != nil {
			return fmt.Errorf("insert: %w", db.Translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: audit.Actor{ID: r.ID, Email: r.Email},
			Action: "user.request_deletion", Entity: "user", EntityID: idStr(r.ID), Summary: r.Email})
	})
	if err != nil {
		return fmt.Errorf("request deletion for user %d: %w", userID, err)
	}
	return nil
}

// HasConsent reports whether the user accepted what (ConsentDataPolicy) in the given
// policy version, so a form need not ask again.
func (s *Service) HasConsent(ctx context.Context, userID int64, what, version string) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM consents WHERE user_id = $1 AND what = $2 AND policy_version = $3)`,
		userID, what, version)
	if err != nil {
		return false, fmt.Errorf("consent of user %d: %w", userID, db.Translate(err))
	}
	return ok, nil
}
