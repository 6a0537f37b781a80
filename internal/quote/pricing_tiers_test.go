package quote

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/libres/storefront/internal/apperr"
)

func TestUnitPriceApplied(t *testing.T) {
	u := UnitPrice{LineNo: 1, UnitMinor: 3500000, Tiers: []Tier{{MinQty: 200, UnitMinor: 3400000}, {MinQty: 500, UnitMinor: 3100000}}}
	for _, tc := range []struct {
		qty  int
		want int64
	}{
		{1, 3500000},
		{199, 3500000},
		{200, 3400000},
		{201, 3400000},
		{499, 3400000},
		{500, 3100000},
		{5000, 3100000},
	} {
		if got := u.Applied(tc.qty); got != tc.want {
			t.Errorf("Applied(%d) = %d, want %d", tc.qty, got, tc.want)
		}
		if got := u.Amount(tc.qty); got != tc.want*int64(tc.qty) {
			t.Errorf("Amount(%d) = %d, want %d", tc.qty, got, tc.want*int64(tc.qty))
		}
	}
	// A version priced before tiers existed reads as a base price alone.
	var old []UnitPrice
	if err := json.Unmarshal([]byte(`[{"line_no":1,"unit_minor":4500000}]`), &old); err != nil {
		t.Fatal(err)
	}
	if len(old) != 1 || old[0].Tiers != nil || old[0].Applied(10000) != 4500000 {
		t.Fatalf("old version = %+v", old)
	}
	// And one without tiers is stored as before, without an empty list.
	raw, err := json.Marshal(UnitPrice{LineNo: 2, UnitMinor: 100})
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"line_no":2,"unit_minor":100}` {
		t.Fatalf("marshalled = %s", raw)
	}
}

func TestTiersOK(t *testing.T) {
	const base = 3500000
	for _, tc := range []struct {
		name  string
		tiers []Tier
		ok    bool
	}{
		{"none", nil, true},
		{"one", []Tier{{200, 3400000}}, true},
		{"five", []Tier{{2, 3400000}, {10, 3300000}, {50, 3200000}, {100, 3100000}, {500, 3000000}}, true},
		{"six", []Tier{{2, 3400000}, {10, 3300000}, {50, 3200000}, {100, 3100000}, {500, 3000000}, {900, 2900000}}, false},
		{"from one garment", []Tier{{1, 3400000}}, false},
		{"from no garment", []Tier{{0, 3400000}}, false},
		{"same quantity twice", []Tier{{200, 3400000}, {200, 3300000}}, false},
		{"quantities going down", []Tier{{500, 3400000}, {200, 3300000}}, false},
		{"as dear as the base", []Tier{{200, base}}, false},
		{"dearer than the base", []Tier{{200, base + 1}}, false},
		{"same price twice", []Tier{{200, 3400000}, {500, 3400000}}, false},
		{"dearer for more", []Tier{{200, 3300000}, {500, 3400000}}, false},
		{"free", []Tier{{200, 0}}, false},
		{"negative", []Tier{{200, -1}}, false},
	} {
		if got := tiersOK(base, tc.tiers); got != tc.ok {
			t.Errorf("%s: tiersOK = %v, want %v", tc.name, got, tc.ok)
		}
	}
}

func TestQuoteWithTiers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	q := f.request(t, cid, uid)
	ws := f.workshop(t, "costura")

	// Line 2 (12 aprons) gets a tier that does not go with its price: nothing is stored.
	p := pricing(ws, "2026-03-20")
	p.Tiers = map[int][]Tier{1: {{MinQty: 30, UnitMinor: 4000000}}, 2: {{MinQty: 50, UnitMinor: 3000000}}}
	_, err := f.svc.Quote(ctx, f.staff, q.ID, p)
	if fe := apperr.FieldsOf(err); fe["lines.1.tiers"] != "quote.tiers_invalid" || fe["lines.0.tiers"] != "" {
		t.Fatalf("a tier as dear as the unit price: %v", err)
	}
	if s := f.status(t, q.ID); s != StatusRequested {
		t.Fatalf("refused pricing moved the quote to %s", s)
	}

	// Line 1 has 35 polos: its tier from 30 applies, the one from 100 does not; line 2
	// has 12 aprons, below its tier from 20.
	p.Tiers = map[int][]Tier{
		1: {{MinQty: 30, UnitMinor: 4000000}, {MinQty: 100, UnitMinor: 3500000}},
		2: {{MinQty: 20, UnitMinor: 2500000}},
	}
	got, err := f.svc.Quote(ctx, f.staff, q.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	want := int64(35*4000000 + 12*3000000 + 15000000)
	if len(got.Versions) != 1 || got.Versions[0].Total != want {
		t.Fatalf("total = %+v, want %d", got.Versions, want)
	}
	// Read back from the database, the version keeps its tiers.
	vs, err := versions(ctx, f.db, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	u1, ok1 := vs[0].Price(1)
	u2, ok2 := vs[0].Price(2)
	if !ok1 || !ok2 || len(u1.Tiers) != 2 || u1.Tiers[1] != (Tier{MinQty: 100, UnitMinor: 3500000}) ||
		u1.Applied(35) != 4000000 || len(u2.Tiers) != 1 || u2.Applied(12) != 3000000 {
		t.Fatalf("stored prices = %+v", vs[0].UnitPrices)
	}
	if _, ok := vs[0].Price(3); ok {
		t.Fatal("a line the quote does not have has a price")
	}

	// A new version without tiers has none.
	p.Tiers = nil
	got, err = f.svc.Quote(ctx, f.staff, q.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	if v := got.Versions[1]; v.Total != int64(35*4500000+12*3000000+15000000) || v.UnitPrices[0].Tiers != nil {
		t.Fatalf("second version = %+v", v)
	}
}
