package catalog

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
)

func TestProductFormValidate(t *testing.T) {
	valid := func() ProductForm {
		return ProductForm{TitleES: "Bota", CategoryID: "1", WorkshopID: "2", Price: "189.000",
			Variants: []VariantForm{{SKU: "B-38", Size: "38", Stock: "2"}, {SKU: "B-39", Size: "39"}}}
	}
	tests := []struct {
		name  string
		edit  func(*ProductForm)
		field string
		key   string
	}{
		{"missing Spanish title", func(f *ProductForm) { f.TitleES = "  " }, "title_es", "product.title.required"},
		{"1 MB title", func(f *ProductForm) { f.TitleES = strings.Repeat("a", 1<<20) }, "title_es", "product.title.too_long"},
		{"long English title", func(f *ProductForm) { f.TitleEN = strings.Repeat("ñ", 201) }, "title_en", "product.title.too_long"},
		{"long description", func(f *ProductForm) { f.DescES = strings.Repeat("x", 5001) }, "description_es", "product.description.too_long"},
		{"control characters", func(f *ProductForm) { f.TitleES = "a\x00b" }, "title_es", "text.invalid"},
		{"price abc", func(f *ProductForm) { f.Price = "abc" }, "price", "price.invalid"},
		{"price with centavos", func(f *ProductForm) { f.Price = "18.90" }, "price", "price.invalid"},
		{"negative price", func(f *ProductForm) { f.Price = "-5" }, "price", "price.negative"},
		{"huge price", func(f *ProductForm) { f.Price = "999999999999999999999" }, "price", "price.too_high"},
		{"missing price", func(f *ProductForm) { f.Price = "" }, "price", "price.required"},
		{"no category", func(f *ProductForm) { f.CategoryID = "" }, "category_id", "product.category.required"},
		{"bad workshop", func(f *ProductForm) { f.WorkshopID = "x" }, "workshop_id", "product.workshop.unknown"},
		{"unknown tax class", func(f *ProductForm) { f.TaxClass = "zero" }, "tax_class", "product.tax_class.invalid"},
		{"no variants", func(f *ProductForm) { f.Variants = nil }, "variants", "variant.required"},
		{"negative stock", func(f *ProductForm) { f.Variants[1].Stock = "-1" }, "variants.1.stock", "stock.negative"},
		{"stock not a number", func(f *ProductForm) { f.Variants[1].Stock = "2.5" }, "variants.1.stock", "stock.invalid"},
		{"stock too high", func(f *ProductForm) { f.Variants[0].Stock = "100001" }, "variants.0.stock", "stock.too_high"},
		{"SKU missing", func(f *ProductForm) { f.Variants[0].SKU = "" }, "variants.0.sku", "variant.sku.required"},
		{"SKU characters", func(f *ProductForm) { f.Variants[0].SKU = "B 38/ñ" }, "variants.0.sku", "variant.sku.invalid"},
		{"SKU too long", func(f *ProductForm) { f.Variants[0].SKU = strings.Repeat("A", 65) }, "variants.0.sku", "variant.sku.invalid"},
		{"duplicate SKU in form", func(f *ProductForm) { f.Variants[1].SKU = "b-38" }, "variants.1.sku", "variant.sku.duplicate"},
		{"duplicate size and colour", func(f *ProductForm) { f.Variants[1].Size = "38" }, "variants.1.size", "variant.duplicate"},
		{"variant price abc", func(f *ProductForm) { f.Variants[0].Price = "abc" }, "variants.0.price", "price.invalid"},
		{"variant id not a number", func(f *ProductForm) { f.Variants[0].ID = "x" }, "variants.0.id", "variant.unknown"},
		{"version not a number", func(f *ProductForm) { f.Version = "x" }, "version", "product.version.invalid"},
	}
	if err := valid().Validate(); err != nil {
		t.Fatalf("valid form: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := valid()
			tt.edit(&f)
			wantField(t, f.Validate(), tt.field, tt.key)
		})
	}
}

func TestParsePesos(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		key  string
	}{
		{"189000", 18900000, ""},
		{"189.000", 18900000, ""},
		{"$ 189.000", 18900000, ""},
		{"$189.000", 18900000, ""},
		{"1.250.000", 125000000, ""},
		{"189,000", 18900000, ""},
		{"COP 5.000", 500000, ""},
		{"0", 0, ""},
		{"abc", 0, "price.invalid"},
		{"", 0, "price.invalid"},
		{"1.5", 0, "price.invalid"},
		{"1.000,50", 0, "price.invalid"},
		{"12.34.567", 0, "price.invalid"},
		{"-1.000", 0, "price.negative"},
		{"100.000.001", 0, "price.too_high"},
	}
	for _, tt := range tests {
		got, key := ParsePesos(tt.in)
		if got != tt.want || key != tt.key {
			t.Errorf("ParsePesos(%q) = %d, %q; want %d, %q", tt.in, got, key, tt.want, tt.key)
		}
	}
}

func TestCreateProduct(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	id := f.create(t, f.leadA, f.wA, "OX-38", "OX-39")
	p := f.product(t, id)
	if p.Status != StatusDraft || p.Slug != "zapato-oxford-en-cuero" || p.Version != 1 || p.PriceMinor != 18900000 ||
		p.WorkshopID != f.wA || len(p.Variants) != 2 || p.Variants[1].SKU != "OX-39" || p.Variants[1].Stock != 3 {
		t.Errorf("created %+v", p)
	}
	rows, _, err := audit.List(ctx, f.conn, audit.Filter{Action: "product.create", EntityID: strconv.FormatInt(id, 10)})
	if err != nil || len(rows) != 1 || rows[0].WorkshopID == nil || *rows[0].WorkshopID != f.wA {
		t.Errorf("audit = %+v, %v", rows, err)
	}

	// The same title again gets the next free slug.
	id2 := f.create(t, f.leadA, f.wA, "OX2-38")
	if p2 := f.product(t, id2); p2.Slug != "zapato-oxford-en-cuero-2" {
		t.Errorf("second slug = %q", p2.Slug)
	}
	// A product without an English title falls back to Spanish on the shop.
	form := f.form(f.wA, "ES-1")
	form.TitleEN = ""
	id3, err := f.ed.CreateProduct(ctx, f.leadA, f.actor, form)
	if err != nil {
		t.Fatal(err)
	}
	if p3 := f.product(t, id3); p3.Title("en") != form.TitleES {
		t.Errorf("English title falls back: %q", p3.Title("en"))
	}
}

func TestCreateProductRefused(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	f.create(t, f.leadB, f.wB, "TAKEN-1")
	before := f.count(t, `SELECT count(*) FROM products`)
	beforeV := f.count(t, `SELECT count(*) FROM variants`)

	tests := []struct {
		name  string
		scope Scope
		form  func() ProductForm
		field string
		key   string
	}{
		{"lead of A creating in B", f.leadA, func() ProductForm { return f.form(f.wB, "NEW-1") }, "workshop_id", "product.workshop.unknown"},
		{"workshop that does not exist", f.admin, func() ProductForm { return f.form(99999, "NEW-1") }, "workshop_id", "product.workshop.unknown"},
		{"category that does not exist", f.leadA, func() ProductForm {
			pf := f.form(f.wA, "NEW-1")
			pf.CategoryID = "99999"
			return pf
		}, "category_id", "product.category.unknown"},
		{"SKU of another product", f.leadA, func() ProductForm { return f.form(f.wA, "NEW-1", "TAKEN-1") }, "variants.1.sku", "variant.sku.taken"},
		{"duplicate SKU in the form", f.leadA, func() ProductForm { return f.form(f.wA, "NEW-1", "NEW-1") }, "variants.1.sku", "variant.sku.duplicate"},
		{"empty scope", Scope{}, func() ProductForm { return f.form(f.wA, "NEW-1") }, "workshop_id", "product.workshop.unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.ed.CreateProduct(ctx, tt.scope, f.actor, tt.form())
			wantField(t, err, tt.field, tt.key)
			if apperr.KeyOf(err) != "catalog.form.invalid" {
				t.Errorf("key = %q", apperr.KeyOf(err))
			}
		})
	}
	if n := f.count(t, `SELECT count(*) FROM products`); n != before {
		t.Errorf("products: %d, want %d", n, before)
	}
	if n := f.count(t, `SELECT count(*) FROM variants`); n != beforeV {
		t.Errorf("variants: %d, want %d", n, beforeV)
	}
}

func TestScopeHidesOtherWorkshopsProducts(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	idB := f.create(t, f.leadB, f.wB, "B-1")
	f.create(t, f.leadA, f.wA, "A-1")
	formB := f.product(t, idB).Form()

	checks := map[string]error{}
	_, checks["read"] = f.ed.EditorProduct(ctx, f.leadA, idB)
	checks["update"] = f.ed.UpdateProduct(ctx, f.leadA, f.actor, idB, formB)
	checks["status"] = f.ed.SetStatus(ctx, f.leadA, f.actor, idB, StatusArchived, 1)
	checks["missing id"] = f.ed.UpdateProduct(ctx, f.leadA, f.actor, 987654, formB)
	for name, err := range checks {
		if apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("%s: err = %v, want not found", name, err)
		}
	}
	// Moving one's own product to another workshop is refused like an unknown workshop.
	idA := f.create(t, f.leadA, f.wA, "A-2")
	formA := f.product(t, idA).Form()
	formA.WorkshopID = strconv.FormatInt(f.wB, 10)
	wantField(t, f.ed.UpdateProduct(ctx, f.leadA, f.actor, idA, formA), "workshop_id", "product.workshop.unknown")

	rows, total, err := f.ed.EditorList(ctx, f.leadA, EditorFilter{})
	if err != nil || total != 2 || len(rows) != 2 {
		t.Fatalf("lead A list: %d rows, total %d, %v", len(rows), total, err)
	}
	for _, r := range rows {
		if r.WorkshopID != f.wA {
			t.Errorf("lead A sees %+v", r)
		}
	}
	if p := f.product(t, idB); p.Version != 1 || p.Status != StatusDraft {
		t.Errorf("B's product changed: %+v", p)
	}
}

func TestUpdateProductStaleVersion(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	id := f.create(t, f.leadA, f.wA, "OX-38")
	first, second := f.product(t, id).Form(), f.product(t, id).Form()

	first.TitleES = "Zapato Oxford clásico"
	if err := f.ed.UpdateProduct(ctx, f.leadA, f.actor, id, first); err != nil {
		t.Fatal(err)
	}
	second.TitleES = "Otro título"
	second.Variants[0].Stock = "50"
	wantKey(t, f.ed.UpdateProduct(ctx, f.admin, f.actor, id, second), apperr.Conflict, "product.stale")
	wantKey(t, f.ed.SetStatus(ctx, f.admin, f.actor, id, StatusArchived, 1), apperr.Conflict, "product.stale")

	p := f.product(t, id)
	if p.TitleES != "Zapato Oxford clásico" || p.Version != 2 || p.Variants[0].Stock != 3 || p.Status != StatusDraft {
		t.Errorf("after stale save: %+v", p)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'product.update'`); n != 1 {
		t.Errorf("audit entries = %d, want 1", n)
	}
	// The slug stays.
	if p.Slug != "zapato-oxford-en-cuero" {
		t.Errorf("slug = %q", p.Slug)
	}
}

func TestUpdateProductVariants(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	id := f.create(t, f.leadA, f.wA, "V-1", "V-2", "V-3")
	form := f.product(t, id).Form()
	// Swap the first two rows' SKUs (unique per statement), drop the third, add one
	// reusing its SKU, change prices.
	form.Variants[0].SKU, form.Variants[1].SKU = form.Variants[1].SKU, form.Variants[0].SKU
	form.Variants[1].Price = "199.000"
	form.Variants = append(form.Variants[:2], VariantForm{SKU: "V-3", Size: "44", Stock: "1"})
	form.Price = "150000"
	if err := f.ed.UpdateProduct(ctx, f.leadA, f.actor, id, form); err != nil {
		t.Fatal(err)
	}
	p := f.product(t, id)
	if len(p.Variants) != 3 || p.Version != 2 || p.PriceMinor != 15000000 {
		t.Fatalf("after update: %+v", p)
	}
	got := map[string]Variant{}
	for _, v := range p.Variants {
		got[v.SKU] = v
	}
	if got["V-2"].Size != "38" || got["V-1"].Size != "39" || got["V-1"].PriceOverride == nil ||
		*got["V-1"].PriceOverride != 19900000 || got["V-3"].Size != "44" || got["V-3"].Stock != 1 {
		t.Errorf("variants = %+v", p.Variants)
	}
	rows, _, err := audit.List(ctx, f.conn, audit.Filter{Action: "product.update"})
	if err != nil || len(rows) != 1 || !strings.Contains(rows[0].Summary, "price_minor") ||
		!strings.Contains(rows[0].Summary, "-V-3") || !strings.Contains(rows[0].Summary, "+V-3") || rows[0].Before == nil {
		t.Errorf("audit = %+v, %v", rows, err)
	}
}

func TestUpdateProductRefusedWritesNothing(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	other := f.create(t, f.leadB, f.wB, "OTHER-1")
	id := f.create(t, f.leadA, f.wA, "MINE-1", "MINE-2")
	otherVariant := f.product(t, other).Variants[0].ID

	tests := []struct {
		name       string
		edit       func(*ProductForm)
		code       apperr.Code
		field, key string
	}{
		{"SKU of another product", func(pf *ProductForm) { pf.Variants[1].SKU = "OTHER-1" }, apperr.Invalid, "variants.1.sku", "variant.sku.taken"},
		{"negative stock", func(pf *ProductForm) { pf.Variants[0].Stock = "-3" }, apperr.Invalid, "variants.0.stock", "stock.negative"},
		{"price abc", func(pf *ProductForm) { pf.Price = "abc" }, apperr.Invalid, "price", "price.invalid"},
		{"no Spanish title", func(pf *ProductForm) { pf.TitleES = "" }, apperr.Invalid, "title_es", "product.title.required"},
		{"1 MB title", func(pf *ProductForm) { pf.TitleES = strings.Repeat("á", 1<<19) }, apperr.Invalid, "title_es", "product.title.too_long"},
		{"another product's variant id", func(pf *ProductForm) {
			pf.Variants[0].ID = strconv.FormatInt(otherVariant, 10)
		}, apperr.NotFound, "", "variant.not_found"},
		{"missing version", func(pf *ProductForm) { pf.Version = "" }, apperr.Invalid, "version", "product.version.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pf := f.product(t, id).Form()
			pf.TitleEN = "Changed"
			pf.Variants = append(pf.Variants, VariantForm{SKU: "MINE-NEW", Size: "45"})
			tt.edit(&pf)
			err := f.ed.UpdateProduct(ctx, f.leadA, f.actor, id, pf)
			if tt.field != "" {
				wantField(t, err, tt.field, tt.key)
			} else {
				wantKey(t, err, tt.code, tt.key)
			}
			p := f.product(t, id)
			if p.Version != 1 || p.TitleEN != "Leather Oxford shoe" || len(p.Variants) != 2 || p.Variants[0].Stock != 3 {
				t.Errorf("product changed: %+v", p)
			}
		})
	}
}

func TestSetStatus(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	id := f.create(t, f.leadA, f.wA, "P-1")

	err := f.ed.SetStatus(ctx, f.leadA, f.actor, id, StatusActive, 1)
	wantKey(t, err, apperr.Invalid, "product.publish.needs_photo")
	wantKey(t, f.ed.SetStatus(ctx, f.leadA, f.actor, id, "sold", 1), apperr.Invalid, "product.status.invalid")

	if err := AddPhoto(ctx, f.conn, Photo{ProductID: id, Key: "photos/abc", Width: 640, Height: 480, Renditions: []int64{320, 640}}); err != nil {
		t.Fatal(err)
	}
	if err := f.ed.SetStatus(ctx, f.leadA, f.actor, id, StatusActive, 1); err != nil {
		t.Fatalf("publish: %v", err)
	}
	p := f.product(t, id)
	if p.Status != StatusActive || p.PublishedAt == nil || p.Version != 2 {
		t.Fatalf("published: %+v", p)
	}
	first := *p.PublishedAt
	if err := f.ed.SetStatus(ctx, f.leadA, f.actor, id, StatusArchived, 2); err != nil {
		t.Fatal(err)
	}
	if err := f.ed.SetStatus(ctx, f.leadA, f.actor, id, StatusActive, 3); err != nil {
		t.Fatal(err)
	}
	if p = f.product(t, id); !p.PublishedAt.Equal(first) || p.Status != StatusActive {
		t.Errorf("republished: %+v (first publication %v)", p, first)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'product.status'`); n != 3 {
		t.Errorf("status audit entries = %d", n)
	}
	// Storefront sees it.
	if _, err := NewStore(f.conn).ActiveProductBySlug(ctx, p.Slug); err != nil {
		t.Errorf("published product not on the shop: %v", err)
	}

	// A product priced 0 cannot be published either.
	free := f.form(f.wA, "FREE-1")
	free.Price = "0"
	id2, err := f.ed.CreateProduct(ctx, f.leadA, f.actor, free)
	if err != nil {
		t.Fatal(err)
	}
	err = f.ed.SetStatus(ctx, f.leadA, f.actor, id2, StatusActive, 1)
	wantKey(t, err, apperr.Invalid, "product.publish.needs_price")
	if apperr.FieldsOf(err)["photos"] != "product.publish.needs_photo" {
		t.Errorf("fields = %v", apperr.FieldsOf(err))
	}
}

// TestEditorKeepsSalesMadeWhileTheFormWasOpen: the editor applies the lead's stock change
// to the stock as it is at save time, so units sold (reserved by an order) while the form
// was open are not put back on sale; taking off more than is left is refused.
func TestEditorKeepsSalesMadeWhileTheFormWasOpen(t *testing.T) {
	ctx := context.Background()
	f := newEditorFixture(t)
	id, err := f.ed.CreateProduct(ctx, f.leadA, f.actor, f.form(f.wA, "SALE-38"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.ed.EditorProduct(ctx, f.leadA, id)
	if err != nil {
		t.Fatal(err)
	}
	form := p.Form() // shows 3 in stock
	// Two pairs sell while the form is open (an order reserves them).
	f.conn.MustExecContext(ctx, `UPDATE variants SET stock_on_hand = stock_on_hand - 2 WHERE id = $1`, p.Variants[0].ID)

	form.Variants[0].Stock = "4" // the lead adds one pair they just finished
	if err := f.ed.UpdateProduct(ctx, f.leadA, f.actor, id, form); err != nil {
		t.Fatal(err)
	}
	var stock int
	_ = f.conn.GetContext(ctx, &stock, `SELECT stock_on_hand FROM variants WHERE id = $1`, p.Variants[0].ID)
	if stock != 2 {
		t.Fatalf("stock after the save = %d, want 2 (1 left after the sale + 1 added), not the 4 the stale form showed", stock)
	}

	p, _ = f.ed.EditorProduct(ctx, f.leadA, id)
	form = p.Form() // shows 2
	f.conn.MustExecContext(ctx, `UPDATE variants SET stock_on_hand = 0 WHERE id = $1`, p.Variants[0].ID)
	form.Variants[0].Stock = "1" // the lead takes one off, but both sold meanwhile
	err = f.ed.UpdateProduct(ctx, f.leadA, f.actor, id, form)
	if apperr.FieldsOf(err)["variants.0.stock"] != "stock.sold_meanwhile" {
		t.Fatalf("taking off a pair that sold meanwhile: %v, want a field error stock.sold_meanwhile", err)
	}
}
