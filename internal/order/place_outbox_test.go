package order

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/notify/mailpittest"
	"github.com/libres/storefront/internal/payment"
)

// withQueue replaces the fixture's service by one on a real, working notify.Queue, so
// Place writes each order and its email in one statement (the email outbox). smtpURL
// "" leaves the outbox unmoved (the queue is not started), for counting; otherwise the
// queue delivers there until the test ends.
func (f *fixture) withQueue(t *testing.T, smtpURL string) {
	t.Helper()
	q, err := notify.NewQueue(f.db, notify.Options{SMTPURL: smtpURL, From: "Libres <no-reply@libres.test>",
		Seller: notify.Seller{Name: "Fundación Prueba", NIT: "800.197.268-4", Address: "Calle 1", Phone: "3000000000",
			Email: "hola@prueba.example"}, ShopURL: baseURL, Work: true, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if smtpURL != "" {
		if err := q.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = q.Stop(ctx)
		})
	}
	f.svc = New(f.db, q, f.svc.Options())
}

// outboxMails counts the emails of a template waiting in the outbox.
func (f *fixture) outboxMails(t *testing.T, template string) int {
	t.Helper()
	return f.count(t, `SELECT count(*) FROM email_outbox WHERE message->>'template' = $1`, template)
}

// The order-received email of an order placed in one statement arrives once, in the
// shopper's language, naming the order and linking to its page.
func TestPlaceEmailThroughOutboxArrivesOnce(t *testing.T) {
	smtpURL := mailpittest.SMTPURL(t)
	f := newFixture(t)
	f.withQueue(t, smtpURL)
	v := f.variant(t, 10_000_00, 5, "standard")
	in := input(payment.MethodTransfer)
	in.Email, in.Lang = mailpittest.Address(t), "en"
	tok := f.cart(t, "1", v)
	o, err := f.svc.Place(context.Background(), tok, 0, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.svc.Place(context.Background(), tok, 0, in)
	if err != nil || again.ID != o.ID {
		t.Fatalf("second submit: %v, order %d, want %d", err, again.ID, o.ID)
	}
	got := mailpittest.WaitFor(t, in.Email, 15*time.Second)
	if got.Subject == "" || !slices.Contains(mailpittest.Links(got.Text), f.svc.Link(o)) {
		t.Fatalf("email %q lacks the order link %s:\n%s", got.Subject, f.svc.Link(o), got.Text)
	}
	if got.Subject != "We received your order "+o.Number || !strings.Contains(got.Text, "Bancolombia 123") {
		t.Errorf("email not the English receipt of %s with the payment instructions:\n%s\n%s", o.Number, got.Subject, got.Text)
	}
	// Delivered means moved: wait for the worker to finish, then count.
	deadline := time.Now().Add(15 * time.Second)
	for f.count(t, `SELECT count(*) FROM river_job WHERE state <> 'completed'`) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := mailpittest.Count(t, in.Email); n != 1 {
		t.Errorf("%d emails, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM email_outbox`); n != 0 {
		t.Errorf("%d emails left in the outbox", n)
	}
}

// 200 checkouts at once for 5 in stock, each in one statement: 5 orders, 5 emails,
// the stock at zero, and the refused carts untouched.
func TestPlaceOutbox200ConcurrentForFive(t *testing.T) {
	f := newFixture(t)
	f.withQueue(t, "")
	v := f.variant(t, 189_000_00, 5, "standard")
	tokens := make([]string, 200)
	for i := range tokens {
		tokens[i] = f.cart(t, "1", v)
	}
	_, errs := placeAll(t, f, tokens)
	ok, soldOut := tally(t, errs)
	if ok != 5 || soldOut != 195 {
		t.Fatalf("%d orders and %d sold out, want 5 and 195", ok, soldOut)
	}
	if s := f.stock(t, v); s != 0 {
		t.Fatalf("stock = %d, want 0", s)
	}
	if n := f.count(t, `SELECT COALESCE(sum(quantity), 0) FROM stock_reservations`); n != 5 {
		t.Fatalf("reserved %d, want 5", n)
	}
	if n := f.outboxMails(t, mailReceived); n != 5 {
		t.Fatalf("%d order-received emails, want 5", n)
	}
	if n := f.count(t, `SELECT count(*) FROM cart_lines`); n != 195 {
		t.Fatalf("%d cart lines, want the 195 refused carts' kept", n)
	}
}

// Ten submits of one cart at once make one order, one email, and all answer it.
func TestPlaceOutboxSubmitsAtOnceMakeOneOrder(t *testing.T) {
	f := newFixture(t)
	f.withQueue(t, "")
	a, b := f.variant(t, 10_000_00, 50, "standard"), f.variant(t, 20_000_00, 50, "exempt")
	tok := f.cart(t, "2", a, b)
	orders := make([]Order, 10)
	errs := make([]error, 10)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			orders[i], errs[i] = f.svc.Place(context.Background(), tok, 0, input(payment.MethodTransfer))
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil || orders[i].ID != orders[0].ID {
			t.Fatalf("submit %d: %v, order %d, want %d", i, err, orders[i].ID, orders[0].ID)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM orders`); n != 1 {
		t.Fatalf("%d orders, want 1", n)
	}
	if f.stock(t, a) != 48 || f.stock(t, b) != 48 {
		t.Fatalf("stock %d/%d, want 48/48", f.stock(t, a), f.stock(t, b))
	}
	if n := f.outboxMails(t, mailReceived); n != 1 {
		t.Fatalf("%d emails, want 1", n)
	}
}

// After a checkout commits, every replica hears that the stock and the cart changed
// (sent by the checkout itself, not by the triggers inside its statement).
func TestPlaceNotifiesReplicas(t *testing.T) {
	f := newFixture(t)
	f.withQueue(t, "")
	v := f.variant(t, 10_000_00, 5, "standard")
	tok := f.cart(t, "1", v)
	l := f.listen(t)
	var key string
	if err := f.db.Get(&key, `SELECT cart_notify_key(user_id, token_hash) FROM carts`); err != nil {
		t.Fatal(err)
	}
	f.place(t, tok, payment.MethodTransfer)
	hear(t, l, map[string]string{"catalog_changed": "variants", "cart_changed": key})
}

// An item added to a cart that exists (one statement whose trigger leaves the
// notification to the caller) is heard by every replica, for that cart's key.
func TestAddNotifiesReplicas(t *testing.T) {
	f := newFixture(t)
	v1 := f.variant(t, 10_000_00, 5, "standard")
	v2 := f.variant(t, 20_000_00, 5, "standard")
	tok := f.cart(t, "1", v1)
	var key string
	if err := f.db.Get(&key, `SELECT cart_notify_key(user_id, token_hash) FROM carts`); err != nil {
		t.Fatal(err)
	}
	l := f.listen(t)
	if _, _, err := f.svc.Add(context.Background(), tok, 0, v2, "2"); err != nil {
		t.Fatal(err)
	}
	hear(t, l, map[string]string{"cart_changed": key})
	if _, err := f.svc.SetQuantity(context.Background(), tok, 0, v1, "3"); err != nil {
		t.Fatal(err)
	}
	hear(t, l, map[string]string{"cart_changed": key})
}

// listen opens a listener on the fixture's database for the page caches' channels.
func (f *fixture) listen(t *testing.T) *pq.Listener {
	t.Helper()
	var name string
	if err := f.db.Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dbtest.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	l := pq.NewListener(u.String(), 100*time.Millisecond, time.Second, nil)
	t.Cleanup(func() { l.Close() })
	for _, ch := range []string{"catalog_changed", "cart_changed"} {
		if err := l.Listen(ch); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// hear waits for a notification of each channel in want with its payload.
func hear(t *testing.T, l *pq.Listener, want map[string]string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for len(want) > 0 {
		select {
		case n := <-l.Notify:
			if n != nil && want[n.Channel] == n.Extra {
				delete(want, n.Channel)
			}
		case <-timeout:
			t.Fatalf("notifications never heard: %v", want)
		}
	}
}
