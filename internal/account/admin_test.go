package account

import (
	"context"
	"slices"
	"testing"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
)

func TestCreateUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u, err := f.svc.CreateUser(ctx, "jefa@example.org", "Jefa", RoleAdmin, strongPassword)
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsAdmin() || !u.HasPassword || u.EmailVerifiedAt == nil {
		t.Fatalf("created user = %+v", u)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'user.create' AND actor_id IS NULL`); n != 1 {
		t.Fatalf("%d audit entries, want 1", n)
	}
	tests := []struct {
		name, email, pw string
		role            Role
		code            apperr.Code
		key             string
	}{
		{"taken", "JEFA@example.org", strongPassword, RoleAdmin, apperr.Conflict, keyEmailTaken},
		{"weak", "otra@example.org", "admin12345", RoleAdmin, apperr.Invalid, keyPwCommon},
		{"lead needs workshops", "otra@example.org", strongPassword, RoleLead, apperr.Invalid, keyLeadNeedsWorkshop},
		{"bad role", "otra@example.org", strongPassword, "root", apperr.Invalid, keyRoleInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.CreateUser(ctx, tt.email, "Otra", tt.role, tt.pw)
			wantErr(t, err, tt.code, tt.key)
		})
	}
}

func TestSetRoleAndMemberships(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	w1, w2 := f.workshop(t, "calzado-uno"), f.workshop(t, "confeccion-dos")
	admin, err := f.svc.CreateUser(ctx, "jefa@example.org", "Jefa", RoleAdmin, strongPassword)
	if err != nil {
		t.Fatal(err)
	}
	actor := audit.Actor{ID: admin.ID, Email: admin.Email}
	u := f.register(t, "ana@example.org")

	if err := f.svc.SetRole(ctx, actor, u.ID, RoleLead, []int64{w1}, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetMemberships(ctx, actor, u.ID, []int64{w2, w1}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.svc.UserByID(ctx, u.ID)
	if got.Role != RoleLead || !slices.Equal(got.WorkshopIDs, []int64{w1, w2}) {
		t.Fatalf("after SetRole+SetMemberships: %+v", got)
	}
	c, err := CreateCompany(ctx, f.db, "Uniformes Prueba S.A.S.", "900123456-8")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetRole(ctx, actor, u.ID, RoleCorporate, nil, c.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = f.svc.UserByID(ctx, u.ID)
	if got.Role != RoleCorporate || len(got.WorkshopIDs) != 0 || got.CompanyID == nil || *got.CompanyID != c.ID {
		t.Fatalf("after SetRole corporate: %+v", got)
	}
	if err := f.svc.SetRole(ctx, actor, u.ID, RoleCustomer, nil, 0); err != nil {
		t.Fatal(err)
	}
	got, _ = f.svc.UserByID(ctx, u.ID)
	if got.CompanyID != nil {
		t.Fatalf("customer kept company %d", *got.CompanyID)
	}
	err = f.svc.SetMemberships(ctx, actor, u.ID, []int64{w1})
	wantErr(t, err, apperr.Invalid, keyNotLead)
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE actor_id = $1 AND entity_id = $2 AND before IS NOT NULL AND after IS NOT NULL`,
		admin.ID, idStr(u.ID)); n != 4 {
		t.Fatalf("%d audit entries with before/after, want 4", n)
	}

	// Admins cannot lock themselves out.
	wantErr(t, f.svc.SetRole(ctx, actor, admin.ID, RoleCustomer, nil, 0), apperr.Invalid, keySelfDemote)
	wantErr(t, f.svc.SetDisabled(ctx, actor, admin.ID, true), apperr.Invalid, keySelfDisable)
	wantErr(t, f.svc.SetRole(ctx, actor, 12345, RoleCustomer, nil, 0), apperr.NotFound, keyUserNotFound)
}

func TestListUsers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	for _, e := range []string{"ana@example.org", "beto@example.org", "carla@otro.example"} {
		f.register(t, e)
	}
	if _, err := f.svc.CreateUser(ctx, "jefa@example.org", "Jefa Ruiz", RoleAdmin, strongPassword); err != nil {
		t.Fatal(err)
	}
	beto, _ := UserByEmail(ctx, f.db, "BETO@example.org")
	if err := f.svc.SetDisabled(ctx, staff, beto.ID, true); err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	tests := []struct {
		name  string
		f     UserFilter
		want  []string
		total int
	}{
		{"all", UserFilter{}, []string{"ana@example.org", "beto@example.org", "carla@otro.example", "jefa@example.org"}, 4},
		{"query email", UserFilter{Query: "OTRO"}, []string{"carla@otro.example"}, 1},
		{"query name", UserFilter{Query: "ruiz"}, []string{"jefa@example.org"}, 1},
		{"query is not a pattern", UserFilter{Query: "%"}, nil, 0},
		{"role", UserFilter{Role: RoleAdmin}, []string{"jefa@example.org"}, 1},
		{"disabled", UserFilter{Disabled: &yes}, []string{"beto@example.org"}, 1},
		{"enabled customers", UserFilter{Role: RoleCustomer, Disabled: &no}, []string{"ana@example.org", "carla@otro.example"}, 2},
		{"page 2", UserFilter{PerPage: 3, Page: 2}, []string{"jefa@example.org"}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			us, total, err := f.svc.ListUsers(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range us {
				got = append(got, u.Email)
			}
			if !slices.Equal(got, tt.want) || total != tt.total {
				t.Fatalf("ListUsers = %v (%d), want %v (%d)", got, total, tt.want, tt.total)
			}
		})
	}
}

func TestCompanies(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	c, err := f.svc.CreateCompany(ctx, staff, " Uniformes   Prueba S.A.S. ", "900 123 456 8")
	if err != nil {
		t.Fatal(err)
	}
	if c.NIT != "900.123.456-8" || c.Name != "Uniformes Prueba S.A.S." {
		t.Fatalf("company = %+v", c)
	}
	_, err = f.svc.CreateCompany(ctx, staff, "Otra", "900123456-8")
	wantErr(t, err, apperr.Conflict, keyCompanyNITTaken)
	_, err = f.svc.CreateCompany(ctx, staff, "Otra", "900123456-1")
	wantErr(t, err, apperr.Invalid, keyCompanyNITDigit)
	_, err = f.svc.CreateCompany(ctx, staff, "", "12")
	wantErr(t, err, apperr.Invalid, keyCompanyNITFormat)
	cs, err := f.svc.Companies(ctx)
	if err != nil || len(cs) != 1 || cs[0].ID != c.ID {
		t.Fatalf("Companies = %+v, %v", cs, err)
	}
	if got, err := CompanyByNIT(ctx, f.db, "9001234568"); err != nil || got.ID != c.ID {
		t.Fatalf("CompanyByNIT = %+v, %v", got, err)
	}
}
