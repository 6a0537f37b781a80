package faults

import (
	"bytes"
	"context"
	"net/http"
	"net/mail"
	"syscall"
	"testing"
	"time"

	"github.com/libres/storefront/internal/notify/mailpittest"
)

// TestKilledMidCheckout kills `libres serve` with SIGKILL while shoppers check out and
// Stripe delivers card orders' completion events, and starts it again: no order is
// half-written, each variant's stock plus what live orders hold is its initial stock,
// a delivery the dead process did not answer is delivered again and applied once,
// orders paid before the kill stay paid, every email arrives (none lost with the
// process; one the process sent but had not marked done may arrive twice, with one
// Message-ID: the figure says how many), and the ledger reconciles.
func TestKilledMidCheckout(t *testing.T) {
	t.Parallel()
	c := startCluster(t)
	s := newStore(t, c, cardEnv(t, map[string]string{"SMTP_URL": mailpittest.SMTPURL(t), "LIBRES_PAGE_CACHE_MB": "0"}))
	conn := s.open()
	cat := seedCatalog(t, conn)
	s.start()

	hooks := newWebhooks(t, s, conn, cat, [3]int{3, 3, 2})
	l := startLoad(s.url, cat, 3)
	defer l.halt()
	hooks.start(t, func() phase { return phase(l.phase.Load()) })
	l.waitPlaced(t, before, 4, 30*time.Second)
	hooks.waitAcked(t, 3, 30*time.Second)
	s.kill(syscall.SIGKILL, 10*time.Second)
	var paidBefore int
	if err := conn.GetContext(context.Background(), &paidBefore, `SELECT count(*) FROM orders WHERE status = 'paid'`); err != nil {
		t.Fatal(err)
	}
	l.set(during)
	l.halt()
	cut := l.sentIn(during)

	// Email jobs the killed process had claimed stay "running" until River's rescuer
	// gives them back, RescueStuckJobsAfter later (an hour by default): do now what it
	// would do then, so the test sees whether they are delivered, and only once.
	var orphans []int64
	if err := conn.SelectContext(context.Background(), &orphans,
		`UPDATE river_job SET state = 'available', scheduled_at = now() WHERE state = 'running' RETURNING id`); err != nil {
		t.Fatal(err)
	}

	s.start()
	l.set(after)
	for range 2 {
		l.place(t, mailpittest.Address(t))
	}
	hooks.wait(t, 30*time.Second)
	waitDelivered(t, conn, 60*time.Second)

	orders := checkOrders(t, conn)
	paid, twice := hooks.check(t, conn)
	// Each email the store queued (an order_events row says so) arrives: as many
	// Message-IDs as queued emails, and any further copy with one of them.
	var queued []struct {
		Email string `db:"email"`
		N     int    `db:"n"`
	}
	if err := conn.SelectContext(context.Background(), &queued, `SELECT o.email, count(e.id) AS n FROM orders o
		LEFT JOIN order_events e ON e.order_id = o.id AND e.kind = 'email_queued' GROUP BY o.email`); err != nil {
		t.Fatal(err)
	}
	lost, dup := 0, 0
	for _, q := range queued {
		ids := mailpittest.IDs(t, q.Email)
		distinct := messageIDs(t, q.Email, ids)
		lost += max(q.N-distinct, 0)
		dup += len(ids) - distinct
		if distinct > q.N {
			t.Errorf("%s got %d different emails, %d queued: a copy sent again must keep its Message-ID", q.Email, distinct, q.N)
		}
	}
	l.mu.Lock()
	seen := len(l.placed)
	l.mu.Unlock()
	t.Logf("SIGKILL mid-checkout: %d orders seen placed before the kill, %d requests cut by it; after the restart %d orders "+
		"in the store (%d seen placed), none half-written, stock adds up; emails: %d claimed by the killed process "+
		"(handed back as River's rescuer would), %d lost, %d sent twice",
		l.placedIn(before), cut, orders, seen, len(orphans), lost, dup)
	t.Logf("webhooks cut by SIGKILL: %s; %d orders paid before the kill, %d after the restart, %d paid twice",
		hooks.figure(), paidBefore, paid, twice)
	if orders < seen {
		t.Errorf("%d orders in the store, %d seen placed", orders, seen)
	}
	if n := hooks.hungCount(); n > 0 {
		t.Errorf("%d webhook deliveries hung past %v", n, requestBound)
	}
	for _, ph := range []phase{before, during, after} {
		if n := hooks.count(ph, http.StatusInternalServerError); n > 0 {
			t.Errorf("%d webhook deliveries answered 500 (%s)", n, hooks.summary())
		}
	}
	if paid < paidBefore {
		t.Errorf("%d orders paid before the kill, %d after the restart: paid orders must stay paid", paidBefore, paid)
	}
	if lost > 0 {
		t.Errorf("order emails: %d lost; want each delivered", lost)
	}
	// An email sent just before the kill, whose job the process had not yet marked
	// done, is sent again after the restart: SMTP has no way to ask whether a message
	// arrived. Such a copy carries the same Message-ID (receiving mail systems may
	// drop it); the figure above counts them.
	s.reconcile()
}

// messageIDs is how many different Message-IDs the messages in ids carry; it fails the
// test for a message without one.
func messageIDs(t *testing.T, to string, ids []string) int {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range ids {
		m, err := mail.ReadMessage(bytes.NewReader(mailpittest.Raw(t, id)))
		if err != nil {
			t.Fatal(err)
		}
		mid := m.Header.Get("Message-Id")
		if mid == "" {
			t.Errorf("an email to %s has no Message-ID", to)
		}
		seen[mid] = true
	}
	return len(seen)
}
