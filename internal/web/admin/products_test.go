package admin_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestProductList(t *testing.T) {
	b := admin(t)
	p := b.mustGet("/admin/products")
	checkAdminPage(t, p, "es", "/admin/products")
	rows := p.Find("table.products-table tbody tr")
	if rows.Length() == 0 {
		t.Fatal("no products listed")
	}
	href, _ := rows.First().Find("th a").Attr("href")
	if !strings.HasPrefix(href, "/admin/products/") {
		t.Fatalf("row link = %q", href)
	}
	if editor := b.get(href); editor.status != http.StatusOK {
		t.Errorf("the studio's editor at %s = %d, want 200", href, editor.status)
	}

	var title string
	if err := testDB.Get(&title, `SELECT title_es FROM products ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	found := b.mustGet("/admin/products?q=" + strings.ReplaceAll(title, " ", "+"))
	if !strings.Contains(text(found.Find("table.products-table")), title) || val(found, "#pf-q") != title {
		t.Errorf("search for %q: %q", title, text(found.Find("table.products-table")))
	}
	drafts := b.mustGet("/admin/products?status=draft")
	if drafts.Find(`#pf-status option[value="draft"][selected]`).Length() != 1 {
		t.Errorf("status filter not kept in the form")
	}
	drafts.Find("table.products-table .status").Each(func(_ int, s *goquery.Selection) {
		if text(s) != "Borrador" {
			t.Errorf("draft filter shows %q", text(s))
		}
	})
	// Paged: the demo catalog has more products than fit a page? Either way the pager
	// keeps the filters.
	var n int
	if err := testDB.Get(&n, `SELECT count(*) FROM products`); err != nil {
		t.Fatal(err)
	}
	if n > 50 {
		next, _ := p.Find(`.pagination a[rel="next"]`).Attr("href")
		if next != "/admin/products?page=2" {
			t.Errorf("next page link = %q", next)
		}
	}
	en := b.mustGet("/admin/products?lang=en&status=active")
	checkAdminPage(t, en, "en", "/admin/products")
	if s := text(en.Find("table.products-table .status").First()); s != "On sale" {
		t.Errorf("English status = %q", s)
	}
}

func TestProductsCSV(t *testing.T) {
	b := admin(t)
	res := b.get("/admin/products.csv")
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(res.header.Get("Content-Disposition"), `attachment; filename="libres-productos-`) {
		t.Fatalf("CSV = %d %q %q", res.status, res.header.Get("Content-Type"), res.header.Get("Content-Disposition"))
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 || recs[0][0] != "product_id" || recs[0][2] != "title_es" {
		t.Errorf("CSV header %v, %d rows", recs[0], len(recs))
	}
	if lead := loginAs(t, "lead@libres.example").get("/admin/products.csv"); lead.status != http.StatusForbidden {
		t.Errorf("lead downloads every product: %d", lead.status)
	}
}
