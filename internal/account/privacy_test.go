package account

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/libres/storefront/internal/apperr"
)

func TestExportData(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "ana@example.org")
	token, _ := f.svc.CreateSession(ctx, u.ID, "192.0.2.9", "Firefox")
	if _, err := f.svc.UpdateProfile(ctx, u.ID, "Ana María Pérez", "en"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RequestDeletion(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RequestDeletion(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	e, err := f.svc.ExportData(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Profile.Email != u.Email || e.Profile.Name != "Ana María Pérez" || e.Profile.Lang != "en" {
		t.Fatalf("profile = %+v", e.Profile)
	}
	if len(e.Consents) != 1 || e.Consents[0].What != ConsentDataPolicy || e.Consents[0].PolicyVersion != "2026-01" ||
		e.Consents[0].IP != "192.0.2.1" {
		t.Fatalf("consents = %+v", e.Consents)
	}
	if len(e.Sessions) != 1 || e.Sessions[0].IP != "192.0.2.9" {
		t.Fatalf("sessions = %+v", e.Sessions)
	}
	if len(e.DeletionRequests) != 1 || e.DeletionRequests[0].HandledAt != nil {
		t.Fatalf("deletion requests = %+v", e.DeletionRequests)
	}
	if len(e.Changes) != 1 || e.Changes[0].Action != "user.request_deletion" {
		t.Fatalf("changes = %+v", e.Changes)
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{token, "argon2id", "token_hash"} {
		if bytes.Contains(b, []byte(secret)) {
			t.Fatalf("export contains %q:\n%s", secret, b)
		}
	}
	_, err = f.svc.ExportData(ctx, 4040)
	wantErr(t, err, apperr.NotFound, keyUserNotFound)
}

func TestUpdateProfileValidates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.register(t, "ana@example.org")
	_, err := f.svc.UpdateProfile(ctx, u.ID, " ", "es")
	wantErr(t, err, apperr.Invalid, keyNameRequired)
	got, err := f.svc.UpdateProfile(ctx, u.ID, "Ana", "xx")
	if err != nil || got.Lang != "es" {
		t.Fatalf("UpdateProfile(lang xx) = %+v, %v; want lang es", got, err)
	}
	_, err = f.svc.UpdateProfile(ctx, 4040, "Nadie", "es")
	wantErr(t, err, apperr.NotFound, keyUserNotFound)
}
