package faults

import (
	"bytes"
	"context"
	"net/mail"
	"syscall"
	"testing"
	"time"

	"github.com/libres/storefront/internal/notify/mailpittest"
)

// TestKilledMidCheckout kills `libres serve` with SIGKILL while shoppers check out
// and starts it again: no order is half-written, each variant's stock plus what live
// orders hold is its initial stock, every order's email arrives (none lost with the
// process; one the process sent but had not marked done may arrive twice, with one
// Message-ID: the figure says how many), and the ledger reconciles.
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
		ids := mailpittest.IDs(t, e)
		switch {
		case len(ids) == 0:
			lost++
		case len(ids) > 1:
			dup += len(ids) - 1
			sameMessageID(t, e, ids)
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
	if lost > 0 {
		t.Errorf("order emails: %d lost; want each delivered", lost)
	}
	// An email sent just before the kill, whose job the process had not yet marked
	// done, is sent again after the restart: SMTP has no way to ask whether a message
	// arrived. Such a copy carries the same Message-ID (receiving mail systems may
	// drop it); the figure above counts them.
	s.reconcile()
}

// sameMessageID fails the test unless every message in ids has one Message-ID.
func sameMessageID(t *testing.T, to string, ids []string) {
	t.Helper()
	first := ""
	for _, id := range ids {
		m, err := mail.ReadMessage(bytes.NewReader(mailpittest.Raw(t, id)))
		if err != nil {
			t.Fatal(err)
		}
		mid := m.Header.Get("Message-Id")
		if first == "" {
			first = mid
		}
		if mid == "" || mid != first {
			t.Errorf("%s got %d copies with Message-IDs %q and %q: a copy sent again must keep its Message-ID", to, len(ids), first, mid)
		}
	}
}
