package site

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/seed"
	"github.com/libres/storefront/internal/web/hooks"
	"github.com/libres/storefront/internal/web/kit"
)

// TestBodyLimits walks the router's own route list: every route that changes something
// (POST, PUT, PATCH, DELETE), a new one included, is sent bodies over its limit by the
// audience that may use it (logged in where the route needs it): an ordinary form one
// byte over kit.MaxFormBytes, with its length announced and chunked; a multipart body
// where the route takes no files; for the routes that take files, an upload one byte
// over the route's own limit; for the webhook, a payload over its cap. Each must be
// answered 413 or 415 (no CSRF token is involved: the store's cross-site check passes a
// request without browser headers), and the whole database must be as it was.
func TestBodyLimits(t *testing.T) {
	ctx := context.Background()
	f := newAuthzFixture(t)
	tokens := map[string]string{
		"/studio":           f.login(t, "lead@libres.example"),
		"/admin":            f.login(t, "admin@libres.example"),
		"/corporate/quotes": f.login(t, "empresa@libres.example"),
		"account":           f.login(t, "cliente@libres.example"),
	}
	limits := map[string]kit.BodyLimit{}
	for _, l := range bodyLimits {
		limits[l.Method+" "+l.Path] = l
	}
	routes := testSrv.Engine().Routes()
	for _, l := range bodyLimits {
		if l.Path == hooks.Path && testSrv.Deps.Stripe == nil {
			continue // mounted only with Stripe configured; its 413 is in TestWebhookRefusals
		}
		if !slices.ContainsFunc(routes, func(r gin.RouteInfo) bool { return r.Method == l.Method && r.Path == l.Path }) {
			t.Errorf("body limit for %s %s names no route: its uploads would get the ordinary form's limit", l.Method, l.Path)
		}
	}

	type probe struct {
		route, what string
		method      string
		path, token string
		ctype       string
		size        int64
		chunked     bool
		want        int
	}
	var probes []probe
	writeRoutes := 0
	for _, r := range routes {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			continue
		}
		writeRoutes++
		// Objects first (fill makes some): the database is compared after this loop.
		path, _, err := f.fill(ctx, r.Path)
		if err != nil {
			path = placeholders(r.Path) // a parameter the matrix has no object for: the route still matches
		}
		token := tokens[roomOf(r.Path)]
		if strings.HasPrefix(r.Path, "/cuenta") || strings.HasPrefix(r.Path, "/en/account") {
			token = tokens["account"]
		}
		p := probe{route: r.Method + " " + r.Path, method: r.Method, path: path, token: token}
		l, special := limits[p.route]
		form := int64(kit.MaxFormBytes)
		if l.Raw {
			form = l.Max
		}
		add := func(what, ctype string, size int64, chunked bool, want int) {
			q := p
			q.what, q.ctype, q.size, q.chunked, q.want = what, ctype, size, chunked, want
			probes = append(probes, q)
		}
		add("form over its limit", "application/x-www-form-urlencoded", form+1, false, http.StatusRequestEntityTooLarge)
		add("form over its limit, chunked", "application/x-www-form-urlencoded", form+1, true, http.StatusRequestEntityTooLarge)
		switch {
		case special && l.Files:
			add("upload over the route's limit", "multipart/form-data; boundary=limits", l.Max+1, false, http.StatusRequestEntityTooLarge)
			// Chunked, the upload is cut at the limit while the handler reads it; the
			// handler refuses it (413 or 422, its form's message).
			add("upload over the route's limit, chunked", "multipart/form-data; boundary=limits", l.Max+1, true, 0)
		case special && l.Raw:
			add("JSON over its limit", "application/json", l.Max+1, false, http.StatusRequestEntityTooLarge)
		default:
			add("multipart where no files are taken", "multipart/form-data; boundary=limits", 512, false, http.StatusUnsupportedMediaType)
		}
	}
	if writeRoutes < 60 {
		t.Fatalf("only %d write routes: the route list looks wrong", writeRoutes)
	}

	before := dbChecksums(t)
	client := &http.Client{Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	refused := map[int]int{}
	for _, p := range probes {
		req, err := http.NewRequest(p.method, testURL+p.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", p.ctype)
		req.Body, req.ContentLength = overLimitBody(p.ctype, p.size)
		if p.chunked {
			req.ContentLength = -1
		}
		if p.token != "" {
			req.AddCookie(&http.Cookie{Name: f.cookieName, Value: p.token})
		}
		res, err := client.Do(req)
		if err != nil {
			t.Errorf("%s (%s, %d bytes): %v", p.route, p.what, p.size, err)
			continue
		}
		res.Body.Close()
		if p.want == 0 && (res.StatusCode == http.StatusRequestEntityTooLarge || res.StatusCode == http.StatusUnprocessableEntity) {
			refused[res.StatusCode]++
			continue
		}
		if res.StatusCode != p.want {
			t.Errorf("%s (%s, %d bytes): %d, want %d", p.route, p.what, p.size, res.StatusCode, p.want)
			continue
		}
		refused[res.StatusCode]++
	}
	after := dbChecksums(t)
	written := 0
	for table, sum := range before {
		if after[table] != sum {
			written++
			t.Errorf("table %s changed while every body was refused: %s -> %s", table, sum, after[table])
		}
	}
	if written > 0 {
		t.FailNow()
	}
	n := 0
	for _, k := range refused {
		n += k
	}
	t.Logf("%d write routes × over-limit bodies: %d answered 4xx (413: %d, 415: %d, 422: %d), 0 rows written (%d tables compared whole)",
		writeRoutes, n, refused[http.StatusRequestEntityTooLarge], refused[http.StatusUnsupportedMediaType],
		refused[http.StatusUnprocessableEntity], len(before))
}

// placeholders fills a route's remaining parameters with a value of no object.
func placeholders(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "x1"
		}
	}
	return strings.Join(parts, "/")
}

// overLimitBody is a body of exactly size bytes of the given type, made as it is read
// (an upload over a 64 MB limit is not held in memory).
func overLimitBody(ctype string, size int64) (io.ReadCloser, int64) {
	head, tail := "a=", ""
	if strings.HasPrefix(ctype, "multipart/") {
		head = "--limits\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.jpg\"\r\n" +
			"Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0"
		tail = "\r\n--limits--\r\n"
	}
	if ctype == "application/json" {
		head, tail = `{"id":"evt_1","data":"`, `"}`
	}
	fill := size - int64(len(head)+len(tail))
	return io.NopCloser(io.MultiReader(strings.NewReader(head), io.LimitReader(letters{}, fill), strings.NewReader(tail))), size
}

// letters reads as an endless run of 'x'.
type letters struct{}

func (letters) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// dbChecksums is every table's row count and a hash of its rows, so an insert, update
// or delete anywhere shows.
func dbChecksums(t *testing.T) map[string]string {
	t.Helper()
	var tables []string
	if err := testDB.Select(&tables, `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables
		WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(tables))
	for _, table := range tables {
		var sum string
		// table comes from the catalog (quoted there); it cannot be a bind parameter.
		if err := testDB.Get(&sum, `SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '')
			FROM `+table+` t`); err != nil {
			t.Fatalf("checksum of %s: %v", table, err)
		}
		out[table] = sum
	}
	return out
}

// TestAbuseLimitsWriteNothing: each limit a visitor can hit answers a 4xx with a message
// and leaves the whole database as it was (the refused request only; what led up to
// it, a cart filled or sign-ups made, is outside the comparison). Login throttling
// itself is TestLoginAbuse; here, that a throttled login writes nothing.
func TestAbuseLimitsWriteNothing(t *testing.T) {
	ctx := context.Background()
	unchanged := func(t *testing.T, what string, before map[string]string, status int) {
		t.Helper()
		after := dbChecksums(t)
		for table, sum := range before {
			if after[table] != sum {
				t.Errorf("%s wrote to %s: %s -> %s", what, table, sum, after[table])
			}
		}
		if !t.Failed() {
			t.Logf("%s: %d, 0 rows written", what, status)
		}
	}
	alert := func(doc *goquery.Document) string { return text(doc.Find(".form-alert")) }

	t.Run("photos", func(t *testing.T) {
		lead, err := account.UserByEmail(ctx, testDB, "lead@libres.example")
		if err != nil || len(lead.WorkshopIDs) == 0 {
			t.Fatalf("demo lead: %v", err)
		}
		var product int64
		if err := testDB.GetContext(ctx, &product, `SELECT id FROM products WHERE workshop_id = $1 ORDER BY id LIMIT 1`, lead.WorkshopIDs[0]); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, leadSession(t, lead.ID))
		for _, tt := range []struct {
			what, name string
			body       []byte
		}{
			{fmt.Sprintf("a photo of %d MB + 1 byte", media.MaxUploadBytes>>20), "grande.jpg",
				append([]byte("\xff\xd8\xff\xe0"), make([]byte, media.MaxUploadBytes-3)...)},
			{"a text file named .jpg (sniffed, not an image)", "texto.jpg", []byte("esto no es una foto\n")},
			{"an SVG named .png", "dibujo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
		} {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			w, _ := mw.CreateFormFile("photos", tt.name)
			_, _ = w.Write(tt.body)
			_ = mw.Close()
			req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/studio/products/%d/photos", testURL, product), &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			before := dbChecksums(t)
			res, doc := b.send(req)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(alert(doc), tt.name) {
				t.Errorf("%s: %d %q, want 422 naming the file", tt.what, res.StatusCode, alert(doc))
			}
			unchanged(t, "upload of "+tt.what, before, res.StatusCode)
		}
	})

	t.Run("sign-up rate limit", func(t *testing.T) {
		b := newBrowser(t, "")
		for i := range 8 {
			email := fmt.Sprintf("alta-%d-%d@libres.test", i, time.Now().UnixNano())
			before := dbChecksums(t)
			res, doc := b.post("/registro", url.Values{"name": {"Persona de prueba"}, "email": {email},
				"password": {"caballo-correcto-bateria-grapa-2026"}, "accept_policy": {"1"}})
			if res.StatusCode == http.StatusSeeOther {
				continue // within the burst: an account made
			}
			if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(alert(doc), " min") || res.Header.Get("Retry-After") == "" {
				t.Fatalf("sign-up %d: %d %q (Retry-After %q), want 429 saying how long to wait", i+1, res.StatusCode, alert(doc),
					res.Header.Get("Retry-After"))
			}
			if v, _ := doc.Find(`input[name="email"]`).Attr("value"); v != email {
				t.Errorf("the refused sign-up lost the email typed: %q", v)
			}
			unchanged(t, fmt.Sprintf("sign-up %d from one address", i+1), before, res.StatusCode)
			return
		}
		t.Fatal("8 sign-ups from one address in a row, none refused")
	})

	t.Run("login throttled", func(t *testing.T) {
		u := newUser(t, account.RoleCustomer)
		b := newBrowser(t, "")
		for i := range 5 {
			b.post("/login", url.Values{"email": {u.Email}, "password": {fmt.Sprintf("equivocada-%d-clave", i)}})
		}
		before := dbChecksums(t)
		res, _ := b.post("/login", url.Values{"email": {u.Email}, "password": {seed.DemoPassword}})
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("right password after 5 wrong ones: %d, want 429", res.StatusCode)
		}
		for _, c := range res.Cookies() {
			if c.Name == testSrv.Kit.SessionCookieName() && c.MaxAge >= 0 {
				t.Errorf("a throttled login set a session cookie")
			}
		}
		unchanged(t, "login with the right password while throttled", before, res.StatusCode)
	})

	t.Run("order look-up rate limit", func(t *testing.T) {
		b := newBrowser(t, "")
		for i := range 12 {
			before := dbChecksums(t)
			res, doc := b.post("/pedido", url.Values{"number": {fmt.Sprintf("LB-%06d", i)}, "email": {"nadie@libres.test"}})
			if res.StatusCode == http.StatusNotFound {
				continue
			}
			if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || alert(doc) == "" {
				t.Fatalf("look-up %d: %d %q, want 429 with a message", i+1, res.StatusCode, alert(doc))
			}
			if v, _ := doc.Find(`input[name="number"]`).Attr("value"); v != fmt.Sprintf("LB-%06d", i) {
				t.Errorf("the refused look-up lost the number typed: %q", v)
			}
			unchanged(t, fmt.Sprintf("order look-up %d from one address", i+1), before, res.StatusCode)
			return
		}
		t.Fatal("12 order look-ups from one address in a row, none refused")
	})

	t.Run("cart caps", func(t *testing.T) {
		variants := limitsProduct(t, order.MaxLines+1)
		s := newShopper(t, testURL)
		for _, v := range variants[:order.MaxLines] {
			if res, doc := s.do(http.MethodPost, "/carrito", url.Values{"variant": {fmt.Sprint(v)}, "quantity": {"1"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("add line: %d %q", res.StatusCode, alert(doc))
			}
		}
		for _, tt := range []struct {
			what, path string
			form       url.Values
			status     int
		}{
			{fmt.Sprintf("line %d of a cart", order.MaxLines+1), "/carrito",
				url.Values{"variant": {fmt.Sprint(variants[order.MaxLines])}, "quantity": {"1"}}, http.StatusConflict},
			{fmt.Sprintf("adding %d of one size", order.MaxQuantity+1), "/carrito",
				url.Values{"variant": {fmt.Sprint(variants[0])}, "quantity": {fmt.Sprint(order.MaxQuantity + 1)}}, http.StatusUnprocessableEntity},
			{fmt.Sprintf("changing a line to %d", order.MaxQuantity+1), "/carrito/cantidad",
				url.Values{"variant": {fmt.Sprint(variants[0])}, "quantity": {fmt.Sprint(order.MaxQuantity + 1)}}, http.StatusUnprocessableEntity},
		} {
			before := dbChecksums(t)
			res, doc := s.do(http.MethodPost, tt.path, tt.form)
			if res.StatusCode != tt.status || alert(doc) == "" {
				t.Errorf("%s: %d %q, want %d with a message", tt.what, res.StatusCode, alert(doc), tt.status)
			}
			unchanged(t, tt.what, before, res.StatusCode)
		}
	})
}

// limitsProduct makes an active product with n sizes, 10 of each in stock, removed
// (with any cart lines) when the test ends.
func limitsProduct(t *testing.T, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var product int64
	slug := fmt.Sprintf("limites-%d", time.Now().UnixNano())
	err := testDB.GetContext(ctx, &product, `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, status, price_minor, published_at)
		SELECT $1, w.id, (SELECT min(id) FROM categories), 'Prueba de límites', 'Limits test', 'active', 1000000, now()
		FROM workshops w WHERE w.active ORDER BY w.id LIMIT 1 RETURNING id`, slug)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { testDB.MustExec(`DELETE FROM products WHERE id = $1`, product) })
	var ids []int64
	if err := testDB.SelectContext(ctx, &ids, `INSERT INTO variants (product_id, sku, size, stock_on_hand, position)
		SELECT $1, $2 || '-' || i, 'T' || i, 10, i FROM generate_series(1, $3) AS i RETURNING id`, product, strings.ToUpper(slug), n); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

func leadSession(t *testing.T, userID int64) string {
	t.Helper()
	token, err := testAccounts.CreateSession(context.Background(), userID, "127.0.0.1", "limits-test")
	if err != nil {
		t.Fatal(err)
	}
	return token
}
