package account

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// InviteInput is the admin's invitation form.
type InviteInput struct {
	Email       string
	Name        string
	Role        Role
	Lang        string  // of the email and of the account
	WorkshopIDs []int64 // required for leads, ignored for other roles
	CompanyID   int64   // required for corporate clients, ignored for other roles
}

const keyInviteAccepted = "account.invite.accepted"

// Invite creates an account without a password and emails its owner a link (valid 7
// days) to choose one. Account, memberships, link, email and audit entry are one
// transaction.
func (s *Service) Invite(ctx context.Context, actor audit.Actor, in InviteInput) (User, error) {
	f := fieldErrs{}
	email := checkEmail(f, in.Email)
	name := checkName(f, in.Name)
	workshops, company := checkScope(f, in.Role, in.WorkshopIDs, in.CompanyID)
	if err := f.err(); err != nil {
		return User{}, err
	}
	lang := normLang(in.Lang)
	var u User
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		now := s.now()
		id, err := insertUser(ctx, tx, email, name, in.Role, lang, nil, nil, company, now)
		if err != nil {
			return err
		}
		if err := setMemberships(ctx, tx, id, workshops); err != nil {
			return err
		}
		r, err := userByID(ctx, tx, id, false)
		if err != nil {
			return err
		}
		u = r.user()
		token, err := issueToken(ctx, tx, id, PurposeInvite, now, InviteTTL)
		if err != nil {
			return err
		}
		if err := s.sendLink(ctx, tx, u, lang, "account_invite", PurposeInvite, token); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "user.invite", Entity: "user",
			EntityID: idStr(id), Summary: u.Email + " (" + string(u.Role) + ")", After: u})
	})
	if err != nil {
		return User{}, fmt.Errorf("invite %s: %w", email, err)
	}
	return u, nil
}

// ResendInvite emails a new invitation link; earlier links stop working. An invitee who
// already chose a password is a conflict.
func (s *Service) ResendInvite(ctx context.Context, actor audit.Actor, userID int64) error {
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		r, err := userByID(ctx, tx, userID, true)
		if err != nil {
			return err
		}
		if r.PasswordHash != nil {
			return apperr.New(apperr.Conflict, keyInviteAccepted)
		}
		now := s.now()
		if err := revokeTokens(ctx, tx, userID, PurposeInvite, now); err != nil {
			return err
		}
		token, err := issueToken(ctx, tx, userID, PurposeInvite, now, InviteTTL)
		if err != nil {
			return err
		}
		if err := s.sendLink(ctx, tx, r.user(), r.Lang, "account_invite", PurposeInvite, token); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "user.invite_resend", Entity: "user",
			EntityID: idStr(userID), Summary: r.Email})
	})
	if err != nil {
		return fmt.Errorf("resend invitation to user %d: %w", userID, err)
	}
	return nil
}

// InviteeByToken returns the invited user of a valid invitation link, for the page where
// they choose a password. It uses nothing up.
func (s *Service) InviteeByToken(ctx context.Context, token string) (User, error) {
	r, err := tokenUser(ctx, s.db, token, PurposeInvite, s.now(), false)
	if err != nil {
		return User{}, err
	}
	if r.PasswordHash != nil {
		return User{}, apperr.New(apperr.NotFound, keyTokenInvalid)
	}
	return r.user(), nil
}

// AcceptInvite sets the invitee's password, marks the address verified (the link came
// to it), records their consent to the data policy and uses up the link.
func (s *Service) AcceptInvite(ctx context.Context, token, password string, acceptPolicy bool, policyVersion, ip string) (User, error) {
	if policyVersion == "" {
		return User{}, fmt.Errorf("accept invitation: no policy version given")
	}
	var u User
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		now := s.now()
		r, err := tokenUser(ctx, tx, token, PurposeInvite, now, true)
		if err != nil {
			return err
		}
		if r.PasswordHash != nil {
			return apperr.New(apperr.NotFound, keyTokenInvalid)
		}
		f := fieldErrs{}
		if err := CheckPassword(password, r.Email, r.Name); err != nil {
			f.add("password", apperr.FieldsOf(err)["password"])
		}
		if !acceptPolicy {
			f.add("accept_policy", keyPolicyRequired)
		}
		if err := f.err(); err != nil {
			return err
		}
		hash, err := HashPassword(password)
		if err != nil {
			return err
		}
		const upd = `UPDATE users SET password_hash = $2, email_verified_at = coalesce(email_verified_at, $3) WHERE id = $1`
		if _, err := tx.ExecContext(ctx, upd, r.ID, hash, now); err != nil {
			return fmt.Errorf("set password of user %d: %w", r.ID, db.Translate(err))
		}
		if err := revokeTokens(ctx, tx, r.ID, PurposeInvite, now); err != nil {
			return err
		}
		if err := recordConsent(ctx, tx, r.ID, ConsentDataPolicy, policyVersion, ip, now); err != nil {
			return err
		}
		r2, err := userByID(ctx, tx, r.ID, false)
		if err != nil {
			return err
		}
		u = r2.user()
		return nil
	})
	if err != nil {
		return User{}, fmt.Errorf("accept invitation: %w", err)
	}
	return u, nil
}
