package faults

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/libres/storefront/internal/notify/mailpittest"
)

// TestKilledMidCheckout kills `libres serve` with SIGKILL while shoppers check out
// and starts it again: no order is half-written, each variant's stock plus what live
// orders hold is its initial stock, every order's email arrives once (none lost with
// the process, none sent twice), and the ledger reconciles.
func TestKilledMidCheckout(t *testing.T) {
	t.Parallel()
	c := startCluster(t)
	s := newStore(t, c, map[string]string{"SMTP_URL": mailpittest.SMTPURL(t), "LIBRES_PAGE_CACHE_MB": "0"})
	conn := s.open()
	cat := seedCatalog(t, conn)
	s.start()

	l := startLoad(s.url, cat, 3)
	defer l.halt()
	l.waitPlaced(t, before, 4, 30*time.Second)
	s.kill(syscall.SIGKILL, 10*time.Second)
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
	waitDelivered(t, conn, 60*time.Second)

	orders := checkOrders(t, conn)
	var emails []string
	if err := conn.SelectContext(context.Background(), &emails, `SELECT email FROM orders`); err != nil {
		t.Fatal(err)
	}
	lost, dup := 0, 0
	for _, e := range emails {
		switch n := mailpittest.Count(t, e); {
		case n == 0:
			lost++
		case n > 1:
			dup += n - 1
		}
	}
	l.mu.Lock()
	seen := len(l.placed)
	l.mu.Unlock()
	t.Logf("SIGKILL mid-checkout: %d orders seen placed before the kill, %d requests cut by it; after the restart %d orders "+
		"in the store (%d seen placed), none half-written, stock adds up; emails: %d claimed by the killed process "+
		"(handed back as River's rescuer would), %d lost, %d sent twice",
		l.placedIn(before), cut, orders, seen, len(orphans), lost, dup)
	if orders < seen {
		t.Errorf("%d orders in the store, %d seen placed", orders, seen)
	}
	if lost > 0 || dup > 0 {
		t.Errorf("order emails: %d lost, %d sent twice; want each once", lost, dup)
	}
	s.reconcile()
}
