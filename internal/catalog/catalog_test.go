package catalog

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
)

func TestSearchTerms(t *testing.T) {
	tests := []struct{ in, want string }{
		{"zapatos", "zapatos:*"},
		{"Café  con leche", "café:* & con:* & leche:*"},
		{"a&b|c!:*'()", "a:* & b:* & c:*"},
		{"'; DROP TABLE products;--", "drop:* & table:* & products:*"},
		{"\xff\xfe", ""},
		{"", ""},
		{"1 2 3 4 5 6 7 8 9 10", "1:* & 2:* & 3:* & 4:* & 5:* & 6:* & 7:* & 8:*"},
	}
	for _, tt := range tests {
		if got := SearchTerms(tt.in); got != tt.want {
			t.Errorf("SearchTerms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSearchTerms(f *testing.F) {
	for _, s := range []string{"zapatos", "a & b", "'", "\xff", "café:*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := SearchTerms(s)
		for _, r := range out {
			if r == '\'' || r == '|' || r == '!' || r == '(' || r == ')' || r == '<' {
				t.Fatalf("SearchTerms(%q) = %q carries an operator", s, out)
			}
		}
	})
}

// fixture writes a small catalog: two workshops, shoes with sizes, a bag.
func fixture(t *testing.T) *Store {
	t.Helper()
	conn := dbtest.New(t)
	ctx := context.Background()
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		shoes, err := UpsertCategory(ctx, tx, Category{Key: "shoes", SlugES: "calzado", SlugEN: "shoes", NameES: "Calzado", NameEN: "Shoes"})
		if err != nil {
			return err
		}
		bags, err := UpsertCategory(ctx, tx, Category{Key: "bags", SlugES: "bolsos", SlugEN: "bags", NameES: "Bolsos", NameEN: "Bags"})
		if err != nil {
			return err
		}
		w1, err := CreateWorkshop(ctx, tx, Workshop{Slug: "calzado-pastor", Name: "Calzado Pastor", Facility: "El Buen Pastor",
			FacilityKind: FacilityPrison, City: "Bogotá", Department: "Bogotá D.C.", CraftES: "calzado", CraftEN: "shoes", Active: true})
		if err != nil {
			return err
		}
		w2, err := CreateWorkshop(ctx, tx, Workshop{Slug: "cuero-diego", Name: "Cuero San Diego", Facility: "San Diego",
			FacilityKind: FacilityPrison, City: "Cartagena", Department: "Bolívar", CraftES: "cuero", CraftEN: "leather", Active: true})
		if err != nil {
			return err
		}
		now := time.Now()
		older := now.Add(-48 * time.Hour)
		products := []Product{
			{Slug: "zapato-oxford", WorkshopID: w1, CategoryID: shoes, TitleES: "Zapato Oxford en cuero", TitleEN: "Leather Oxford shoe",
				Status: StatusActive, PriceMinor: 18900000, PublishedAt: &now,
				Variants: []Variant{{SKU: "OX-38", Size: "38", Stock: 0}, {SKU: "OX-39", Size: "39", Stock: 3}}},
			{Slug: "bota-llanera", WorkshopID: w1, CategoryID: shoes, TitleES: "Botas llaneras", TitleEN: "Plains boots",
				Status: StatusActive, PriceMinor: 25900000, PublishedAt: &older,
				Variants: []Variant{{SKU: "BL-38", Size: "38", Stock: 2}}},
			{Slug: "bolso-cafe", WorkshopID: w2, CategoryID: bags, TitleES: "Bolso color café", TitleEN: "Brown bag",
				Status: StatusActive, PriceMinor: 9900000, PublishedAt: &older,
				Variants: []Variant{{SKU: "BC-1", Stock: 1}}},
			{Slug: "borrador", WorkshopID: w2, CategoryID: bags, TitleES: "Zapato borrador", TitleEN: "Draft shoe",
				Status: StatusDraft, PriceMinor: 100, Variants: []Variant{{SKU: "DR-1", Stock: 5}}},
		}
		for _, p := range products {
			if _, err := CreateProduct(ctx, tx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return NewStore(conn)
}

func slugs(r Result) []string {
	var out []string
	for _, c := range r.Cards {
		out = append(out, c.Slug)
	}
	return out
}

func TestListFiltersAndSearch(t *testing.T) {
	s := fixture(t)
	ctx := context.Background()
	w, err := s.WorkshopBySlug(ctx, "cuero-diego")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    Filter
		want []string
	}{
		{"all active, newest first", Filter{}, []string{"zapato-oxford", "bolso-cafe", "bota-llanera"}},
		{"size 38 in stock", Filter{Sizes: []string{"38"}}, []string{"bota-llanera"}},
		{"workshop", Filter{WorkshopID: w.ID}, []string{"bolso-cafe"}},
		{"price range", Filter{MinMinor: 10000000, MaxMinor: 20000000}, []string{"zapato-oxford"}},
		{"price ascending", Filter{Sort: SortPriceAsc}, []string{"bolso-cafe", "zapato-oxford", "bota-llanera"}},
		{"accent-less search", Filter{Query: "cafe"}, []string{"bolso-cafe"}},
		{"plural finds singular", Filter{Query: "zapatos"}, []string{"zapato-oxford"}},
		{"singular finds plural", Filter{Query: "bota"}, []string{"bota-llanera"}},
		{"english search", Filter{Query: "boots"}, []string{"bota-llanera"}},
		{"prefix", Filter{Query: "oxf"}, []string{"zapato-oxford"}},
		{"hostile text", Filter{Query: "'); DROP TABLE products; --"}, nil},
		{"unknown sort falls back", Filter{Sort: "1;DROP"}, []string{"zapato-oxford", "bolso-cafe", "bota-llanera"}},
		{"page past the end", Filter{Page: 9}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.List(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			got := slugs(res)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestProductBySlugHidesDrafts(t *testing.T) {
	s := fixture(t)
	ctx := context.Background()
	p, err := s.ActiveProductBySlug(ctx, "zapato-oxford")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Variants) != 2 || p.Variants[0].Size != "38" || p.Variants[0].Stock != 0 || !p.InStock() {
		t.Errorf("variants = %+v", p.Variants)
	}
	if _, err := s.ActiveProductBySlug(ctx, "borrador"); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("draft product: err = %v, want ErrNotFound", err)
	}
	sizes, err := s.Sizes(ctx, 0)
	if err != nil || len(sizes) != 2 || sizes[0] != "38" {
		t.Errorf("sizes = %v, %v", sizes, err)
	}
}

func TestDuplicateSlugIsConflict(t *testing.T) {
	s := fixture(t)
	_, err := CreateWorkshop(context.Background(), s.db, Workshop{Slug: "cuero-diego", Name: "X", Facility: "X",
		FacilityKind: FacilityPrison, City: "X", Department: "X", CraftES: "x", CraftEN: "x"})
	if !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("duplicate workshop slug: %v, want ErrConflict", err)
	}
}
