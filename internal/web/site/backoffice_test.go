package site

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/seed"
)

// browser is a visitor with (or without) a session, that does not follow redirects.
type browser struct {
	t     *testing.T
	token string
	c     *http.Client
}

func newBrowser(t *testing.T, token string) *browser {
	return &browser{t: t, token: token, c: &http.Client{Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) send(req *http.Request) (*http.Response, *goquery.Document) {
	b.t.Helper()
	if b.token != "" {
		req.AddCookie(&http.Cookie{Name: testSrv.Kit.SessionCookieName(), Value: b.token})
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(raw))
	if err != nil {
		b.t.Fatal(err)
	}
	return res, doc
}

func (b *browser) post(path string, form url.Values, header ...string) (*http.Response, *goquery.Document) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, testURL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.send(req)
}

func (b *browser) get(path string) (*http.Response, *goquery.Document) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, testURL+path, nil)
	return b.send(req)
}

func newUser(t *testing.T, role account.Role, workshops ...int64) account.User {
	t.Helper()
	u, err := account.Provision(context.Background(), testDB, account.NewUser{
		Email: fmt.Sprintf("%s-%d@libres.test", role, time.Now().UnixNano()), Name: "Prueba", Role: role, Lang: "es",
		Password: seed.DemoPassword, WorkshopIDs: workshops}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func session(t *testing.T, u account.User) string {
	t.Helper()
	token, err := testAccounts.CreateSession(context.Background(), u.ID, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// TestLoginAbuse: wrong passwords are throttled to a 429 that says how long to wait,
// an unknown address gets the same answer as a wrong password, a cross-site POST is
// refused, and "log out everywhere" kills sessions opened before it.
func TestLoginAbuse(t *testing.T) {
	u := newUser(t, account.RoleCustomer)
	b := newBrowser(t, "")
	alert := func(doc *goquery.Document) string { return text(doc.Find(".form-alert")) }

	_, unknown := b.post("/login", url.Values{"email": {"nadie-" + u.Email}, "password": {"una clave cualquiera"}})
	res, wrong := b.post("/login", url.Values{"email": {u.Email}, "password": {"una clave cualquiera"}})
	if res.StatusCode != http.StatusUnauthorized || alert(wrong) == "" || alert(wrong) != alert(unknown) {
		t.Fatalf("wrong password: %d %q; unknown email: %q — want 401 and the same message", res.StatusCode, alert(wrong), alert(unknown))
	}
	if v, _ := wrong.Find(`input[name="email"]`).Attr("value"); v != u.Email {
		t.Errorf("the login form lost the email typed: %q", v)
	}
	var last *http.Response
	var lastDoc *goquery.Document
	for i := 0; i < 6; i++ {
		last, lastDoc = b.post("/login", url.Values{"email": {u.Email}, "password": {fmt.Sprintf("intento-%d-equivocado", i)}})
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" || !strings.Contains(alert(lastDoc), " min") {
		t.Fatalf("8th wrong password: %d Retry-After=%q %q, want 429 with the wait", last.StatusCode, last.Header.Get("Retry-After"), alert(lastDoc))
	}
	// Even the right password waits now.
	if res, _ := b.post("/login", url.Values{"email": {u.Email}, "password": {seed.DemoPassword}}); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password while throttled: %d, want 429", res.StatusCode)
	}

	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		if res, _ := b.post("/login", url.Values{"email": {u.Email}}, h...); res.StatusCode != http.StatusForbidden {
			t.Errorf("POST /login with %s: %s = %d, want 403", h[0], h[1], res.StatusCode)
		}
	}

	other := newUser(t, account.RoleCustomer)
	old, current := session(t, other), session(t, other)
	if res, _ := newBrowser(t, old).get("/cuenta"); res.StatusCode != http.StatusOK {
		t.Fatalf("GET /cuenta with a session: %d", res.StatusCode)
	}
	if res, _ := newBrowser(t, current).post("/cuenta/sesiones", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("log out everywhere: %d", res.StatusCode)
	}
	for _, tok := range []string{old, current} {
		if res, _ := newBrowser(t, tok).get("/cuenta"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("a session from before 'log out everywhere' still works: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	}
}

// TestStudioRefusesBadInput: each kind of bad input re-renders the editor with the
// user's values and a message next to the field, with nothing saved and no 500.
func TestStudioRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	var workshop, category, productA int64
	var takenSKU string
	if err := testDB.GetContext(ctx, &workshop, `SELECT id FROM workshops ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	_ = testDB.GetContext(ctx, &category, `SELECT id FROM categories ORDER BY id LIMIT 1`)
	_ = testDB.GetContext(ctx, &productA, `SELECT id FROM products WHERE workshop_id = $1 ORDER BY id LIMIT 1`, workshop)
	_ = testDB.GetContext(ctx, &takenSKU, `SELECT sku FROM variants ORDER BY id LIMIT 1`)
	b := newBrowser(t, session(t, newUser(t, account.RoleLead, workshop)))
	form := func(change func(url.Values)) url.Values {
		v := url.Values{"title_es": {"Sandalia de prueba mala"}, "category_id": {fmt.Sprint(category)},
			"workshop_id": {fmt.Sprint(workshop)}, "tax_class": {"standard"}, "price": {"99.000"}, "rows": {"1"},
			"variants.0.sku": {"PRUEBA-MALA-38"}, "variants.0.size": {"38"}, "variants.0.stock": {"2"}, "action": {"save"}}
		change(v)
		return v
	}
	tests := []struct {
		name   string
		change func(url.Values)
		field  string
		status int
	}{
		{"price abc", func(v url.Values) { v.Set("price", "abc") }, "price", 422},
		{"missing Spanish title", func(v url.Values) { v.Set("title_es", "") }, "title_es", 422},
		{"100 KB title", func(v url.Values) { v.Set("title_es", strings.Repeat("a", 100<<10)) }, "title_es", 422}, // larger forms: TestBodyLimits
		{"negative stock", func(v url.Values) { v.Set("variants.0.stock", "-3") }, "variants.0.stock", 422},
		{"duplicate SKU", func(v url.Values) { v.Set("variants.0.sku", takenSKU) }, "variants.0.sku", 422},
	}
	for _, tt := range tests {
		sent := form(tt.change)
		res, doc := b.post("/studio/products", sent)
		if res.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, res.StatusCode, tt.status)
			continue
		}
		if msg := text(doc.Find("#f-" + strings.ReplaceAll(tt.field, ".", "\\.") + "-err")); msg == "" {
			t.Errorf("%s: no message next to %s", tt.name, tt.field)
		}
		if doc.Find(".form-alert").Length() == 0 {
			t.Errorf("%s: no summary message at the top of the form", tt.name)
		}
		if v, _ := doc.Find(`input[name="variants.0.size"]`).Attr("value"); v != "38" {
			t.Errorf("%s: the size typed was lost (%q)", tt.name, v)
		}
		if tt.field != "title_es" {
			if v, _ := doc.Find(`input[name="title_es"]`).Attr("value"); v != sent.Get("title_es") {
				t.Errorf("%s: the title typed was lost (%q)", tt.name, v)
			}
		}
	}
	var n int
	_ = testDB.GetContext(ctx, &n, `SELECT count(*) FROM products WHERE title_es = 'Sandalia de prueba mala'`)
	if n != 0 {
		t.Fatalf("%d products saved from refused forms", n)
	}

	// A stale edit: someone saved after this form was loaded.
	_, edit := b.get(fmt.Sprintf("/studio/products/%d", productA))
	version, _ := edit.Find(`form.form input[name="version"]`).First().Attr("value")
	stale := url.Values{"version": {version}, "rows": {"0"}, "action": {"save"}}
	edit.Find(`form.form-wide input[type="text"], form.form-wide input[type="hidden"], form.form-wide textarea, form.form-wide select`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		val, _ := s.Attr("value")
		if goquery.NodeName(s) == "textarea" {
			val = s.Text()
		}
		if goquery.NodeName(s) == "select" {
			val, _ = s.Find("option[selected]").Attr("value")
		}
		stale.Set(name, val)
	})
	stale.Set("rows", fmt.Sprint(edit.Find(`input[name$=".sku"]`).Length()))
	first := url.Values{}
	for k, v := range stale {
		first[k] = v
	}
	if res, _ := b.post(fmt.Sprintf("/studio/products/%d", productA), first); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d, want 303", res.StatusCode)
	}
	stale.Set("title_es", "Mi versión que llegó tarde")
	res, doc := b.post(fmt.Sprintf("/studio/products/%d", productA), stale)
	if res.StatusCode != http.StatusConflict || doc.Find(".form-alert").Length() == 0 {
		t.Fatalf("stale save: %d, want 409 with a message", res.StatusCode)
	}
	if v, _ := doc.Find(`input[name="title_es"]`).Attr("value"); v != "Mi versión que llegó tarde" {
		t.Errorf("stale save lost the user's input: %q", v)
	}

	// Photos the pipeline refuses: nothing recorded, a message beside the file input.
	var before int
	_ = testDB.GetContext(ctx, &before, `SELECT count(*) FROM photos WHERE product_id = $1`, productA)
	for name, body := range map[string][]byte{
		"grande.jpg":  append([]byte("\xff\xd8\xff\xe0"), bytes.Repeat([]byte{0}, 20<<20)...),
		"texto.jpg":   []byte("esto no es una foto, es un texto con otro nombre\n"),
		"gigante.png": pngHeader(50000, 50000),
	} {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		w, _ := mw.CreateFormFile("photos", name)
		_, _ = w.Write(body)
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/studio/products/%d/photos", testURL, productA), &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, doc := b.send(req)
		if res.StatusCode != http.StatusUnprocessableEntity || text(doc.Find("#photos-err")) == "" || !strings.Contains(text(doc.Find(".form-alert")), name) {
			t.Errorf("upload %s: %d %q %q, want 422 naming the file", name, res.StatusCode, text(doc.Find("#photos-err")), text(doc.Find(".form-alert")))
		}
	}
	var after int
	_ = testDB.GetContext(ctx, &after, `SELECT count(*) FROM photos WHERE product_id = $1`, productA)
	if after != before {
		t.Errorf("refused uploads recorded %d photos", after-before)
	}
}

// pngHeader is the start of a PNG whose header claims w x h pixels.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, chunk...)
	out = binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
	return append(out, make([]byte, 64)...)
}

// TestLoginStartsASecureSessionAndReturnsToNext: over https the session cookie is
// __Host-, Secure, HttpOnly and SameSite=Lax, and login goes back to the page asked for.
func TestLoginStartsASecureSessionAndReturnsToNext(t *testing.T) {
	u := newUser(t, account.RoleLead, 1)
	res, _ := newBrowser(t, "").post("/login", url.Values{"email": {u.Email}, "password": {seed.DemoPassword}, "next": {"/studio/stock"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/studio/stock" {
		t.Fatalf("login: %d %s, want 303 to /studio/stock", res.StatusCode, res.Header.Get("Location"))
	}
	var c *http.Cookie
	for _, k := range res.Cookies() {
		if k.Name == "__Host-libres_session" {
			c = k
		}
	}
	if c == nil || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || len(c.Value) < 22 {
		t.Fatalf("session cookie %+v, want __Host-, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain, a 128-bit token", c)
	}
	if res, _ := newBrowser(t, c.Value).get("/studio"); res.StatusCode != http.StatusOK {
		t.Errorf("the new session does not open the studio: %d", res.StatusCode)
	}
}
