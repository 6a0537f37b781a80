package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/notify/mailpittest"
	"github.com/libres/storefront/internal/payment/stripetest"
)

// webhookSecret signs the test's webhook deliveries; the store verifies them with it.
const webhookSecret = "whsec_faults_test"

// cardEnv adds card payment through stripe-mock to a store's configuration.
func cardEnv(t *testing.T, env map[string]string) map[string]string {
	t.Helper()
	env["STRIPE_SECRET_KEY"] = stripetest.Key
	env["STRIPE_WEBHOOK_SECRET"] = webhookSecret
	env["STRIPE_API_URL"] = stripetest.URL(t)
	return env
}

// webhooks plays Stripe's part after card checkouts: each order's
// checkout.session.completed event is delivered to the store; an answer other than 2xx
// (or none) means "deliver it again later", with a growing pause, as Stripe does; after
// the first 2xx the same event is delivered once more, as Stripe may (it delivers at
// least once). Events are released a few per phase of the fault, one at a time.
type webhooks struct {
	url   string // the store's webhook endpoint
	phase func() phase
	share [3]int // events first delivered in each phase
	stop  chan struct{}
	done  chan struct{}

	mu       sync.Mutex
	events   []*delivery
	released int
	answers  [3]map[int]int // by phase and status (0: no answer)
	hung     int
	redone   int // deliveries of an event not yet acknowledged
	dups     int // deliveries after the acknowledgement
}

// delivery is one order's completion event and where its delivery stands.
type delivery struct {
	orderID  int64
	email    string
	payload  []byte
	acked    bool // answered 2xx
	dupDone  bool // delivered again after the 2xx, and answered 2xx again
	attempts int
	next     time.Time
}

// newWebhooks places one card order per event the shares add up to (before any fault);
// start delivers share[p] of their events first in phase p. Email addresses are
// mailpit's, so a test with SMTP can count the emails of each order.
func newWebhooks(t *testing.T, s *store, conn *sqlx.DB, cat catalog, share [3]int) *webhooks {
	t.Helper()
	w := &webhooks{url: s.url + "/webhooks/stripe", share: share, stop: make(chan struct{}), done: make(chan struct{})}
	for i := range w.answers {
		w.answers[i] = map[int]int{}
	}
	for range share[0] + share[1] + share[2] {
		email := mailpittest.Address(t)
		if r := placeCard(t, newShopper(s.url), cat, email); r.status != http.StatusSeeOther {
			t.Fatalf("card order: placing answered %d", r.status)
		}
		var o struct {
			ID    int64 `db:"id"`
			Total int64 `db:"total_minor"`
		}
		if err := conn.GetContext(context.Background(), &o, `SELECT id, total_minor FROM orders WHERE email = $1`, email); err != nil {
			t.Fatalf("card order of %s: %v", email, err)
		}
		id := strconv.FormatInt(o.ID, 10)
		payload, err := json.Marshal(stripetest.Event("checkout.session.completed", map[string]any{
			"id": "cs_test_faults_" + id, "object": "checkout.session", "client_reference_id": id,
			"payment_status": "paid", "payment_intent": "pi_test_faults_" + id, "amount_total": o.Total, "currency": "cop",
			"metadata": map[string]string{"order_id": id},
		}))
		if err != nil {
			t.Fatal(err)
		}
		w.events = append(w.events, &delivery{orderID: o.ID, email: email, payload: payload})
	}
	return w
}

// start delivers the events, phase telling which phase of the fault it is.
func (w *webhooks) start(t *testing.T, phase func() phase) {
	w.phase = phase
	go w.run()
	t.Cleanup(w.halt)
}

// tick is how often Stripe's side looks for something to deliver; the pause before a
// redelivery starts there and doubles up to a second.
const tick = 100 * time.Millisecond

func (w *webhooks) run() {
	defer close(w.done)
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	var released [3]int
	for {
		select {
		case <-w.stop:
			return
		case <-ticker.C:
		}
		// One new event per tick while the phase's share lasts (the shares of phases
		// already over are released too: nothing is left behind).
		p := w.phase()
		w.mu.Lock()
		for q := before; q <= p; q++ {
			if released[q] < w.share[q] {
				released[q]++
				w.released++
				break
			}
		}
		var due []*delivery
		now := time.Now()
		for _, d := range w.events[:w.released] {
			if !d.dupDone && !now.Before(d.next) {
				due = append(due, d)
			}
		}
		w.mu.Unlock()
		var wg sync.WaitGroup
		for _, d := range due {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.deliver(d)
			}()
		}
		wg.Wait()
	}
}

// deliver posts the event once, signed now (Stripe signs each delivery), and notes what
// the answer means for the next one.
func (w *webhooks) deliver(d *delivery) {
	req, err := http.NewRequest(http.MethodPost, w.url, strings.NewReader(string(d.payload)))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
	req.Header.Set("Stripe-Signature", stripetest.Sign(webhookSecret, d.payload))
	start := time.Now()
	status := 0
	res, err := client.Do(req)
	if err == nil {
		status = res.StatusCode
		res.Body.Close()
	}
	took := time.Since(start)
	p := w.phase()

	w.mu.Lock()
	defer w.mu.Unlock()
	w.answers[p][status]++
	if err != nil && took >= requestBound-time.Second {
		w.hung++
	}
	switch {
	case d.acked:
		w.dups++
		d.dupDone = status/100 == 2
	case d.attempts > 0:
		w.redone++
	}
	d.attempts++
	if status/100 == 2 {
		d.acked = true
		d.next = time.Now()
		return
	}
	d.next = time.Now().Add(min(tick<<min(d.attempts, 4), time.Second))
}

// wait waits until every event was released, acknowledged and delivered once more.
func (w *webhooks) wait(t *testing.T, bound time.Duration) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for {
		w.mu.Lock()
		left := len(w.events) - w.released
		for _, d := range w.events[:w.released] {
			if !d.dupDone {
				left++
			}
		}
		w.mu.Unlock()
		if left == 0 {
			w.halt()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d webhook events not delivered (acknowledged and delivered again) within %v; answers: %s", left, bound, w.summary())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (w *webhooks) halt() {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	<-w.done
}

// hungCount is how many deliveries got no answer within requestBound.
func (w *webhooks) hungCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.hung
}

// count is how many deliveries in phase p were answered status (0: no answer).
func (w *webhooks) count(p phase, status int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.answers[p][status]
}

// total is how many deliveries were answered status in all phases; w.mu held.
func (w *webhooks) total(status int) int {
	n := 0
	for _, m := range w.answers {
		n += m[status]
	}
	return n
}

// waitAcked waits until n events were acknowledged, at most bound.
func (w *webhooks) waitAcked(t *testing.T, n int, bound time.Duration) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for w.acked() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d webhook events acknowledged after %v, want %d; answers: %s", w.acked(), bound, n, w.summary())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// acked is how many events were acknowledged.
func (w *webhooks) acked() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, d := range w.events {
		if d.acked {
			n++
		}
	}
	return n
}

func (w *webhooks) summary() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := ""
	for p, m := range w.answers {
		s += []string{"before", " during", " after"}[p] + ":"
		for _, c := range []int{0, 200, 500, 503} {
			if m[c] > 0 {
				s += fmt.Sprintf(" %d×%d", c, m[c])
			}
		}
		for c, n := range m {
			if c != 0 && c != 200 && c != 500 && c != 503 {
				s += fmt.Sprintf(" %d×%d", c, n)
			}
		}
	}
	return s
}

// check asserts what the deliveries must have left: each order paid once — one
// recorded event, one "paid" step, one "payment confirmed" email queued, sale entries in
// the ledger adding up to the order's total — and returns how many orders are paid and
// how many events were applied more than once.
func (w *webhooks) check(t *testing.T, conn *sqlx.DB) (paid, twice int) {
	t.Helper()
	for _, d := range w.events {
		var got struct {
			Status string `db:"status"`
			Total  int64  `db:"total_minor"`
			Events int    `db:"events"`
			Paid   int    `db:"paid"`
			Mails  int    `db:"mails"`
			Sales  int64  `db:"sales"`
		}
		err := conn.GetContext(context.Background(), &got, `SELECT o.status, o.total_minor,
				(SELECT count(*) FROM payment_events e WHERE e.order_id = o.id) AS events,
				(SELECT count(*) FROM order_events e WHERE e.order_id = o.id AND e.kind = 'paid') AS paid,
				(SELECT count(*) FROM order_events e WHERE e.order_id = o.id AND e.kind = 'email_queued' AND e.detail LIKE 'order\_paid %') AS mails,
				(SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries l WHERE l.order_id = o.id AND l.kind = 'sale') AS sales
			FROM orders o WHERE o.id = $1`, d.orderID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == "paid" {
			paid++
		}
		if got.Paid > 1 || got.Mails > 1 || got.Events > 1 {
			twice++
		}
		if got.Status != "paid" || got.Events != 1 || got.Paid != 1 || got.Mails != 1 || got.Sales != got.Total {
			t.Errorf("order %d after its event was delivered %d times: %s, %d events recorded, paid %d times, %d payment emails, "+
				"sales %d for a total of %d; want paid once", d.orderID, d.attempts, got.Status, got.Events, got.Paid, got.Mails, got.Sales, got.Total)
		}
	}
	return paid, twice
}

// figure is the one-line account of the deliveries for a test's log.
func (w *webhooks) figure() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	sent, refused := 0, 0
	for _, m := range w.answers {
		for c, n := range m {
			sent += n
			if c/100 != 2 {
				refused += n
			}
		}
	}
	return fmt.Sprintf("%d card orders' completion events, %d deliveries: %d not acknowledged (503 during the fault: %d, no answer: %d, hung: %d, 500: %d), "+
		"%d redeliveries until a 2xx, %d duplicates after it",
		len(w.events), sent, refused, w.answers[during][503], w.total(0), w.hung, w.total(500),
		w.redone, w.dups)
}
