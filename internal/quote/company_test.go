package quote

import (
	"context"
	"testing"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/nit"
)

func TestSignUpFormNIT(t *testing.T) {
	for _, valid := range []string{"800.197.268-4", "900.123.456-8", "8001972684", "900 123 456 8"} {
		if _, err := nit.Parse(valid); err != nil {
			t.Fatalf("nit.Parse(%q) = %v: the test's known-valid NIT is not valid", valid, err)
		}
	}
	base := SignUpForm{Name: "Confecciones SAS", BillingAddress: "Cra 7 # 12-34", City: "Cali",
		ContactName: "Luis", ContactPhone: "3105551234"}
	tests := []struct {
		nit  string
		want string // field message key; "" for valid
	}{
		{"800.197.268-4", ""},
		{"900.123.456-8", ""},
		{"800.197.268-5", "quote.company.nit_check_digit"},
		{"900.123.456-7", "quote.company.nit_check_digit"},
		{"900-123-456-X", "quote.company.nit_format"},
		{"12345", "quote.company.nit_format"},
		{"", "quote.company.nit_format"},
	}
	for _, tc := range tests {
		f := base
		f.NIT = tc.nit
		got := apperr.FieldsOf(f.Validate())["nit"]
		if got != tc.want {
			t.Errorf("NIT %q: field error %q, want %q", tc.nit, got, tc.want)
		}
	}
	f := SignUpForm{NIT: "900.123.456-8"}
	fe := apperr.FieldsOf(f.Validate())
	for _, k := range []string{"name", "billing_address", "city", "contact_name", "contact_phone"} {
		if fe[k] == "" {
			t.Errorf("empty form: no error for %s (%v)", k, fe)
		}
	}
}

func TestCompanyApproval(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "900.123.456-8", false)
	c, err := f.svc.Company(ctx, cid)
	if err != nil || c.Status != CompanyPending || c.NIT != "900.123.456-8" || c.ContactName != "Ana Pérez" {
		t.Fatalf("signed-up company = %+v, %v", c, err)
	}
	_, err = f.svc.Request(ctx, cid, uid, validForm(), nil)
	wantCode(t, err, apperr.Forbidden, "quote.company_pending")

	_, err = f.svc.SignUpCompany(ctx, SignUpForm{Name: "Otra", NIT: "900123456-8", BillingAddress: "x", City: "y",
		ContactName: "z", ContactPhone: "3105551234"})
	wantCode(t, err, apperr.Conflict, "quote.company.nit_taken")

	c, err = f.svc.RejectCompany(ctx, f.staff, cid, "sin RUT")
	if err != nil || c.Status != CompanyRejected || c.RejectReason != "sin RUT" {
		t.Fatalf("reject = %+v, %v", c, err)
	}
	_, err = f.svc.Request(ctx, cid, uid, validForm(), nil)
	wantCode(t, err, apperr.Forbidden, "quote.company_rejected")

	c, err = f.svc.ApproveCompany(ctx, f.staff, cid)
	if err != nil || c.Status != CompanyApproved || c.ApprovedAt == nil || c.ApprovedBy == nil || *c.ApprovedBy != f.staff.ID {
		t.Fatalf("approve = %+v, %v", c, err)
	}
	_, err = f.svc.RejectCompany(ctx, f.staff, cid, "")
	wantCode(t, err, apperr.Conflict, "quote.company.already_decided")
	if _, err := f.svc.Request(ctx, cid, uid, validForm(), nil); err != nil {
		t.Fatalf("approved company's request: %v", err)
	}
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM audit_log WHERE entity = 'company' AND entity_id = $1::text`, cid); err != nil || n != 3 {
		t.Fatalf("company audit entries = %d, %v; want 3 (sign-up, reject, approve; the refused reject writes none)", n, err)
	}
}
