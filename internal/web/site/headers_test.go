package site

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/seed"
)

// TestSecurityHeaders walks the router's own GET routes, as the authorization matrix
// does, as four audiences (a visitor, a customer, a company's user, an admin), so a new
// route cannot escape the policy: every response, whatever its status, has a CSP without
// unsafe-inline or unsafe-eval for scripts and styles and with frame-ancestors 'none',
// X-Frame-Options DENY, nosniff, a Referrer-Policy, HSTS (the test site's origin is
// https, reached over plain http as behind a TLS-terminating proxy), and only HttpOnly,
// SameSite, Secure, __Host- cookies.
func TestSecurityHeaders(t *testing.T) {
	f := newAuthzFixture(t)
	audiences := []struct{ name, token string }{
		{"anonymous", ""},
		{"customer", f.login(t, "cliente@libres.example")},
		{"corporate", f.login(t, "empresa@libres.example")},
		{"admin", f.login(t, "admin@libres.example")},
	}
	fill := newPublicFill(t)
	a := newHeaderAudit()
	var routes, ok, responses int
	var never []string
	for _, r := range testSrv.Engine().Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		routes++
		answered := false
		for _, au := range audiences {
			path, err := fill.path(context.Background(), f, r.Path)
			if err != nil {
				t.Fatalf("GET %s: %v", r.Path, err)
			}
			var cookies []*http.Cookie
			if au.token != "" {
				cookies = append(cookies, &http.Cookie{Name: f.cookieName, Value: au.token})
			}
			res := headerRequest(t, http.MethodGet, testURL+path, nil, cookies, nil)
			a.check(fmt.Sprintf("GET %s as %s (%d)", path, au.name, res.StatusCode), res, true)
			responses++
			if res.StatusCode == http.StatusOK {
				ok++
				answered = true
			}
		}
		if !answered {
			never = append(never, r.Path)
		}
	}
	a.report(t)
	if routes < 100 {
		t.Fatalf("only %d GET routes: the route list looks wrong", routes)
	}
	t.Logf("security headers: %d GET routes x %d audiences = %d responses checked (%d answered 200; %d routes answered 200 to some audience)",
		routes, len(audiences), responses, ok, routes-len(never))
	t.Logf("routes that answered no audience 200 (checked all the same): %s", strings.Join(never, " "))
}

// TestSecurityCookies makes the store send each of its cookies (a stale session
// cleared, the cart, the session at login, the flash and the session cleared at logout,
// the flash cleared once shown) from an https origin and from a plain http one: always
// HttpOnly and SameSite=Lax or Strict; Secure and __Host- only over https (browsers
// refuse Secure cookies from http pages).
func TestSecurityCookies(t *testing.T) {
	variant := headerVariant(t)
	for _, o := range []struct {
		name  string
		base  string
		https bool
		ip    string // the client's address, through the trusted loopback proxy
	}{{"https origin", originServer(t, "https://libres.test").URL, true, "198.51.100.21"},
		{"http origin", originServer(t, "http://libres.test").URL, false, "198.51.100.22"}} {
		t.Run(o.name, func(t *testing.T) {
			a := newHeaderAudit()
			jar := map[string]string{}
			seen := map[string]bool{}
			send := func(method, path string, form url.Values) *http.Response {
				t.Helper()
				var extra []*http.Cookie
				for name, v := range jar {
					extra = append(extra, &http.Cookie{Name: name, Value: v})
				}
				res := headerRequest(t, method, o.base+path, form, extra, http.Header{"X-Forwarded-For": {o.ip}})
				a.check(fmt.Sprintf("%s %s (%d)", method, path, res.StatusCode), res, o.https)
				for _, c := range res.Cookies() {
					seen[strings.TrimPrefix(c.Name, "__Host-")] = true
					if c.MaxAge < 0 {
						delete(jar, c.Name)
					} else {
						jar[c.Name] = c.Value
					}
				}
				return res
			}
			session := strings.TrimPrefix(testSrv.Kit.SessionCookieName(), "__Host-")
			if o.https {
				session = "__Host-" + session
			}
			jar[session] = "stale-session-token"
			send(http.MethodGet, "/", nil)
			if res := send(http.MethodPost, "/carrito", url.Values{"variant": {variant}, "quantity": {"1"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("add to cart: %d, want 303", res.StatusCode)
			}
			shopper := newUser(t, account.RoleCustomer) // logging in merges the cart into theirs
			if res := send(http.MethodPost, "/login", url.Values{"email": {shopper.Email}, "password": {seed.DemoPassword}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("login: %d, want 303", res.StatusCode)
			}
			send(http.MethodGet, "/cuenta", nil)
			send(http.MethodPost, "/logout", nil)
			send(http.MethodGet, "/login", nil)
			a.report(t)
			for _, name := range []string{"libres_session", "libres_cart", "libres_flash"} {
				if !seen[name] {
					t.Errorf("the store never set %s: the cookie check saw %v", name, seen)
				}
			}
			t.Logf("%s: %d responses, %d cookies checked", o.name, a.responses, a.cookies)
		})
	}
}

// TestHSTSFollowsTheOrigin: HSTS comes with an https origin served over plain http (a
// TLS-terminating proxy in front, whether or not it sends X-Forwarded-Proto) and with a
// TLS connection; an http origin does not send it because a client says
// X-Forwarded-Proto: https.
func TestHSTSFollowsTheOrigin(t *testing.T) {
	plain := originServer(t, "http://libres.test")
	tls := httptest.NewTLSServer(plain.Config.Handler)
	t.Cleanup(tls.Close)
	for _, c := range []struct {
		name   string
		client *http.Client
		url    string
		proto  string
		want   bool
	}{
		{"https origin, plain connection", http.DefaultClient, testURL, "", true},
		{"https origin, proxy says https", http.DefaultClient, testURL, "https", true},
		{"http origin, plain connection", http.DefaultClient, plain.URL, "", false},
		{"http origin, a client says https", http.DefaultClient, plain.URL, "https", false},
		{"http origin, TLS connection", tls.Client(), tls.URL, "", true},
	} {
		req, err := http.NewRequest(http.MethodGet, c.url+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.proto != "" {
			req.Header.Set("X-Forwarded-Proto", c.proto)
		}
		res, err := c.client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		res.Body.Close()
		if got := res.Header.Get("Strict-Transport-Security") != ""; got != c.want {
			t.Errorf("%s: HSTS %q, want sent = %v", c.name, res.Header.Get("Strict-Transport-Security"), c.want)
		}
	}
}

// headerAudit collects what is wrong with responses' security headers, per problem: the
// count and the first response that had it, so a removed header is one readable line.
type headerAudit struct {
	problems  map[string]*auditProblem
	responses int
	cookies   int
}

type auditProblem struct {
	n     int
	first string
}

func newHeaderAudit() *headerAudit { return &headerAudit{problems: map[string]*auditProblem{}} }

func (a *headerAudit) fail(problem, where string) {
	p := a.problems[problem]
	if p == nil {
		p = &auditProblem{first: where}
		a.problems[problem] = p
	}
	p.n++
}

// check audits one response; https says the site's origin is https.
func (a *headerAudit) check(where string, res *http.Response, https bool) {
	a.responses++
	h := res.Header
	csp := parseCSP(h.Get("Content-Security-Policy"))
	if csp == nil {
		a.fail("no Content-Security-Policy", where)
	}
	for _, d := range []string{"script-src", "style-src"} {
		src, ok := csp[d]
		if !ok {
			src, ok = csp["default-src"]
		}
		if !ok {
			a.fail("CSP has neither "+d+" nor default-src", where)
		}
		for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "*"} {
			if slices.Contains(src, bad) {
				a.fail("CSP "+d+" allows "+bad, where)
			}
		}
	}
	if fa := csp["frame-ancestors"]; !slices.Equal(fa, []string{"'none'"}) {
		a.fail(fmt.Sprintf("CSP frame-ancestors %q, want 'none'", fa), where)
	}
	if v := h.Get("X-Frame-Options"); v != "DENY" {
		a.fail(fmt.Sprintf("X-Frame-Options %q, want DENY", v), where)
	}
	if v := h.Get("X-Content-Type-Options"); v != "nosniff" {
		a.fail(fmt.Sprintf("X-Content-Type-Options %q, want nosniff", v), where)
	}
	switch v := h.Get("Referrer-Policy"); v {
	case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
	default:
		a.fail(fmt.Sprintf("Referrer-Policy %q, want one that sends no path to other sites", v), where)
	}
	hsts := h.Get("Strict-Transport-Security")
	switch {
	case https && hstsMaxAge(hsts) < 180*24*3600:
		a.fail(fmt.Sprintf("Strict-Transport-Security %q over an https origin, want max-age of 180 days or more", hsts), where)
	case !https && hsts != "":
		a.fail("Strict-Transport-Security from an http origin", where)
	}
	for _, c := range res.Cookies() {
		a.cookies++
		if !c.HttpOnly {
			a.fail("cookie "+c.Name+" not HttpOnly", where)
		}
		if c.SameSite != http.SameSiteLaxMode && c.SameSite != http.SameSiteStrictMode {
			a.fail("cookie "+c.Name+" without SameSite=Lax or Strict", where)
		}
		if https && (!c.Secure || !strings.HasPrefix(c.Name, "__Host-") || c.Path != "/" || c.Domain != "") {
			a.fail("cookie "+c.Name+" over https not Secure, __Host-, Path=/ without Domain", where)
		}
	}
}

func (a *headerAudit) report(t *testing.T) {
	t.Helper()
	names := make([]string, 0, len(a.problems))
	for p := range a.problems {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		t.Errorf("%s: %d of %d responses, first %s", p, a.problems[p].n, a.responses, a.problems[p].first)
	}
}

// parseCSP splits a policy into its directives' sources; nil when there is none.
func parseCSP(v string) map[string][]string {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	out := map[string][]string{}
	for _, d := range strings.Split(v, ";") {
		if fs := strings.Fields(d); len(fs) > 0 {
			out[strings.ToLower(fs[0])] = fs[1:]
		}
	}
	return out
}

// hstsMaxAge is the max-age of an HSTS header in seconds (0 when there is none).
func hstsMaxAge(v string) int {
	for _, p := range strings.Split(v, ";") {
		if k, val, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "max-age") {
			n, _ := strconv.Atoi(strings.Trim(val, `"`))
			return n
		}
	}
	return 0
}

// headerRequest sends one request with the cookies and headers, without following
// redirects; a POST sends the form as a browser's same-origin form does.
func headerRequest(t *testing.T, method, target string, form url.Values, cookies []*http.Cookie, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	res.Body.Close()
	return res
}

// publicFill gives the storefront's route parameters real values (a category, a
// product, a workshop, an order, an asset, a photo); the back offices' come from the
// authorization fixture.
type publicFill struct {
	category, categoryEn, product, workshop, order, asset, photo string
}

func newPublicFill(t *testing.T) *publicFill {
	t.Helper()
	ctx := context.Background()
	var p publicFill
	for _, q := range []struct {
		dst   *string
		query string
	}{
		{&p.category, `SELECT slug_es FROM categories ORDER BY id LIMIT 1`},
		{&p.categoryEn, `SELECT slug_en FROM categories ORDER BY id LIMIT 1`},
		{&p.product, `SELECT slug FROM products WHERE status = 'active' ORDER BY id LIMIT 1`},
		{&p.workshop, `SELECT slug FROM workshops WHERE active ORDER BY id LIMIT 1`},
		// The customer's own order when there is one (its page answers them).
		{&p.order, `SELECT number FROM orders ORDER BY (user_id = (SELECT id FROM users WHERE email = 'cliente@libres.example')) IS TRUE DESC, id LIMIT 1`},
	} {
		if err := testDB.GetContext(ctx, q.dst, q.query); err != nil {
			t.Fatalf("%s: %v", q.query, err)
		}
	}
	doc := headerPage(t, "/producto/"+p.product)
	p.asset, _ = doc.Find(`link[rel="stylesheet"]`).First().Attr("href")
	doc.Find("img[src]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		src, _ := s.Attr("src")
		if strings.HasPrefix(src, "/media/") {
			p.photo = src
			return false
		}
		return true
	})
	if !strings.HasPrefix(p.asset, "/static/") || p.photo == "" {
		t.Fatalf("no stylesheet under /static/ (%q) or photo under /media/ (%q) on the product page", p.asset, p.photo)
	}
	return &p
}

func headerPage(t *testing.T, path string) *goquery.Document {
	t.Helper()
	res, err := http.Get(testURL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
	}
	return doc
}

// path fills a route's parameters: the storefront's here, the rest by the
// authorization fixture.
func (p *publicFill) path(ctx context.Context, f *authzFixture, route string) (string, error) {
	switch {
	case route == "/static/*path":
		return p.asset, nil
	case route == "/media/*path":
		return p.photo, nil
	case route == "/files/*path":
		return "/files/not-a-signed-link", nil // no valid link without a private file: the 404 page
	}
	parts := strings.Split(route, "/")
	for i, s := range parts {
		if !strings.HasPrefix(s, ":") {
			continue
		}
		switch parts[i-1] {
		case "catalogo":
			parts[i] = p.category
		case "catalog":
			parts[i] = p.categoryEn
		case "producto", "product":
			parts[i] = p.product
		case "taller", "workshop":
			parts[i] = p.workshop
		case "pedido", "order":
			parts[i] = p.order
		case "t":
			parts[i] = "zzzzzzzz" // an unknown tag code: a scan test must not count scans
		}
	}
	path, _, err := f.fill(ctx, strings.Join(parts, "/"))
	return path, err
}

// headerVariant is a variant on sale with stock, for adding to a cart.
func headerVariant(t *testing.T) string {
	t.Helper()
	var id int64
	if err := testDB.Get(&id, `SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id
		JOIN workshops w ON w.id = p.workshop_id WHERE p.status = 'active' AND w.active AND v.stock_on_hand > 0
		ORDER BY v.stock_on_hand DESC, v.id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

// originServer serves the test site's rooms again with another origin (a plain http
// one, as `make run` has), trusting the loopback as a proxy so that a test can log in
// as a client address of its own (X-Forwarded-For), whatever other tests' logins did to
// the per-address throttle.
func originServer(t *testing.T, origin string) *httptest.Server {
	t.Helper()
	d := testSrv.Deps
	d.BaseURL, d.TrustedProxies = origin, []string{"127.0.0.1", "::1"}
	s, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}
