package studio_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/seed"
	"github.com/libres/storefront/internal/tags"
)

// scanWorkshop makes a workshop with one product on sale and returns both ids.
func scanWorkshop(t *testing.T, n int64, name string) (workshop, product int64) {
	t.Helper()
	if err := testDB.Get(&workshop, `INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
		VALUES ($1, $2, 'Cárcel de prueba', 'prison', 'Bogotá', 'Bogotá D.C.', 'Tejido', 'Weaving') RETURNING id`,
		fmt.Sprintf("taller-escaneos-%d", n), name); err != nil {
		t.Fatal(err)
	}
	if err := testDB.Get(&product, `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, status, price_minor, tax_class)
		VALUES ($1, $2, (SELECT min(id) FROM categories), $3, $4, 'active', 5000000, 'standard') RETURNING id`,
		fmt.Sprintf("producto-escaneos-%d", n), workshop, "Mochila escaneada "+name, "Scanned bag "+name); err != nil {
		t.Fatal(err)
	}
	return workshop, product
}

// TestStatementTagScans: the lead's statement of a month (page, PDF, scans.csv) and the
// admin's copy list the month's tag scans of the workshop's products with their total;
// a scan on a day of the next month, and another workshop's scans, are not there.
func TestStatementTagScans(t *testing.T) {
	needSite(t)
	ctx := context.Background()
	n := time.Now().UnixNano() % 1_000_000_000
	own, ownProduct := scanWorkshop(t, n, fmt.Sprintf("Taller Escaneos %d", n))
	other, otherProduct := scanWorkshop(t, n+1, fmt.Sprintf("Taller Ajeno %d", n))
	email := fmt.Sprintf("lead-escaneos-%d@libres.test", n)
	if _, err := account.Provision(ctx, testDB, account.NewUser{Email: email, Name: "Líder", Role: account.RoleLead,
		Lang: "es", Password: seed.DemoPassword, WorkshopIDs: []int64{own}}, time.Now()); err != nil {
		t.Fatal(err)
	}
	store := tags.NewStore(testDB)
	codes, err := store.Codes(ctx, audit.Actor{Email: email}, map[int64]int64{ownProduct: own, otherProduct: other})
	if err != nil {
		t.Fatal(err)
	}
	// Last month: the statement's period. This month: outside it.
	last := ledger.MonthStart(time.Now()).AddDate(0, -1, 0)
	for at, scans := range map[time.Time]map[int64]int{
		last.AddDate(0, 0, 9): {ownProduct: 3, otherProduct: 5},
		last.AddDate(0, 1, 0): {ownProduct: 2}, // the first day of this month
	} {
		for product, k := range scans {
			for range k {
				if _, err := store.Scan(ctx, codes[product], at.Add(12*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	base := "/studio/statements/" + strconv.FormatInt(own, 10) + "/" + last.Format("2006-01")
	lead := loginAs(t, email)

	p := lead.mustGet(base)
	rows := p.Find("table.statement-tag-scans tbody tr")
	if rows.Length() != 1 || text(rows.Find("th")) != "Mochila escaneada "+fmt.Sprintf("Taller Escaneos %d", n) ||
		text(rows.Find("td")) != "3" || text(p.Find("table.statement-tag-scans tfoot td")) != "3" {
		t.Errorf("scans table %q, want the own product's 3 scans and a total of 3", text(p.Find("table.statement-tag-scans")))
	}
	if h := text(p.Find("#st-scans")); h != "Escaneos de etiquetas en este periodo" {
		t.Errorf("heading %q", h)
	}
	if en := lead.mustGet(base + "?lang=en"); text(en.Find("#st-scans")) != "Tag scans in this period" ||
		!strings.HasPrefix(text(en.Find("table.statement-tag-scans tbody th")), "Scanned bag ") {
		t.Errorf("English section %q", text(en.Find(".statement-scans")))
	}
	// This month's statement has the scan of its first day only.
	now := lead.mustGet("/studio/statements/" + strconv.FormatInt(own, 10) + "/" + last.AddDate(0, 1, 0).Format("2006-01"))
	if got := text(now.Find("table.statement-tag-scans tfoot td")); got != "2" {
		t.Errorf("this month's total %q, want 2", got)
	}

	file := lead.Get(base + "/scans.csv")
	if file.Status != http.StatusOK || !strings.HasPrefix(file.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("scans.csv = %d %s", file.Status, file.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(file.Body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || strings.Join(recs[0], ",") != "workshop_id,workshop,month,product_id,product,scans" ||
		recs[1][3] != strconv.FormatInt(ownProduct, 10) || recs[1][5] != "3" || recs[2][4] != "TOTAL" || recs[2][5] != "3" {
		t.Errorf("scans.csv = %q", recs)
	}

	doc := lead.Get(base + "/statement.pdf")
	if doc.Status != http.StatusOK || !bytes.HasPrefix(doc.Body, []byte("%PDF-")) ||
		!bytes.Contains(doc.Body, []byte("Escaneos de etiquetas en este periodo")) {
		t.Errorf("statement.pdf = %d without the scans section", doc.Status)
	}

	adm := loginAs(t, "admin@libres.example").mustGet("/admin/ledger/" + strconv.FormatInt(own, 10) + "/" + last.Format("2006-01"))
	if got := text(adm.Find("table.statement-tag-scans tfoot td")); got != "3" {
		t.Errorf("admin's statement total %q, want 3", got)
	}
	// The other workshop's statement is not the lead's.
	if other := lead.Get("/studio/statements/" + strconv.FormatInt(other, 10) + "/" + last.Format("2006-01") + "/scans.csv"); other.Status != http.StatusNotFound {
		t.Errorf("another workshop's scans.csv = %d, want 404", other.Status)
	}
}
