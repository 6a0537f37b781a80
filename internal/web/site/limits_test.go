package site

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

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
	n := refused[http.StatusRequestEntityTooLarge] + refused[http.StatusUnsupportedMediaType]
	t.Logf("%d write routes × over-limit bodies: %d answered 4xx (413: %d, 415: %d), 0 rows written (%d tables compared whole)",
		writeRoutes, n, refused[http.StatusRequestEntityTooLarge], refused[http.StatusUnsupportedMediaType], len(before))
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
