package account

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
)

// userRow is a users row with the user's workshop ids; only this package sees the hash.
type userRow struct {
	ID              int64         `db:"id"`
	Email           string        `db:"email"`
	Name            string        `db:"name"`
	Role            Role          `db:"role"`
	Lang            string        `db:"lang"`
	EmailVerifiedAt *time.Time    `db:"email_verified_at"`
	DisabledAt      *time.Time    `db:"disabled_at"`
	CompanyID       *int64        `db:"company_id"`
	PasswordHash    *string       `db:"password_hash"`
	CreatedAt       time.Time     `db:"created_at"`
	WorkshopIDs     pq.Int64Array `db:"workshop_ids"`
}

func (r userRow) user() User {
	ids := []int64(r.WorkshopIDs)
	if ids == nil {
		ids = []int64{}
	}
	return User{ID: r.ID, Email: r.Email, Name: r.Name, Role: r.Role, Lang: r.Lang,
		EmailVerifiedAt: r.EmailVerifiedAt, DisabledAt: r.DisabledAt, CompanyID: r.CompanyID,
		WorkshopIDs: ids, HasPassword: r.PasswordHash != nil, CreatedAt: r.CreatedAt}
}

const userCols = `u.id, u.email, u.name, u.role, u.lang, u.email_verified_at, u.disabled_at,
	u.company_id, u.password_hash, u.created_at,
	ARRAY(SELECT m.workshop_id FROM workshop_members m WHERE m.user_id = u.id ORDER BY m.workshop_id) AS workshop_ids`

// Message keys for user records.
const (
	keyUserNotFound      = "account.user.not_found"
	keyEmailInvalid      = "account.email.invalid"
	keyEmailTaken        = "account.email.taken"
	keyNameRequired      = "account.name.required"
	keyNameTooLong       = "account.name.too_long"
	keyRoleInvalid       = "account.role.invalid"
	keyLeadNeedsWorkshop = "account.lead.needs_workshop"
	keyCorpNeedsCompany  = "account.corporate.needs_company"
	keyWorkshopUnknown   = "account.workshop.unknown"
	keyCompanyUnknown    = "account.company.unknown"
)

func getUserRow(ctx context.Context, q db.Querier, where string, arg any, forUpdate bool) (userRow, error) {
	query := `SELECT ` + userCols + ` FROM users u WHERE ` + where
	if forUpdate {
		query += ` FOR UPDATE OF u`
	}
	var r userRow
	if err := sqlx.GetContext(ctx, q, &r, query, arg); err != nil {
		err = db.Translate(err)
		if apperr.CodeOf(err) == apperr.NotFound {
			return r, apperr.Wrap(err, apperr.NotFound, keyUserNotFound)
		}
		return r, err
	}
	return r, nil
}

// UserByEmail returns the user with that email (any case), or a not-found error.
func UserByEmail(ctx context.Context, q db.Querier, email string) (User, error) {
	r, err := getUserRow(ctx, q, `u.email = $1`, strings.TrimSpace(email), false)
	if err != nil {
		return User{}, fmt.Errorf("user by email: %w", err)
	}
	return r.user(), nil
}

func userByID(ctx context.Context, q db.Querier, id int64, forUpdate bool) (userRow, error) {
	r, err := getUserRow(ctx, q, `u.id = $1`, id, forUpdate)
	if err != nil {
		return r, fmt.Errorf("user %d: %w", id, err)
	}
	return r, nil
}

// insertUser writes a new users row and returns its id. hash nil makes an invitee.
func insertUser(ctx context.Context, q db.Querier, email, name string, role Role, lang string,
	hash *string, verifiedAt *time.Time, companyID int64, now time.Time) (int64, error) {
	const ins = `INSERT INTO users (email, name, role, lang, password_hash, email_verified_at, company_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`
	var id int64
	if err := sqlx.GetContext(ctx, q, &id, ins, email, name, role, normLang(lang), hash, verifiedAt,
		nullID(companyID), now); err != nil {
		return 0, fmt.Errorf("insert user: %w", userWriteError(err))
	}
	return id, nil
}

// userWriteError names the field behind a constraint a users write broke.
func userWriteError(err error) error {
	switch db.Constraint(err) {
	case "users_email_key":
		return &apperr.Error{Code: apperr.Conflict, Key: keyEmailTaken,
			Fields: map[string]string{"email": keyEmailTaken}, Err: err}
	case "users_company_id_fkey":
		return &apperr.Error{Code: apperr.Invalid, Key: "form.invalid",
			Fields: map[string]string{"company": keyCompanyUnknown}, Err: err}
	case "users_company_role":
		return &apperr.Error{Code: apperr.Invalid, Key: "form.invalid",
			Fields: map[string]string{"company": keyCorpNeedsCompany}, Err: err}
	}
	return db.Translate(err)
}

// setMemberships makes ids the user's workshops, replacing any others.
func setMemberships(ctx context.Context, q db.Querier, userID int64, ids []int64) error {
	if ids == nil {
		ids = []int64{} // NULL would match nothing and delete nothing
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM workshop_members WHERE user_id = $1 AND NOT (workshop_id = ANY($2))`,
		userID, pq.Int64Array(ids)); err != nil {
		return fmt.Errorf("remove memberships of user %d: %w", userID, db.Translate(err))
	}
	const ins = `INSERT INTO workshop_members (user_id, workshop_id)
		SELECT $1, w FROM unnest($2::bigint[]) AS w ON CONFLICT DO NOTHING`
	if _, err := q.ExecContext(ctx, ins, userID, pq.Int64Array(ids)); err != nil {
		if db.Constraint(err) == "workshop_members_workshop_id_fkey" {
			return apperr.Fields(map[string]string{"workshops": keyWorkshopUnknown})
		}
		return fmt.Errorf("add memberships of user %d: %w", userID, db.Translate(err))
	}
	return nil
}

// fieldErrs collects form field errors; err is nil when there are none.
type fieldErrs map[string]string

func (f fieldErrs) add(field, key string) {
	if _, ok := f[field]; !ok {
		f[field] = key
	}
}

func (f fieldErrs) err() error {
	if len(f) == 0 {
		return nil
	}
	return apperr.Fields(f)
}

// checkEmail returns the trimmed address, adding a field error when it is not a plain
// address (no display name, no angle brackets).
func checkEmail(f fieldErrs, email string) string {
	email = strings.TrimSpace(email)
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndexByte(email, '@'):], ".") {
		f.add("email", keyEmailInvalid)
	}
	return email
}

func checkName(f fieldErrs, name string) string {
	// Invalid UTF-8 and control characters are dropped: PostgreSQL refuses invalid UTF-8
	// and NUL in text, which made a stray byte a 500 instead of a saved name
	// (found by FuzzSignUpFields).
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	name = strings.Join(strings.Fields(name), " ")
	switch {
	case name == "":
		f.add("name", keyNameRequired)
	case utf8.RuneCountInString(name) > 200:
		f.add("name", keyNameTooLong)
	}
	return name
}

// checkScope checks that a role comes with what it needs: a lead runs at least one
// workshop, a corporate client belongs to a company. It returns the workshops and
// company to store (none for roles that have no use for them).
func checkScope(f fieldErrs, role Role, workshopIDs []int64, companyID int64) ([]int64, int64) {
	if !role.Valid() {
		f.add("role", keyRoleInvalid)
		return nil, 0
	}
	if role == RoleLead {
		if len(workshopIDs) == 0 {
			f.add("workshops", keyLeadNeedsWorkshop)
		}
	} else {
		workshopIDs = nil
	}
	if role == RoleCorporate {
		if companyID <= 0 {
			f.add("company", keyCorpNeedsCompany)
		}
	} else {
		companyID = 0
	}
	return workshopIDs, companyID
}

func nullID(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}
