package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/db/dbtest"
)

// TestUserCreate runs `libres user create` on a migrated database with the password on
// standard input, then the refusals a person at the command line can meet.
func TestUserCreate(t *testing.T) {
	dbURL := dbtest.NewEmpty(t)
	getenv := func(k string) string { return map[string]string{"DATABASE_URL": dbURL}[k] }
	var logs bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "up"}, getenv, &bytes.Buffer{}, &logs); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, logs.String())
	}
	old := stdin
	t.Cleanup(func() { stdin = old })

	tests := []struct {
		name    string
		args    []string
		input   string
		wantOut string // substring of stdout on success
		wantErr string // substring of the error; "" = success
	}{
		{"created", []string{"--role", "admin", "--email", "jefa@example.org", "--name", "Jefa Ruiz"},
			"tortuga verde sube la escalera\n", "jefa@example.org", ""},
		{"taken", []string{"--role", "admin", "--email", "JEFA@example.org"},
			"tortuga verde sube la escalera\n", "", "email: There is already an account with this email"},
		{"weak", []string{"--role", "admin", "--email", "otra@example.org"},
			"password123\n", "", "password: That password is very common"},
		{"empty input", []string{"--role", "admin", "--email", "otra@example.org"}, "", "", "standard input is empty"},
		{"lead", []string{"--role", "workshop_lead", "--email", "otra@example.org"},
			"tortuga verde sube la escalera\n", "", "workshops: A workshop lead needs at least one workshop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdin = strings.NewReader(tt.input)
			var out bytes.Buffer
			err := run(context.Background(), append([]string{"user", "create"}, tt.args...), getenv, &out, &logs)
			if tt.wantErr == "" {
				if err != nil || !strings.Contains(out.String(), tt.wantOut) || strings.Contains(out.String(), "tortuga") {
					t.Fatalf("run = %v, output %q", err, out.String())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("run = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestUserCreateUsage(t *testing.T) {
	getenv := func(k string) string {
		return map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1:1/db"}[k]
	}
	for _, args := range [][]string{{"user"}, {"user", "delete"}, {"user", "create", "--email", "a@example.org"},
		{"user", "create", "--role", "admin"}} {
		err := run(context.Background(), args, getenv, &bytes.Buffer{}, &bytes.Buffer{})
		if !errors.Is(err, errUsage) {
			t.Errorf("run %v = %v, want usage error", args, err)
		}
	}
}

func TestGeneratedPasswordIsStrong(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		pw, err := generatePassword("jefa@example.org", "Jefa")
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != 29 || seen[pw] || account.CheckPassword(pw, "jefa@example.org", "Jefa") != nil {
			t.Fatalf("generated password %q: wrong length, repeated or refused", pw)
		}
		seen[pw] = true
	}
}
