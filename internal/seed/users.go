package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/nit"
)

// DemoPassword is the password of every demo account. It is public (README, this
// file), so demo accounts must never exist in a real store; it passes the same strength
// check as anyone's.
const DemoPassword = "Libres-demo-2026!"

// DemoSewingLead runs the demo's sewing workshop (DemoSewingWorkshop), which makes the
// corporate orders.
const DemoSewingLead = "costura@libres.example"

// DemoSewingWorkshop is the slug of the workshop that sews the demo's corporate orders.
const DemoSewingWorkshop = "modisteria-buen-pastor"

// DemoCompany is the corporate client's company in the demo.
const DemoCompany = "Uniformes Demo S.A.S."

// demoNIT is a made-up NIT with its correct check digit.
var demoNIT = nit.NIT{Number: "901234567", DV: nit.CheckDigit("901234567")}.String()

// DemoAccount is one demo account.
type DemoAccount struct {
	Email, Name string
	Role        account.Role
}

// DemoAccounts lists the demo accounts, one per role, then the lead of the sewing
// workshop that makes the demo company's uniforms (DemoSewingLead).
func DemoAccounts() []DemoAccount {
	return []DemoAccount{
		{"admin@libres.example", "Ana Administradora", account.RoleAdmin},
		{"lead@libres.example", "Luz Gómez", account.RoleLead},
		{"empresa@libres.example", "Marta Compras", account.RoleCorporate},
		{"cliente@libres.example", "Camilo Cliente", account.RoleCustomer},
		{DemoSewingLead, "Rosa Martínez", account.RoleLead},
	}
}

// DemoUsers creates the demo accounts on q that do not exist yet (verified, with
// DemoPassword): the lead runs the first shoe workshop of workshopIDs (slug -> id), the
// corporate client belongs to DemoCompany.
func DemoUsers(ctx context.Context, q db.Querier, workshopIDs map[string]int64) error {
	leadOf := int64(0)
	for _, w := range Workshops() {
		if w.CraftEN == "Shoemaking" && workshopIDs[w.Slug] != 0 {
			leadOf = workshopIDs[w.Slug]
			break
		}
	}
	if leadOf == 0 {
		return fmt.Errorf("demo users: no shoe workshop among %d workshops", len(workshopIDs))
	}
	company, err := account.CompanyByNIT(ctx, q, demoNIT)
	if apperr.CodeOf(err) == apperr.NotFound {
		company, err = account.CreateCompany(ctx, q, DemoCompany, demoNIT)
	}
	if err != nil {
		return fmt.Errorf("demo company: %w", err)
	}
	now := time.Now()
	for _, d := range DemoAccounts() {
		_, err := account.UserByEmail(ctx, q, d.Email)
		if err == nil {
			continue
		}
		if apperr.CodeOf(err) != apperr.NotFound {
			return fmt.Errorf("demo user %s: %w", d.Email, err)
		}
		nu := account.NewUser{Email: d.Email, Name: d.Name, Role: d.Role, Lang: "es", Password: DemoPassword}
		switch d.Role {
		case account.RoleLead:
			nu.WorkshopIDs = []int64{leadOf}
			if d.Email == DemoSewingLead {
				if workshopIDs[DemoSewingWorkshop] == 0 {
					continue // a catalog without the sewing workshop
				}
				nu.WorkshopIDs = []int64{workshopIDs[DemoSewingWorkshop]}
			}
		case account.RoleCorporate:
			nu.CompanyID = company.ID
		}
		if _, err := account.Provision(ctx, q, nu, now); err != nil {
			return fmt.Errorf("demo user %s: %w", d.Email, err)
		}
	}
	return nil
}
