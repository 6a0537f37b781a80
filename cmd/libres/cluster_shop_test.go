package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/order"
)

// shoppers is a load of visits through the proxy, each a new browser going from the
// product page to its order page by bank transfer, counting every answer.
type shoppers struct {
	front   *replica
	slug    string
	variant int64

	mu       sync.Mutex
	requests int
	bad      []string          // answers that did not let the shopper go on
	placed   map[string]string // order email → replica that placed it
	stop     chan struct{}
	halted   sync.Once
	wg       sync.WaitGroup
}

func newShoppers(front *replica, slug string, variant int64) *shoppers {
	return &shoppers{front: front, slug: slug, variant: variant, placed: map[string]string{}, stop: make(chan struct{})}
}

// run starts n shoppers, each visiting again and again until halt, with emails made
// by email(shopper, visit).
func (s *shoppers) run(n int, email func(w, i int) string) {
	for w := range n {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-s.stop:
					return
				default:
				}
				s.visit(email(w, i))
			}
		}()
	}
}

// halt stops the shoppers and waits for their last requests.
func (s *shoppers) halt() {
	s.halted.Do(func() { close(s.stop) })
	s.wg.Wait()
}

// visit is one shopper's way to a placed order; it ends at the first answer that does
// not let the shopper go on, and says whether the order was placed.
func (s *shoppers) visit(email string) bool {
	v := &visitor{cookies: map[string]string{}}
	do := func(method, path string, form url.Values, want int) (answer, bool) {
		a, err := v.try(s.front, method, path, form)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.requests++
		switch {
		case err != nil:
			s.bad = append(s.bad, fmt.Sprintf("%s %s: %v", method, path, err))
		case a.status != want:
			s.bad = append(s.bad, fmt.Sprintf("%s %s: %d from %s, want %d", method, path, a.status, a.header.Get("X-Replica"), want))
		default:
			return a, true
		}
		return a, false
	}
	if _, ok := do(http.MethodGet, "/producto/"+s.slug, nil, http.StatusOK); !ok {
		return false
	}
	if _, ok := do(http.MethodPost, "/carrito", url.Values{"variant": {strconv.FormatInt(s.variant, 10)}, "quantity": {"1"}}, http.StatusSeeOther); !ok {
		return false
	}
	form := transferCheckout(email)
	review, ok := do(http.MethodPost, "/pagar", form, http.StatusOK)
	if !ok {
		return false
	}
	form.Set("action", "place")
	form.Set("quoted_total", review.doc.Find(`input[name="quoted_total"]`).AttrOr("value", ""))
	placed, ok := do(http.MethodPost, "/pagar", form, http.StatusSeeOther)
	if !ok {
		return false
	}
	s.mu.Lock()
	s.placed[email] = placed.header.Get("X-Replica")
	s.mu.Unlock()
	_, ok = do(http.MethodGet, placed.header.Get("Location"), nil, http.StatusOK)
	return ok
}

// report is the load's counts so far.
func (s *shoppers) report() (requests int, bad []string, placed map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	placed = map[string]string{}
	for k, v := range s.placed {
		placed[k] = v
	}
	return s.requests, append([]string(nil), s.bad...), placed
}

// transferCheckout is the checkout form reviewed, paid by bank transfer.
func transferCheckout(email string) url.Values {
	return url.Values{"email": {email}, "name": {"Prueba Réplicas"}, "phone": {"3001234567"},
		"department": {"Antioquia"}, "city": {"Medellín"}, "address_line": {"Calle 10 # 20-30"}, "donation": {"0"},
		"payment_method": {"transfer"}, "accept_policy": {"1"}, "action": {"review"}}
}

// stockAddsUp fails the test unless the variant's stock on hand is what it started
// with less what the orders not cancelled hold, and each order cancelled gave its
// stock back once (one cancelled event; reservations released).
func stockAddsUp(t *testing.T, conn *sqlx.DB, variantID, initial int64) {
	t.Helper()
	var got struct {
		OnHand int64 `db:"on_hand"`
		Held   int64 `db:"held"`
		Orders int   `db:"orders"`
	}
	err := conn.GetContext(context.Background(), &got, `SELECT
		(SELECT stock_on_hand FROM variants WHERE id = $1) AS on_hand,
		(SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id
			WHERE l.variant_id = $1 AND o.status <> $2) AS held,
		(SELECT count(*) FROM orders) AS orders`, variantID, order.StatusCancelled)
	if err != nil {
		t.Fatal(err)
	}
	if got.OnHand != initial-got.Held {
		t.Errorf("stock on hand %d, want %d (%d at the start less %d held by %d orders not cancelled)",
			got.OnHand, initial-got.Held, initial, got.Held, got.Orders)
	}
	var twice []string
	err = conn.SelectContext(context.Background(), &twice, `SELECT o.number FROM orders o
		WHERE (SELECT count(*) FROM order_events e WHERE e.order_id = o.id AND e.kind = $1) <> (CASE WHEN o.status = $2 THEN 1 ELSE 0 END)`,
		order.EventCancelled, order.StatusCancelled)
	if err != nil {
		t.Fatal(err)
	}
	if len(twice) > 0 {
		t.Errorf("orders whose cancelled events do not match their status (want one per cancelled order): %v", twice)
	}
}

// ordersOnce fails the test unless each email has exactly one order.
func ordersOnce(t *testing.T, conn *sqlx.DB, emails []string) {
	t.Helper()
	var rows []struct {
		Email string `db:"email"`
		N     int    `db:"n"`
	}
	if err := conn.SelectContext(context.Background(), &rows, `SELECT e AS email, (SELECT count(*) FROM orders WHERE email = e) AS n
		FROM unnest($1::text[]) AS e`, pq.Array(emails)); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.N != 1 {
			t.Errorf("%s has %d orders, want 1", r.Email, r.N)
		}
	}
}

// emailsSettled waits until no email waits: the outbox is empty and every email job
// has completed (so no further delivery can add a message to count).
func emailsSettled(t *testing.T, conn *sqlx.DB, bound time.Duration) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for {
		var waiting int
		err := conn.GetContext(context.Background(), &waiting, `SELECT (SELECT count(*) FROM email_outbox)
			+ (SELECT count(*) FROM river_job WHERE kind = 'email' AND state <> 'completed')`)
		if err != nil {
			t.Fatal(err)
		}
		if waiting == 0 {
			return
		}
		if time.Now().After(deadline) {
			var states []string
			_ = conn.SelectContext(context.Background(), &states, `SELECT format('%s attempt %s errors %s', state, attempt, errors::text)
				FROM river_job WHERE kind = 'email' AND state <> 'completed'`)
			t.Fatalf("%d emails still waiting after %v: %v", waiting, bound, states)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// heldRequest is an add to cart sent straight to a replica, whose body waits until
// release: once the replica asks for the body (100 Continue), the request is inside
// its handler, in flight whatever happens to the replica next.
type heldRequest struct {
	release chan struct{}
	done    chan struct{}
	status  int
	cookies []*http.Cookie
	err     error
}

// holdCartAdd sends the request and returns once the replica's handler reads it.
func holdCartAdd(t *testing.T, r *replica, variant int64) *heldRequest {
	t.Helper()
	form := url.Values{"variant": {strconv.FormatInt(variant, 10)}, "quantity": {"1"}}.Encode()
	h := &heldRequest{release: make(chan struct{}), done: make(chan struct{})}
	reading := make(chan struct{})
	req, err := http.NewRequest(http.MethodPost, r.url+"/carrito", &gatedReader{gate: h.release, r: strings.NewReader(form)})
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Expect", "100-continue")
	var once sync.Once
	req = req.WithContext(httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		Got100Continue: func() { once.Do(func() { close(reading) }) }}))
	c := &http.Client{Timeout: 2 * time.Minute, CheckRedirect: noRedirects.CheckRedirect,
		Transport: &http.Transport{ExpectContinueTimeout: time.Minute, DisableKeepAlives: true}}
	go func() {
		defer close(h.done)
		res, err := c.Do(req)
		if err != nil {
			h.err = err
			return
		}
		res.Body.Close()
		h.status, h.cookies = res.StatusCode, res.Cookies()
	}()
	select {
	case <-reading:
	case <-h.done:
		t.Fatalf("the held add to cart on %s ended before its body was asked for: %d %v", r.name, h.status, h.err)
	case <-time.After(30 * time.Second):
		t.Fatalf("replica %s did not ask for the held request's body within 30 s", r.name)
	}
	return h
}

// gatedReader reads nothing until its gate is closed.
type gatedReader struct {
	gate <-chan struct{}
	r    *strings.Reader
}

func (g *gatedReader) Read(p []byte) (int, error) {
	<-g.gate
	return g.r.Read(p)
}

// waitRefusing waits until the replica's port refuses connections: its shutdown has
// begun.
func waitRefusing(t *testing.T, r *replica) {
	t.Helper()
	addr := strings.TrimPrefix(r.url, "http://")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("replica %s still accepts connections 30 s after SIGTERM", r.name)
		}
	}
}
