package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/quote"
)

// Quantity prices typed beside a line's unit price: unreadable ones and ones that do
// not go with the price come back (422) as typed on the right line; good ones make a
// version whose total uses the price of the line's quantity, the history lists them and
// the re-quote form starts from them.
func TestQuotePriceTiers(t *testing.T) {
	b := admin(t)
	q := demoQuote(t)
	path := quotePage(q)
	ws1, ws2 := newWorkshop(t), newWorkshop(t)

	p := b.mustGet(path)
	if p.Find("#f-tiers-1").Length() != 1 || p.Find("#f-tiers-2").Length() != 1 || val(p, "#f-tiers-1") != "" {
		t.Fatalf("no empty quantity prices inputs: %q", text(p.Find("form.price-form fieldset").First()))
	}

	for _, tc := range []struct {
		name, field, typed, errID, want string
	}{
		{"words", "lines.1.tiers", "muchas: 18.000", "#f-tiers-2-err", "cantidad: pesos"},
		{"no colon", "lines.0.tiers", "200 34.000", "#f-tiers-1-err", "cantidad: pesos"},
		{"dearer than the unit price", "lines.0.tiers", "200: 36.000", "#f-tiers-1-err", "más barato"},
		{"quantities going down", "lines.0.tiers", "500: 31.000; 200: 34.000", "#f-tiers-1-err", "más barato"},
	} {
		form := priceForm(ws1, ws2)
		form.Set(tc.field, tc.typed)
		res := b.postFile(path+"/price", form, "", "", nil)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(text(res.Find(tc.errID)), tc.want) {
			t.Errorf("%s = %d, errors %q", tc.name, res.status, text(res.Find(".field-error")))
			continue
		}
		id := "#f-tiers-1"
		if tc.field == "lines.1.tiers" {
			id = "#f-tiers-2"
		}
		if val(res, id) != tc.typed || val(res, "#f-price-1") != "35.000" {
			t.Errorf("%s: typed values lost: tiers %q, price %q", tc.name, val(res, id), val(res, "#f-price-1"))
		}
		if res.Find(id).AttrOr("aria-invalid", "") != "true" {
			t.Errorf("%s: the input is not marked invalid", tc.name)
		}
	}
	if quoteStatus(t, q.ID) != quote.StatusRequested {
		t.Fatal("a refused price changed the quote")
	}

	// 35 polos: from 30 each costs 33.000 (not 35.000); 12 aprons at 20.000; setup 150.000.
	good := priceForm(ws1, ws2)
	good.Set("lines.0.tiers", "30: 33.000; 100+: 30.000")
	done := b.submitFile(path+"/price", good, "", "", nil)
	v1 := done.Find("#version-1")
	if got := text(v1.Find(".version-total")); got != "$ 1.545.000" {
		t.Errorf("total with the tier = %q, want $ 1.545.000", got)
	}
	line1 := text(v1.Find(".version-prices li").First())
	for _, want := range []string{"$ 33.000 × 35", "base $ 35.000", "30+: $ 33.000; 100+: $ 30.000"} {
		if !strings.Contains(line1, want) {
			t.Errorf("version line 1 %q lacks %q", line1, want)
		}
	}
	if line2 := text(v1.Find(".version-prices li").Eq(1)); strings.Contains(line2, "+:") {
		t.Errorf("line 2 without tiers shows some: %q", line2)
	}
	if val(done, "#f-tiers-1") != "30: 33000; 100: 30000" || val(done, "#f-tiers-2") != "" || val(done, "#f-price-1") != "35000" {
		t.Errorf("re-quote form: tiers %q / %q, price %q", val(done, "#f-tiers-1"), val(done, "#f-tiers-2"), val(done, "#f-price-1"))
	}

	en := b.mustGet(path + "?lang=en")
	checkQuotesPage(t, en, "en", "/admin/quotes")
	if got := text(en.Find("#version-1 .version-prices li").First()); !strings.Contains(got, "by quantity: 30+: COP 33,000") {
		t.Errorf("English version line %q", got)
	}
}
