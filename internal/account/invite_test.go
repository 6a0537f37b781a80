package account

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
)

var staff = audit.Actor{ID: 1, Email: "admin@example.org"}

func TestInviteThenAccept(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	w1, w2 := f.workshop(t, "calzado-uno"), f.workshop(t, "calzado-dos")
	u, err := f.svc.Invite(ctx, staff, InviteInput{Email: "lider@example.org", Name: "Luz Gómez", Role: RoleLead,
		Lang: "en", WorkshopIDs: []int64{w2, w1}})
	if err != nil {
		t.Fatal(err)
	}
	if u.HasPassword || u.EmailVerifiedAt != nil || !slices.Equal(u.WorkshopIDs, []int64{w1, w2}) || !u.LeadOf(w1) || u.LeadOf(w1+w2) {
		t.Fatalf("invited user = %+v", u)
	}
	ms := f.mails(t, u.Email)
	if len(ms) != 1 || ms[0].Template != "account_invite" || ms[0].Lang != "en" {
		t.Fatalf("mails = %+v", ms)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'user.invite' AND actor_id = 1 AND entity_id = $1`, idStr(u.ID)); n != 1 {
		t.Fatalf("%d invite audit entries, want 1", n)
	}
	token := f.lastToken(t, u.Email, PurposeInvite, "en")

	got, err := f.svc.InviteeByToken(ctx, token)
	if err != nil || got.ID != u.ID {
		t.Fatalf("InviteeByToken = %+v, %v", got, err)
	}
	_, err = f.svc.AcceptInvite(ctx, token, newPassword, false, "2026-01", "192.0.2.3")
	wantErr(t, err, apperr.Invalid, keyPolicyRequired)
	_, err = f.svc.AcceptInvite(ctx, token, "LuzGomez-2026", true, "2026-01", "192.0.2.3")
	wantErr(t, err, apperr.Invalid, keyPwPersonal)

	acc, err := f.svc.AcceptInvite(ctx, token, newPassword, true, "2026-01", "192.0.2.3")
	if err != nil {
		t.Fatal(err)
	}
	if !acc.HasPassword || acc.EmailVerifiedAt == nil {
		t.Fatalf("accepted user = %+v", acc)
	}
	if n := f.count(t, `SELECT count(*) FROM consents WHERE user_id = $1 AND ip = '192.0.2.3'`, u.ID); n != 1 {
		t.Fatalf("%d consents, want 1", n)
	}
	if _, err := f.svc.Authenticate(ctx, u.Email, newPassword, ""); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.InviteeByToken(ctx, token)
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)
	_, err = f.svc.AcceptInvite(ctx, token, "otra frase larga para probar", true, "2026-01", "")
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)
	err = f.svc.ResendInvite(ctx, staff, u.ID)
	wantErr(t, err, apperr.Conflict, keyInviteAccepted)
}

func TestInviteValidatesRoleScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	w := f.workshop(t, "calzado-uno")
	tests := []struct {
		name  string
		in    InviteInput
		field string
		key   string
	}{
		{"lead without workshop", InviteInput{Role: RoleLead}, "workshops", keyLeadNeedsWorkshop},
		{"lead of unknown workshop", InviteInput{Role: RoleLead, WorkshopIDs: []int64{w + 100}}, "workshops", keyWorkshopUnknown},
		{"corporate without company", InviteInput{Role: RoleCorporate}, "company", keyCorpNeedsCompany},
		{"corporate of unknown company", InviteInput{Role: RoleCorporate, CompanyID: 404}, "company", keyCompanyUnknown},
		{"no such role", InviteInput{Role: "owner"}, "role", keyRoleInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Email, tt.in.Name = "x@example.org", "X"
			_, err := f.svc.Invite(ctx, staff, tt.in)
			if apperr.CodeOf(err) != apperr.Invalid || apperr.FieldsOf(err)[tt.field] != tt.key {
				t.Fatalf("Invite = %v, want field %s = %s", err, tt.field, tt.key)
			}
		})
	}
	if n := f.count(t, `SELECT count(*) FROM users`) + f.count(t, `SELECT count(*) FROM test_outbox`); n != 0 {
		t.Fatalf("refused invitations left %d rows", n)
	}
}

func TestResendInviteRetiresOldLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	c, err := f.svc.CreateCompany(ctx, staff, "Uniformes Prueba S.A.S.", "900.123.456-8")
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.svc.Invite(ctx, staff, InviteInput{Email: "compras@example.org", Name: "Compras", Role: RoleCorporate, CompanyID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if u.CompanyID == nil || *u.CompanyID != c.ID {
		t.Fatalf("company = %v, want %d", u.CompanyID, c.ID)
	}
	old := f.lastToken(t, u.Email, PurposeInvite, "es")
	f.clock.Add(6 * 24 * time.Hour)
	if err := f.svc.ResendInvite(ctx, staff, u.ID); err != nil {
		t.Fatal(err)
	}
	fresh := f.lastToken(t, u.Email, PurposeInvite, "es")
	_, err = f.svc.InviteeByToken(ctx, old)
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)
	f.clock.Add(6 * 24 * time.Hour) // past the first link's 7 days, within the new one's
	if _, err := f.svc.AcceptInvite(ctx, fresh, newPassword, true, "2026-01", ""); err != nil {
		t.Fatal(err)
	}
}

func TestInviteLinkExpiresAfterSevenDays(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u, err := f.svc.Invite(ctx, staff, InviteInput{Email: "x@example.org", Name: "X", Role: RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	token := f.lastToken(t, u.Email, PurposeInvite, "es")
	f.clock.Add(InviteTTL)
	_, err = f.svc.InviteeByToken(ctx, token)
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)
}
