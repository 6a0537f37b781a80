package quote

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/nit"
	"github.com/libres/storefront/internal/notify"
)

// Company statuses: only an approved company may request quotes.
const (
	CompanyPending  = "pending"
	CompanyApproved = "approved"
	CompanyRejected = "rejected"
)

// Company is a corporate client as quotes see it.
type Company struct {
	ID             int64      `db:"id"`
	Name           string     `db:"name"`
	NIT            string     `db:"nit"` // as DIAN writes it: 900.123.456-8
	Status         string     `db:"status"`
	BillingAddress string     `db:"billing_address"`
	City           string     `db:"city"`
	ContactName    string     `db:"contact_name"`
	ContactPhone   string     `db:"contact_phone"`
	ContactEmail   string     `db:"contact_email"`
	ApprovedAt     *time.Time `db:"approved_at"`
	ApprovedBy     *int64     `db:"approved_by"`
	RejectedAt     *time.Time `db:"rejected_at"`
	RejectedBy     *int64     `db:"rejected_by"`
	RejectReason   string     `db:"reject_reason"`
	CreatedAt      time.Time  `db:"created_at"`
}

const companyCols = `id, name, nit, status, billing_address, city, contact_name, contact_phone,
	contact_email, approved_at, approved_by, rejected_at, rejected_by, reject_reason, created_at`

// SignUpForm is a company's sign-up, as typed.
type SignUpForm struct {
	Name           string
	NIT            string
	BillingAddress string
	City           string
	ContactName    string
	ContactPhone   string
	ContactEmail   string
}

// clean collapses runs of white space and trims, after dropping what PostgreSQL cannot
// store as text (see plainText).
func clean(s string) string { return strings.Join(strings.Fields(plainText(s)), " ") }

// plainText drops invalid UTF-8 and control characters other than line breaks and tabs:
// PostgreSQL refuses invalid UTF-8 and NUL in text, which would turn a stray byte in a
// form into a 500 instead of a saved request (found by FuzzRequestForm).
func plainText(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// Validate checks the form; the NIT must carry its right DIAN check digit.
func (f *SignUpForm) Validate() error {
	_, err := f.parse()
	return err
}

func (f *SignUpForm) parse() (nit.NIT, error) {
	fe := map[string]string{}
	need := func(field, v string, max int, key string) {
		if n := utf8.RuneCountInString(v); n == 0 || n > max {
			fe[field] = key
		}
	}
	f.Name, f.BillingAddress, f.City = clean(f.Name), clean(f.BillingAddress), clean(f.City)
	f.ContactName, f.ContactPhone, f.ContactEmail = clean(f.ContactName), clean(f.ContactPhone), clean(f.ContactEmail)
	need("name", f.Name, 200, "quote.company.name_required")
	need("billing_address", f.BillingAddress, 300, "quote.company.address_required")
	need("city", f.City, 100, "quote.company.city_required")
	need("contact_name", f.ContactName, 200, "quote.company.contact_required")
	if d := strings.Map(keepDigits, f.ContactPhone); len(d) < 7 || len(d) > 15 {
		fe["contact_phone"] = "quote.company.phone_invalid"
	}
	if f.ContactEmail != "" && (!strings.Contains(f.ContactEmail, "@") || len(f.ContactEmail) > 254) {
		fe["contact_email"] = "quote.company.email_invalid"
	}
	n, err := nit.Parse(f.NIT)
	switch {
	case errors.Is(err, nit.ErrCheckDigit):
		fe["nit"] = "quote.company.nit_check_digit"
	case err != nil:
		fe["nit"] = "quote.company.nit_format"
	}
	if len(fe) > 0 {
		return nit.NIT{}, apperr.Fields(fe)
	}
	return n, nil
}

func keepDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// SignUpCompany records a company that asked to become a corporate client; it stays
// pending (no quotes) until staff approve it.
func (s *Service) SignUpCompany(ctx context.Context, in SignUpForm) (Company, error) {
	if _, err := in.parse(); err != nil {
		return Company{}, err
	}
	var c Company
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		c, err = s.SignUpCompanyTx(ctx, tx, in)
		return err
	})
	return c, err
}

// SignUpCompanyTx is SignUpCompany inside the caller's transaction, so the company's
// first user can be created with it (the corporate sign-up page); staff are emailed
// that a company waits for approval, in the same transaction.
func (s *Service) SignUpCompanyTx(ctx context.Context, tx *sqlx.Tx, in SignUpForm) (Company, error) {
	n, err := in.parse()
	if err != nil {
		return Company{}, err
	}
	const ins = `INSERT INTO companies (name, nit, status, billing_address, city, contact_name, contact_phone, contact_email)
		VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7) RETURNING ` + companyCols
	var c Company
	if err := sqlx.GetContext(ctx, tx, &c, ins, in.Name, n.String(), in.BillingAddress, in.City,
		in.ContactName, in.ContactPhone, in.ContactEmail); err != nil {
		if db.Constraint(err) == "companies_nit_key" {
			return Company{}, &apperr.Error{Code: apperr.Conflict, Key: "quote.company.nit_taken",
				Fields: map[string]string{"nit": "quote.company.nit_taken"}, Err: err}
		}
		return Company{}, fmt.Errorf("sign up company %s: %w", n, db.Translate(err))
	}
	if err := audit.Record(ctx, tx, audit.Entry{Action: "company.sign_up", Entity: "company",
		EntityID: strconv.FormatInt(c.ID, 10), Summary: c.Name + " " + c.NIT, After: c}); err != nil {
		return Company{}, err
	}
	return c, s.mailSignUp(ctx, tx, c)
}

// mailSignUp tells staff a company waits for approval (template company_signup). Without
// a mailer or a public origin for the link (tools, domain tests) it sends nothing.
func (s *Service) mailSignUp(ctx context.Context, tx *sqlx.Tx, c Company) error {
	if s.Mail == nil || s.BaseURL == "" {
		return nil
	}
	rs, err := s.staffRecipients(ctx, tx)
	if err != nil {
		return err
	}
	for _, r := range rs {
		m := notify.Message{To: r.Email, Lang: r.Lang, Template: "company_signup", Data: map[string]any{
			"Name": c.Name, "NIT": c.NIT, "City": c.City, "ContactName": c.ContactName,
			"ContactPhone": c.ContactPhone, "ContactEmail": c.ContactEmail, "Link": s.BaseURL + "/admin/companies"}}
		if err := s.Mail.Enqueue(ctx, tx, m); err != nil {
			return fmt.Errorf("company %s: enqueue sign-up email: %w", c.NIT, err)
		}
	}
	return nil
}

// Company returns a company by id.
func (s *Service) Company(ctx context.Context, id int64) (Company, error) {
	var c Company
	if err := sqlx.GetContext(ctx, s.db, &c, `SELECT `+companyCols+` FROM companies WHERE id = $1`, id); err != nil {
		return Company{}, fmt.Errorf("company %d: %w", id, db.Translate(err))
	}
	return c, nil
}

// ApproveCompany lets a pending (or earlier rejected) company request quotes.
func (s *Service) ApproveCompany(ctx context.Context, actor audit.Actor, id int64) (Company, error) {
	const upd = `UPDATE companies SET status = '` + CompanyApproved + `', approved_at = $2, approved_by = $3,
		rejected_at = NULL, rejected_by = NULL, reject_reason = ''
		WHERE id = $1 RETURNING ` + companyCols
	return s.decideCompany(ctx, actor, id, "company.approve", upd, s.now(), nullID(actor.ID))
}

// RejectCompany refuses a pending company; an approved one is not rejected (its quotes
// would be stranded): staff cancel its work instead.
func (s *Service) RejectCompany(ctx context.Context, actor audit.Actor, id int64, reason string) (Company, error) {
	const upd = `UPDATE companies SET status = '` + CompanyRejected + `', rejected_at = $2, rejected_by = $3, reject_reason = $4
		WHERE id = $1 RETURNING ` + companyCols
	return s.decideCompany(ctx, actor, id, "company.reject", upd, s.now(), nullID(actor.ID), clean(reason))
}

func (s *Service) decideCompany(ctx context.Context, actor audit.Actor, id int64, action, upd string, args ...any) (Company, error) {
	var before, after Company
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		const sel = `SELECT ` + companyCols + ` FROM companies WHERE id = $1 FOR UPDATE`
		if err := sqlx.GetContext(ctx, tx, &before, sel, id); err != nil {
			return fmt.Errorf("%s %d: %w", action, id, db.Translate(err))
		}
		want := CompanyApproved
		if action == "company.reject" {
			want = CompanyRejected
		}
		if before.Status == want || (want == CompanyRejected && before.Status == CompanyApproved) {
			return apperr.New(apperr.Conflict, "quote.company.already_decided")
		}
		if err := sqlx.GetContext(ctx, tx, &after, upd, append([]any{id}, args...)...); err != nil {
			return fmt.Errorf("%s %d: %w", action, id, db.Translate(err))
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: action, Entity: "company",
			EntityID: strconv.FormatInt(id, 10), Summary: after.Name + " " + after.NIT, Before: before, After: after})
	})
	return after, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
