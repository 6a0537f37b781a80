package catalog

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db/dbtest"
)

// editorFixture is a database with two workshops (A and B) and one category, and the
// scopes of A's lead, B's lead and an admin.
type editorFixture struct {
	ed           *Editor
	conn         *sqlx.DB
	wA, wB, cat  int64
	leadA, leadB Scope
	admin        Scope
	actor        audit.Actor
}

func newEditorFixture(t *testing.T) *editorFixture {
	t.Helper()
	conn := dbtest.New(t)
	ctx := context.Background()
	cat, err := UpsertCategory(ctx, conn, Category{Key: "shoes", SlugES: "calzado", SlugEN: "shoes", NameES: "Calzado", NameEN: "Shoes"})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(slug string) int64 {
		id, err := CreateWorkshop(ctx, conn, Workshop{Slug: slug, Name: slug, Facility: "Facility", FacilityKind: FacilityPrison,
			City: "Bogotá", Department: "Bogotá D.C.", CraftES: "calzado", CraftEN: "shoes", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	f := &editorFixture{ed: NewEditor(conn), conn: conn, cat: cat, wA: mk("taller-a"), wB: mk("taller-b"),
		admin: Scope{All: true}, actor: audit.Actor{ID: 0, Email: "lead@example.org"}}
	f.leadA = Scope{WorkshopIDs: []int64{f.wA}}
	f.leadB = Scope{WorkshopIDs: []int64{f.wB}}
	return f
}

// form returns a valid form for workshop w with the given SKUs (sizes 38, 39…).
func (f *editorFixture) form(w int64, skus ...string) ProductForm {
	pf := ProductForm{TitleES: "Zapato Oxford en cuero", TitleEN: "Leather Oxford shoe", DescES: "Hecho a mano.",
		CategoryID: strconv.FormatInt(f.cat, 10), WorkshopID: strconv.FormatInt(w, 10), TaxClass: "standard",
		Price: "$ 189.000"}
	for i, s := range skus {
		pf.Variants = append(pf.Variants, VariantForm{SKU: s, Size: strconv.Itoa(38 + i), ColorES: "negro", ColorEN: "black", Stock: "3"})
	}
	return pf
}

func (f *editorFixture) create(t *testing.T, scope Scope, w int64, skus ...string) int64 {
	t.Helper()
	id, err := f.ed.CreateProduct(context.Background(), scope, f.actor, f.form(w, skus...))
	if err != nil {
		t.Fatalf("create product: %v", err)
	}
	return id
}

func (f *editorFixture) product(t *testing.T, id int64) Product {
	t.Helper()
	p, err := f.ed.EditorProduct(context.Background(), f.admin, id)
	if err != nil {
		t.Fatalf("read product %d: %v", id, err)
	}
	return p
}

func (f *editorFixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.conn.Get(&n, q, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
}

func wantKey(t *testing.T, err error, code apperr.Code, key string) {
	t.Helper()
	wantCode(t, err, code)
	if got := apperr.KeyOf(err); got != key {
		t.Fatalf("key = %q (err %v), want %q", got, err, key)
	}
}

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	if !errors.Is(err, apperr.ErrInvalid) {
		t.Fatalf("err = %v, want invalid", err)
	}
	if got := apperr.FieldsOf(err)[field]; got != key {
		t.Fatalf("field %s = %q, want %q (fields %v)", field, got, key, apperr.FieldsOf(err))
	}
}
