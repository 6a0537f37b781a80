package site

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/payment/stripetest"
)

// shopper is a visitor with a cart cookie (no login), who does not follow redirects.
type shopper struct {
	t       *testing.T
	base    string
	cookies map[string]string
	c       *http.Client
}

func newShopper(t *testing.T, base string) *shopper {
	return &shopper{t: t, base: base, cookies: map[string]string{}, c: &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (s *shopper) do(method, path string, form url.Values) (*http.Response, *goquery.Document) {
	s.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, _ := http.NewRequest(method, s.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range s.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := s.c.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(s.cookies, c.Name)
		} else {
			s.cookies[c.Name] = c.Value
		}
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return res, doc
}

// inStock finds a variant of an active product with at least n in stock.
func inStock(t *testing.T, n int) (variantID, priceMinor int64) {
	t.Helper()
	err := testDB.QueryRowx(`SELECT v.id, COALESCE(v.price_override_minor, p.price_minor) FROM variants v
		JOIN products p ON p.id = v.product_id JOIN workshops w ON w.id = p.workshop_id
		WHERE p.status = 'active' AND w.active AND v.stock_on_hand >= $1 ORDER BY v.id DESC LIMIT 1`, n).Scan(&variantID, &priceMinor)
	if err != nil {
		t.Fatalf("a variant with %d in stock: %v", n, err)
	}
	return variantID, priceMinor
}

func checkoutForm(method string) url.Values {
	return url.Values{"email": {fmt.Sprintf("compra-%d@libres.test", time.Now().UnixNano())}, "name": {"Ana Compra"},
		"phone": {"300 123 4567"}, "department": {"Antioquia"}, "city": {"Medellín"}, "address_line": {"Calle 10 # 20-30"},
		"donation": {"0"}, "payment_method": {method}, "accept_policy": {"1"}}
}

// place reviews the total, then confirms it, as the checkout page asks.
func (s *shopper) place(path string, form url.Values) *http.Response {
	s.t.Helper()
	form.Set("action", "review")
	res, doc := s.do(http.MethodPost, path, form)
	total, ok := doc.Find(`input[name="quoted_total"]`).Attr("value")
	if res.StatusCode != http.StatusOK || !ok {
		s.t.Fatalf("review: %d, no total shown: %s", res.StatusCode, text(doc.Find(".form-alert")))
	}
	form.Set("action", "place")
	form.Set("quoted_total", total)
	res, _ = s.do(http.MethodPost, path, form)
	return res
}

// TestCartRefusesBadInput: quantities that make no sense, sizes that do not exist or are
// no longer on sale get a clear message and leave the cart as it was.
func TestCartRefusesBadInput(t *testing.T) {
	v, _ := inStock(t, 1)
	var archived int64
	if err := testDB.Get(&archived, `SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id ORDER BY v.id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var productOfArchived int64
	_ = testDB.Get(&productOfArchived, `SELECT product_id FROM variants WHERE id = $1`, archived)
	testDB.MustExecContext(ctx, `UPDATE products SET status = 'archived' WHERE id = $1`, productOfArchived)
	t.Cleanup(func() { testDB.MustExec(`UPDATE products SET status = 'active' WHERE id = $1`, productOfArchived) })

	s := newShopper(t, testURL)
	for _, tt := range []struct {
		name    string
		variant int64
		qty     string
		status  int
	}{
		{"zero", v, "0", 422},
		{"negative", v, "-1", 422},
		{"huge", v, "999999", 422},
		{"not a number", v, "abc", 422},
		{"unknown variant", 999999999, "1", 404},
		{"archived product", archived, "1", 404},
	} {
		res, doc := s.do(http.MethodPost, "/carrito", url.Values{"variant": {strconv.FormatInt(tt.variant, 10)}, "quantity": {tt.qty}})
		if res.StatusCode != tt.status || text(doc.Find(".form-alert")) == "" {
			t.Errorf("%s: %d %q, want %d with a message", tt.name, res.StatusCode, text(doc.Find(".form-alert")), tt.status)
		}
	}
	if _, doc := s.do(http.MethodGet, "/carrito", nil); doc.Find(".cart-line").Length() != 0 {
		t.Errorf("refused additions left %d lines in the cart", doc.Find(".cart-line").Length())
	}
}

// TestManualCheckout: a shopper adds two sizes, changes a quantity, sees the total with
// shipping and taxes, places the order with a bank transfer and lands on its page; the
// prices come from the catalog whatever the form says, and missing fields keep the input.
func TestManualCheckout(t *testing.T) {
	v, price := inStock(t, 2)
	s := newShopper(t, testURL)
	if res, _ := s.do(http.MethodPost, "/carrito", url.Values{"variant": {fmt.Sprint(v)}, "quantity": {"1"}, "price": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add to cart: %d", res.StatusCode)
	}
	if res, _ := s.do(http.MethodPost, "/carrito/cantidad", url.Values{"variant": {fmt.Sprint(v)}, "quantity": {"2"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change quantity: %d", res.StatusCode)
	}
	_, cart := s.do(http.MethodGet, "/carrito", nil)
	if n := text(cart.Find(".nav-cart")); !strings.Contains(n, "(2)") {
		t.Errorf("header says %q, want the count 2", n)
	}

	bad := checkoutForm("transfer")
	bad.Del("city")
	bad.Set("phone", "12")
	bad.Set("action", "review")
	res, doc := s.do(http.MethodPost, "/pagar", bad)
	if res.StatusCode != http.StatusUnprocessableEntity || text(doc.Find("#f-city-err")) == "" || text(doc.Find("#f-phone-err")) == "" {
		t.Fatalf("missing city and bad phone: %d, city %q phone %q", res.StatusCode, text(doc.Find("#f-city-err")), text(doc.Find("#f-phone-err")))
	}
	if v, _ := doc.Find(`input[name="address_line"]`).Attr("value"); v != "Calle 10 # 20-30" {
		t.Errorf("the address typed was lost: %q", v)
	}

	var before int
	_ = testDB.Get(&before, `SELECT count(*) FROM orders`)
	form := checkoutForm("transfer")
	form.Set("total_minor", "100") // a tampered total must change nothing
	res = s.place("/pagar", form)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/pedido?token=") {
		t.Fatalf("place: %d %s, want a redirect to the order's page", res.StatusCode, res.Header.Get("Location"))
	}
	var o struct {
		Number   string `db:"number"`
		Subtotal int64  `db:"subtotal_minor"`
		Status   string `db:"status"`
	}
	if err := testDB.Get(&o, `SELECT number, subtotal_minor, status FROM orders WHERE email = $1`, form.Get("email")); err != nil {
		t.Fatal(err)
	}
	if o.Subtotal != 2*price || o.Status != "pending_payment" {
		t.Errorf("order %+v, want subtotal %d (catalog price × 2) and pending_payment", o, 2*price)
	}
	_, page := s.do(http.MethodGet, res.Header.Get("Location"), nil)
	if h := text(page.Find("h1")); !strings.Contains(h, o.Number) || text(page.Find("#pay-h")) == "" {
		t.Errorf("order page: heading %q, payment instructions %q", h, text(page.Find("#pay-h")))
	}
	if sw, _ := page.Find("a.lang-switch").Attr("href"); sw != "/en/order?"+strings.SplitN(res.Header.Get("Location"), "?", 2)[1] {
		t.Errorf("language switch of the order page = %q, want the same order in English", sw)
	}
	// Retried "place" (a double click) makes no second order.
	form.Set("action", "place")
	s.do(http.MethodPost, "/pagar", form)
	var after int
	_ = testDB.Get(&after, `SELECT count(*) FROM orders`)
	if after != before+1 {
		t.Errorf("%d orders after one checkout and a double click, want %d", after, before+1)
	}
}

// cardSite is the store with card payments through stripe (a recorder in front of
// stripe-mock, or a closed port) and its webhook endpoint.
func cardSite(t *testing.T, apiURL string) (base string, orders *order.Service) {
	t.Helper()
	stripe, err := payment.NewStripe(payment.StripeConfig{SecretKey: stripetest.Key, WebhookSecret: "whsec_site_test",
		APIURL: apiURL, Log: testSrv.Log, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	queue, err := notify.NewQueue(testDB, notify.Options{From: "Libres <no-reply@libres.test>", ShopURL: "https://libres.test"})
	if err != nil {
		t.Fatal(err)
	}
	orders = order.New(testDB, queue, order.Options{BaseURL: "https://libres.test", LinkKey: []byte("site-test-order-link-key-0123456789"),
		Methods: []payment.Method{payment.MethodCard, payment.MethodTransfer}})
	d := testSrv.Deps
	d.Orders, d.Card, d.Stripe = orders, stripe, stripe
	srv, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL, orders
}

// TestCardCheckout: placing a card order sends the shopper to Stripe's session with the
// right amounts; Stripe down keeps the order and its reservation and says so; the signed
// webhook, delivered ten times at once, pays the order once.
func TestCardCheckout(t *testing.T) {
	rec, apiURL := stripetest.NewRecorder(t, stripetest.URL(t))
	base, orders := cardSite(t, apiURL)
	v, price := inStock(t, 1)

	// Stripe unreachable first: the order waits, the page says card payment is unavailable.
	rec.SetDown(true)
	s := newShopper(t, base)
	s.do(http.MethodPost, "/carrito", url.Values{"variant": {fmt.Sprint(v)}, "quantity": {"1"}})
	form := checkoutForm("card")
	res := s.place("/pagar", form)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/pedido?token=") {
		t.Fatalf("card order with Stripe down: %d %s, want the order's page", res.StatusCode, loc)
	}
	_, page := s.do(http.MethodGet, loc, nil)
	if !strings.Contains(text(page.Find(".flash")), "tarjeta") || page.Find(`form[action$="/pay"]`).Length() != 1 {
		t.Fatalf("order page after Stripe failed: flash %q, retry form %d", text(page.Find(".flash")), page.Find(`form[action$="/pay"]`).Length())
	}
	var o order.Order
	if err := testDB.Get(&o, `SELECT id, number, status, payment_method, total_minor, expires_at FROM orders WHERE email = $1`, form.Get("email")); err != nil {
		t.Fatal(err)
	}
	if o.Status != order.StatusPending || o.ExpiresAt == nil || time.Until(*o.ExpiresAt) > 36*time.Minute {
		t.Fatalf("order after Stripe failed: %+v, want pending with a reservation of at most 35 minutes", o)
	}

	// Stripe back: the retry opens a session for the same order and its reservation.
	rec.SetDown(false)
	retry := url.Values{"token": {strings.TrimPrefix(loc, "/pedido?token=")}}
	res, _ = s.do(http.MethodPost, "/pedido/"+o.Number+"/pay", retry)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "https://") {
		t.Fatalf("retry: %d %s, want a redirect to the Checkout Session", res.StatusCode, res.Header.Get("Location"))
	}
	// Browsers check a form's redirect against CSP form-action: Stripe's checkout must be in it.
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https://checkout.stripe.com") {
		t.Errorf("CSP %q does not let the checkout form lead to Stripe", csp)
	}
	t.Logf("session URL %s", res.Header.Get("Location"))
	sent := rec.Last()
	if sent.Path != "/v1/checkout/sessions" || sent.Form.Get("currency") != "" && sent.Form.Get("currency") != "cop" ||
		sent.Form.Get("line_items[0][price_data][unit_amount]") != strconv.FormatInt(price, 10) ||
		sent.Form.Get("line_items[0][price_data][currency]") != "cop" ||
		sent.Form.Get("client_reference_id") != strconv.FormatInt(o.ID, 10) || sent.IdempotencyKey() == "" {
		t.Fatalf("Checkout Session request %s %v (key %q): want COP %d in minor units for order %d", sent.Path, sent.Form, sent.IdempotencyKey(), price, o.ID)
	}

	// The signed completed event, ten times at once: paid once, one email.
	payload, sig := stripetest.SignedEvent(t, "whsec_site_test", "checkout.session.completed", map[string]any{
		"id": "cs_test_site", "object": "checkout.session", "client_reference_id": strconv.FormatInt(o.ID, 10),
		"payment_status": "paid", "payment_intent": "pi_test_site", "amount_total": o.Total, "currency": "cop",
		"metadata": map[string]string{"order_id": strconv.FormatInt(o.ID, 10)},
	})
	var wg sync.WaitGroup
	codes := make(chan int, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, base+"/webhooks/stripe", strings.NewReader(string(payload)))
			req.Header.Set("Stripe-Signature", sig)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				codes <- -1
				return
			}
			res.Body.Close()
			codes <- res.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusOK {
			t.Errorf("a webhook delivery answered %d, want 200", c)
		}
	}
	paid, err := orders.Order(context.Background(), o.ID)
	if err != nil || paid.Status != order.StatusPaid {
		t.Fatalf("order after the webhook: %v %v, want paid", paid.Status, err)
	}
	var emails int
	_ = testDB.Get(&emails, `SELECT count(*) FROM river_job WHERE kind = 'email' AND args->>'template' = 'order_paid' AND args->>'to' = $1`, form.Get("email"))
	if emails != 1 {
		t.Errorf("%d payment-confirmed emails queued, want 1", emails)
	}

	// An unsigned or oversized webhook changes nothing.
	for name, body := range map[string]string{"unsigned": string(payload), "2 MB": strings.Repeat("x", 2<<20)} {
		res, err := http.Post(base+"/webhooks/stripe", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode < 400 || res.StatusCode >= 500 {
			t.Errorf("%s webhook: %d, want a 4xx", name, res.StatusCode)
		}
	}
}
