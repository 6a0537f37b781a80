package account

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
)

func TestSessionStoresOnlyTheTokenHash(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "ana@example.org")
	token, err := f.svc.CreateSession(ctx, u.ID, "192.0.2.1", "Firefox")
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 22 {
		t.Fatalf("token %q: %d characters, want 22 (128 bits, base64url)", token, len(token))
	}
	sum := sha256.Sum256([]byte(token))
	if n := f.count(t, `SELECT count(*) FROM sessions WHERE token_hash = $1`, sum[:]); n != 1 {
		t.Fatal("no session row under sha256(token)")
	}
	if n := f.count(t, `SELECT count(*) FROM sessions WHERE position($1::bytea IN token_hash) > 0 OR ip = $2 OR user_agent = $2`,
		[]byte(token), token); n != 0 {
		t.Fatal("the token itself is stored")
	}
	got, s, err := f.svc.SessionUser(ctx, token)
	if err != nil || got.ID != u.ID || s.IP != "192.0.2.1" || s.UserAgent != "Firefox" {
		t.Fatalf("SessionUser = %+v, %+v, %v", got, s, err)
	}
	if !s.ExpiresAt.Equal(f.clock.Now().Add(30 * 24 * time.Hour)) {
		t.Fatalf("expires at %v, want 30 days from now", s.ExpiresAt)
	}
	for _, bad := range []string{"", "nope", token + "x", string(make([]byte, 100))} {
		_, _, err := f.svc.SessionUser(ctx, bad)
		wantErr(t, err, apperr.Unauthorized, keySessionExpired)
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		steps  []time.Duration // activity at each step, then a last check
		last   time.Duration
		wantOK bool
	}{
		{"used within idle", nil, 11 * time.Hour, true},
		{"idle too long", nil, 12 * time.Hour, false},
		{"kept alive by use", []time.Duration{11 * time.Hour, 11 * time.Hour}, 11 * time.Hour, true},
		// Used every 11 hours for 30 days: the absolute limit still ends it.
		{"absolute limit", repeat(11*time.Hour, 65), 11 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			u := f.register(t, "ana@example.org")
			token, err := f.svc.CreateSession(ctx, u.ID, "", "")
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range tt.steps {
				f.clock.Add(d)
				if _, _, err := f.svc.SessionUser(ctx, token); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			f.clock.Add(tt.last)
			_, _, err = f.svc.SessionUser(ctx, token)
			if tt.wantOK {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, apperr.Unauthorized, keySessionExpired)
			if n := f.count(t, `SELECT count(*) FROM sessions`); n != 0 {
				t.Fatalf("expired session still stored (%d rows)", n)
			}
		})
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

func TestSessionLastSeenWrittenAtMostOnceAMinute(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "ana@example.org")
	token, _ := f.svc.CreateSession(ctx, u.ID, "", "")
	start := f.clock.Now()
	f.clock.Add(30 * time.Second)
	if _, s, err := f.svc.SessionUser(ctx, token); err != nil || !s.LastSeenAt.Equal(start) {
		t.Fatalf("after 30s: last seen %v, %v; want unchanged %v", s.LastSeenAt, err, start)
	}
	f.clock.Add(31 * time.Second)
	if _, s, err := f.svc.SessionUser(ctx, token); err != nil || !s.LastSeenAt.Equal(f.clock.Now()) {
		t.Fatalf("after 61s: last seen %v, %v; want %v", s.LastSeenAt, err, f.clock.Now())
	}
}

func TestLogoutAndLogoutEverywhere(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "ana@example.org")
	other := f.register(t, "otro@example.org")
	a, _ := f.svc.CreateSession(ctx, u.ID, "", "phone")
	b, _ := f.svc.CreateSession(ctx, u.ID, "", "laptop")
	c, _ := f.svc.CreateSession(ctx, u.ID, "", "tablet")
	o, _ := f.svc.CreateSession(ctx, other.ID, "", "")

	if err := f.svc.DeleteSession(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SessionUser(ctx, a); apperr.CodeOf(err) != apperr.Unauthorized {
		t.Fatalf("logged-out token still works: %v", err)
	}
	if ss, err := f.svc.Sessions(ctx, u.ID); err != nil || len(ss) != 2 {
		t.Fatalf("Sessions = %d, %v; want 2", len(ss), err)
	}
	if err := f.svc.DeleteAllSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{b, c} {
		if _, _, err := f.svc.SessionUser(ctx, tok); apperr.CodeOf(err) != apperr.Unauthorized {
			t.Fatalf("token survived logout everywhere: %v", err)
		}
	}
	if _, _, err := f.svc.SessionUser(ctx, o); err != nil {
		t.Fatalf("another user's session ended: %v", err)
	}
}

func TestDisablingEndsSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "ana@example.org")
	token, _ := f.svc.CreateSession(ctx, u.ID, "", "")
	admin := audit.Actor{ID: 999, Email: "admin@example.org"}
	if err := f.svc.SetDisabled(ctx, admin, u.ID, true); err != nil {
		t.Fatal(err)
	}
	_, _, err := f.svc.SessionUser(ctx, token)
	wantErr(t, err, apperr.Unauthorized, keySessionExpired)
	_, err = f.svc.Authenticate(ctx, u.Email, strongPassword, "")
	wantErr(t, err, apperr.Unauthorized, keyLoginInvalid)

	if err := f.svc.SetDisabled(ctx, admin, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(ctx, u.Email, strongPassword, ""); err != nil {
		t.Fatalf("enabled again: %v", err)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE entity_id = $1 AND action IN ('user.disable', 'user.enable')`,
		idStr(u.ID)); n != 2 {
		t.Fatalf("%d audit entries, want 2", n)
	}
}

func TestChangePasswordKeepsOnlyTheCurrentSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "ana@example.org")
	keep, _ := f.svc.CreateSession(ctx, u.ID, "", "")
	other, _ := f.svc.CreateSession(ctx, u.ID, "", "")
	const newPw = "jirafa morada lee el periódico"

	err := f.svc.ChangePassword(ctx, u.ID, "no es la actual", newPw, keep)
	wantErr(t, err, apperr.Invalid, keyWrongCurrent)
	err = f.svc.ChangePassword(ctx, u.ID, strongPassword, "password123", keep)
	wantErr(t, err, apperr.Invalid, keyPwCommon)

	if err := f.svc.ChangePassword(ctx, u.ID, strongPassword, newPw, keep); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SessionUser(ctx, keep); err != nil {
		t.Fatalf("current session ended: %v", err)
	}
	if _, _, err := f.svc.SessionUser(ctx, other); apperr.CodeOf(err) != apperr.Unauthorized {
		t.Fatalf("other session survived: %v", err)
	}
	if _, err := f.svc.Authenticate(ctx, u.Email, newPw, ""); err != nil {
		t.Fatalf("new password: %v", err)
	}
}
