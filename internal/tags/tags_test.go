package tags_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/tags"
	"github.com/libres/storefront/internal/tags/qrtest"
)

// seedProducts writes a workshop, a category and two products, one on sale and one
// archived, and returns their ids.
func seedProducts(t *testing.T, conn *sqlx.DB) (active, archived int64) {
	t.Helper()
	var ids []int64
	err := conn.Select(&ids, `WITH w AS (INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
			VALUES ('taller-tejido', 'Taller de Tejido', 'Cárcel de Villahermosa', 'prison', 'Cali', 'Valle del Cauca', 'Tejido', 'Weaving') RETURNING id),
		c AS (INSERT INTO categories (key, slug_es, slug_en, name_es, name_en) VALUES ('bags', 'bolsos', 'bags', 'Bolsos', 'Bags') RETURNING id)
		INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, status, price_minor, published_at)
		SELECT s.slug, w.id, c.id, s.title, s.title, s.status::product_status, 9000000, now() FROM w, c,
			(VALUES ('mochila-tejida', 'Mochila tejida', 'active'), ('bolso-viejo', 'Bolso viejo', 'archived')) AS s(slug, title, status)
		ORDER BY s.slug DESC RETURNING id`)
	if err != nil {
		t.Fatalf("seed products: %v", err)
	}
	return ids[0], ids[1]
}

func TestCodesAndScans(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	store := tags.NewStore(conn)
	active, archived := seedProducts(t, conn)

	var workshop int64
	if err := conn.Get(&workshop, `SELECT workshop_id FROM products WHERE id = $1`, active); err != nil {
		t.Fatal(err)
	}
	lead := audit.Actor{Email: "lead@libres.test"}
	first, err := store.Codes(ctx, lead, map[int64]int64{active: workshop, archived: workshop})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[a-z2-9]{8}$`).MatchString(first[active]) || first[active] == first[archived] {
		t.Fatalf("codes %v: want two distinct 8-letter codes", first)
	}
	again, err := store.Codes(ctx, lead, map[int64]int64{active: workshop})
	if err != nil {
		t.Fatal(err)
	}
	if again[active] != first[active] {
		t.Errorf("second print's code %q, want the first one %q (tags stay valid)", again[active], first[active])
	}
	var recorded int
	if err := conn.Get(&recorded, `SELECT count(*) FROM audit_log WHERE action = 'tag.code' AND workshop_id = $1`, workshop); err != nil || recorded != 2 {
		t.Errorf("audit entries for the codes: %d, %v; want one per code made, none for a reprint", recorded, err)
	}

	now := time.Date(2026, 3, 31, 23, 30, 0, 0, time.FixedZone("COT", -5*3600))
	for i := 0; i < 3; i++ {
		slug, err := store.Scan(ctx, first[active], now)
		if err != nil || slug != "mochila-tejida" {
			t.Fatalf("scan: %q, %v; want mochila-tejida", slug, err)
		}
	}
	if _, err := store.Scan(ctx, first[active], now.Add(time.Hour)); err != nil { // April 1st in Bogotá
		t.Fatal(err)
	}
	for _, code := range []string{first[archived], "zzzzzzzz", "../etc", ""} {
		if _, err := store.Scan(ctx, code, now); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("scan %q: %v, want not found", code, err)
		}
	}
	march, err := store.ScansSince(ctx, []int64{active, archived}, tags.MonthStart(now))
	if err != nil {
		t.Fatal(err)
	}
	if march[active] != 4 || march[archived] != 0 {
		t.Errorf("scans since March 1st: %v, want 4 for the product on sale and none for the archived one", march)
	}
	april, err := store.ScansSince(ctx, []int64{active}, tags.MonthStart(now.Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	if april[active] != 1 {
		t.Errorf("scans in April: %d, want 1 (counted on Bogotá's date)", april[active])
	}
	var rows int
	if err := conn.Get(&rows, `SELECT count(*) FROM tag_scans`); err != nil || rows != 2 {
		t.Errorf("tag_scans rows: %d, %v; want 2 (one per product and day, nothing per visitor)", rows, err)
	}
}

func TestQRDecodesToTheLink(t *testing.T) {
	for _, url := range []string{"https://libres.example/t/abcd2345", "http://127.0.0.1:8080/en/t/zz99zz99"} {
		b, err := tags.QRPNG(url, 256)
		if err != nil {
			t.Fatal(err)
		}
		if got := qrtest.PNG(t, b); got != url {
			t.Errorf("QR code reads %q, want %q", got, url)
		}
	}
}

func TestSheetPDF(t *testing.T) {
	labels := func(n int) []tags.Label {
		out := make([]tags.Label, n)
		for i := range out {
			out[i] = tags.Label{Title: "Mochila tejida a mano con un título muy largo que no cabe", Size: "M",
				Price: "$\u00a090.000", Workshop: "Taller de Tejido", Story: "Tejemos en la cárcel de Villahermosa desde 2019.",
				URL: "https://libres.example/t/abcd2345"}
		}
		return out
	}
	tests := []struct {
		layout string
		n      int
		pages  int
	}{
		{"a4", 1, 1}, {"a4", 24, 1}, {"a4", 25, 2}, {"letter", 30, 1}, {"letter", 61, 3},
	}
	for _, tc := range tests {
		l, ok := tags.LayoutNamed(tc.layout)
		if !ok {
			t.Fatalf("no layout %q", tc.layout)
		}
		var buf bytes.Buffer
		if err := tags.WritePDF(&buf, l, labels(tc.n), tags.Meta{Title: "Etiquetas", Lang: "es"}); err != nil {
			t.Fatal(err)
		}
		pdf := buf.String()
		if !strings.HasPrefix(pdf, "%PDF-") || !strings.Contains(pdf, "%%EOF") {
			t.Fatalf("%s × %d: not a PDF", tc.layout, tc.n)
		}
		if got := strings.Count(pdf, "/Type /Page\n"); got != tc.pages {
			t.Errorf("%s × %d: %d pages, want %d", tc.layout, tc.n, got, tc.pages)
		}
		if got := strings.Count(pdf, "/Subtype /Image"); got != 1 {
			t.Errorf("%s × %d: %d images, want the one QR code shared by every tag of a product", tc.layout, tc.n, got)
		}
		if got := qrtest.Image(t, qrtest.PDFImage(t, buf.Bytes())); got != "https://libres.example/t/abcd2345" {
			t.Errorf("%s × %d: the PDF's QR code reads %q", tc.layout, tc.n, got)
		}
		if !strings.Contains(pdf, "Taller de Tejido") || !strings.Contains(pdf, "(M   $\xa090.000)") {
			t.Errorf("%s × %d: the workshop, size and price are not in the text", tc.layout, tc.n)
		}
	}
	if _, ok := tags.LayoutNamed("a3"); ok {
		t.Error("an unknown paper is accepted")
	}
}

func TestValidCode(t *testing.T) {
	for s, want := range map[string]bool{"abcd2345": true, "ABCD2345": false, "abc": false, "abcd-234": false,
		strings.Repeat("a", 17): false} {
		if got := tags.ValidCode(s); got != want {
			t.Errorf("ValidCode(%q) = %v", s, got)
		}
	}
}
