package account

import (
	"context"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
)

const newPassword = "jirafa morada lee el periódico"

func TestResetPassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "ana@example.org")
	session, _ := f.svc.CreateSession(ctx, u.ID, "", "")

	// Unknown addresses get the same nil and no mail.
	if err := f.svc.RequestReset(ctx, "nadie@example.org", "es"); err != nil {
		t.Fatalf("RequestReset(unknown) = %v, want nil", err)
	}
	if n := f.count(t, `SELECT count(*) FROM test_outbox WHERE template = 'account_reset'`); n != 0 {
		t.Fatalf("%d reset mails for an unknown address", n)
	}

	if err := f.svc.RequestReset(ctx, "ANA@example.org", "en"); err != nil {
		t.Fatal(err)
	}
	ms := f.mails(t, u.Email)
	if last := ms[len(ms)-1]; last.Template != "account_reset" || last.Lang != "en" {
		t.Fatalf("last mail = %+v", last)
	}
	token := f.lastToken(t, u.Email, PurposeReset, "en")

	// A weak password leaves the link usable.
	err := f.svc.ResetPassword(ctx, token, "aaaaaaaaaaaa")
	wantErr(t, err, apperr.Invalid, keyPwPattern)
	if err := f.svc.ResetPassword(ctx, token, newPassword); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SessionUser(ctx, session); apperr.CodeOf(err) != apperr.Unauthorized {
		t.Fatalf("session survived the reset: %v", err)
	}
	if _, err := f.svc.Authenticate(ctx, u.Email, newPassword, ""); err != nil {
		t.Fatalf("new password: %v", err)
	}
	// Single use.
	err = f.svc.ResetPassword(ctx, token, "otra frase larga para probar")
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)
}

func TestResetLinkExpiresAfterOneHour(t *testing.T) {
	t.Parallel()
	tests := []struct {
		after  time.Duration
		wantOK bool
	}{
		{59 * time.Minute, true},
		{time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.after.String(), func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			u := f.register(t, "ana@example.org")
			if err := f.svc.RequestReset(ctx, u.Email, "es"); err != nil {
				t.Fatal(err)
			}
			token := f.lastToken(t, u.Email, PurposeReset, "es")
			f.clock.Add(tt.after)
			err := f.svc.ResetPassword(ctx, token, newPassword)
			if tt.wantOK {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, apperr.NotFound, keyTokenInvalid)
		})
	}
}

func TestResetLinksAreNotInterchangeable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "ana@example.org")
	verify := f.lastToken(t, u.Email, PurposeVerify, "es")
	err := f.svc.ResetPassword(ctx, verify, newPassword)
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)

	// Asking twice leaves both links valid; using one retires the other.
	_ = f.svc.RequestReset(ctx, u.Email, "es")
	first := f.lastToken(t, u.Email, PurposeReset, "es")
	_ = f.svc.RequestReset(ctx, u.Email, "es")
	second := f.lastToken(t, u.Email, PurposeReset, "es")
	if err := f.svc.ResetPassword(ctx, second, newPassword); err != nil {
		t.Fatal(err)
	}
	err = f.svc.ResetPassword(ctx, first, "otra frase larga para probar")
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)
}

func TestResetRequestsAreCapped(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "ana@example.org")
	for range maxResetsPerHour + 3 {
		if err := f.svc.RequestReset(ctx, u.Email, "es"); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM test_outbox WHERE template = 'account_reset'`); n != maxResetsPerHour {
		t.Fatalf("%d reset mails in an hour, want %d", n, maxResetsPerHour)
	}
}

func TestLinkPaths(t *testing.T) {
	tests := []struct {
		p          Purpose
		lang, want string
	}{
		{PurposeVerify, "es", "/cuenta/verificar"},
		{PurposeVerify, "en", "/en/account/verify"},
		{PurposeReset, "es", "/cuenta/restablecer"},
		{PurposeReset, "en", "/en/account/reset"},
		{PurposeInvite, "es", "/cuenta/invitacion"},
		{PurposeInvite, "en", "/en/account/invitation"},
		{PurposeInvite, "fr", "/cuenta/invitacion"},
	}
	for _, tt := range tests {
		if got := tt.p.Path(tt.lang); got != tt.want {
			t.Errorf("%s.Path(%s) = %s, want %s", tt.p, tt.lang, got, tt.want)
		}
	}
}
