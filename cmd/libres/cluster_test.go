package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/notify/mailpittest"
	"github.com/libres/storefront/internal/order"
)

// TestThreeReplicasBehindAProxy runs three `libres serve` processes on one database,
// each with its workers (emails, sweepers), behind a round-robin reverse proxy, and
// checks what a shopper, staff and the operator would notice: a visit works whichever
// replica answers each request; a change staff make shows on every replica; every
// email is sent once and every expired reservation released once although three
// processes work; and restarting the replicas one after the other under load loses no
// request and no order. It logs one line of figures per part.
func TestThreeReplicasBehindAProxy(t *testing.T) {
	smtpURL := mailpittest.SMTPURL(t)
	dbURL := dbtest.NewEmpty(t)
	lb := startBalancer(t)
	env := map[string]string{
		"DATABASE_URL":           dbURL,
		"LIBRES_MEDIA_DIR":       t.TempDir(),
		"LIBRES_BASE_URL":        lb.url, // the public origin is the proxy's
		"LIBRES_PAGE_CACHE_MB":   "8",
		"LIBRES_ORDER_LINK_KEY":  "cluster-test-order-link-key-0123456789",
		"LIBRES_WORKERS":         "true",
		"SMTP_URL":               smtpURL,
		"LIBRES_TRUSTED_PROXIES": "127.0.0.1",
		"LIBRES_SHUTDOWN_GRACE":  "20",
	}
	ctx := context.Background()
	var out, logs syncBuffer
	if err := run(ctx, []string{"migrate", "up"}, func(k string) string { return env[k] }, &out, &logs); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, logs.String())
	}
	productID, slug, variantID := smallCatalog(t, dbURL)
	conn, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	const stock = 100_000
	if _, err := conn.ExecContext(ctx, `UPDATE variants SET stock_on_hand = $2 WHERE id = $1`, variantID, stock); err != nil {
		t.Fatal(err)
	}
	const shopperEmail, shopperPassword = "ana@libres.test", "la ceiba florece en marzo"
	if _, err := account.Provision(ctx, conn, account.NewUser{Email: shopperEmail, Name: "Ana Compradora", Role: account.RoleCustomer,
		Lang: "es", Password: shopperPassword}, time.Now()); err != nil {
		t.Fatal(err)
	}

	names := []string{"a", "b", "c"}
	started := time.Now()
	rs := startReady(t, env, names...)
	for _, r := range rs {
		r.waitListening(t)
		lb.add(r)
	}
	t.Logf("cluster: three replicas serving %d ms after they were started together", time.Since(started).Milliseconds())
	front := lb.front()
	es := "/producto/" + slug
	// The parts share the processes (a subtest's cleanup would stop those it started).
	part := func(name string, f func()) {
		t.Logf("--- %s", name)
		f()
	}

	part("a visit works whichever replica answers", func() {
		ana := newVisitor(t)
		var by []string
		step := func(method, path string, form url.Values, want int) answer {
			t.Helper()
			p, err := ana.try(front, method, path, form)
			if err != nil {
				t.Fatalf("%s %s through the proxy: %v", method, path, err)
			}
			by = append(by, p.header.Get("X-Replica"))
			if p.status != want {
				t.Fatalf("%s %s = %d from replica %s, want %d; alert %q", method, path, p.status, by[len(by)-1], want, text(p.doc.Find(".form-alert, .flash")))
			}
			return p
		}
		step(http.MethodPost, "/login", url.Values{"email": {shopperEmail}, "password": {shopperPassword}}, http.StatusSeeOther)
		step(http.MethodPost, "/carrito", url.Values{"variant": {strconv.FormatInt(variantID, 10)}, "quantity": {"2"}}, http.StatusSeeOther)
		p := step(http.MethodGet, es, nil, http.StatusOK)
		if cart, acct := text(p.doc.Find("header .nav-cart a")), text(p.doc.Find("header .nav-account a")); cart != "Carrito (2)" || acct != "Mi cuenta: Ana Compradora" {
			t.Errorf("the product page from %s shows %q and %q, want Carrito (2) and Ana's account", by[len(by)-1], cart, acct)
		}
		form := transferCheckout(shopperEmail)
		review := step(http.MethodPost, "/pagar", form, http.StatusOK)
		form.Set("action", "place")
		form.Set("quoted_total", review.doc.Find(`input[name="quoted_total"]`).AttrOr("value", ""))
		placed := step(http.MethodPost, "/pagar", form, http.StatusSeeOther)
		page := step(http.MethodGet, placed.header.Get("Location"), nil, http.StatusOK)
		var number string
		if err := conn.GetContext(ctx, &number, `SELECT number FROM orders WHERE email = $1`, shopperEmail); err != nil {
			t.Fatalf("ana's order: %v", err)
		}
		if !strings.Contains(text(page.doc.Find("main")), number) {
			t.Errorf("the order page from %s does not show the order number %s", by[len(by)-1], number)
		}
		for i := 1; i < len(by); i++ {
			if by[i] == by[i-1] {
				t.Errorf("requests %d and %d both went to replica %s; want each to another (answered by %v)", i, i+1, by[i], by)
			}
		}
		if seen := slices.Compact(slices.Sorted(slices.Values(by))); !slices.Equal(seen, names) {
			t.Errorf("ana's requests were answered by %v, want all three replicas", seen)
		}
		t.Logf("sessions: ana logged in on %s, added 2 to her cart on %s, saw Carrito (2) on %s, reviewed on %s, placed %s on %s, saw it on %s",
			by[0], by[1], by[2], by[3], number, by[4], by[5])
	})

	part("a price change shows on every replica", func() {
		anon := newVisitor(t)
		// Each replica keeps the page first (ana's order, just placed, changed the
		// stock: a replica may drop the page once more as that notification comes).
		for _, r := range rs {
			waitFor(t, "replica "+r.name+" to keep "+es, func() bool { return anon.get(r, es).cache == "hit" })
		}
		staff := newVisitor(t)
		var by []string
		if p := staff.post(front, "/login", url.Values{"email": {staffEmail}, "password": {staffPassword}}); p.status != http.StatusSeeOther {
			t.Fatalf("admin login through the proxy = %d", p.status)
		} else {
			by = append(by, p.header.Get("X-Replica"))
		}
		edit := fmt.Sprintf("/admin/products/%d", productID)
		p := staff.get(front, edit)
		by = append(by, p.header.Get("X-Replica"))
		form := p.doc.Find(`form[action="` + edit + `"]`)
		if p.status != http.StatusOK || form.Length() != 1 {
			t.Fatalf("GET %s = %d from %s with %d editor forms", edit, p.status, by[1], form.Length())
		}
		fields := formValues(form)
		fields.Set("price", "123456")
		fields.Set("action", "save")
		p = staff.post(front, edit, fields)
		by = append(by, p.header.Get("X-Replica"))
		if p.status != http.StatusSeeOther {
			t.Fatalf("saving the price on %s = %d; alert %q, field errors %q", by[2], p.status,
				text(p.doc.Find(".form-alert")), text(p.doc.Find(".field-error")))
		}
		// Each replica is asked on its own, again and again, from the moment the
		// change is saved: the time until one shows it is its own, not its turn's.
		saved := time.Now()
		took := make([]time.Duration, len(rs))
		var wg sync.WaitGroup
		for i, r := range rs {
			wg.Go(func() {
				v := &visitor{cookies: map[string]string{}}
				for time.Since(saved) < 10*time.Second {
					if p, err := v.try(r, http.MethodGet, es, nil); err == nil && strings.Contains(text(p.doc.Find("main .price").First()), "123.456") {
						took[i] = time.Since(saved)
						return
					}
					time.Sleep(5 * time.Millisecond)
				}
				took[i] = -1
			})
		}
		wg.Wait()
		for i, d := range took {
			if d < 0 {
				t.Errorf("replica %s does not show the price saved on %s 10 s later", rs[i].name, by[2])
			}
		}
		t.Logf("catalog: staff logged in on %s, opened the editor on %s, saved a new price on %s; it showed on a after %d ms, b after %d ms, c after %d ms",
			by[0], by[1], by[2], took[0].Milliseconds(), took[1].Milliseconds(), took[2].Milliseconds())
	})

	var ordered []string
	part("each email is sent once", func() {
		const orders, buyers = 24, 4
		load := newShoppers(front, slug, variantID)
		addrs := make([][]string, buyers)
		for w := range addrs {
			for range orders / buyers {
				addrs[w] = append(addrs[w], mailpittest.Address(t))
			}
		}
		began := time.Now()
		var wg sync.WaitGroup
		for w := range buyers {
			wg.Go(func() {
				for _, a := range addrs[w] {
					load.visit(a)
				}
			})
		}
		wg.Wait()
		_, bad, placed := load.report()
		if len(bad) > 0 || len(placed) != orders {
			t.Fatalf("%d of %d orders placed; answers that stopped a shopper: %v", len(placed), orders, bad)
		}
		emailsSettled(t, conn, 60*time.Second)
		settled := time.Since(began)
		ordered = slices.Concat(addrs...)
		checkEmails(t, ordered, nil)
		checkJobs(t, conn, ordered)
		ordersOnce(t, conn, ordered)
		t.Logf("emails: %d orders placed through the proxy (a %d, b %d, c %d); every email delivered once %d ms after the first order; "+
			"sent by a %d, b %d, c %d; each job run once", orders, count(placed, "a"), count(placed, "b"), count(placed, "c"),
			settled.Milliseconds(), sent(rs[0]), sent(rs[1]), sent(rs[2]))
	})

	part("expired reservations are released once", func() {
		if len(ordered) == 0 {
			return // the emails' part failed
		}
		// Each process sweeps as it starts: with the three stopped, some orders' time
		// to pay runs out, and the three start together so their sweepers meet on
		// the same orders.
		for _, r := range rs {
			lb.remove(r.name)
		}
		stopReplicas(t, rs...)
		expired := ordered[:8]
		if _, err := conn.ExecContext(ctx, `UPDATE orders SET expires_at = now() - interval '1 minute' WHERE email = ANY($1)`, pq.Array(expired)); err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		rs = startReady(t, env, names...)
		for _, r := range rs {
			r.waitListening(t)
			lb.add(r)
		}
		var cancelled int
		for deadline := time.Now().Add(30 * time.Second); ; {
			if err := conn.GetContext(ctx, &cancelled, `SELECT count(*) FROM orders WHERE email = ANY($1) AND status = $2`,
				pq.Array(expired), order.StatusCancelled); err != nil {
				t.Fatal(err)
			}
			if cancelled == len(expired) || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if cancelled != len(expired) {
			t.Fatalf("%d of %d expired orders cancelled 30 s after three sweepers started", cancelled, len(expired))
		}
		took := time.Since(began)
		stockAddsUp(t, conn, variantID, stock)
		emailsSettled(t, conn, 60*time.Second)
		checkEmails(t, ordered, expired)
		checkJobs(t, conn, ordered)
		t.Logf("expiry: %d reservations expired while three sweepers started together: all released %d ms after the start, each once "+
			"(stock adds up, one cancelled event and one cancellation email per order)", len(expired), took.Milliseconds())
	})

	part("a rolling restart under load loses nothing", func() {
		tag := strconv.FormatInt(time.Now().UnixNano(), 36) // Mailpit is shared between runs
		load := newShoppers(front, slug, variantID)
		load.run(3, func(w, i int) string { return fmt.Sprintf("rolling-%d-%d-%s@libres.test", w, i, tag) })
		defer load.halt()
		waitPlaced := func(n int) {
			t.Helper()
			for deadline := time.Now().Add(60 * time.Second); ; {
				_, bad, placed := load.report()
				if len(placed) >= n {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("only %d orders placed under load after 60 s; answers that stopped a shopper: %v", len(placed), bad)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		waitPlaced(3)
		var figures []string
		var heldCarts [][]*http.Cookie
		for i, name := range names {
			// A shopper's add to cart reached the replica before it left the
			// rotation and is in its handler as SIGTERM comes; it is answered.
			held := holdCartAdd(t, rs[i], variantID)
			lb.remove(name)
			term := time.Now()
			if err := rs[i].cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			waitRefusing(t, rs[i])
			close(held.release)
			select {
			case <-held.done:
			case <-time.After(30 * time.Second):
				t.Fatalf("the add to cart in flight on %s at SIGTERM not answered within 30 s", name)
			}
			if held.err != nil || held.status != http.StatusSeeOther {
				t.Errorf("the add to cart in flight on %s at SIGTERM: %d %v, want 303", name, held.status, held.err)
			}
			heldCarts = append(heldCarts, held.cookies)
			select {
			case <-rs[i].exited:
			case <-time.After(30 * time.Second):
				t.Fatalf("replica %s did not exit within 30 s of SIGTERM", name)
			}
			exited := time.Since(term)
			if rs[i].err != nil || !strings.Contains(rs[i].logs.String(), "stopped") {
				t.Errorf("replica %s exited with %v after SIGTERM (want a clean exit after \"stopped\")", name, rs[i].err)
			}
			rs[i] = startReady(t, env, name)[0]
			lb.add(rs[i])
			back := time.Since(term)
			_, _, placed := load.report()
			waitPlaced(len(placed) + 2) // the shop goes on with the restarted replica back
			figures = append(figures, fmt.Sprintf("%s (exited %d ms after SIGTERM, back in service after %d ms)",
				name, exited.Milliseconds(), back.Milliseconds()))
		}
		load.halt()
		// Each held add to cart is in its shopper's cart, whichever replica shows it.
		for i, cookies := range heldCarts {
			v := newVisitor(t)
			for _, c := range cookies {
				v.cookies[c.Name] = c.Value
			}
			if got := text(v.get(front, es).doc.Find("header .nav-cart a")); got != "Carrito (1)" {
				t.Errorf("the shopper whose add to cart was in flight on %s at SIGTERM sees %q, want Carrito (1)", names[i], got)
			}
		}
		requests, bad, placed := load.report()
		answered, failed := lb.answers()
		if len(bad) > 0 || failed > 0 {
			t.Errorf("%d of %d requests did not get the answer the shopper needed (%d not forwarded by the proxy): %v", len(bad), requests, failed, bad)
		}
		var emails []string
		for e := range placed {
			emails = append(emails, e)
		}
		ordersOnce(t, conn, emails)
		var made int
		if err := conn.GetContext(ctx, &made, `SELECT count(*) FROM orders WHERE email LIKE 'rolling-%'`); err != nil {
			t.Fatal(err)
		}
		if made != len(placed) {
			t.Errorf("%d orders from the load in the database, %d placed as the shoppers saw it", made, len(placed))
		}
		stockAddsUp(t, conn, variantID, stock)
		emailsSettled(t, conn, 60*time.Second)
		checkEmails(t, emails, nil)
		checkJobs(t, conn, emails)
		t.Logf("rolling restart: %d requests through the proxy (answered by a %d, b %d, c %d over the whole test), %d orders placed, "+
			"%d requests without the answer needed, each order's email sent once (each job run once); "+
			"an add to cart in flight at each SIGTERM answered 303 and kept; restarted %s", requests, answered["a"], answered["b"], answered["c"], len(placed),
			len(bad), strings.Join(figures, ", "))
	})
}

// startReady starts a replica per name and waits until each answers /readyz, as an
// orchestrator's readiness probe does before it sends a pod traffic. A replica whose
// port was taken between freePort and its listen (an outgoing connection may get it
// as its own port) is started again on another.
func startReady(t *testing.T, env map[string]string, names ...string) []*replica {
	t.Helper()
	rs := make([]*replica, len(names))
	for i, n := range names {
		rs[i] = startReplica(t, n, env, nil)
	}
	for i, n := range names {
		for attempt := 1; ; attempt++ {
			err := rs[i].untilReady()
			if err == nil {
				break
			}
			if attempt == 3 || !strings.Contains(rs[i].logs.String(), "address already in use") {
				t.Fatalf("replica %s: %v\n%s", n, err, rs[i].logs.String())
			}
			rs[i] = startReplica(t, n, env, nil)
		}
	}
	return rs
}

// untilReady waits until the replica's /readyz answers 200, at most a minute (a first
// start under -race is slow).
func (r *replica) untilReady() error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-r.exited:
			return fmt.Errorf("exited before it was ready: %v", r.err)
		default:
		}
		if res, err := noRedirects.Get(r.url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready 60 s after it started")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkEmails fails the test unless each address got exactly one email (the order
// received), and those in twice exactly two (then the cancellation).
func checkEmails(t *testing.T, addrs, twice []string) {
	t.Helper()
	lost, dup := 0, 0
	for _, a := range addrs {
		want := 1
		if slices.Contains(twice, a) {
			want = 2
		}
		switch n := mailpittest.Count(t, a); {
		case n < want:
			lost += want - n
		case n > want:
			dup += n - want
		}
	}
	if lost > 0 || dup > 0 {
		t.Errorf("%d emails lost and %d sent twice to %d addresses; want each once", lost, dup, len(addrs))
	}
}

// checkJobs fails the test unless every email job to addrs completed at its first
// attempt, by one worker.
func checkJobs(t *testing.T, conn *sqlx.DB, addrs []string) {
	t.Helper()
	var bad []string
	err := conn.SelectContext(context.Background(), &bad, `SELECT format('%s to %s: %s, attempt %s by %s', args->>'template', args->>'to', state, attempt, attempted_by)
		FROM river_job WHERE kind = 'email' AND args->>'to' = ANY($1)
		AND (state <> 'completed' OR attempt <> 1 OR cardinality(attempted_by) <> 1)`, pq.Array(addrs))
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("email jobs not run exactly once: %v", bad)
	}
}

// count is how many values of m are v.
func count(m map[string]string, v string) int {
	n := 0
	for _, x := range m {
		if x == v {
			n++
		}
	}
	return n
}

// sent is how many emails the replica's log says it sent.
func sent(r *replica) int { return strings.Count(r.logs.String(), `msg="email sent"`) }
