package e2e

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	_ "github.com/lib/pq" // the store's database, for the reservation no page shows
)

// stripeCheckout is where stripe-mock's Checkout Sessions send shoppers: Stripe's
// hosted page, which the test machine cannot reach.
const stripeCheckout = "https://checkout.stripe.com/"

// cardJourney carries what the card path learns for its next steps.
type cardJourney struct {
	t     *testing.T
	tab   *tab
	sh    *shopper
	shot  string
	email string

	sizes   []variantState
	totals  totals
	before  int      // how many requests the provider had seen before the order
	handoff *handoff // the browser's request to the provider's page
	back    string   // the success URL given to the provider: the order's page
}

// runCardPath is TestBrowser/card: a guest on the phone, in English, chooses card
// payment. The store opens a Checkout Session at the provider (stripe-mock, behind
// the recorder) and sends the browser there with a 303. Stripe's page cannot load
// here, so the tab's request for it is answered by the test with a stand-in page
// (Fetch.requestPaused): the journey stops at the hand-off, which is the store's part.
// Then the session must carry the order's lines summing to its total and the order's
// page as the way back, and the order must wait for its payment with its stock
// reserved until the session expires.
func runCardPath(t *testing.T, tb *tab, sh *shopper) {
	j := &cardJourney{t: t, tab: tb, sh: sh,
		email: fmt.Sprintf("tarjeta-%s-%d@libres.test", tb.vp.name, time.Now().UnixNano())}
	steps := []struct {
		name string
		do   func(ctx context.Context, j *cardJourney) error
	}{
		{"product", stepCardProduct},
		{"cart", stepCardCart},
		{"review", stepCardReview},
		{"to-provider", stepToProvider},
		{"order", stepCardOrder},
	}
	for i, s := range steps {
		name := fmt.Sprintf("card-%s-%02d-%s", tb.vp.name, i+1, s.name)
		j.shot = tb.shotPath(name)
		start := time.Now()
		if err := tb.run(func(ctx context.Context) error { return s.do(ctx, j) }); err != nil {
			shot := tb.screenshot(name + "-FAILED")
			t.Fatalf("%s card path, step %q failed at %s:\n  %v\n  screenshot: %s", tb.vp.name, s.name, tb.location(), err, shot)
		}
		t.Logf("%s (%s): %s", s.name, time.Since(start).Round(100*time.Millisecond), tb.screenshot(name))
	}
}

func (j *cardJourney) check(ctx context.Context, name string, html func() ([]byte, error)) error {
	return j.sh.audit.check(ctx, j.t, j.tab, "shop-"+name, j.shot, html)
}

// stepCardProduct: the English clothing listing from the cheapest, and a product with
// a size in stock.
func stepCardProduct(ctx context.Context, j *cardJourney) error {
	if err := navigateOK(ctx, j.tab.base+"/en"); err != nil {
		return err
	}
	href, err := eval[string](ctx, `[...document.querySelectorAll("header nav a")].find(a => a.textContent.trim() === "Clothing")?.getAttribute("href") ?? ""`)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(href, "/en/catalog/") {
		return fmt.Errorf(`the English header's "Clothing" link is %q, want /en/catalog/…`, href)
	}
	if err := navigateOK(ctx, j.tab.base+href+"?sort=price_asc"); err != nil {
		return err
	}
	_, j.sizes, err = productWithSizes(ctx, j.tab, 1, nil)
	return err
}

func stepCardCart(ctx context.Context, j *cardJourney) error {
	if err := addSize(ctx, j.tab, j.sizes[0], "Add to cart"); err != nil {
		return err
	}
	if err := wantPath(ctx, "/en/cart"); err != nil {
		return err
	}
	if err := wantFlash(ctx, "Added to your cart."); err != nil {
		return err
	}
	lines, err := eval[[]cartLine](ctx, cartLinesJS)
	if err != nil {
		return err
	}
	if len(lines) != 1 || lines[0].Quantity != "1" || !strings.HasPrefix(lines[0].Unit, "COP ") {
		return fmt.Errorf("the cart shows %+v, want one line of 1 priced in COP", lines)
	}
	return j.check(ctx, "en-cart", func() ([]byte, error) { return j.tab.serverHTML(ctx, "/en/cart") })
}

var enTotals = [5]string{"Products (VAT included)", "of which VAT", "Shipping", "Donation", "Total to pay"}

func stepCardReview(ctx context.Context, j *cardJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, button("Continue to checkout")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/en/checkout"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx,
		typeInto(`#f-email`, j.email),
		typeInto(`#f-name`, "Andrés Card "+j.tab.vp.name),
		typeInto(`#f-phone`, "+57 310 555 0101"),
		typeInto(`#f-city`, "Bogotá"),
		typeInto(`#f-address_line`, "Calle 72 # 10-07, oficina 502"),
	); err != nil {
		return fmt.Errorf("fill the form: %w", err)
	}
	if err := choose(ctx, "f-department", "Bogotá D.C."); err != nil {
		return err
	}
	if err := chromedp.Do(ctx,
		press(j.tab.vp, `//label[@for="pm-card"]`),
		press(j.tab.vp, `#f-accept_policy`),
	); err != nil {
		return fmt.Errorf("choose card and consent: %w", err)
	}
	if err := pressAndLoad(ctx, j.tab.vp, button("See the total")); err != nil {
		return err
	}
	t, err := readTotals(ctx, enTotals, "Free")
	if err != nil {
		return err
	}
	if t.shipping <= 0 {
		return fmt.Errorf("the total shows no shipping cost for one piece to Bogotá: %+v", t)
	}
	j.totals = t
	if ok, err := eval[bool](ctx, `document.getElementById("pm-card").checked`); err != nil || !ok {
		return fmt.Errorf("after the review, card is no longer chosen (%v)", err)
	}
	return j.check(ctx, "en-checkout-total", func() ([]byte, error) {
		return reviewAnswer(ctx, j.tab, "/en/checkout", http.StatusOK)
	})
}

// handoff is the tab's request for the provider's page, answered by the test.
type handoff struct {
	mu  sync.Mutex
	url string
}

func (h *handoff) URL() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.url
}

// standInPage is what the tab shows instead of Stripe's page.
const standInPage = `<!doctype html><html lang="en"><title>Stripe Checkout (stand-in)</title><h1>Stripe Checkout (stand-in)</h1><p>The browser suite answered this request: the test machine cannot reach Stripe.</p></html>`

// interceptProvider makes the tab's requests to the provider's page pause, records the
// first one and answers it with the stand-in page. It stops when ctx ends.
func interceptProvider(ctx context.Context) (*handoff, error) {
	h := &handoff{}
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{
		Patterns: []*fetch.RequestPattern{{URLPattern: stripeCheckout + "*"}},
	}); err != nil {
		return nil, fmt.Errorf("intercept requests to %s: %w", stripeCheckout, err)
	}
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			h.mu.Lock()
			if h.url == "" {
				h.url = ev.Request.URL
			}
			h.mu.Unlock()
			_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
				RequestID:       ev.RequestID,
				ResponseCode:    http.StatusOK,
				ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}},
				Body:            []byte(standInPage),
			})
		}
	}()
	return h, nil
}

// stepToProvider: "Place order" answers with a 303 to the provider's page, where the
// browser goes.
func stepToProvider(ctx context.Context, j *cardJourney) error {
	var err error
	if j.handoff, err = interceptProvider(ctx); err != nil {
		return err
	}
	j.before = len(j.sh.s.stripe.Requests())
	sent := chromedp.Events(ctx, network.RequestWillBeSent) // from before the press on
	if err := pressAndLoad(ctx, j.tab.vp, button("Place order")); err != nil {
		return err
	}
	for ev, err := range sent {
		if err != nil {
			return fmt.Errorf("the browser asked for no page at %s: %w", stripeCheckout, err)
		}
		if !strings.HasPrefix(ev.Request.URL, stripeCheckout) {
			continue
		}
		r := ev.RedirectResponse
		if r == nil || r.Status != http.StatusSeeOther || r.URL != j.tab.base+"/en/checkout" {
			return fmt.Errorf("the browser reached %s by %+v, want a 303 answer to the checkout form's POST /en/checkout", ev.Request.URL, r)
		}
		break
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return err
	}
	loc, _, _ = strings.Cut(loc, "#") // Stripe's URLs carry a fragment; requests do not
	if !strings.HasPrefix(loc, stripeCheckout) || j.handoff.URL() != loc {
		return fmt.Errorf("placing the order led to %s (requested: %q), want Stripe's checkout page %s…", loc, j.handoff.URL(), stripeCheckout)
	}
	return nil
}

// checkoutSession is the order's Checkout Session request as the provider got it.
func (j *cardJourney) checkoutSession() (url.Values, error) {
	var found []url.Values
	for _, r := range j.sh.s.stripe.Requests()[j.before:] {
		if r.Method == http.MethodPost && r.Path == "/v1/checkout/sessions" {
			found = append(found, r.Form)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("the order opened %d Checkout Sessions, want 1", len(found))
	}
	return found[0], nil
}

// stepCardOrder: the session asked for the order's total and leads back to its page;
// the order waits for the payment and holds its stock; its page says so and offers to
// pay again.
func stepCardOrder(ctx context.Context, j *cardJourney) error {
	f, err := j.checkoutSession()
	if err != nil {
		return err
	}
	var sum int64
	for i := 0; f.Has(fmt.Sprintf("line_items[%d][quantity]", i)); i++ {
		unit, _ := strconv.ParseInt(f.Get(fmt.Sprintf("line_items[%d][price_data][unit_amount]", i)), 10, 64)
		qty, _ := strconv.ParseInt(f.Get(fmt.Sprintf("line_items[%d][quantity]", i)), 10, 64)
		sum += unit * qty
	}
	number := f.Get("metadata[order_number]")
	if sum != j.totals.total*100 || f.Get("customer_email") != j.email || !strings.HasPrefix(number, "LIB-") {
		return fmt.Errorf("the Checkout Session asked for %d (minor units) for order %q to %q, want %d00 to %s: %v",
			sum, number, f.Get("customer_email"), j.totals.total, j.email, f)
	}
	j.back = f.Get("success_url")
	if !strings.HasPrefix(j.back, j.tab.base+"/en/order?token=") {
		return fmt.Errorf("the session's success URL is %q, want the English order page", j.back)
	}
	if err := wantReserved(ctx, j.sh.s.db, number, 1); err != nil {
		return err
	}
	if err := navigateOK(ctx, j.back); err != nil {
		return err
	}
	got, err := wantOrderPage(ctx, "Order ", "Waiting for payment")
	if err != nil {
		return err
	}
	if got != number {
		return fmt.Errorf("the way back opens order %s, want %s", got, number)
	}
	_, err = visibleText(ctx, button("Pay by card"))
	return err
}

// wantReserved wants the order to wait for its card payment, with its session at the
// provider, and its pieces' stock reserved (neither released nor committed) until the
// order expires.
func wantReserved(ctx context.Context, dbURL, number string, pieces int) error {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var (
		id               int64
		status, method   string
		session          string
		expires          sql.NullTime
		held, open, till int
	)
	err = db.QueryRowContext(ctx, `SELECT id, status, payment_method, provider_session_id, expires_at FROM orders WHERE number = $1`, number).
		Scan(&id, &status, &method, &session, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("no order %s in the store's database", number)
	}
	if err != nil {
		return fmt.Errorf("read order %s: %w", number, err)
	}
	if status != "pending_payment" || method != "card" || session == "" || !expires.Valid || !expires.Time.After(time.Now()) {
		return fmt.Errorf("order %s is %s by %s, session %q, expiring %v; want pending_payment by card with a session, expiring later",
			number, status, method, session, expires.Time)
	}
	err = db.QueryRowContext(ctx, `SELECT coalesce(sum(quantity), 0),
		count(*) FILTER (WHERE released_at IS NULL AND committed_at IS NULL),
		count(*) FILTER (WHERE expires_at = $2)
		FROM stock_reservations WHERE order_id = $1`, id, expires.Time).Scan(&held, &open, &till)
	if err != nil {
		return fmt.Errorf("read the reservations of order %s: %w", number, err)
	}
	if held != pieces || open == 0 || open != till {
		return fmt.Errorf("order %s reserves %d pieces (%d reservations open, %d until the order expires), want %d open until then",
			number, held, open, till, pieces)
	}
	return nil
}
