package account

import (
	"context"
	"encoding/base64"
	"fmt"
	"reflect"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
)

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "ana@example.org")

	got, err := f.svc.Authenticate(ctx, " ANA@example.org", strongPassword, "192.0.2.1")
	if err != nil || got.ID != u.ID {
		t.Fatalf("Authenticate = %+v, %v", got, err)
	}

	// Unknown email, wrong password, an invitee without a password and a disabled account
	// all get the very same error.
	invitee, err := f.svc.Invite(ctx, audit.Actor{}, InviteInput{Email: "nuevo@example.org", Name: "Nuevo", Role: RoleCustomer})
	if err != nil {
		t.Fatal(err)
	}
	disabled := f.register(t, "baja@example.org")
	if err := f.svc.SetDisabled(ctx, audit.Actor{}, disabled.ID, true); err != nil {
		t.Fatal(err)
	}
	want := errLoginInvalid()
	for _, c := range []struct{ name, email, pw string }{
		{"unknown email", "nadie@example.org", strongPassword},
		{"wrong password", "ana@example.org", "no es la clave de ana"},
		{"invitee", invitee.Email, ""},
		{"disabled", disabled.Email, strongPassword},
	} {
		_, err := f.svc.Authenticate(ctx, c.email, c.pw, "192.0.2.2")
		if !reflect.DeepEqual(err, want) {
			t.Errorf("%s: Authenticate = %#v, want %#v", c.name, err, want)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM login_failures WHERE key = 'ip:192.0.2.2'`); n != 4 {
		t.Fatalf("%d failures recorded for the IP, want 4", n)
	}
}

func TestAuthenticateThrottlesAnEmailAfterFiveFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.register(t, "ana@example.org")
	// Each attempt from its own IP: the email's count alone must stop the sixth.
	for i := range maxEmailFailures {
		_, err := f.svc.Authenticate(ctx, "ana@example.org", "intento equivocado", fmt.Sprintf("198.51.100.%d", i))
		wantErr(t, err, apperr.Unauthorized, keyLoginInvalid)
		f.clock.Add(time.Minute)
	}
	// Now 5 minutes after the first failure: it leaves the window in 10.
	_, err := f.svc.Authenticate(ctx, "ANA@example.org", strongPassword, "203.0.113.9")
	wantErr(t, err, apperr.TooMany, keyThrottled)
	if d := RetryAfter(err); d != 10*time.Minute {
		t.Fatalf("RetryAfter = %v, want 10m", d)
	}
	if a := apperr.As(err).Args; len(a) != 1 || a[0] != 10 {
		t.Fatalf("message args = %v, want [10] minutes", a)
	}
	if RetryAfter(errLoginInvalid()) != 0 {
		t.Fatal("RetryAfter of a non-throttling error is not 0")
	}

	f.clock.Add(10 * time.Minute)
	if _, err := f.svc.Authenticate(ctx, "ana@example.org", strongPassword, "203.0.113.9"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	if n := f.count(t, `SELECT count(*) FROM login_failures WHERE key = 'email:ana@example.org'`); n != 0 {
		t.Fatalf("%d email failures left after a successful login, want 0", n)
	}
}

func TestAuthenticateThrottlesAnIP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.register(t, "ana@example.org")
	for i := range maxIPFailures {
		_, err := f.svc.Authenticate(ctx, fmt.Sprintf("u%d@example.org", i), "intento equivocado", "192.0.2.50")
		wantErr(t, err, apperr.Unauthorized, keyLoginInvalid)
		f.clock.Add(2 * time.Second) // under the per-process rate
	}
	_, err := f.svc.Authenticate(ctx, "ana@example.org", strongPassword, "192.0.2.50")
	wantErr(t, err, apperr.TooMany, keyThrottled)
	if RetryAfter(err) <= 0 {
		t.Fatalf("RetryAfter = %v, want > 0", RetryAfter(err))
	}
	if _, err := f.svc.Authenticate(ctx, "ana@example.org", strongPassword, "192.0.2.51"); err != nil {
		t.Fatalf("another IP: %v", err)
	}
}

func TestAuthenticateRateLimitsBurstsFromOneIP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	// The clock stands still: the bucket of 10 empties, the 11th waits a second.
	for i := range ipBurst {
		_, err := f.svc.Authenticate(ctx, fmt.Sprintf("u%d@example.org", i), "x", "192.0.2.60")
		wantErr(t, err, apperr.Unauthorized, keyLoginInvalid)
	}
	_, err := f.svc.Authenticate(ctx, "nadie@example.org", "x", "192.0.2.60")
	wantErr(t, err, apperr.TooMany, keyThrottled)
	if d := RetryAfter(err); d != time.Second {
		t.Fatalf("RetryAfter = %v, want 1s", d)
	}
}

func TestAuthenticateRehashesOldHashes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "ana@example.org")
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(strongPassword), salt, 1, 8*1024, 1, 32)
	b64 := base64.RawStdEncoding
	old := fmt.Sprintf("$argon2id$v=19$m=8192,t=1,p=1$%s$%s", b64.EncodeToString(salt), b64.EncodeToString(key))
	if _, err := f.db.Exec(`UPDATE users SET password_hash = $2 WHERE id = $1`, u.ID, old); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(ctx, u.Email, strongPassword, ""); err != nil {
		t.Fatal(err)
	}
	var h string
	if err := f.db.Get(&h, `SELECT password_hash FROM users WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := VerifyPassword(h, strongPassword); h == old || !ok || rehash || err != nil {
		t.Fatalf("hash after login %q: ok=%v rehash=%v err=%v", h, ok, rehash, err)
	}
}
