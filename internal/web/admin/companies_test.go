package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/quote"
)

// checkQuotesPage is checkAdminPage for the quotes area, whose messages come from other
// catalogs too.
func checkQuotesPage(t *testing.T, p page, lang, section string) {
	t.Helper()
	checkAdminPage(t, p, lang, section)
	if m := text(p.Find("main")); strings.Contains(m, "quote.") || strings.Contains(m, "adminorders.") {
		t.Errorf("untranslated key in page: %q", m)
	}
}

// companyCard is a company's card in the list.
func companyCard(p page, id int64) *goquery.Selection {
	return p.Find("#company-" + strconv.FormatInt(id, 10))
}

func companyStatus(t *testing.T, id int64) string {
	t.Helper()
	c, err := testSite.Deps.Quotes.Company(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

func TestCompaniesApproveReject(t *testing.T) {
	b := admin(t)
	good, bad := signUp(t, "Confecciones Buenas S.A.S."), signUp(t, "Dudosa Ltda.")
	path := func(c quote.Company, action string) string {
		return "/admin/companies/" + strconv.FormatInt(c.ID, 10) + "/" + action
	}

	dash := b.mustGet("/admin")
	n, err := strconv.Atoi(strings.TrimPrefix(text(dash.Find(`a[href="/admin/companies?status=pending"]`)), "Empresas por aprobar: "))
	if err != nil || n < 2 || dash.Find(`a[href="/admin/quotes?status=requested"]`).Length() != 1 {
		t.Errorf("dashboard: companies to approve %q, quotes link %d", text(dash.Find(`a[href="/admin/companies?status=pending"]`)),
			dash.Find(`a[href="/admin/quotes?status=requested"]`).Length())
	}

	p := b.mustGet("/admin/companies?status=pending")
	checkQuotesPage(t, p, "es", "/admin/companies")
	card := companyCard(p, good.ID)
	if text(card.Find(".company-nit")) != good.NIT || text(card.Find(".company-status")) != "Por aprobar" ||
		card.Find(`form[action$="/approve"]`).Length() != 1 || card.Find("form.reject-form").Length() != 1 {
		t.Errorf("pending card: %q", text(card))
	}
	if p.Find(".company .company-status").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return text(s) != "Por aprobar"
	}).Length() != 0 {
		t.Errorf("the pending filter lists companies that are not pending")
	}
	// Pending companies come before the decided ones in the full list.
	all := b.mustGet("/admin/companies")
	var statuses []string
	all.Find(".company .company-status").Each(func(_ int, s *goquery.Selection) { statuses = append(statuses, text(s)) })
	seenDecided := false
	for _, s := range statuses {
		if s != "Por aprobar" {
			seenDecided = true
		} else if seenDecided {
			t.Fatalf("a pending company comes after a decided one: %v", statuses)
		}
	}

	// A rejection needs its reason; the list comes back with the error on that card.
	res := b.post(path(bad, "reject"), url.Values{"reason": {""}})
	if res.status != http.StatusUnprocessableEntity || companyCard(res, bad.ID).Find(".field-error").Length() != 1 {
		t.Errorf("reject without reason = %d, %q", res.status, text(res.Find(".field-error")))
	}
	checkQuotesPage(t, res, "es", "/admin/companies")
	if companyStatus(t, bad.ID) != quote.CompanyPending {
		t.Fatalf("the refused rejection changed the company")
	}
	done := b.submit(path(bad, "reject"), url.Values{"reason": {"El NIT no corresponde a la razón social"}})
	card = companyCard(done, bad.ID)
	if flash(done) != "Empresa rechazada." || text(card.Find(".company-status")) != "Rechazada" ||
		text(card.Find(".company-reason")) != "El NIT no corresponde a la razón social" || card.Find("form.reject-form").Length() != 0 {
		t.Errorf("after reject: flash %q, card %q", flash(done), text(card))
	}

	ok := b.submit(path(good, "approve"), nil)
	if flash(ok) == "" || text(companyCard(ok, good.ID).Find(".company-status")) != "Aprobada" ||
		companyCard(ok, good.ID).Find("form").Length() != 0 || companyStatus(t, good.ID) != quote.CompanyApproved {
		t.Errorf("after approve: %q", text(companyCard(ok, good.ID)))
	}
	// Approving twice (another admin did it first) is refused with the reason.
	again := b.post(path(good, "approve"), nil)
	if again.status != http.StatusConflict || text(again.Find(".form-alert")) == "" {
		t.Errorf("second approval = %d, alert %q", again.status, text(again.Find(".form-alert")))
	}
	en := b.mustGet("/admin/companies?lang=en&status=approved")
	checkQuotesPage(t, en, "en", "/admin/companies")
	if text(companyCard(en, good.ID).Find(".company-status")) != "Approved" {
		t.Errorf("English status %q", text(companyCard(en, good.ID).Find(".company-status")))
	}

	for _, email := range []string{"lead@libres.example", "empresa@libres.example"} {
		o := loginAs(t, email)
		if p := o.get("/admin/companies"); p.status != http.StatusForbidden {
			t.Errorf("companies as %s = %d", email, p.status)
		}
	}
}

// Every status, garment and size a quote page can name has its words in both languages.
func TestQuoteNamesHaveMessages(t *testing.T) {
	var keys []string
	for _, s := range quote.Statuses {
		keys = append(keys, "admin.quotes.status."+string(s))
	}
	for _, g := range quote.Garments {
		keys = append(keys, "admin.quotes.garment."+g)
	}
	for _, c := range quote.Customisations {
		keys = append(keys, "admin.quotes.customisation."+c)
	}
	for _, s := range quote.Sizes {
		keys = append(keys, "admin.quotes.size."+s)
	}
	for _, s := range []string{quote.CompanyPending, quote.CompanyApproved, quote.CompanyRejected} {
		keys = append(keys, "admin.companies.status."+s)
	}
	for _, k := range []quote.PaymentKind{quote.PaymentDeposit, quote.PaymentBalance} {
		keys = append(keys, "admin.quotes.payment.kind."+string(k))
	}
	for _, s := range []quote.PaymentStatus{quote.PaymentPending, quote.PaymentPaid, quote.PaymentFailed, quote.PaymentExpired} {
		keys = append(keys, "admin.quotes.payment.status."+string(s))
	}
	for _, k := range keys {
		for _, lang := range []string{"es", "en"} {
			if got := testSite.Kit.T(lang, k); got == k || got == "" {
				t.Errorf("%s has no %s message", k, lang)
			}
		}
	}
}
