package seed

import (
	"context"
	"slices"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
)

func TestDemoUsersOnePerRoleIdempotent(t *testing.T) {
	t.Parallel()
	conn := dbtest.New(t)
	ctx := context.Background()
	ws := map[string]int64{}
	load := func() {
		t.Helper()
		err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			if len(ws) == 0 {
				for _, w := range Workshops() {
					id, err := catalog.CreateWorkshop(ctx, tx, workshopRow(w))
					if err != nil {
						return err
					}
					ws[w.Slug] = id
				}
			}
			return DemoUsers(ctx, tx, ws)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	load()
	load() // a second run adds nothing

	svc := account.New(conn, nil, account.Options{})
	users, total, err := svc.ListUsers(ctx, account.UserFilter{})
	if err != nil || total != len(DemoAccounts()) {
		t.Fatalf("ListUsers = %d users, %v; want %d", total, err, len(DemoAccounts()))
	}
	var roles []account.Role
	for _, u := range users {
		roles = append(roles, u.Role)
	}
	for _, r := range account.Roles {
		if !slices.Contains(roles, r) {
			t.Errorf("no demo user with role %s", r)
		}
	}
	for _, d := range DemoAccounts() {
		u, err := svc.Authenticate(ctx, d.Email, DemoPassword, "")
		if err != nil {
			t.Fatalf("log in as %s: %v", d.Email, err)
		}
		if u.EmailVerifiedAt == nil {
			t.Errorf("%s is not verified", d.Email)
		}
		switch u.Role {
		case account.RoleLead:
			want, what := ws["calzado-buen-pastor"], "the shoe workshop"
			if d.Email == DemoSewingLead {
				want, what = ws[DemoSewingWorkshop], "the sewing workshop"
			}
			if !u.LeadOf(want) || len(u.WorkshopIDs) != 1 {
				t.Errorf("%s's workshops = %v, want %s %d", d.Email, u.WorkshopIDs, what, want)
			}
		case account.RoleCorporate:
			cs, err := svc.Companies(ctx)
			if err != nil || len(cs) != 1 || u.CompanyID == nil || *u.CompanyID != cs[0].ID || cs[0].Name != DemoCompany {
				t.Errorf("corporate company %v, companies %+v, %v", u.CompanyID, cs, err)
			}
		}
	}
}
