package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/web/pagecache"
)

// TestReplicasShareChangesNotVisitors runs two `libres serve` processes on one
// database, each keeping pages in memory, and checks through HTTP alone that a change
// staff make on one shows on the other as soon as its notification drops the other's
// kept page, and that what belongs to a visitor (cart count, login, flash message,
// language) reaches that visitor only, whichever replica answers.
func TestReplicasShareChangesNotVisitors(t *testing.T) {
	dbURL := dbtest.NewEmpty(t)
	env := map[string]string{
		"DATABASE_URL":          dbURL,
		"LIBRES_MEDIA_DIR":      t.TempDir(),
		"LIBRES_BASE_URL":       "http://libres.test", // one public origin for both, as behind a load balancer
		"LIBRES_PAGE_CACHE_MB":  "8",
		"LIBRES_ORDER_LINK_KEY": "replicas-test-order-link-key-0123456789",
	}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	var out, logs syncBuffer
	if err := run(ctx, []string{"migrate", "up"}, getenv, &out, &logs); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, logs.String())
	}
	productID, slug, variantID := smallCatalog(t, dbURL)
	es, en := "/producto/"+slug, "/en/product/"+slug

	a := startReplica(t, "a", env, map[string]string{"LIBRES_WORKERS": "true"})
	b := startReplica(t, "b", env, map[string]string{"LIBRES_WORKERS": "false"})
	a.waitListening(t)
	b.waitListening(t)

	// 1. Each replica answers a repeated product page from memory.
	anon := newVisitor(t)
	kept := time.Now()
	for _, r := range []*replica{a, b} {
		anon.get(r, es)
		if p := anon.get(r, es); p.cache != "hit" {
			t.Fatalf("replica %s: second GET %s has X-Page-Cache %q, want hit", r.name, es, p.cache)
		}
	}
	oldTitle := text(anon.get(b, es).doc.Find("main h1"))

	// 2. Staff change the title and price on A; B shows them once its kept page is
	// dropped by the notification: until then B serves the old page from memory, and
	// the first answer with the new one is rendered afresh.
	staff := newVisitor(t)
	if p := staff.post(a, "/login", url.Values{"email": {staffEmail}, "password": {staffPassword}}); p.status != http.StatusSeeOther {
		t.Fatalf("admin login on a = %d", p.status)
	}
	edit := fmt.Sprintf("/admin/products/%d", productID)
	p := staff.get(a, edit)
	form := p.doc.Find(`form[action="` + edit + `"]`)
	if p.status != http.StatusOK || form.Length() != 1 {
		t.Fatalf("GET %s on a = %d with %d editor forms", edit, p.status, form.Length())
	}
	const newTitle, newPrice = "Mochila cambiada en la réplica A", "123456"
	fields := formValues(form)
	fields.Set("title_es", newTitle)
	fields.Set("price", newPrice)
	fields.Set("action", "save")
	if p := staff.post(a, edit, fields); p.status != http.StatusSeeOther {
		t.Fatalf("saving the product on a = %d; alert %q, field errors %q", p.status,
			text(p.doc.Find(".form-alert")), text(p.doc.Find(".field-error")))
	}
	saved := time.Now()
	changed := func(p answer) bool {
		return text(p.doc.Find("main h1")) == newTitle && strings.Contains(text(p.doc.Find("main .price").First()), "123.456")
	}
	var first answer
	for deadline := saved.Add(10 * time.Second); ; {
		first = anon.get(b, es)
		if changed(first) {
			break
		}
		if first.cache != "hit" || text(first.doc.Find("main h1")) != oldTitle {
			t.Fatalf("before the change showed, b answered X-Page-Cache %q with title %q (want the kept page, %q)",
				first.cache, text(first.doc.Find("main h1")), oldTitle)
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica b still shows %q 10 s after the change on a", oldTitle)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("the change made on a showed on b after %d ms", time.Since(saved).Milliseconds())
	if first.cache != "miss" {
		t.Errorf("b's first page with the change has X-Page-Cache %q, want miss (rendered after its kept page was dropped)", first.cache)
	}
	// Entries also expire after a minute: the drop proves the notification only
	// while the page b kept is younger than that.
	if age := time.Since(kept); age >= pagecache.DefaultMaxAge {
		t.Fatalf("b's page was kept %v ago: expiry and the notification cannot be told apart", age)
	}
	for _, r := range []*replica{a, b} {
		anon.get(r, es)
		if p := anon.get(r, es); p.cache != "hit" || !changed(p) {
			t.Errorf("replica %s: the page kept again (X-Page-Cache %q) shows %q, want the change", r.name, p.cache, text(p.doc.Find("main h1")))
		}
	}

	// 3 and 4. Carts made on either replica show their own counts on b's kept pages,
	// in each visitor's language; a flash message and a login show to their visitor only.
	ana, bob := newVisitor(t), newVisitor(t)
	if p := ana.post(a, "/carrito", url.Values{"variant": {strconv.FormatInt(variantID, 10)}, "quantity": {"2"}}); p.status != http.StatusSeeOther {
		t.Fatalf("ana's add to cart on a = %d", p.status)
	}
	if p := bob.post(b, "/en/cart", url.Values{"variant": {strconv.FormatInt(variantID, 10)}, "quantity": {"1"}}); p.status != http.StatusSeeOther {
		t.Fatalf("bob's add to cart on b = %d", p.status)
	}
	anon.get(a, en) // keep the English page on both too
	anon.get(b, en)
	// seen is what a visitor's page shows of them: the header's cart and account
	// links, and whether a message is flashed.
	type seen struct {
		cart, account string
		flash         bool
	}
	look := func(v *visitor, r *replica, path string) seen {
		t.Helper()
		p := v.get(r, path)
		if p.status != http.StatusOK || p.cache != "hit" {
			t.Fatalf("GET %s on %s = %d, X-Page-Cache %q: want a kept page", path, r.name, p.status, p.cache)
		}
		if strings.Contains(string(p.body), "Sofía Staff") && v != staff {
			t.Errorf("GET %s on %s: the admin's name shows to another visitor", path, r.name)
		}
		return seen{text(p.doc.Find("header .nav-cart a")), text(p.doc.Find("header .nav-account a")), p.doc.Find("main .flash").Length() > 0}
	}
	// Ana, Bob and staff left the redirects after their forms unfollowed: their
	// messages wait in their cookies for their next page, wherever it is rendered.
	steps := []struct {
		who  string
		v    *visitor
		r    *replica
		path string
		want seen
	}{
		{"ana, cart made on a", ana, b, es, seen{"Carrito (2)", "Mi cuenta", true}},
		{"anonymous after ana", anon, b, es, seen{"Carrito", "Mi cuenta", false}},
		{"ana again (message shown once)", ana, b, es, seen{"Carrito (2)", "Mi cuenta", false}},
		{"bob in English, cart made on b", bob, b, en, seen{"Cart (1)", "My account", true}},
		{"ana in English", ana, b, en, seen{"Cart (2)", "My account", false}},
		{"bob in Spanish", bob, b, es, seen{"Carrito (1)", "Mi cuenta", false}},
		{"bob on a", bob, a, en, seen{"Cart (1)", "My account", false}},
		{"staff, logged in on a", staff, b, es, seen{"Carrito", "Mi cuenta: Sofía Staff", true}},
		{"anonymous after staff", anon, b, es, seen{"Carrito", "Mi cuenta", false}},
		{"staff in English", staff, b, en, seen{"Cart", "My account: Sofía Staff", false}},
		{"anonymous in English", anon, b, en, seen{"Cart", "My account", false}},
	}
	for _, s := range steps {
		if got := look(s.v, s.r, s.path); got != s.want {
			t.Errorf("%s on %s %s: page shows %+v, want %+v", s.who, s.r.name, s.path, got, s.want)
		}
	}

	// Ana adds one more on a: b forgets the count it kept for her cart when the
	// notification comes, and no one else's count moves.
	if p := ana.post(a, "/carrito", url.Values{"variant": {strconv.FormatInt(variantID, 10)}, "quantity": {"1"}}); p.status != http.StatusSeeOther {
		t.Fatalf("ana's second add to cart on a = %d", p.status)
	}
	added := time.Now()
	waitFor(t, "b to show ana's new count", func() bool { return look(ana, b, en).cart == "Cart (3)" })
	t.Logf("ana's cart change on a showed on b after %d ms", time.Since(added).Milliseconds())
	if got := look(bob, b, en).cart; got != "Cart (1)" {
		t.Errorf("bob's count on b after ana's change: %q, want Cart (1)", got)
	}

	stopReplicas(t, a, b)
}

// staffEmail and staffPassword log the store's one admin in.
const staffEmail, staffPassword = "sofia@libres.test", "tortuga verde sube la escalera"

// smallCatalog writes what the test needs and no more (the demo's photos take a minute
// to make under -race): a workshop, a category, an active product with one size in
// stock at the product's price, and an admin.
func smallCatalog(t *testing.T, dbURL string) (productID int64, slug string, variantID int64) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.QueryRowxContext(ctx, `WITH w AS (INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
			VALUES ('taller-tejido', 'Taller de Tejido', 'Cárcel de Villahermosa', 'prison', 'Cali', 'Valle del Cauca', 'Tejido', 'Weaving') RETURNING id),
		c AS (INSERT INTO categories (key, slug_es, slug_en, name_es, name_en) VALUES ('bags', 'bolsos', 'bags', 'Bolsos', 'Bags') RETURNING id),
		p AS (INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, status, price_minor, published_at)
			SELECT 'mochila-tejida', w.id, c.id, 'Mochila tejida', 'Woven bag', 'active', 9000000, now() FROM w, c RETURNING id, slug)
		INSERT INTO variants (product_id, sku, stock_on_hand) SELECT id, 'MOCH-01', 10 FROM p
		RETURNING product_id, (SELECT slug FROM p), id`).Scan(&productID, &slug, &variantID)
	if err != nil {
		t.Fatalf("small catalog: %v", err)
	}
	if _, err := account.Provision(ctx, conn, account.NewUser{Email: staffEmail, Name: "Sofía Staff", Role: account.RoleAdmin,
		Lang: "es", Password: staffPassword}, time.Now()); err != nil {
		t.Fatalf("admin: %v", err)
	}
	return productID, slug, variantID
}

// replica is a `libres serve` child process: the test binary run as the command
// (TestMain), with its own port and the shared configuration.
type replica struct {
	name, url string
	cmd       *exec.Cmd
	logs      *syncBuffer
	exited    chan struct{}
	err       error // cmd.Wait's, once exited is closed
}

func startReplica(t *testing.T, name string, shared, own map[string]string) *replica {
	t.Helper()
	port := freePort(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "serve")
	// Only the configuration given: a developer's own LIBRES_* settings stay out.
	// Under -race a process sleeps a second before exiting unless told not to.
	cmd.Env = []string{asCommand + "=1", "PORT=" + strconv.Itoa(port),
		"GORACE=" + strings.TrimSpace("atexit_sleep_ms=0 "+os.Getenv("GORACE"))}
	for _, k := range []string{"GOCOVERDIR", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for _, m := range []map[string]string{shared, own} {
		for k, v := range m {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	// Held open while the child runs (TestMain): it stops when this process ends.
	if _, err := cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	return launch(t, name, port, cmd)
}

// launch starts cmd (a `serve` on port) as the replica name, its output kept, killed at
// cleanup if still running, its output logged if the test failed.
func launch(t *testing.T, name string, port int, cmd *exec.Cmd) *replica {
	t.Helper()
	r := &replica{name: name, url: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, logs: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = r.logs, r.logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start replica %s: %v", name, err)
	}
	go func() {
		r.err = cmd.Wait()
		close(r.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-r.exited:
		default:
			_ = cmd.Process.Kill()
			<-r.exited
		}
		if t.Failed() {
			t.Logf("replica %s output:\n%s", name, r.logs.String())
		}
	})
	return r
}

// waitListening waits until the replica answers and keeps pages, which it does only
// once its connection listening for changes is up (a first page is then a miss, the
// second a hit).
func (r *replica) waitListening(t *testing.T) {
	t.Helper()
	v := newVisitor(t)
	deadline := time.Now().Add(60 * time.Second) // a first start under -race is slow
	for {
		select {
		case <-r.exited:
			t.Fatalf("replica %s exited before serving: %v", r.name, r.err)
		default:
		}
		if res, err := v.try(r, http.MethodGet, "/terminos", nil); err == nil && res.cache == "hit" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s never served a kept page", r.name)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stopReplicas sends each SIGTERM, as an orchestrator does, and checks they exit
// cleanly.
func stopReplicas(t *testing.T, rs ...*replica) {
	t.Helper()
	for _, r := range rs {
		if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatalf("signal replica %s: %v", r.name, err)
		}
	}
	for _, r := range rs {
		select {
		case <-r.exited:
		case <-time.After(30 * time.Second):
			t.Fatalf("replica %s did not exit within 30 s of SIGTERM", r.name)
		}
		if r.err != nil || !strings.Contains(r.logs.String(), "stopped") {
			t.Errorf("replica %s exited with %v after SIGTERM (want a clean exit after \"stopped\")", r.name, r.err)
		}
	}
}

// visitor is one browser: its cookies go to whichever replica it asks, as behind a
// load balancer. It does not follow redirects.
type visitor struct {
	t       *testing.T
	cookies map[string]string
}

var noRedirects = &http.Client{Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func newVisitor(t *testing.T) *visitor { return &visitor{t: t, cookies: map[string]string{}} }

// answer is a response with its page parsed.
type answer struct {
	status int
	cache  string // X-Page-Cache
	header http.Header
	body   []byte
	doc    *goquery.Document
}

func (v *visitor) try(r *replica, method, path string, form url.Values) (answer, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, r.url+path, body)
	if err != nil {
		return answer{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, val := range v.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: val})
	}
	res, err := noRedirects.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(v.cookies, c.Name)
		} else {
			v.cookies[c.Name] = c.Value
		}
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, err
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(b))
	if err != nil {
		return answer{}, err
	}
	return answer{status: res.StatusCode, cache: res.Header.Get("X-Page-Cache"), header: res.Header, body: b, doc: doc}, nil
}

func (v *visitor) get(r *replica, path string) answer {
	v.t.Helper()
	p, err := v.try(r, http.MethodGet, path, nil)
	if err != nil {
		v.t.Fatalf("GET %s on %s: %v", path, r.name, err)
	}
	return p
}

func (v *visitor) post(r *replica, path string, form url.Values) answer {
	v.t.Helper()
	p, err := v.try(r, http.MethodPost, path, form)
	if err != nil {
		v.t.Fatalf("POST %s on %s: %v", path, r.name, err)
	}
	return p
}

// formValues is what a browser sends for the form as the page shows it (before a
// submit button adds its own name).
func formValues(form *goquery.Selection) url.Values {
	v := url.Values{}
	form.Find("input[name], textarea[name], select[name]").Each(func(_ int, s *goquery.Selection) {
		name := s.AttrOr("name", "")
		switch goquery.NodeName(s) {
		case "textarea":
			v.Add(name, s.Text())
		case "select":
			opt := s.Find("option[selected]").First()
			if opt.Length() == 0 {
				opt = s.Find("option").First()
			}
			v.Add(name, opt.AttrOr("value", opt.Text()))
		default:
			switch s.AttrOr("type", "text") {
			case "checkbox", "radio":
				if _, ok := s.Attr("checked"); ok {
					v.Add(name, s.AttrOr("value", "on"))
				}
			case "submit", "button", "reset", "image", "file":
			default:
				v.Add(name, s.AttrOr("value", ""))
			}
		}
	})
	return v
}

// waitFor polls cond until it holds or 10 seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// text is s's text with runs of white space as one space.
func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }
