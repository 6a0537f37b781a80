package account

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
)

// keyTokenInvalid covers an unknown, used, expired or mistyped link alike.
const keyTokenInvalid = "account.token.invalid"

// maxResetsPerHour bounds the reset emails one address can be sent, so the form cannot
// be used to flood someone's inbox.
const maxResetsPerHour = 5

// issueToken stores a single-use token for the user and returns it, for the emailed link.
func issueToken(ctx context.Context, q db.Querier, userID int64, p Purpose, now time.Time, ttl time.Duration) (string, error) {
	token, hash := newToken()
	const ins = `INSERT INTO account_tokens (token_hash, purpose, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`
	if _, err := q.ExecContext(ctx, ins, hash, p, userID, now, now.Add(ttl)); err != nil {
		return "", fmt.Errorf("issue %s token for user %d: %w", p, userID, db.Translate(err))
	}
	return token, nil
}

// revokeTokens marks the user's unused tokens of a purpose used, so only a newer link works.
func revokeTokens(ctx context.Context, q db.Querier, userID int64, p Purpose, now time.Time) error {
	const upd = `UPDATE account_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`
	if _, err := q.ExecContext(ctx, upd, userID, p, now); err != nil {
		return fmt.Errorf("revoke %s tokens of user %d: %w", p, userID, db.Translate(err))
	}
	return nil
}

// tokenUser returns the user of a valid (known, unused, unexpired) token of purpose p.
// With consume, the token row is locked and marked used, so a second use fails even
// when two requests race.
func tokenUser(ctx context.Context, q db.Querier, token string, p Purpose, now time.Time, consume bool) (userRow, error) {
	invalid := apperr.New(apperr.NotFound, keyTokenInvalid)
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 64 {
		return userRow{}, invalid
	}
	hash := hashToken(token)
	sel := `SELECT user_id FROM account_tokens
		WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`
	if consume {
		sel += ` FOR UPDATE`
	}
	var userID int64
	if err := sqlx.GetContext(ctx, q, &userID, sel, hash, p, now); err != nil {
		if err = db.Translate(err); apperr.CodeOf(err) == apperr.NotFound {
			return userRow{}, invalid
		}
		return userRow{}, fmt.Errorf("%s token: %w", p, err)
	}
	r, err := userByID(ctx, q, userID, consume)
	if err != nil {
		return userRow{}, err
	}
	if r.DisabledAt != nil {
		return userRow{}, invalid
	}
	if consume {
		if _, err := q.ExecContext(ctx, `UPDATE account_tokens SET used_at = $2 WHERE token_hash = $1`, hash, now); err != nil {
			return userRow{}, fmt.Errorf("use %s token: %w", p, db.Translate(err))
		}
	}
	return r, nil
}

// RequestReset emails a password-reset link (valid one hour) to the address, in lang.
// It returns nil whether or not the address has an account, so the form tells nobody
// which addresses are registered. Disabled accounts and invitees who have not accepted
// yet get nothing (an invitee uses the invitation).
func (s *Service) RequestReset(ctx context.Context, email, lang string) error {
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		r, err := getUserRow(ctx, tx, `u.email = $1`, strings.TrimSpace(email), false)
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if r.DisabledAt != nil || r.PasswordHash == nil {
			return nil
		}
		now := s.now()
		var recent int
		const cnt = `SELECT count(*) FROM account_tokens WHERE user_id = $1 AND purpose = $2 AND created_at > $3`
		if err := sqlx.GetContext(ctx, tx, &recent, cnt, r.ID, PurposeReset, now.Add(-time.Hour)); err != nil {
			return fmt.Errorf("count reset tokens: %w", db.Translate(err))
		}
		if recent >= maxResetsPerHour {
			return nil
		}
		token, err := issueToken(ctx, tx, r.ID, PurposeReset, now, ResetTTL)
		if err != nil {
			return err
		}
		if lang != "es" && lang != "en" {
			lang = r.Lang
		}
		return s.sendLink(ctx, tx, r.user(), lang, "account_reset", PurposeReset, token)
	})
	if err != nil {
		return fmt.Errorf("request password reset: %w", err)
	}
	return nil
}

// ResetPassword sets a new password through a reset link: the link is used up, other
// reset links of the user stop working, and every session ends. A weak password leaves
// the link usable, so the person can try another.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error {
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		now := s.now()
		r, err := tokenUser(ctx, tx, token, PurposeReset, now, true)
		if err != nil {
			return err
		}
		if err := CheckPassword(newPassword, r.Email, r.Name); err != nil {
			return err
		}
		hash, err := HashPassword(newPassword)
		if err != nil {
			return err
		}
		// The link reached the inbox, which proves the address as well as a verification would.
		const upd = `UPDATE users SET password_hash = $2, email_verified_at = coalesce(email_verified_at, $3) WHERE id = $1`
		if _, err := tx.ExecContext(ctx, upd, r.ID, hash, now); err != nil {
			return fmt.Errorf("set password of user %d: %w", r.ID, db.Translate(err))
		}
		if err := revokeTokens(ctx, tx, r.ID, PurposeReset, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, emailKey(r.Email)); err != nil {
			return fmt.Errorf("clear login failures: %w", db.Translate(err))
		}
		return deleteSessions(ctx, tx, r.ID)
	})
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	return nil
}

// VerifyEmail marks the address of the link's user as verified and uses up the link.
func (s *Service) VerifyEmail(ctx context.Context, token string) (User, error) {
	var u User
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		now := s.now()
		r, err := tokenUser(ctx, tx, token, PurposeVerify, now, true)
		if err != nil {
			return err
		}
		const upd = `UPDATE users SET email_verified_at = coalesce(email_verified_at, $2) WHERE id = $1`
		if _, err := tx.ExecContext(ctx, upd, r.ID, now); err != nil {
			return fmt.Errorf("verify email of user %d: %w", r.ID, db.Translate(err))
		}
		if err := revokeTokens(ctx, tx, r.ID, PurposeVerify, now); err != nil {
			return err
		}
		if r.EmailVerifiedAt == nil {
			r.EmailVerifiedAt = &now
		}
		u = r.user()
		return nil
	})
	if err != nil {
		return User{}, fmt.Errorf("verify email: %w", err)
	}
	return u, nil
}

// SendVerification emails a new verification link to a user whose address is not
// verified yet (older links stop working); for a verified user it does nothing.
func (s *Service) SendVerification(ctx context.Context, userID int64) error {
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		r, err := userByID(ctx, tx, userID, true)
		if err != nil {
			return err
		}
		if r.EmailVerifiedAt != nil || r.DisabledAt != nil {
			return nil
		}
		now := s.now()
		if err := revokeTokens(ctx, tx, r.ID, PurposeVerify, now); err != nil {
			return err
		}
		token, err := issueToken(ctx, tx, r.ID, PurposeVerify, now, VerifyTTL)
		if err != nil {
			return err
		}
		return s.sendLink(ctx, tx, r.user(), r.Lang, "account_verify", PurposeVerify, token)
	})
	if err != nil {
		return fmt.Errorf("send verification to user %d: %w", userID, err)
	}
	return nil
}
