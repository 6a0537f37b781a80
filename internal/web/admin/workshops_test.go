package admin_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestDashboard(t *testing.T) {
	b := admin(t)
	p := b.mustGet("/admin")
	checkAdminPage(t, p, "es", "/admin")
	if h := text(p.Find("h1")); h != "Administración" {
		t.Errorf("h1 = %q", h)
	}
	if n := p.Find(".admin-counts li").Length(); n < 7 {
		t.Errorf("%d counts, want products by 3 statuses and users by 4 roles and pending", n)
	}
	if href, _ := p.Find(`a[href="/admin/users?role=admin"]`).Attr("href"); href == "" {
		t.Errorf("no link to the admins")
	}

	en := b.mustGet("/admin?lang=en")
	checkAdminPage(t, en, "en", "/admin")
	if h := text(en.Find("h1")); h != "Administration" {
		t.Errorf("English h1 = %q", h)
	}
	if href, _ := en.Find(".bo-nav a").Eq(1).Attr("href"); href != "/admin/workshops?lang=en" {
		t.Errorf("English nav keeps ?lang: %q", href)
	}
}

func TestOnlyAdminsGetIn(t *testing.T) {
	if p := loginAs(t, "lead@libres.example").get("/admin/users"); p.status != http.StatusForbidden {
		t.Errorf("lead GET /admin/users = %d, want 403", p.status)
	}
	if p := loginAs(t, "cliente@libres.example").post("/admin/workshops", url.Values{"name": {"X"}}); p.status != http.StatusForbidden {
		t.Errorf("customer POST /admin/workshops = %d, want 403", p.status)
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(testURL + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
		t.Errorf("visitor GET /admin = %d → %q, want login", res.StatusCode, loc)
	}
}

// workshopForm is a valid new workshop.
func workshopForm(name string) url.Values {
	return url.Values{"name": {name}, "facility": {"EPMSC Bucaramanga"}, "facility_kind": {"prison"},
		"city": {"Bucaramanga"}, "department": {"Santander"}, "craft_es": {"Marroquinería"}, "craft_en": {"Leatherwork"},
		"story_es": {"Un taller de prueba."}, "active": {"1"}}
}

func TestWorkshopCreateListEdit(t *testing.T) {
	b := admin(t)
	created := b.submit("/admin/workshops", workshopForm("Taller Prueba Admin"))
	if f := flash(created); f != "Taller creado." {
		t.Errorf("flash = %q", f)
	}
	checkAdminPage(t, created, "es", "/admin/workshops")
	if v := val(created, `input[name="slug"]`); v != "taller-prueba-admin" {
		t.Errorf("slug made from the name = %q", v)
	}
	if text(created.Find("#h-members")) == "" || created.Find(`a[href*="/admin/users/invite?role=workshop_lead&workshop="]`).Length() != 1 {
		t.Errorf("edit page has no members section with an invite link")
	}

	// An inactive one is listed too, marked so.
	f := workshopForm("Taller Cerrado Admin")
	f.Del("active")
	b.submit("/admin/workshops", f)
	list := b.mustGet("/admin/workshops")
	checkAdminPage(t, list, "es", "/admin/workshops")
	rows := map[string]string{}
	list.Find("table.workshops-table tbody tr").Each(func(_ int, tr *goquery.Selection) {
		rows[text(tr.Find("th"))] = text(tr.Find(".status"))
	})
	if rows["Taller Prueba Admin"] != "Activo" || rows["Taller Cerrado Admin"] != "Inactivo" {
		t.Errorf("workshop list states = %v", rows)
	}

	// Edit: the consent record needs a date and who recorded it.
	id := workshopID(t, "taller-prueba-admin")
	path := "/admin/workshops/" + strconv.FormatInt(id, 10)
	f = workshopForm("Taller Prueba Admin")
	f.Set("city", "Girón")
	f.Set("consent_first_names", "1")
	bad := b.post(path, f)
	if bad.status != http.StatusUnprocessableEntity || bad.Find("#f-consent_recorded_on-err").Length() != 1 ||
		bad.Find("#f-consent_recorded_by-err").Length() != 1 {
		t.Fatalf("consent without a record = %d, errors %q", bad.status, text(bad.Find(".field-error")))
	}
	if val(bad, `input[name="city"]`) != "Girón" || bad.Find(`input[name="consent_first_names"][checked]`).Length() != 1 {
		t.Errorf("typed values lost on re-render")
	}
	f.Set("consent_recorded_on", "2026-01-15")
	f.Set("consent_recorded_by", "Trabajadora social")
	saved := b.submit(path, f)
	if flash(saved) != "Cambios del taller guardados." || val(saved, `input[name="city"]`) != "Girón" ||
		saved.Find(`input[name="consent_first_names"][checked]`).Length() != 1 {
		t.Errorf("after save: flash %q, city %q", flash(saved), val(saved, `input[name="city"]`))
	}

	audit := b.mustGet("/admin/audit?entity=workshop&entity_id=" + strconv.FormatInt(id, 10))
	checkAdminPage(t, audit, "es", "/admin/audit")
	actions := text(audit.Find(".audit-action"))
	if !strings.Contains(actions, "workshop.update") || !strings.Contains(actions, "workshop.create") {
		t.Errorf("audit actions = %q", actions)
	}
	if a := text(audit.Find(".audit-actor").First()); a != "admin@libres.example" {
		t.Errorf("audit actor = %q", a)
	}
	if pre := text(audit.Find("details.audit-diff pre")); !strings.Contains(pre, "Girón") {
		t.Errorf("audit before/after = %q, want the new city", pre)
	}
}

func TestWorkshopDuplicateSlugKeepsValues(t *testing.T) {
	b := admin(t)
	var taken string
	if err := testDB.Get(&taken, `SELECT slug FROM workshops ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	f := workshopForm("Otro Taller")
	f.Set("slug", taken)
	p := b.post("/admin/workshops", f)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate slug = %d, want 422", p.status)
	}
	checkAdminPage(t, p, "es", "/admin/workshops")
	if msg := text(p.Find("#f-slug-err")); msg != "Otro taller ya usa esta dirección web. Escoge otra." {
		t.Errorf("slug error = %q", msg)
	}
	if inv, _ := p.Find("#f-slug").Attr("aria-invalid"); inv != "true" {
		t.Errorf("slug input not marked invalid")
	}
	if val(p, "#f-name") != "Otro Taller" || val(p, "#f-slug") != taken || text(p.Find("#f-story_es")) != "Un taller de prueba." {
		t.Errorf("typed values lost: name %q slug %q", val(p, "#f-name"), val(p, "#f-slug"))
	}
	if text(p.Find(".form-alert")) == "" {
		t.Errorf("no summary alert")
	}

	en := b.post("/admin/workshops?lang=en", f)
	if msg := text(en.Find("#f-slug-err")); en.status != http.StatusUnprocessableEntity || msg == "" || strings.Contains(msg, "Escoge") {
		t.Errorf("English duplicate slug = %d %q", en.status, msg)
	}
}

func TestWorkshopMembersAndNotFound(t *testing.T) {
	b := admin(t)
	p := b.mustGet("/admin/workshops/" + strconv.FormatInt(leadWorkshop(t), 10))
	if m := text(p.Find("ul.members")); !strings.Contains(m, "lead@libres.example") {
		t.Errorf("members = %q, want the demo lead", m)
	}
	for _, path := range []string{"/admin/workshops/999999", "/admin/workshops/abc", "/admin/categories/999999", "/admin/users/999999"} {
		if p := b.get(path); p.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, p.status)
		}
	}
	if p := b.post("/admin/workshops/999999", workshopForm("Nadie")); p.status != http.StatusNotFound {
		t.Errorf("POST unknown workshop = %d, want 404", p.status)
	}
}

func TestCategories(t *testing.T) {
	b := admin(t)
	form := url.Values{"name_es": {"Juguetes de prueba"}, "name_en": {"Test toys"}, "description_es": {"Hechos a mano."}, "position": {"90"}}
	list := b.submit("/admin/categories", form)
	checkAdminPage(t, list, "es", "/admin/categories")
	if flash(list) != "Categoría creada." || !strings.Contains(text(list.Find("table.categories-table")), "Juguetes de prueba") {
		t.Fatalf("after create: flash %q, list %q", flash(list), text(list.Find("table")))
	}
	dup := b.post("/admin/categories", form)
	if dup.status != http.StatusUnprocessableEntity || dup.Find("#f-slug_es-err, #f-slug_en-err").Length() == 0 {
		t.Errorf("duplicate category = %d, errors %q", dup.status, text(dup.Find(".field-error")))
	}
	if val(dup, "#f-name_en") != "Test toys" || val(dup, "#f-position") != "90" {
		t.Errorf("typed values lost")
	}
	href, _ := list.Find(`table.categories-table a:contains("Juguetes de prueba")`).Attr("href")
	edit := b.mustGet(href)
	if val(edit, "#f-slug_es") != "juguetes-de-prueba" {
		t.Errorf("edit form slug = %q", val(edit, "#f-slug_es"))
	}
	form.Set("name_es", "Juguetes")
	form.Set("slug_es", "juguetes")
	form.Set("slug_en", "test-toys")
	form.Set("position", "-1")
	if bad := b.post(href, form); bad.status != http.StatusUnprocessableEntity || bad.Find("#f-position-err").Length() != 1 {
		t.Errorf("bad position = %d", bad.status)
	}
	form.Set("position", "91")
	after := b.submit(href, form)
	if flash(after) != "Cambios de la categoría guardados." || !strings.Contains(text(after.Find("table")), "Juguetes") {
		t.Errorf("after update: %q", flash(after))
	}
}
