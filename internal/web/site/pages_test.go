package site

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/web/shop"

	"github.com/libres/storefront/internal/money"
)

// checkSEO checks the tags every public page carries.
func checkSEO(t *testing.T, doc *goquery.Document, canonical string) {
	t.Helper()
	if title := text(doc.Find("head title")); title == "" || !strings.Contains(title, "Libres") {
		t.Errorf("title = %q", title)
	}
	if d, _ := doc.Find(`meta[name="description"]`).Attr("content"); len(d) < 20 {
		t.Errorf("meta description = %q, want a real description", d)
	}
	if c, _ := doc.Find(`link[rel="canonical"]`).Attr("href"); c != canonical {
		t.Errorf("canonical = %q, want %q", c, canonical)
	}
	langs := map[string]bool{}
	doc.Find(`link[rel="alternate"][hreflang]`).Each(func(_ int, s *goquery.Selection) {
		l, _ := s.Attr("hreflang")
		langs[l] = true
	})
	for _, l := range []string{"es-CO", "en", "x-default"} {
		if !langs[l] {
			t.Errorf("no hreflang %s alternate", l)
		}
	}
	for _, p := range []string{"og:title", "og:description", "og:url", "og:type"} {
		if doc.Find(`meta[property="`+p+`"]`).Length() == 0 {
			t.Errorf("no %s", p)
		}
	}
}

func TestHomeShowsCatalogAndSEO(t *testing.T) {
	doc := mustGet(t, "/")
	if lang, _ := doc.Find("html").Attr("lang"); lang != "es" {
		t.Errorf("html lang = %q, want es", lang)
	}
	if n := len(cardTitles(doc)); n < 4 {
		t.Errorf("home shows %d products, want featured and newest products", n)
	}
	if sz := text(doc.Find("main .card .card-sizes").First()); !strings.HasPrefix(sz, "Tallas") {
		t.Errorf("home card sizes line = %q, want Spanish \"Tallas …\"", sz)
	}
	if sz := text(mustGet(t, "/en").Find("main .card .card-sizes").First()); !strings.HasPrefix(sz, "Sizes") {
		t.Errorf("English home card sizes line = %q, want \"Sizes …\"", sz)
	}
	checkSEO(t, doc, "https://libres.test/")
	if !strings.Contains(strings.ToLower(text(doc.Find("footer"))), "ejemplo") {
		t.Errorf("demo install footer does not say the catalog is sample data: %q", text(doc.Find("footer")))
	}
	// Ley 1480: who sells is on every page; the demo's identity says it is a sample.
	if seller := text(doc.Find("footer address")); !strings.Contains(seller, "900.123.456-8") || !strings.Contains(seller, "@") {
		t.Errorf("footer seller identification = %q", seller)
	}
	if doc.Find(`a[href="/en"]`).Length() == 0 {
		t.Errorf("no language switcher link to /en")
	}
}

func TestFiltersNarrowResults(t *testing.T) {
	all := mustGet(t, "/catalogo")
	shoes := mustGet(t, "/catalogo/calzado")
	size38 := mustGet(t, "/catalogo/calzado?size=38")
	nAll, nShoes, n38 := count(t, all), count(t, shoes), count(t, size38)
	if !(nAll > nShoes && nShoes > n38 && n38 > 0) {
		t.Fatalf("catalog %d, shoes %d, shoes in size 38 %d: want each filter to narrow and 38 to find some", nAll, nShoes, n38)
	}
	// Every product shown for size 38 has size 38 in stock.
	var want int
	err := testDB.GetContext(context.Background(), &want, `SELECT count(DISTINCT p.id) FROM products p
		JOIN categories c ON c.id = p.category_id JOIN variants v ON v.product_id = p.id
		WHERE p.status = 'active' AND c.slug_es = 'calzado' AND v.size = '38' AND v.stock_on_hand > 0`)
	if err != nil {
		t.Fatal(err)
	}
	if n38 != want {
		t.Errorf("size 38 shows %d products, database has %d shoes with 38 in stock", n38, want)
	}
	cheap := mustGet(t, "/catalogo?max=100000")
	for _, p := range prices(cheap) {
		if p > 100000 {
			t.Errorf("max=100000 shows a product at %d", p)
		}
	}
	if count(t, cheap) >= nAll {
		t.Errorf("price filter did not narrow: %d of %d", count(t, cheap), nAll)
	}
	sorted := prices(mustGet(t, "/catalogo?sort=price_asc"))
	for i := 1; i < len(sorted); i++ {
		if sorted[i] < sorted[i-1] {
			t.Fatalf("sort=price_asc not ascending: %v", sorted)
		}
	}
}

// count reads the result count the listing shows from its product grid across pages.
func count(t *testing.T, doc *goquery.Document) int {
	t.Helper()
	n := len(cardTitles(doc))
	if next, ok := doc.Find(`a[rel="next"]`).Attr("href"); ok {
		return n + count(t, mustGet(t, next))
	}
	return n
}

// prices reads the card prices of a page as whole pesos.
func prices(doc *goquery.Document) []int64 {
	var out []int64
	doc.Find("main .card .card-price").Each(func(_ int, s *goquery.Selection) {
		var n int64
		for _, r := range s.Text() {
			if r >= '0' && r <= '9' {
				n = n*10 + int64(r-'0')
			}
		}
		out = append(out, n)
	})
	return out
}

// soldOutShoe returns the slug of an active shoe with some sizes sold out and some not,
// and how many of its variants are sold out.
func soldOutShoe(t *testing.T) (slug string, soldOut int) {
	t.Helper()
	var row struct {
		Slug    string `db:"slug"`
		SoldOut int    `db:"sold_out"`
	}
	err := testDB.GetContext(context.Background(), &row, `SELECT p.slug,
			count(*) FILTER (WHERE v.stock_on_hand = 0) AS sold_out
		FROM products p JOIN variants v ON v.product_id = p.id
		JOIN categories c ON c.id = p.category_id
		WHERE p.status = 'active' AND c.key = 'shoes'
		GROUP BY p.slug HAVING count(*) FILTER (WHERE v.stock_on_hand = 0) BETWEEN 1 AND count(*) - 1
		ORDER BY p.slug LIMIT 1`)
	if err != nil {
		t.Fatalf("find a shoe with sold-out sizes: %v", err)
	}
	return row.Slug, row.SoldOut
}

func TestProductPageSizePickerAndCredit(t *testing.T) {
	slug, soldOut := soldOutShoe(t)
	doc := mustGet(t, "/producto/"+slug)
	radios := doc.Find(`input[type="radio"][name="variant"]`)
	disabled := doc.Find(`input[type="radio"][name="variant"][disabled]`)
	if radios.Length() < 5 || disabled.Length() != soldOut {
		t.Fatalf("size picker: %d sizes, %d disabled; want every size and %d disabled", radios.Length(), disabled.Length(), soldOut)
	}
	doc.Find(".variants .variant-name").Each(func(_ int, s *goquery.Selection) {
		if n := text(s); len(n) != 2 || n < "35" || n > "44" {
			t.Errorf("shoe size option %q, want a size 35-44", n)
		}
	})
	disabled.Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if l := text(doc.Find(`label[for="` + id + `"]`)); !strings.Contains(l, "Agotado") {
			t.Errorf("disabled size label %q does not say Agotado", l)
		}
	})
	if p := text(doc.Find(".product .price")); !strings.HasPrefix(p, "$") || !strings.Contains(p, ".000") {
		t.Errorf("price = %q, want es-CO format like $ 189.000", p)
	}
	if doc.Find(".gallery img").Length() < 2 {
		t.Errorf("gallery shows %d photos, want 2+", doc.Find(".gallery img").Length())
	}
	doc.Find(".gallery img").Each(func(_ int, s *goquery.Selection) {
		if alt, _ := s.Attr("alt"); alt == "" {
			t.Errorf("photo without alt text")
		}
	})
	if doc.Find(`.credit a[href^="/taller/"]`).Length() == 0 {
		t.Errorf("no workshop credit link")
	}
	checkSEO(t, doc, "https://libres.test/producto/"+slug)
	var ld map[string]any
	raw := doc.Find(`script[type="application/ld+json"]`).Text()
	if err := json.Unmarshal([]byte(raw), &ld); err != nil {
		t.Fatalf("product JSON-LD: %v\n%s", err, raw)
	}
	offers, _ := ld["offers"].(map[string]any)
	if ld["@type"] != "Product" || offers["priceCurrency"] != "COP" || offers["availability"] == nil {
		t.Errorf("JSON-LD = %v", ld)
	}
}

func TestEnglishPages(t *testing.T) {
	slug, _ := soldOutShoe(t)
	var titleEN string
	if err := testDB.GetContext(context.Background(), &titleEN, `SELECT title_en FROM products WHERE slug = $1`, slug); err != nil {
		t.Fatal(err)
	}
	doc := mustGet(t, "/en/product/"+slug)
	if lang, _ := doc.Find("html").Attr("lang"); lang != "en" {
		t.Errorf("html lang = %q", lang)
	}
	if h := text(doc.Find("h1")); h != titleEN {
		t.Errorf("English product h1 = %q, want %q", h, titleEN)
	}
	if p := text(doc.Find(".product .price")); !strings.HasPrefix(p, "COP") || !strings.Contains(p, ",000") {
		t.Errorf("English price = %q, want COP 189,000 style", p)
	}
	if strings.Contains(text(doc.Find("fieldset")), "Agotado") || !strings.Contains(text(doc.Find("fieldset")), "Sold out") {
		t.Errorf("English size picker: %q", text(doc.Find("fieldset")))
	}
	if doc.Find(`a[href="/producto/`+slug+`"]`).Length() == 0 {
		t.Errorf("no switch back to the Spanish page")
	}
	shoes := mustGet(t, "/en/catalog/shoes")
	if h := text(shoes.Find("h1")); h != "Shoes" {
		t.Errorf("English shoes heading = %q", h)
	}
	// A Spanish category slug under /en redirects to the English one.
	res, err := http.Get(testURL + "/en/catalog/calzado")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/en/catalog/shoes" {
		t.Errorf("/en/catalog/calzado ended at %v, want /en/catalog/shoes", res.Request.URL)
	}
}

func TestSearchIgnoresAccentsAndStems(t *testing.T) {
	tests := []struct{ q, want string }{
		{"cafe", "Café"},
		{"CAFÉ", "Café"},
		{"zapatos", "Zapato"},
		{"sandalia", "Sandalia"},
	}
	for _, tt := range tests {
		doc := mustGet(t, "/buscar?q="+tt.q)
		found := false
		for _, title := range cardTitles(doc) {
			found = found || strings.Contains(strings.ToLower(title), strings.ToLower(tt.want))
		}
		if !found {
			t.Errorf("search %q: no result with %q in its title; got %v", tt.q, tt.want, cardTitles(doc))
		}
	}
	if n := len(cardTitles(mustGet(t, "/buscar?q=xyzzyplugh"))); n != 0 {
		t.Errorf("nonsense search found %d products", n)
	}
	en := mustGet(t, "/en/search?q=boots")
	if len(cardTitles(en)) == 0 {
		t.Errorf("English search for boots found nothing")
	}
}

func TestNotFoundPages(t *testing.T) {
	for _, path := range []string{"/producto/no-existe", "/taller/no-existe", "/catalogo/no-existe", "/en/product/nope", "/nada/aqui"} {
		res, doc := get(t, path)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, res.StatusCode)
		}
		if doc.Find(`main form input[name="q"]`).Length() == 0 {
			t.Errorf("404 page for %s has no search box", path)
		}
	}
}

func TestBadInputNeverBreaksThePage(t *testing.T) {
	long := strings.Repeat("zapato ", 1500)
	paths := []string{
		"/catalogo?page=-1", "/catalogo?page=abc", "/catalogo?page=99999",
		"/catalogo?price_min=abc", "/catalogo?min=abc&max=-5", "/catalogo?min=500000&max=1000",
		"/catalogo?sort=1;DROP%20TABLE%20products", "/catalogo?size=%27%20OR%201=1",
		"/catalogo?workshop=../../etc", "/buscar?q=" + long, "/buscar?q=%ff%fe%fd",
		"/buscar?q=%27%3B%20DROP%20TABLE%20products%3B--", "/buscar?q=a%26b%7Cc%21%3A%2A",
		"/catalogo?%zz=1", "/catalogo?size=%00", "/catalogo?size=M%00", "/buscar?q=%00", "/producto/%ff", "/taller/%ff", "/catalogo/%ff",
	}
	for _, path := range paths {
		res, err := http.Get(testURL + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Errorf("GET %.60s = %d", path, res.StatusCode)
		}
	}
	// Ignored input is said, not silent.
	doc := mustGet(t, "/catalogo?price_min=abc")
	if doc.Find(".notice, .notices, [role=status]").Length() == 0 {
		t.Errorf("invalid price_min gives no notice")
	}
	var n int
	if err := testDB.GetContext(context.Background(), &n, `SELECT count(*) FROM products`); err != nil || n < 40 {
		t.Errorf("products after hostile input: %d (%v)", n, err)
	}
}

func TestWorkshopPage(t *testing.T) {
	var slug, name string
	row := testDB.QueryRowContext(context.Background(), `SELECT slug, name FROM workshops ORDER BY id LIMIT 1`)
	if err := row.Scan(&slug, &name); err != nil {
		t.Fatal(err)
	}
	doc := mustGet(t, "/taller/"+slug)
	if h := text(doc.Find("h1")); h != name {
		t.Errorf("workshop h1 = %q, want %q", h, name)
	}
	if len(cardTitles(doc)) == 0 {
		t.Errorf("workshop page lists no products")
	}
}

func TestContentPagesBothLanguages(t *testing.T) {
	for _, lang := range []string{"es", "en"} {
		for _, path := range shop.ContentPaths(lang) {
			doc := mustGet(t, path)
			if text(doc.Find("main h1")) == "" || len(text(doc.Find("main"))) < 200 {
				t.Errorf("%s: empty content page", path)
			}
		}
	}
	if !strings.Contains(text(mustGet(t, "/privacidad").Find("main")), "1581") {
		t.Errorf("privacy notice does not cite Ley 1581 de 2012")
	}
}

func TestSitemapAndRobots(t *testing.T) {
	res, err := http.Get(testURL + "/sitemap.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var sm struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.NewDecoder(res.Body).Decode(&sm); err != nil {
		t.Fatalf("sitemap.xml: %v", err)
	}
	if len(sm.URLs) < 2*40 {
		t.Errorf("sitemap lists %d URLs, want every product in both languages", len(sm.URLs))
	}
	res, err = http.Get(testURL + "/robots.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "Sitemap: https://libres.test/sitemap.xml") {
		t.Errorf("robots.txt:\n%s", b)
	}
}

// TestVariantPriceShown: a size that costs more (XL) says its own price on the picker.
func TestVariantPriceShown(t *testing.T) {
	var row struct {
		Slug  string `db:"slug"`
		ID    int64  `db:"id"`
		Price int64  `db:"price_override_minor"`
	}
	err := testDB.GetContext(context.Background(), &row, `SELECT p.slug, v.id, v.price_override_minor
		FROM variants v JOIN products p ON p.id = v.product_id
		WHERE v.price_override_minor IS NOT NULL AND v.price_override_minor <> p.price_minor LIMIT 1`)
	if err != nil {
		t.Fatalf("demo data has no variant with its own price: %v", err)
	}
	doc := mustGet(t, "/producto/"+row.Slug)
	label := text(doc.Find(`label[for="v` + strconv.FormatInt(row.ID, 10) + `"]`))
	want := strings.ReplaceAll(money.Format(money.Amount{Minor: row.Price, Currency: "COP"}, "es"), "\u00a0", " ")
	if !strings.Contains(label, want) {
		t.Errorf("option label %q does not show its price %q", label, want)
	}
}

// TestNoticesSayWhatHappened: ignored or corrected input is explained truthfully.
func TestNoticesSayWhatHappened(t *testing.T) {
	past := mustGet(t, "/catalogo?page=50")
	if n := text(past.Find(".notice, .notices, [role=status]")); !strings.Contains(n, "última") {
		t.Errorf("page past the end: notice %q, want it to say the last page is shown", n)
	}
	if cur := text(past.Find(`[aria-current="page"]`)); cur != "2" {
		t.Errorf("page past the end shows page %q, want the last (2)", cur)
	}
	swapped := mustGet(t, "/catalogo?min=150000&max=50000")
	if n := text(swapped.Find(".notice, .notices, [role=status]")); !strings.Contains(n, "intercambiamos") {
		t.Errorf("min above max: notice %q", n)
	}
	for _, p := range prices(swapped) {
		if p < 50000 || p > 150000 {
			t.Errorf("swapped range shows a product at %d", p)
		}
	}
}

func TestHeadRequests(t *testing.T) {
	for _, path := range []string{"/", "/catalogo", "/en/catalog/shoes", "/nosotros"} {
		res, err := http.Head(testURL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("HEAD %s = %d, want 200", path, res.StatusCode)
		}
	}
}

// TestInactiveWorkshopHidesItsProducts: switching a workshop off (consent withdrawn,
// workshop closed) takes its products off sale everywhere, not just its page.
func TestInactiveWorkshopHidesItsProducts(t *testing.T) {
	ctx := context.Background()
	var w struct {
		ID   int64  `db:"id"`
		Slug string `db:"slug"`
	}
	if err := testDB.GetContext(ctx, &w, `SELECT id, slug FROM workshops ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	var product string
	if err := testDB.GetContext(ctx, &product, `SELECT slug FROM products WHERE workshop_id = $1 LIMIT 1`, w.ID); err != nil {
		t.Fatal(err)
	}
	before := count(t, mustGet(t, "/catalogo"))
	if _, err := testDB.ExecContext(ctx, `UPDATE workshops SET active = false WHERE id = $1`, w.ID); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { testDB.ExecContext(ctx, `UPDATE workshops SET active = true WHERE id = $1`, w.ID) })
	for _, path := range []string{"/producto/" + product, "/taller/" + w.Slug} {
		if res, _ := get(t, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d with the workshop inactive, want 404", path, res.StatusCode)
		}
	}
	after := count(t, mustGet(t, "/catalogo"))
	if after >= before {
		t.Errorf("catalog lists %d products with a workshop inactive, %d before", after, before)
	}
	if doc := mustGet(t, "/catalogo"); doc.Find(`a[href="/taller/`+w.Slug+`"]`).Length() > 0 {
		t.Errorf("catalog still links to the inactive workshop")
	}
}

// TestActiveFiltersCanBeRemoved: the filters in force show as chips; each removes itself.
func TestActiveFiltersCanBeRemoved(t *testing.T) {
	doc := mustGet(t, "/catalogo/calzado?size=38&stock=1&max=200000")
	chips := doc.Find(".active-filters a")
	var labels []string
	chips.Each(func(_ int, s *goquery.Selection) { labels = append(labels, text(s)) })
	want := []string{"Talla 38", "Solo disponibles", "Hasta $ 200.000"}
	for _, w := range want {
		found := false
		for _, l := range labels {
			found = found || strings.HasPrefix(l, w)
		}
		if !found {
			t.Errorf("active filter chips %q lack %q", labels, w)
		}
	}
	href, _ := chips.First().Attr("href")
	after := mustGet(t, href)
	for _, l := range strings.Split(text(after.Find(".active-filters")), "×") {
		if strings.Contains(l, "Talla 38") {
			t.Errorf("following the size chip (%s) kept the size filter", href)
		}
	}
	only38 := mustGet(t, "/catalogo/calzado?size=38")
	href, _ = only38.Find(".active-filters a").First().Attr("href")
	if href != "/catalogo/calzado" || count(t, mustGet(t, href)) <= count(t, only38) {
		t.Errorf("removing the size filter (%q) did not widen the results", href)
	}
	en := mustGet(t, "/en/catalog/shoes?size=38")
	if l := text(en.Find(".active-filters a").First()); !strings.HasPrefix(l, "Size 38") {
		t.Errorf("English chip = %q", l)
	}
}
