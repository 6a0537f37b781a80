package site

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/web/pagecache"
)

// benchCached measures a page answered from the page cache through the Gin engine:
// anonymous (the kept gzip bytes) or with a cart (the visitor's count looked up and
// spliced into the kept parts).
func benchCached(b *testing.B, path string, withCart bool) {
	d := testSrv.Deps
	d.Pages = pagecache.New(pagecache.Options{MaxBytes: 64 << 20, Standalone: true})
	srv, err := New(d)
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	var cookie string
	if withCart {
		var variantID int64
		if err := testDB.Get(&variantID, `SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id
			WHERE p.status = 'active' AND v.stock_on_hand > 0 ORDER BY v.id LIMIT 1`); err != nil {
			b.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/carrito", nil)
		req.PostForm = url.Values{"variant": {strconv.FormatInt(variantID, 10)}, "quantity": {"1"}}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		for _, c := range rec.Result().Cookies() {
			if strings.HasSuffix(c.Name, "libres_cart") { // not the "added" message's
				cookie = c.Name + "=" + c.Value
			}
		}
		if cookie == "" {
			b.Fatalf("add to cart = %d, no cookie", rec.Code)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s = %d", path, rec.Code)
		}
	}
}

func BenchmarkHomeCached(b *testing.B)            { benchCached(b, "/", false) }
func BenchmarkListingCached(b *testing.B)         { benchCached(b, "/catalogo", false) }
func BenchmarkSearchCached(b *testing.B)          { benchCached(b, "/buscar?q=zapato", false) }
func BenchmarkListingCachedWithCart(b *testing.B) { benchCached(b, "/catalogo", true) }
