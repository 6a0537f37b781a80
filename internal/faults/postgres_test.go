package faults

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// outage is how long PostgreSQL stays down under load.
const outage = 3 * time.Second

// TestPostgresRestartUnderLoad stops PostgreSQL (fast: connections cut, transactions
// rolled back) while shoppers browse, fill carts and check out, and starts it again
// a few seconds later, while Stripe delivers card checkouts' completion events. Every
// request during the outage is answered, with a 503 page that says when to come back,
// never a 500 and never a hang (a webhook gets a 503, so Stripe delivers it again); the
// same process serves orders again once PostgreSQL is back; every order a shopper saw
// placed exists once, every card order whose event was delivered is paid once, no order
// is half-written, stock adds up, and the ledger reconciles.
func TestPostgresRestartUnderLoad(t *testing.T) {
	t.Parallel()
	c := startCluster(t)
	s := newStore(t, c, cardEnv(t, map[string]string{"LIBRES_PAGE_CACHE_MB": "0"})) // every page reads the database
	conn := s.open()
	cat := seedCatalog(t, conn)
	s.start()

	hooks := newWebhooks(t, s, conn, cat, [3]int{3, 6, 2})
	l := startLoad(s.url, cat, 3)
	defer l.halt()
	hooks.start(t, func() phase { return phase(l.phase.Load()) })
	l.waitPlaced(t, before, 3, 30*time.Second)
	hooks.waitAcked(t, 3, 30*time.Second)

	l.set(during)
	down := time.Now()
	c.stop(t)
	time.Sleep(outage) // the fault itself: load keeps running against the stopped database
	c.start(t)
	l.set(after)
	up := time.Now()
	l.waitPlaced(t, after, 3, 30*time.Second)
	l.halt()
	hooks.wait(t, 30*time.Second)

	if _, err := conn.ExecContext(context.Background(), `SELECT 1`); err != nil {
		t.Fatalf("the test's own connection after the restart: %v", err)
	}
	l.mu.Lock()
	recovered := l.firstOK.Sub(up)
	placed := make(map[string]phase, len(l.placed))
	for e, p := range l.placed {
		placed[e] = p
	}
	sent, hung, noRetry := l.sent, l.hung, l.noRetry
	l.mu.Unlock()
	t.Logf("PostgreSQL restart under load: %d requests sent; outage %.1f s: %d answered 503, %d other (%s); 500s: %d; hung: %d; "+
		"first order step after restart in %d ms; %d orders placed before, %d during, %d after",
		sent, up.Sub(down).Seconds(), l.count(during, http.StatusServiceUnavailable),
		l.sentIn(during)-l.count(during, http.StatusServiceUnavailable), l.summary(), l.total(http.StatusInternalServerError), hung,
		recovered.Milliseconds(), l.placedIn(before), l.placedIn(during), l.placedIn(after))

	if n := l.total(http.StatusInternalServerError); n > 0 {
		t.Errorf("%d requests answered 500; want 503 while the database is down (%s)", n, l.summary())
	}
	if hung > 0 || l.total(0) > 0 {
		t.Errorf("%d requests got no answer (%d hung past %v)", l.total(0), hung, requestBound)
	}
	if l.count(during, http.StatusServiceUnavailable) == 0 {
		t.Errorf("no request answered 503 during the outage: the fault did not reach the store (%s)", l.summary())
	}
	if noRetry > 0 {
		t.Errorf("%d 503 answers without Retry-After or without the page headed %q", noRetry, unavailableHeading)
	}
	for _, ph := range []phase{before, during, after} {
		for st := range l.statuses[ph] {
			if st != http.StatusOK && st != http.StatusSeeOther && st != http.StatusServiceUnavailable && st != http.StatusInternalServerError && st != 0 {
				t.Errorf("unexpected answers %d (%s)", st, l.summary())
			}
		}
	}

	// Every order a shopper saw placed is there, once.
	for email := range placed {
		var n int
		if err := conn.GetContext(context.Background(), &n, `SELECT count(*) FROM orders WHERE email = $1`, email); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%s saw the order placed; the store has %d orders for it", email, n)
		}
	}
	orders := checkOrders(t, conn)
	if orders < len(placed) {
		t.Errorf("%d orders in the store, %d seen placed", orders, len(placed))
	}

	// Webhooks: refused with a 503 while the database was down (none lost to a 2xx),
	// applied once when delivered again.
	paid, twice := hooks.check(t, conn)
	t.Logf("webhooks during the PostgreSQL restart: %s; %d orders paid, %d paid twice", hooks.figure(), paid, twice)
	if n := hooks.count(during, http.StatusServiceUnavailable); n == 0 {
		t.Errorf("no webhook delivery answered 503 during the outage (%s)", hooks.summary())
	}
	for _, ph := range []phase{before, during, after} {
		for _, st := range []int{0, http.StatusInternalServerError} {
			if n := hooks.count(ph, st); n > 0 {
				t.Errorf("%d webhook deliveries answered %d (0: no answer); want 2xx, or 503 while the database is down (%s)", n, st, hooks.summary())
			}
		}
	}
	s.reconcile()
}

// sentIn is how many requests were answered (or not) in phase p.
func (l *load) sentIn(p phase) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.statuses[p] {
		n += c
	}
	return n
}
