package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/tags"
)

// TestStatementTagScans: a workshop's statement counts the scans of its products' tags on
// the days of its month only, and never another workshop's.
func TestStatementTagScans(t *testing.T) {
	f := newFixture(t, 2)
	ctx := context.Background()
	product := func(variant int64) (id int64) {
		if err := f.db.Get(&id, `SELECT product_id FROM variants WHERE id = $1`, variant); err != nil {
			t.Fatal(err)
		}
		return id
	}
	boots, bag := product(f.variant(t, f.ws[0], 100_000_00, 5)), product(f.variant(t, f.ws[0], 40_000_00, 5))
	other := product(f.variant(t, f.ws[1], 10_000_00, 5))
	store := tags.NewStore(f.db)
	codes, err := store.Codes(ctx, audit.Actor{Email: "lead@libres.test"}, map[int64]int64{boots: f.ws[0], bag: f.ws[0], other: f.ws[1]})
	if err != nil {
		t.Fatal(err)
	}
	scan := func(product int64, at time.Time, n int) {
		t.Helper()
		for range n {
			if _, err := store.Scan(ctx, codes[product], at); err != nil {
				t.Fatal(err)
			}
		}
	}
	bogota := func(y int, m time.Month, d, h int) time.Time {
		return time.Date(y, m, d, h, 0, 0, 0, time.FixedZone("COT", -5*3600))
	}
	scan(boots, bogota(2026, 1, 10, 12), 3) // in January
	scan(boots, bogota(2026, 1, 31, 23), 1) // January's last evening (already February in UTC)
	scan(boots, bogota(2026, 2, 1, 0), 5)   // February
	scan(bag, bogota(2025, 12, 31, 20), 4)  // December
	scan(other, bogota(2026, 1, 12, 9), 7)  // another workshop's product, in January

	st, err := f.ledger.Statement(ctx, f.ws[0], bogota(2026, 1, 20, 12))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.TagScans) != 1 || st.TagScans[0].ProductID != boots || st.TagScans[0].Scans != 4 || st.TagScansTotal != 4 {
		t.Fatalf("January's scans %+v (total %d), want the boots' 4 only", st.TagScans, st.TagScansTotal)
	}
	if st.TagScans[0].Title("en") == "" || st.TagScans[0].Title("es") == "" {
		t.Errorf("scan titles %+v", st.TagScans[0])
	}
	dec, err := f.ledger.Statement(ctx, f.ws[0], bogota(2025, 12, 5, 12))
	if err != nil {
		t.Fatal(err)
	}
	if len(dec.TagScans) != 1 || dec.TagScans[0].ProductID != bag || dec.TagScansTotal != 4 {
		t.Errorf("December's scans %+v (total %d), want the bag's 4", dec.TagScans, dec.TagScansTotal)
	}
	otherSt, err := f.ledger.Statement(ctx, f.ws[1], bogota(2026, 1, 20, 12))
	if err != nil {
		t.Fatal(err)
	}
	if otherSt.TagScansTotal != 7 || len(otherSt.TagScans) != 1 || otherSt.TagScans[0].ProductID != other {
		t.Errorf("the other workshop's January %+v", otherSt.TagScans)
	}
}
