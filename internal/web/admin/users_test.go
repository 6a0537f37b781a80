package admin_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/nit"
	"github.com/libres/storefront/internal/seed"
)

// inviteJobs counts the invitation emails queued for an address.
func inviteJobs(t *testing.T, email string) int {
	t.Helper()
	var n int
	const q = `SELECT count(*) FROM river_job WHERE kind = 'email' AND args->>'to' = $1 AND args->>'template' = 'account_invite'`
	if err := testDB.Get(&n, q, email); err != nil {
		t.Fatal(err)
	}
	return n
}

func userByEmail(t *testing.T, email string) account.User {
	t.Helper()
	u, err := account.UserByEmail(context.Background(), testDB, email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}

func TestInviteLead(t *testing.T) {
	b := admin(t)
	ws := strconv.FormatInt(leadWorkshop(t), 10)
	form := b.mustGet("/admin/users/invite?role=workshop_lead&workshop=" + ws)
	checkAdminPage(t, form, "es", "/admin/users")
	if form.Find(`#f-ws-`+ws+`[checked]`).Length() != 1 || form.Find(`#f-role option[value="workshop_lead"][selected]`).Length() != 1 {
		t.Errorf("invite link from a workshop does not preselect the lead role and the workshop")
	}

	// A lead without a workshop is refused, with what was typed kept.
	bad := b.post("/admin/users/invite", url.Values{"email": {"nueva.lider@example.org"}, "name": {"Nueva Líder"},
		"role": {"workshop_lead"}, "lang": {"en"}})
	if bad.status != http.StatusUnprocessableEntity || bad.Find("#f-workshops-err").Length() != 1 {
		t.Fatalf("lead without workshop = %d, errors %q", bad.status, text(bad.Find(".field-error")))
	}
	if val(bad, "#f-email") != "nueva.lider@example.org" || bad.Find(`#f-lang option[value="en"][selected]`).Length() != 1 {
		t.Errorf("typed values lost")
	}
	if n := inviteJobs(t, "nueva.lider@example.org"); n != 0 {
		t.Errorf("%d invitation jobs after a refused invitation", n)
	}

	page := b.submit("/admin/users/invite", url.Values{"email": {"nueva.lider@example.org"}, "name": {"Nueva Líder"},
		"role": {"workshop_lead"}, "lang": {"es"}, "workshops": {ws}})
	if flash(page) != "Invitación enviada." {
		t.Errorf("flash = %q", flash(page))
	}
	checkAdminPage(t, page, "es", "/admin/users")
	u := userByEmail(t, "nueva.lider@example.org")
	if u.Role != account.RoleLead || u.HasPassword || len(u.WorkshopIDs) != 1 {
		t.Errorf("invited user = %+v", u)
	}
	if n := inviteJobs(t, u.Email); n != 1 {
		t.Errorf("%d invitation jobs, want 1", n)
	}
	if s := text(page.Find(".user-state")); s != "Invitación pendiente" {
		t.Errorf("state = %q", s)
	}
	// Resend queues a second email.
	again := b.submit("/admin/users/"+strconv.FormatInt(u.ID, 10)+"/resend", nil)
	if flash(again) == "" || inviteJobs(t, u.Email) != 2 {
		t.Errorf("resend: flash %q, %d jobs", flash(again), inviteJobs(t, u.Email))
	}
	// The workshop page lists the new lead.
	wp := b.mustGet("/admin/workshops/" + ws)
	if !strings.Contains(text(wp.Find("ul.members")), "nueva.lider@example.org") {
		t.Errorf("workshop members = %q", text(wp.Find("ul.members")))
	}
	// A taken email is a conflict on the email field.
	dup := b.post("/admin/users/invite", url.Values{"email": {"nueva.lider@example.org"}, "name": {"Otra"},
		"role": {"workshop_lead"}, "workshops": {ws}})
	if dup.status != http.StatusConflict || dup.Find("#f-email-err").Length() != 1 {
		t.Errorf("taken email = %d, %q", dup.status, text(dup.Find(".field-error")))
	}
	// Resending to someone who accepted is refused with the reason.
	lead := userByEmail(t, "lead@libres.example")
	refused := b.post("/admin/users/"+strconv.FormatInt(lead.ID, 10)+"/resend", nil)
	if refused.status != http.StatusConflict || !strings.Contains(text(refused.Find(".form-alert")), "ya aceptó") {
		t.Errorf("resend to an accepted invitee = %d, %q", refused.status, text(refused.Find(".form-alert")))
	}
}

func TestInviteCorporateWithNewCompany(t *testing.T) {
	b := admin(t)
	bad := b.post("/admin/users/invite", url.Values{"email": {"compras@empresa.example"}, "name": {"Compras"},
		"role": {"corporate_client"}, "company": {"new"}, "company_name": {"Empresa Prueba S.A.S."}, "company_nit": {"900123456-1"}})
	if bad.status != http.StatusUnprocessableEntity || bad.Find("#f-company_nit-err").Length() != 1 {
		t.Fatalf("bad NIT = %d, %q", bad.status, text(bad.Find(".field-error")))
	}
	if val(bad, "#f-company_name") != "Empresa Prueba S.A.S." || bad.Find(`#f-company option[value="new"][selected]`).Length() != 1 {
		t.Errorf("typed company lost")
	}
	good := nit.NIT{Number: "800111222", DV: nit.CheckDigit("800111222")}.String()
	page := b.submit("/admin/users/invite", url.Values{"email": {"compras@empresa.example"}, "name": {"Compras"},
		"role": {"corporate_client"}, "company": {"new"}, "company_name": {"Empresa Prueba S.A.S."}, "company_nit": {good}})
	u := userByEmail(t, "compras@empresa.example")
	if u.Role != account.RoleCorporate || u.CompanyID == nil {
		t.Fatalf("invited corporate user = %+v", u)
	}
	if !strings.Contains(text(page.Find(".admin-details")), "Empresa Prueba S.A.S.") {
		t.Errorf("user page does not name the company: %q", text(page.Find(".admin-details")))
	}
}

func TestRoleChangeAndDisable(t *testing.T) {
	b := admin(t)
	ctx := context.Background()
	u, err := testSite.Deps.Accounts.CreateUser(ctx, "rotar@example.org", "Rosa Rotar", account.RoleCustomer, seed.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	token, err := testSite.Deps.Accounts.CreateSession(ctx, u.ID, "127.0.0.1", "phone")
	if err != nil {
		t.Fatal(err)
	}
	path := "/admin/users/" + strconv.FormatInt(u.ID, 10)
	ws := strconv.FormatInt(leadWorkshop(t), 10)

	bad := b.post(path+"/role", url.Values{"role": {"workshop_lead"}})
	if bad.status != http.StatusUnprocessableEntity || bad.Find("#f-workshops-err").Length() != 1 ||
		bad.Find(`#f-role option[value="workshop_lead"][selected]`).Length() != 1 {
		t.Errorf("lead without workshop = %d, %q", bad.status, text(bad.Find(".field-error")))
	}
	ok := b.submit(path+"/role", url.Values{"role": {"workshop_lead"}, "workshops": {ws}})
	if flash(ok) != "Rol guardado." || text(ok.Find(".user-role")) != "Líder de taller" {
		t.Errorf("after role change: flash %q role %q", flash(ok), text(ok.Find(".user-role")))
	}

	off := b.submit(path+"/disable", nil)
	if !strings.HasPrefix(text(off.Find(".user-state")), "Desactivada desde") {
		t.Errorf("state after disable = %q", text(off.Find(".user-state")))
	}
	if _, _, err := testSite.Deps.Accounts.SessionUser(ctx, token); err == nil {
		t.Errorf("the disabled user's session still works")
	}
	on := b.submit(path+"/enable", nil)
	if text(on.Find(".user-state")) != "Activa" {
		t.Errorf("state after enable = %q", text(on.Find(".user-state")))
	}

	// An admin cannot disable themselves: the page says why.
	me := userByEmail(t, "admin@libres.example")
	self := b.post("/admin/users/"+strconv.FormatInt(me.ID, 10)+"/disable", nil)
	if self.status != http.StatusUnprocessableEntity || text(self.Find(".form-alert")) != "No puedes desactivar tu propia cuenta." {
		t.Errorf("self-disable = %d, %q", self.status, text(self.Find(".form-alert")))
	}
	checkAdminPage(t, self, "es", "/admin/users")

	audit := b.mustGet("/admin/audit?action=user.&entity_id=" + strconv.FormatInt(u.ID, 10))
	got := text(audit.Find(".audit-action"))
	for _, a := range []string{"user.set_role", "user.disable", "user.enable"} {
		if !strings.Contains(got, a) {
			t.Errorf("audit shows %q, want %s", got, a)
		}
	}
	if first := text(audit.Find(".audit-action").First()); first != "user.enable" {
		t.Errorf("newest first: first row %q", first)
	}
	en := b.mustGet("/admin/audit?lang=en&action=user.disable&actor=admin@libres")
	checkAdminPage(t, en, "en", "/admin/audit")
	if en.Find("table.audit-table tbody tr").Length() == 0 || text(en.Find("h1")) != "Change log" {
		t.Errorf("English audit filtered by action and actor shows nothing")
	}
	if p := b.get("/admin/audit?from=ayer"); p.status != http.StatusUnprocessableEntity || p.Find("#af-from-err").Length() != 1 {
		t.Errorf("bad date filter = %d", p.status)
	}
}

func TestUserListAndCSV(t *testing.T) {
	b := admin(t)
	ctx := context.Background()
	if _, err := testSite.Deps.Accounts.CreateUser(ctx, "formula@example.org", "=HYPERLINK(\"x\")", account.RoleCustomer, seed.DemoPassword); err != nil {
		t.Fatal(err)
	}
	p := b.mustGet("/admin/users?q=formula")
	checkAdminPage(t, p, "es", "/admin/users")
	if rows := p.Find("table.users-table tbody tr"); rows.Length() != 1 || !strings.Contains(text(rows), "formula@example.org") {
		t.Errorf("search rows = %q", text(rows))
	}
	admins := b.mustGet("/admin/users?role=admin")
	admins.Find("table.users-table tbody tr td:nth-child(3)").Each(func(_ int, s *goquery.Selection) {
		if text(s) != "Administración" {
			t.Errorf("role filter shows a %q", text(s))
		}
	})
	if href, _ := p.Find(`a[href^="/admin/users.csv"]`).Attr("href"); href != "/admin/users.csv?q=formula" {
		t.Errorf("CSV link = %q, want the same filter", href)
	}

	res := b.get("/admin/users.csv")
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(res.header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("CSV = %d %q %q", res.status, res.header.Get("Content-Type"), res.header.Get("Content-Disposition"))
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "email,name,role,workshops,company,verified,disabled,created" {
		t.Errorf("header = %v", recs[0])
	}
	found := false
	for _, r := range recs[1:] {
		if r[0] == "formula@example.org" {
			found = true
			if r[1] != `'=HYPERLINK("x")` {
				t.Errorf("formula cell = %q, want it neutralised", r[1])
			}
		}
		if r[0] == "lead@libres.example" && r[3] == "" {
			t.Errorf("lead row has no workshops: %v", r)
		}
	}
	if !found || len(recs) < 5 {
		t.Errorf("CSV rows = %d, formula user found %v", len(recs), found)
	}
}
