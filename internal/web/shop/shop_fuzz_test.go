package shop

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/internal/web/kit"
	"github.com/libres/storefront/web"
)

// FuzzListingParams: the listing's and search's query string, as anyone may type it.
// The cleaned parameters are within bounds (page 1..10000, a known sort, at most 20 short
// sizes, whole-peso prices with min <= max), sizes are text PostgreSQL can compare (valid
// UTF-8, no NUL or control characters: they reach SQL as a bound array), and the query
// string the page writes for its links reads back as the same parameters.
func FuzzListingParams(f *testing.F) {
	for _, s := range []string{
		"q=zapatos&size=38&size=39&stock=1&min=50.000&max=200000&sort=price_asc&page=2",
		"q=%FF%FE&size=%00&size=" + strings.Repeat("x", 13) + "&min=abc&max=-1&sort=DROP&page=0",
		"min=300000&max=100000&price_min=1&page=10001&workshop=calzado-pastor",
		"size=%1F&size=M%00&q=" + strings.Repeat("á", 120),
		"q=a;b&&=&%zz&page=+3",
	} {
		f.Add(s, true)
	}
	msgs, err := i18n.Load(web.FS)
	if err != nil {
		f.Fatal(err)
	}
	s := &Handler{Kit: &kit.Kit{Msgs: msgs}}
	f.Fuzz(func(t *testing.T, raw string, search bool) {
		p := s.parseListing(raw, "es", search)
		if p.page < 1 || p.page > 10000 || !catalog.ValidSort(p.sort) && !(p.sort == catalog.SortRelevance || p.sort == catalog.SortNewest) {
			t.Fatalf("page %d, sort %q", p.page, p.sort)
		}
		if len(p.sizes) > 20 {
			t.Fatalf("%d sizes", len(p.sizes))
		}
		for _, sz := range p.sizes {
			if sz == "" || len(sz) > 12 || !utf8.ValidString(sz) || strings.IndexFunc(sz, unicode.IsControl) >= 0 {
				t.Fatalf("size %q kept", sz)
			}
		}
		if !utf8.ValidString(p.q) || utf8.RuneCountInString(p.q) > catalog.MaxQueryRunes {
			t.Fatalf("query %q kept", p.q)
		}
		if p.minMinor < 0 || p.maxMinor < 0 || p.minMinor%100 != 0 || p.maxMinor%100 != 0 ||
			p.maxMinor > 0 && p.minMinor > p.maxMinor {
			t.Fatalf("price range %d..%d", p.minMinor, p.maxMinor)
		}
		again := s.parseListing(p.query(p.page, search), "es", search)
		p.notices, again.notices = nil, nil
		if !reflect.DeepEqual(again, p) {
			t.Fatalf("%q parses to %+v; its links' query %q to %+v", raw, p, p.query(p.page, search), again)
		}
	})
}
