package account

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// UserFilter narrows ListUsers; zero fields match everything.
type UserFilter struct {
	Query    string // substring of email or name, any case
	Role     Role
	Disabled *bool
	Page     int // from 1
	PerPage  int // default 50, at most 200
}

// Message keys for staff actions on accounts.
const (
	keySelfDisable = "account.self.disable"
	keySelfDemote  = "account.self.demote"
	keyNotLead     = "account.memberships.not_lead"
)

// ListUsers returns one page of users by email, and how many match in all.
func (s *Service) ListUsers(ctx context.Context, f UserFilter) ([]User, int, error) {
	if f.PerPage <= 0 || f.PerPage > 200 {
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
	if q := strings.TrimSpace(f.Query); q != "" {
		p := arg(db.LikeEscape(q))
		where = append(where, "(u.email ILIKE '%' || "+p+" || '%' OR u.name ILIKE '%' || "+p+" || '%')")
	}
	if f.Role != "" {
		if !f.Role.Valid() {
			return nil, 0, apperr.Fields(map[string]string{"role": keyRoleInvalid})
		}
		where = append(where, "u.role = "+arg(f.Role))
	}
	if f.Disabled != nil {
		if *f.Disabled {
			where = append(where, "u.disabled_at IS NOT NULL")
		} else {
			where = append(where, "u.disabled_at IS NULL")
		}
	}
	cond := "true"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	var total int
	if err := sqlx.GetContext(ctx, s.db, &total, `SELECT count(*) FROM users u WHERE `+cond, args...); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", db.Translate(err))
	}
	sel := `SELECT ` + userCols + ` FROM users u WHERE ` + cond + ` ORDER BY u.email LIMIT ` +
		arg(f.PerPage) + ` OFFSET ` + arg((f.Page-1)*f.PerPage)
	var rows []userRow
	if err := sqlx.SelectContext(ctx, s.db, &rows, sel, args...); err != nil {
		return nil, 0, fmt.Errorf("list users: %w", db.Translate(err))
	}
	users := make([]User, len(rows))
	for i, r := range rows {
		users[i] = r.user()
	}
	return users, total, nil
}

// SetRole changes a user's role with what the role needs: workshops for a lead, a
// company for a corporate client (other roles keep neither). Admins cannot demote
// themselves, so the store never loses its last admin by a slip.
func (s *Service) SetRole(ctx context.Context, actor audit.Actor, userID int64, role Role, workshopIDs []int64, companyID int64) error {
	f := fieldErrs{}
	workshops, company := checkScope(f, role, workshopIDs, companyID)
	if err := f.err(); err != nil {
		return err
	}
	if actor.ID == userID && role != RoleAdmin {
		return apperr.New(apperr.Invalid, keySelfDemote)
	}
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		before, err := userByID(ctx, tx, userID, true)
		if err != nil {
			return err
		}
		const upd = `UPDATE users SET role = $2, company_id = $3 WHERE id = $1`
		if _, err := tx.ExecContext(ctx, upd, userID, role, nullID(company)); err != nil {
			return fmt.Errorf("set role of user %d: %w", userID, userWriteError(err))
		}
		if err := setMemberships(ctx, tx, userID, workshops); err != nil {
			return err
		}
		return s.recordChange(ctx, tx, actor, "user.set_role", before)
	})
	if err != nil {
		return fmt.Errorf("set role of user %d: %w", userID, err)
	}
	return nil
}

// SetMemberships makes workshopIDs the workshops a lead runs (at least one).
func (s *Service) SetMemberships(ctx context.Context, actor audit.Actor, userID int64, workshopIDs []int64) error {
	if len(workshopIDs) == 0 {
		return apperr.Fields(map[string]string{"workshops": keyLeadNeedsWorkshop})
	}
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		before, err := userByID(ctx, tx, userID, true)
		if err != nil {
			return err
		}
		if before.Role != RoleLead {
			return apperr.New(apperr.Invalid, keyNotLead)
		}
		if err := setMemberships(ctx, tx, userID, workshopIDs); err != nil {
			return err
		}
		return s.recordChange(ctx, tx, actor, "user.memberships", before)
	})
	if err != nil {
		return fmt.Errorf("set workshops of user %d: %w", userID, err)
	}
	return nil
}

// SetDisabled disables a user (ending all their sessions at once) or enables them again.
// Admins cannot disable themselves.
func (s *Service) SetDisabled(ctx context.Context, actor audit.Actor, userID int64, disabled bool) error {
	if disabled && actor.ID == userID {
		return apperr.New(apperr.Invalid, keySelfDisable)
	}
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		before, err := userByID(ctx, tx, userID, true)
		if err != nil {
			return err
		}
		if (before.DisabledAt != nil) == disabled {
			return nil
		}
		var at any
		if disabled {
			at = s.now()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = $2 WHERE id = $1`, userID, at); err != nil {
			return fmt.Errorf("%s user %d: %w", action, userID, db.Translate(err))
		}
		if disabled {
			if err := deleteSessions(ctx, tx, userID); err != nil {
				return err
			}
		}
		return s.recordChange(ctx, tx, actor, action, before)
	})
	if err != nil {
		return fmt.Errorf("%s user %d: %w", action, userID, err)
	}
	return nil
}

// recordChange writes the audit entry for a staff change to a user, before and after.
func (s *Service) recordChange(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, action string, before userRow) error {
	after, err := userByID(ctx, tx, before.ID, false)
	if err != nil {
		return err
	}
	b, a := before.user(), after.user()
	summary := a.Email
	if b.Role != a.Role {
		summary += ": " + string(b.Role) + " -> " + string(a.Role)
	}
	if !slices.Equal(b.WorkshopIDs, a.WorkshopIDs) {
		summary += fmt.Sprintf(" workshops %v -> %v", b.WorkshopIDs, a.WorkshopIDs)
	}
	return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: action, Entity: "user",
		EntityID: idStr(a.ID), Summary: summary, Before: b, After: a})
}
