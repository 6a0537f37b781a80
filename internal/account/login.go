package account

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/time/rate"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
)

// Throttling of password guesses. Failures are counted in the database, so the limits
// hold across replicas; a per-process token bucket per IP turns floods away before they
// cost a hash or a query.
const (
	throttleWindow   = 15 * time.Minute
	maxEmailFailures = 5  // per address per window: guessing one account
	maxIPFailures    = 20 // per IP per window: trying many accounts
	ipRate           = rate.Limit(1)
	ipBurst          = 10
	pruneEvery       = 50 // failures between deletions of rows older than the window
)

// Message keys for logging in.
const (
	keyLoginInvalid = "account.login.invalid"
	keyThrottled    = "account.login.throttled"
)

// throttled carries how long to wait; RetryAfter finds it in an error's chain.
type throttled struct{ wait time.Duration }

func (t *throttled) Error() string { return "throttled: retry in " + t.wait.String() }

// RetryAfter lets the web layer find the wait without knowing this type.
func (t *throttled) RetryAfter() time.Duration { return t.wait }

func tooMany(wait time.Duration) error {
	if wait < time.Second {
		wait = time.Second
	}
	minutes := int(math.Ceil(wait.Minutes()))
	return &apperr.Error{Code: apperr.TooMany, Key: keyThrottled, Args: []any{minutes}, Err: &throttled{wait}}
}

// RetryAfter is how long a throttled caller should wait (for a Retry-After header), or 0
// when err is not a throttling error.
func RetryAfter(err error) time.Duration {
	var t *throttled
	if errors.As(err, &t) {
		return t.wait
	}
	return 0
}

// errLoginInvalid is the one answer for an unknown email, a wrong password, an account
// without a password yet and a disabled account, so none can be told from the others.
func errLoginInvalid() error { return apperr.New(apperr.Unauthorized, keyLoginInvalid) }

// Authenticate checks an email and password and returns the user. ip is the client's
// address as the web layer determined it ("" when unknown).
func (s *Service) Authenticate(ctx context.Context, email, password, ip string) (User, error) {
	now := s.now()
	if ip != "" {
		if wait := s.ips.reserve(ip, now); wait > 0 {
			return User{}, tooMany(wait)
		}
	}
	email = strings.TrimSpace(email)
	ek, ik := emailKey(email), ipKey(ip)
	if err := s.checkThrottle(ctx, ek, ik); err != nil {
		return User{}, err
	}
	r, err := getUserRow(ctx, s.db, `u.email = $1`, email, false)
	found := err == nil
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	// Always one argon2id computation, whether or not there is a hash to check.
	hash := dummyHash()
	if found && r.PasswordHash != nil {
		hash = *r.PasswordHash
	}
	ok, rehash, err := VerifyPassword(hash, password)
	if err != nil {
		return User{}, fmt.Errorf("authenticate user %d: %w", r.ID, err)
	}
	if !ok || !found || r.PasswordHash == nil || r.DisabledAt != nil {
		if err := s.recordFailure(ctx, ek, ik); err != nil {
			return User{}, err
		}
		return User{}, errLoginInvalid()
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, ek); err != nil {
		return User{}, fmt.Errorf("clear login failures: %w", db.Translate(err))
	}
	if rehash {
		if err := s.rehash(ctx, r.ID, *r.PasswordHash, password); err != nil {
			return User{}, err
		}
	}
	return r.user(), nil
}

// rehash replaces a hash made with old parameters, unless it changed meanwhile.
func (s *Service) rehash(ctx context.Context, userID int64, old, password string) error {
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	const upd = `UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`
	if _, err := s.db.ExecContext(ctx, upd, userID, old, h); err != nil {
		return fmt.Errorf("rehash password of user %d: %w", userID, db.Translate(err))
	}
	return nil
}

func emailKey(email string) string { return "email:" + strings.ToLower(strings.TrimSpace(email)) }

func ipKey(ip string) string {
	if ip == "" {
		return ""
	}
	return "ip:" + ip
}

// checkThrottle returns a TooMany error when either key has reached its limit of
// failures within the window, with the wait until it falls below it. ik may be "".
func (s *Service) checkThrottle(ctx context.Context, ek, ik string) error {
	now := s.now()
	since := now.Add(-throttleWindow)
	var counts []struct {
		Key string `db:"key"`
		N   int    `db:"n"`
	}
	const q = `SELECT key, count(*) AS n FROM login_failures WHERE key IN ($1, $2) AND at > $3 GROUP BY key`
	if err := sqlx.SelectContext(ctx, s.db, &counts, q, ek, ik, since); err != nil {
		return fmt.Errorf("count login failures: %w", db.Translate(err))
	}
	var wait time.Duration
	over := false
	for _, c := range counts {
		limit := maxEmailFailures
		if strings.HasPrefix(c.Key, "ip:") {
			limit = maxIPFailures
		}
		if c.N < limit {
			continue
		}
		over = true
		// The count falls below the limit when the (n-limit+1)th oldest failure leaves the window.
		var at time.Time
		const q = `SELECT at FROM login_failures WHERE key = $1 AND at > $2 ORDER BY at OFFSET $3 LIMIT 1`
		if err := sqlx.GetContext(ctx, s.db, &at, q, c.Key, since, c.N-limit); err != nil {
			return fmt.Errorf("oldest login failure: %w", db.Translate(err))
		}
		wait = max(wait, at.Add(throttleWindow).Sub(now))
	}
	if over {
		return tooMany(wait)
	}
	return nil
}

var failures atomic.Int64

// recordFailure counts a failed attempt against the email and the IP (ik may be ""),
// and now and then deletes failures too old to count.
func (s *Service) recordFailure(ctx context.Context, ek, ik string) error {
	now := s.now()
	const ins = `INSERT INTO login_failures (key, at) SELECT k, $3 FROM unnest(ARRAY[$1, $2]::text[]) AS k WHERE k <> ''`
	if _, err := s.db.ExecContext(ctx, ins, ek, ik, now); err != nil {
		return fmt.Errorf("record login failure: %w", db.Translate(err))
	}
	if failures.Add(1)%pruneEvery == 0 {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE at < $1`, now.Add(-throttleWindow)); err != nil {
			return fmt.Errorf("prune login failures: %w", db.Translate(err))
		}
	}
	return nil
}

// ipLimiter holds a token bucket per client IP, in this process only.
type ipLimiter struct {
	mu    sync.Mutex
	m     map[string]*rate.Limiter
	rate  rate.Limit
	burst int
}

const maxTrackedIPs = 10000

func newIPLimiter(r rate.Limit, burst int) *ipLimiter {
	return &ipLimiter{m: map[string]*rate.Limiter{}, rate: r, burst: burst}
}

// reserve takes a token for ip and returns 0, or how long until one is free.
func (l *ipLimiter) reserve(ip string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[ip]
	if !ok {
		if len(l.m) >= maxTrackedIPs {
			// A full bucket carries no memory of past requests, so forgetting it is free.
			for k, v := range l.m {
				if v.TokensAt(now) >= float64(l.burst) {
					delete(l.m, k)
				}
			}
		}
		lim = rate.NewLimiter(l.rate, l.burst)
		l.m[ip] = lim
	}
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}
