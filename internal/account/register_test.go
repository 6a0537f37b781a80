package account

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/libres/storefront/internal/apperr"
)

func TestRegisterStoresConsentAndQueuesVerificationInOneTransaction(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u, err := f.svc.Register(ctx, RegisterInput{Email: " Ana.Perez@Example.org ", Name: "  Ana   Pérez ",
		Password: strongPassword, Lang: "en", AcceptPolicy: true, PolicyVersion: "2026-01", IP: "192.0.2.7"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Email != "Ana.Perez@Example.org" || u.Name != "Ana Pérez" || u.Role != RoleCustomer ||
		u.Lang != "en" || !u.HasPassword || u.EmailVerifiedAt != nil {
		t.Fatalf("registered user = %+v", u)
	}
	if n := f.count(t, `SELECT count(*) FROM consents WHERE user_id = $1 AND what = 'data_policy'
		AND policy_version = '2026-01' AND ip = '192.0.2.7'`, u.ID); n != 1 {
		t.Fatalf("%d consent rows, want 1", n)
	}
	ms := f.mails(t, u.Email)
	if len(ms) != 1 || ms[0].Template != "account_verify" || ms[0].Lang != "en" || ms[0].Name != "Ana Pérez" {
		t.Fatalf("mails = %+v", ms)
	}
	token := f.lastToken(t, u.Email, PurposeVerify, "en")

	v, err := f.svc.VerifyEmail(ctx, token)
	if err != nil || v.EmailVerifiedAt == nil || v.ID != u.ID {
		t.Fatalf("VerifyEmail = %+v, %v", v, err)
	}
	_, err = f.svc.VerifyEmail(ctx, token)
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)

	// The same address in another case is taken: citext.
	_, err = f.svc.Register(ctx, RegisterInput{Email: "ana.perez@example.org", Name: "Otra", Password: strongPassword,
		AcceptPolicy: true, PolicyVersion: "2026-01"})
	wantErr(t, err, apperr.Conflict, keyEmailTaken)
	if apperr.FieldsOf(err)["email"] != keyEmailTaken {
		t.Fatalf("taken email: fields %v", apperr.FieldsOf(err))
	}
}

func TestRegisterRollsBackWhenTheEmailCannotBeQueued(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mail.fail = true
	_, err := f.svc.Register(context.Background(), RegisterInput{Email: "ana@example.org", Name: "Ana",
		Password: strongPassword, AcceptPolicy: true, PolicyVersion: "2026-01"})
	if !errors.Is(err, errEnqueue) {
		t.Fatalf("Register = %v, want the enqueue error", err)
	}
	for _, table := range []string{"users", "consents", "account_tokens", "test_outbox"} {
		if n := f.count(t, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s has %d rows after a failed sign-up, want 0", table, n)
		}
	}
}

func TestRegisterValidates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name  string
		in    RegisterInput
		field string
		key   string
	}{
		{"bad email", RegisterInput{Email: "ana@", Name: "Ana", Password: strongPassword, AcceptPolicy: true}, "email", keyEmailInvalid},
		{"display name", RegisterInput{Email: "Ana <ana@example.org>", Name: "Ana", Password: strongPassword, AcceptPolicy: true}, "email", keyEmailInvalid},
		{"no name", RegisterInput{Email: "ana@example.org", Name: "  ", Password: strongPassword, AcceptPolicy: true}, "name", keyNameRequired},
		{"weak password", RegisterInput{Email: "ana@example.org", Name: "Ana", Password: "password123", AcceptPolicy: true}, "password", keyPwCommon},
		{"personal password", RegisterInput{Email: "ana.perez@example.org", Name: "Ana", Password: "ana.perez2026", AcceptPolicy: true}, "password", keyPwPersonal},
		{"no consent", RegisterInput{Email: "ana@example.org", Name: "Ana", Password: strongPassword}, "accept_policy", keyPolicyRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.PolicyVersion = "2026-01"
			_, err := f.svc.Register(context.Background(), tt.in)
			if apperr.CodeOf(err) != apperr.Invalid || apperr.FieldsOf(err)[tt.field] != tt.key {
				t.Fatalf("Register = %v, want field %s = %s", err, tt.field, tt.key)
			}
		})
	}
	if n := f.count(t, `SELECT count(*) FROM users`); n != 0 {
		t.Fatalf("%d users after refused sign-ups", n)
	}
}

// TestSignupsPerAddress: one address can create a few accounts at once (an office, a
// family), then must wait; the refused sign-up writes nothing, and another address is
// not affected.
func TestSignupsPerAddress(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	register := func(i int, ip string) error {
		_, err := f.svc.Register(ctx, RegisterInput{Email: fmt.Sprintf("persona%d@example.org", i), Name: "Persona",
			Password: strongPassword, Lang: "es", AcceptPolicy: true, PolicyVersion: "2026-01", IP: ip})
		return err
	}
	for i := range signupBurst {
		if err := register(i, "198.51.100.9"); err != nil {
			t.Fatalf("sign-up %d from one address: %v", i+1, err)
		}
	}
	before := f.count(t, `SELECT count(*) FROM users`)
	err := register(100, "198.51.100.9")
	wantErr(t, err, apperr.TooMany, keySignupThrottled)
	if after := f.count(t, `SELECT count(*) FROM users`); after != before {
		t.Fatalf("a refused sign-up wrote %d users", after-before)
	}
	if err := register(101, "198.51.100.10"); err != nil {
		t.Fatalf("another address: %v", err)
	}
}
