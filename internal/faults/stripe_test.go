package faults

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/payment/stripetest"
)

// stripeFault is what the proxy does with one Checkout Session creation.
type stripeFault int

const (
	pass      stripeFault = iota
	answer500             // Stripe failing (stripe-go does not retry a POST that answered 500)
	answer503             // Stripe overloaded (stripe-go retries)
	hang                  // no answer until the store gives up on the request
)

// stripeProxy stands between the store and stripe-mock: it logs the Idempotency-Key of
// every Checkout Session creation and applies the planned faults to the next ones.
type stripeProxy struct {
	srv    *httptest.Server
	closed chan struct{}

	mu    sync.Mutex
	plan  []stripeFault
	calls []stripeCall
}

type stripeCall struct {
	key   string
	fault stripeFault
}

func startStripeProxy(t *testing.T) *stripeProxy {
	t.Helper()
	target, err := url.Parse(stripetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	p := &stripeProxy{closed: make(chan struct{})}
	rp := httputil.NewSingleHostReverseProxy(target)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/checkout/sessions" {
			rp.ServeHTTP(w, r)
			return
		}
		p.mu.Lock()
		f := pass
		if len(p.plan) > 0 {
			f, p.plan = p.plan[0], p.plan[1:]
		}
		p.calls = append(p.calls, stripeCall{key: r.Header.Get("Idempotency-Key"), fault: f})
		p.mu.Unlock()
		switch f {
		case answer500, answer503:
			code := map[stripeFault]int{answer500: 500, answer503: 503}[f]
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_, _ = w.Write([]byte(`{"error":{"type":"api_error","message":"injected by the faults test"}}`))
		case hang:
			// The body read, the server notices when the store gives up and closes
			// the connection; closed stops the wait when the test ends first.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-p.closed:
			}
		default:
			rp.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(func() {
		close(p.closed)
		p.srv.Close()
	})
	return p
}

// next plans the faults of the next creations (after them, requests pass).
func (p *stripeProxy) next(fs ...stripeFault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.plan = fs
}

// since returns the creations logged from index i on.
func (p *stripeProxy) since(i int) []stripeCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]stripeCall(nil), p.calls[i:]...)
}

func (p *stripeProxy) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

// cardUnavailable is the message a shopper reads when the card payment cannot be
// opened (es, the default language).
const cardUnavailable = "El pago con tarjeta no está disponible en este momento."

// TestStripeFailingOnCheckout makes Stripe answer 500, 503 and nothing at all to
// Checkout Session creation. A 500 sends the shopper to their order, reserved, with a
// message saying card payment is unavailable, and paying again from there works; a
// 503 and a timeout are retried by the store itself. Every attempt for one order
// carries that order's Idempotency-Key, so Stripe makes at most one session per
// order, and no order shares a key with another.
func TestStripeFailingOnCheckout(t *testing.T) {
	t.Parallel()
	proxy := startStripeProxy(t)
	c := startCluster(t)
	s := newStore(t, c, map[string]string{"STRIPE_SECRET_KEY": stripetest.Key, "STRIPE_WEBHOOK_SECRET": "whsec_faults_test",
		"STRIPE_API_URL": proxy.srv.URL, "LIBRES_PAGE_CACHE_MB": "0"})
	conn := s.open()
	cat := seedCatalog(t, conn)
	s.start()

	keys := map[string]string{} // Idempotency-Key -> scenario
	scenario := func(name string, faults []stripeFault, wantCalls int, shop func(sh *shopper, placed reply)) {
		t.Helper()
		from := proxy.count()
		proxy.next(faults...)
		sh := newShopper(s.url)
		started := time.Now()
		placed := placeCard(t, sh, cat, "tarjeta@faults.test")
		shop(sh, placed)
		calls := proxy.since(from)
		var ks []string
		for _, c := range calls {
			ks = append(ks, c.key)
		}
		t.Logf("Stripe %s: %d creation requests in %d ms, Idempotency-Keys %q", name, len(calls), time.Since(started).Milliseconds(), ks)
		if len(calls) != wantCalls {
			t.Errorf("%s: %d creation requests, want %d", name, len(calls), wantCalls)
		}
		for _, c := range calls {
			if c.key == "" || c.key != calls[0].key {
				t.Errorf("%s: Idempotency-Keys %q: want one, the same on every attempt", name, ks)
				break
			}
			if other, ok := keys[c.key]; ok && other != name {
				t.Errorf("%s: Idempotency-Key %q already used for %s", name, c.key, other)
			}
		}
		if len(calls) > 0 {
			keys[calls[0].key] = name
		}
	}
	toStripe := func(name string, r reply) {
		t.Helper()
		if r.status != http.StatusSeeOther || strings.HasPrefix(r.location, "/") || strings.HasPrefix(r.location, s.url) {
			t.Errorf("%s: answered %d to %q, want a redirect to Stripe's checkout page", name, r.status, r.location)
		}
	}

	scenario("500, then the shopper pays again", []stripeFault{answer500}, 2, func(sh *shopper, placed reply) {
		if placed.status != http.StatusSeeOther || !strings.HasPrefix(placed.location, "/") {
			t.Fatalf("placing with Stripe failing answered %d to %q, want a redirect to the order's page", placed.status, placed.location)
		}
		page, err := sh.do(http.MethodGet, placed.location, nil)
		if err != nil || page.status != http.StatusOK {
			t.Fatalf("order page after the failure: %d %v", page.status, err)
		}
		if msg := text(page.doc.Find(".flash")); !strings.HasPrefix(msg, cardUnavailable) {
			t.Errorf("order page after the failure says %q, want %q…", msg, cardUnavailable)
		}
		form := page.doc.Find(`form[action$="/pay"]`)
		if form.Length() != 1 {
			t.Fatalf("order page after the failure has %d forms to pay again", form.Length())
		}
		vals := url.Values{}
		form.Find("input[name]").Each(func(_ int, in *goquery.Selection) { vals.Set(in.AttrOr("name", ""), in.AttrOr("value", "")) })
		again, err := sh.do(http.MethodPost, form.AttrOr("action", ""), vals)
		if err != nil {
			t.Fatal(err)
		}
		toStripe("paying again", again)
	})
	scenario("503 once", []stripeFault{answer503}, 2, func(_ *shopper, placed reply) { toStripe("503 once", placed) })
	scenario("no answer once", []stripeFault{hang}, 2, func(_ *shopper, placed reply) { toStripe("no answer once", placed) })

	var pending int
	if err := conn.Get(&pending, `SELECT count(*) FROM orders WHERE status = 'pending_payment' AND payment_method = 'card'`); err != nil {
		t.Fatal(err)
	}
	if pending != 3 {
		t.Errorf("%d card orders pending payment, want 3 (one per checkout, none doubled)", pending)
	}
	checkOrders(t, conn)
}

// placeCard fills a cart and places the order for card payment by email; it returns
// the answer to placing.
func placeCard(t *testing.T, sh *shopper, cat catalog, email string) reply {
	t.Helper()
	if r, err := sh.do(http.MethodPost, "/carrito", url.Values{"variant": {strconv.FormatInt(cat.variants[0], 10)}, "quantity": {"1"}}); err != nil || r.status != http.StatusSeeOther {
		t.Fatalf("add to cart: %d %v", r.status, err)
	}
	form := checkoutForm(email)
	form.Set("payment_method", "card")
	r, err := sh.do(http.MethodPost, "/pagar", form)
	total, ok := r.doc.Find(`input[name="quoted_total"]`).Attr("value")
	if err != nil || !ok {
		t.Fatalf("checkout review: %d %v", r.status, err)
	}
	form.Set("action", "place")
	form.Set("quoted_total", total)
	r, err = sh.do(http.MethodPost, "/pagar", form)
	if err != nil {
		t.Fatalf("place: %v", err)
	}
	return r
}
