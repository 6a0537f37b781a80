package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
)

// Session is a login as the store remembers it; the token is only in the cookie.
type Session struct {
	UserID     int64     `db:"user_id" json:"-"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
	LastSeenAt time.Time `db:"last_seen_at" json:"last_seen_at"`
	ExpiresAt  time.Time `db:"expires_at" json:"expires_at"`
	IP         string    `db:"ip" json:"ip"`
	UserAgent  string    `db:"user_agent" json:"user_agent"`
}

const keySessionExpired = "account.session.expired"

// touchEvery limits last_seen_at writes to one a minute per session.
const touchEvery = time.Minute

// newToken returns 128 random bits, base64url-encoded, and the hash to store.
func newToken() (string, []byte) {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	token := base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashToken(token)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession starts a session for the user and returns its token, for the cookie.
// Call it at every login, so a token planted before login is never promoted.
func (s *Service) CreateSession(ctx context.Context, userID int64, ip, userAgent string) (string, error) {
	token, hash := newToken()
	now := s.now()
	if len(userAgent) > 512 {
		userAgent = userAgent[:512]
	}
	const ins = `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES ($1, $2, $3, $3, $4, $5, $6)`
	if _, err := s.db.ExecContext(ctx, ins, hash, userID, now, now.Add(s.opts.SessionMax), ip, userAgent); err != nil {
		return "", fmt.Errorf("create session for user %d: %w", userID, db.Translate(err))
	}
	return token, nil
}

// SessionUser returns the user a session token belongs to, with the session. An unknown
// token, a session idle for longer than Options.SessionIdle or past its absolute expiry,
// and a disabled user are all an Unauthorized error.
func (s *Service) SessionUser(ctx context.Context, token string) (User, Session, error) {
	if token == "" || len(token) > 64 {
		return User{}, Session{}, apperr.New(apperr.Unauthorized, keySessionExpired)
	}
	hash := hashToken(token)
	var row struct {
		userRow
		SCreatedAt  time.Time `db:"s_created_at"`
		SLastSeenAt time.Time `db:"s_last_seen_at"`
		SExpiresAt  time.Time `db:"s_expires_at"`
		SIP         string    `db:"s_ip"`
		SUserAgent  string    `db:"s_user_agent"`
	}
	q := `SELECT s.created_at AS s_created_at, s.last_seen_at AS s_last_seen_at, s.expires_at AS s_expires_at,
			s.ip AS s_ip, s.user_agent AS s_user_agent, ` + userCols + `
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`
	if err := sqlx.GetContext(ctx, s.db, &row, q, hash); err != nil {
		if err = db.Translate(err); apperr.CodeOf(err) == apperr.NotFound {
			return User{}, Session{}, apperr.Wrap(err, apperr.Unauthorized, keySessionExpired)
		}
		return User{}, Session{}, fmt.Errorf("session: %w", err)
	}
	sess := Session{UserID: row.ID, CreatedAt: row.SCreatedAt, LastSeenAt: row.SLastSeenAt,
		ExpiresAt: row.SExpiresAt, IP: row.SIP, UserAgent: row.SUserAgent}
	now := s.now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.opts.SessionIdle || row.DisabledAt != nil {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash); err != nil {
			return User{}, Session{}, fmt.Errorf("end expired session: %w", db.Translate(err))
		}
		return User{}, Session{}, apperr.New(apperr.Unauthorized, keySessionExpired)
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1`, hash, now); err != nil {
			return User{}, Session{}, fmt.Errorf("touch session: %w", db.Translate(err))
		}
		sess.LastSeenAt = now
	}
	return row.user(), sess, nil
}

// DeleteSession ends one session (log out). An unknown token is not an error.
func (s *Service) DeleteSession(ctx context.Context, token string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(token)); err != nil {
		return fmt.Errorf("delete session: %w", db.Translate(err))
	}
	return nil
}

// DeleteAllSessions ends every session of the user (log out everywhere).
func (s *Service) DeleteAllSessions(ctx context.Context, userID int64) error {
	return deleteSessions(ctx, s.db, userID)
}

func deleteSessions(ctx context.Context, q db.Querier, userID int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", userID, db.Translate(err))
	}
	return nil
}

// Sessions lists the user's sessions, newest first (for "where am I logged in").
func (s *Service) Sessions(ctx context.Context, userID int64) ([]Session, error) {
	return sessionsOf(ctx, s.db, userID)
}

func sessionsOf(ctx context.Context, q db.Querier, userID int64) ([]Session, error) {
	const sel = `SELECT user_id, created_at, last_seen_at, expires_at, ip, user_agent
		FROM sessions WHERE user_id = $1 ORDER BY created_at DESC`
	ss := []Session{}
	if err := sqlx.SelectContext(ctx, q, &ss, sel, userID); err != nil {
		return nil, fmt.Errorf("sessions of user %d: %w", userID, db.Translate(err))
	}
	return ss, nil
}

// DeleteExpiredSessions removes sessions past their absolute expiry or idle too long;
// for a periodic job. It returns how many it removed.
func (s *Service) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	now := s.now()
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`,
		now, now.Add(-s.opts.SessionIdle))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", db.Translate(err))
	}
	return res.RowsAffected()
}
