package admin_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/web/site"
	"github.com/libres/storefront/internal/web/webtest"
	"github.com/libres/storefront/web"
)

// The admin tests share one database with the demo catalog and accounts, loaded once;
// each test makes its own workshops, categories and people, so they do not collide.
var (
	testDB   *sqlx.DB
	testSite *site.Site
	testURL  string
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		if errors.Is(err, dbtest.ErrNoCluster) && os.Getenv("LIBRES_TEST_REQUIRE") != "1" {
			fmt.Println("admin tests skipped:", err)
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "admin test setup:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	// Plain http, so the cookies are not Secure and the test client sends them back.
	const base = "http://libres.test"
	env, cleanup, err := webtest.Setup(context.Background(), base)
	if err != nil {
		return 0, err
	}
	defer cleanup()
	conn := env.DB
	s, err := site.New(site.Deps{Log: env.Log, DB: conn, Seller: env.Seller, Catalog: catalog.NewStore(conn), WebFS: web.FS,
		BaseURL: base, MediaBaseURL: "/media", MediaHandler: env.Photos.Handler(), PrivateFiles: env.Photos.PrivateHandler(), Demo: true,
		Accounts: env.Accounts, Editor: catalog.NewEditor(conn), Photos: env.Photos, Orders: env.Orders, Ledger: env.Ledger, Quotes: env.Quotes})
	if err != nil {
		return 0, err
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	testDB, testSite, testURL = conn, s, ts.URL
	return m.Run(), nil
}

// browser is a logged-in person: a cookie jar holding their session. It does not
// follow redirects, so tests see the 303 of every form.
type browser struct {
	t      *testing.T
	client *http.Client
	token  string
	base   string // the server's URL; testURL when empty
}

func (b *browser) url(path string) string {
	if b.base != "" {
		return b.base + path
	}
	return testURL + path
}

// loginAs starts a session for the user with this email, as the login page would.
func loginAs(t *testing.T, email string) *browser {
	t.Helper()
	ctx := context.Background()
	u, err := account.UserByEmail(ctx, testDB, email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	token, err := testSite.Deps.Accounts.CreateSession(ctx, u.ID, "127.0.0.1", "admin test")
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	base, _ := url.Parse(testURL)
	jar.SetCookies(base, []*http.Cookie{{Name: testSite.Kit.SessionCookieName(), Value: token, Path: "/"}})
	return &browser{t: t, token: token, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func admin(t *testing.T) *browser { return loginAs(t, "admin@libres.example") }

// page is a fetched response with its parsed HTML.
type page struct {
	*goquery.Document
	status   int
	location string
	header   http.Header
	body     string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	if err != nil {
		b.t.Fatal(err)
	}
	return page{Document: doc, status: res.StatusCode, location: res.Header.Get("Location"), header: res.Header, body: string(body)}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.url(path), nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// mustGet fetches a page that must answer 200.
func (b *browser) mustGet(path string) page {
	b.t.Helper()
	p := b.get(path)
	if p.status != http.StatusOK {
		b.t.Fatalf("GET %s = %d, want 200; page says %q", path, p.status, text(p.Find("main")))
	}
	return p
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.url(path), strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// submit posts a form that must succeed (303) and returns the page it leads to.
func (b *browser) submit(path string, form url.Values) page {
	b.t.Helper()
	p := b.post(path, form)
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("POST %s = %d, want 303; alert %q, field errors %q", path, p.status,
			text(p.Find(".form-alert")), text(p.Find(".field-error")))
	}
	return b.mustGet(p.location)
}

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

func val(p page, selector string) string {
	v, _ := p.Find(selector).Attr("value")
	return v
}

// flash is the one-time message shown after a redirect.
func flash(p page) string { return text(p.Find(".flash")) }

// checkAdminPage checks what every admin page has: the language, one h1, the
// back-office navigation with the current section marked, and no message key left
// untranslated.
func checkAdminPage(t *testing.T, p page, lang, section string) {
	t.Helper()
	if l, _ := p.Find("html").Attr("lang"); l != lang {
		t.Errorf("html lang = %q, want %q", l, lang)
	}
	if n := p.Find("h1").Length(); n != 1 {
		t.Errorf("%d h1, want 1", n)
	}
	cur := p.Find(`.bo-nav a[aria-current="page"]`)
	if href, _ := cur.Attr("href"); cur.Length() != 1 || !strings.HasPrefix(href, section) {
		t.Errorf("current nav link = %q (%d), want %s", href, cur.Length(), section)
	}
	if m := text(p.Find("main")); strings.Contains(m, "admin.") || strings.Contains(m, "%!") {
		t.Errorf("untranslated key or bad format in page: %q", m)
	}
	if r, _ := p.Find(`meta[name="robots"]`).Attr("content"); r != "noindex" {
		t.Errorf("robots = %q, want noindex", r)
	}
	ids := map[string]bool{}
	p.Find("[id]").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if ids[id] {
			t.Errorf("duplicate id %q", id)
		}
		ids[id] = true
	})
	p.Find("main input:not([type=hidden]), main select, main textarea").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if id == "" || p.Find(`label[for="`+id+`"]`).Length() == 0 {
			name, _ := s.Attr("name")
			t.Errorf("control %q has no label", name)
		}
	})
}

// workshopID is the id of a workshop by slug.
func workshopID(t *testing.T, slug string) int64 {
	t.Helper()
	var id int64
	if err := testDB.Get(&id, `SELECT id FROM workshops WHERE slug = $1`, slug); err != nil {
		t.Fatalf("workshop %s: %v", slug, err)
	}
	return id
}

// leadWorkshop is the demo lead's workshop.
func leadWorkshop(t *testing.T) int64 {
	t.Helper()
	u, err := account.UserByEmail(context.Background(), testDB, "lead@libres.example")
	if err != nil || len(u.WorkshopIDs) == 0 {
		t.Fatalf("demo lead: %+v, %v", u, err)
	}
	return u.WorkshopIDs[0]
}
