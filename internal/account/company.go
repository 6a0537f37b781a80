package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/nit"
)

// Company is a business whose people order custom clothing (corporate clients). Only
// what invitations need for now; quotes extend it.
type Company struct {
	ID         int64      `db:"id" json:"id"`
	Name       string     `db:"name" json:"name"`
	NIT        string     `db:"nit" json:"nit"` // as DIAN writes it: 900.123.456-7
	ApprovedAt *time.Time `db:"approved_at" json:"approved_at"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
}

// Message keys for companies.
const (
	keyCompanyNameRequired = "account.company.name_required"
	keyCompanyNITFormat    = "account.company.nit_format"
	keyCompanyNITDigit     = "account.company.nit_check_digit"
	keyCompanyNITTaken     = "account.company.nit_taken"
)

// CreateCompany adds a company on q; the NIT must carry its right check digit and is
// stored in DIAN's format, so one company cannot be entered twice in two spellings.
func CreateCompany(ctx context.Context, q db.Querier, name, nitText string) (Company, error) {
	f := fieldErrs{}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || utf8.RuneCountInString(name) > 200 {
		f.add("name", keyCompanyNameRequired)
	}
	n, err := nit.Parse(nitText)
	switch {
	case errors.Is(err, nit.ErrCheckDigit):
		f.add("nit", keyCompanyNITDigit)
	case err != nil:
		f.add("nit", keyCompanyNITFormat)
	}
	if err := f.err(); err != nil {
		return Company{}, err
	}
	const ins = `INSERT INTO companies (name, nit) VALUES ($1, $2)
		RETURNING id, name, nit, approved_at, created_at`
	var c Company
	if err := sqlx.GetContext(ctx, q, &c, ins, name, n.String()); err != nil {
		if db.Constraint(err) == "companies_nit_key" {
			return Company{}, &apperr.Error{Code: apperr.Conflict, Key: keyCompanyNITTaken,
				Fields: map[string]string{"nit": keyCompanyNITTaken}, Err: err}
		}
		return Company{}, fmt.Errorf("create company %s: %w", n, db.Translate(err))
	}
	return c, nil
}

// ListCompanies returns every company by name (for the invitation form).
func ListCompanies(ctx context.Context, q db.Querier) ([]Company, error) {
	cs := []Company{}
	const sel = `SELECT id, name, nit, approved_at, created_at FROM companies ORDER BY name, id`
	if err := sqlx.SelectContext(ctx, q, &cs, sel); err != nil {
		return nil, fmt.Errorf("list companies: %w", db.Translate(err))
	}
	return cs, nil
}

// CompanyByNIT returns the company with that NIT (any spelling), or a not-found error.
func CompanyByNIT(ctx context.Context, q db.Querier, nitText string) (Company, error) {
	n, err := nit.Parse(nitText)
	if err != nil {
		return Company{}, apperr.Wrap(err, apperr.NotFound, "")
	}
	var c Company
	const sel = `SELECT id, name, nit, approved_at, created_at FROM companies WHERE nit = $1`
	if err := sqlx.GetContext(ctx, q, &c, sel, n.String()); err != nil {
		return Company{}, fmt.Errorf("company %s: %w", n, db.Translate(err))
	}
	return c, nil
}

// CreateCompany adds a company as staff, with an audit entry.
func (s *Service) CreateCompany(ctx context.Context, actor audit.Actor, name, nitText string) (Company, error) {
	var c Company
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		if c, err = CreateCompany(ctx, tx, name, nitText); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "company.create", Entity: "company",
			EntityID: idStr(c.ID), Summary: c.Name + " " + c.NIT, After: c})
	})
	return c, err
}

// Companies returns every company by name.
func (s *Service) Companies(ctx context.Context) ([]Company, error) { return ListCompanies(ctx, s.db) }
