package site

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Benchmarks of the per-visitor routes of `make bench` through the Gin engine (real
// PostgreSQL, one request at a time): add to cart, the cart page and placing an order.
// ns/op here is mostly database round trips; under wrk the same work is CPU shared with
// PostgreSQL (docs/performance.md, "Writes and per-visitor pages").

// benchVariants returns n variants on sale, lowest ids first, with their stock raised so
// a benchmark never runs out (the bench database is the page tests' own).
func benchVariants(b *testing.B, n int) []int64 {
	b.Helper()
	var ids []int64
	if err := testDB.Select(&ids, `SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id
		JOIN workshops w ON w.id = p.workshop_id WHERE p.status = 'active' AND w.active
		ORDER BY v.id LIMIT $1`, n); err != nil || len(ids) < n {
		b.Fatalf("%d variants on sale: %v (%d)", n, err, len(ids))
	}
	testDB.MustExec(`UPDATE variants SET stock_on_hand = 1000000 WHERE id = ANY($1)`, ids)
	return ids
}

// benchCart makes an anonymous cart holding one of each variant and returns its cookie.
func benchCart(b *testing.B, token string, variants []int64) string {
	b.Helper()
	sum := sha256.Sum256([]byte(token))
	var id int64
	if err := testDB.Get(&id, `INSERT INTO carts (token_hash, created_at, updated_at) VALUES ($1, now(), now()) RETURNING id`, sum[:]); err != nil {
		b.Fatal(err)
	}
	testDB.MustExec(`INSERT INTO cart_lines (cart_id, variant_id, quantity, unit_minor_when_added, added_at)
		SELECT $1, v.id, 1, COALESCE(v.price_override_minor, p.price_minor), now()
		FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = ANY($2)`, id, variants)
	return "__Host-libres_cart=" + token // the test site is https
}

func benchPost(h http.Handler, path, cookie string, form url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// BenchmarkAddToCart is `make bench`'s add: POST /carrito to a cart that exists.
func BenchmarkAddToCart(b *testing.B) {
	vs := benchVariants(b, 4)
	cookie := benchCart(b, fmt.Sprintf("bench-add-%p", b), nil)
	h := testSrv.Handler()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		form := url.Values{"variant": {strconv.FormatInt(vs[i%len(vs)], 10)}, "quantity": {"1"}}
		if i%(len(vs)*90) == 0 { // keep the lines under the maximum quantity
			testDB.MustExec(`DELETE FROM cart_lines l USING carts c WHERE c.id = l.cart_id AND c.token_hash = $1`,
				sha(strings.SplitN(cookie, "=", 2)[1]))
		}
		i++
		if rec := benchPost(h, "/carrito", cookie, form); rec.Code != http.StatusSeeOther {
			b.Fatalf("add to cart = %d", rec.Code)
		}
	}
}

// BenchmarkCartPage is the cart page of a cart of two lines.
func BenchmarkCartPage(b *testing.B) {
	cookie := benchCart(b, fmt.Sprintf("bench-cart-%p", b), benchVariants(b, 2))
	h := testSrv.Handler()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/carrito", nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("cart = %d", rec.Code)
		}
	}
}

// BenchmarkPlaceOrder places an order of two lines by bank transfer from a fresh cart
// per request (made outside the timer), as `make bench`'s place does.
func BenchmarkPlaceOrder(b *testing.B) {
	vs := benchVariants(b, 2)
	h := testSrv.Handler()
	form := url.Values{"email": {"bench@libres.test"}, "name": {"Bench Shopper"}, "phone": {"3001234567"},
		"department": {"Antioquia"}, "city": {"Medellín"}, "address_line": {"Calle 10 # 20-30"}, "donation": {"0"},
		"payment_method": {"transfer"}, "accept_policy": {"1"}, "action": {"review"}}
	rec := benchPost(h, "/pagar", benchCart(b, fmt.Sprintf("bench-review-%p", b), vs), form)
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		b.Fatal(err)
	}
	total, ok := doc.Find(`input[name="quoted_total"]`).Attr("value")
	if !ok {
		b.Fatalf("review = %d, no total", rec.Code)
	}
	form.Set("action", "place")
	form.Set("quoted_total", total)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		b.StopTimer()
		cookie := benchCart(b, fmt.Sprintf("bench-place-%p-%d", b, i), vs)
		i++
		b.StartTimer()
		if rec := benchPost(h, "/pagar", cookie, form); rec.Code != http.StatusSeeOther {
			b.Fatalf("place = %d", rec.Code)
		}
	}
}

func sha(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
