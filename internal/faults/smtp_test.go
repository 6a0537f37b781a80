package faults

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/notify/mailpittest"
)

// TestSMTPDownThenBack takes the mail server away (its port refuses connections)
// while shoppers place orders, and brings it back: every email written during the
// outage is delivered once it is back, and none twice.
func TestSMTPDownThenBack(t *testing.T) {
	t.Parallel()
	mailpittest.URL(t)
	smtpURL, err := url.Parse(mailpittest.SMTPURL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := startTCPProxy(t, smtpURL.Host)
	c := startCluster(t)
	s := newStore(t, c, map[string]string{"SMTP_URL": "smtp://" + proxy.addr, "LIBRES_PAGE_CACHE_MB": "0"})
	conn := s.open()
	l := newLoad(s.url, seedCatalog(t, conn))
	s.start()

	// One order with the server up: how many emails a shopper gets for it.
	first := mailpittest.Address(t)
	l.place(t, first)
	waitDelivered(t, conn, 30*time.Second)
	perOrder := mailpittest.Count(t, first)
	if perOrder == 0 {
		t.Fatalf("no email to %s for an order placed with the mail server up", first)
	}

	proxy.down()
	var during []string
	for range 5 {
		to := mailpittest.Address(t)
		l.place(t, to)
		during = append(during, to)
	}
	// The server stays away until each of those emails has been tried and refused.
	refusals := func() int { return strings.Count(s.logs.String(), `msg="email not sent; will retry"`) }
	deadline := time.Now().Add(30 * time.Second)
	for refusals() < len(during)*perOrder {
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s only %d delivery attempts refused, want %d", refusals(), len(during)*perOrder)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, to := range during {
		if n := mailpittest.Count(t, to); n != 0 {
			t.Fatalf("%s got %d emails while the mail server was down", to, n)
		}
	}
	refused := refusals()
	proxy.up()
	back := time.Now()
	waitDelivered(t, conn, 60*time.Second)
	took := time.Since(back)

	dup, lost := 0, 0
	for _, to := range append(during, first) {
		switch n := mailpittest.Count(t, to); {
		case n < perOrder:
			lost += perOrder - n
		case n > perOrder:
			dup += n - perOrder
		}
	}
	t.Logf("SMTP down then back: %d emails written during the outage, %d delivery attempts refused; "+
		"all delivered %d ms after the server came back; lost: %d; sent twice: %d",
		len(during)*perOrder, refused, took.Milliseconds(), lost, dup)
	if lost > 0 || dup > 0 {
		t.Errorf("%d emails lost and %d sent twice; want every email once", lost, dup)
	}
}

// waitDelivered waits until no email waits: the outbox is empty and every email job
// has completed (so no further delivery can add a message to count).
func waitDelivered(t *testing.T, conn *sqlx.DB, bound time.Duration) {
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
			_ = conn.SelectContext(context.Background(), &states, `SELECT format('%s attempt %s errors %s', state, attempt, errors::text) FROM river_job WHERE kind = 'email' AND state <> 'completed'`)
			t.Fatalf("%d emails still waiting after %v: %s", waiting, bound, fmt.Sprint(states))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
