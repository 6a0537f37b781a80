package corporate_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
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

// The tests share one database with the demo catalog and accounts; each test makes its
// own companies and quotes, so they do not collide.
var (
	testDB   *sqlx.DB
	testSite *site.Site
	testURL  string
	testEnv  webtest.Env
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		if errors.Is(err, dbtest.ErrNoCluster) && os.Getenv("LIBRES_TEST_REQUIRE") != "1" {
			fmt.Println("corporate tests skipped:", err)
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "corporate test setup:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	const base = "http://libres.test"
	env, cleanup, err := webtest.Setup(context.Background(), base)
	if err != nil {
		return 0, err
	}
	defer cleanup()
	conn := env.DB
	s, err := site.New(site.Deps{Log: env.Log, DB: conn, Seller: env.Seller, Catalog: catalog.NewStore(conn), WebFS: web.FS,
		BaseURL: base, MediaBaseURL: "/media", MediaHandler: env.Photos.Handler(), Demo: true,
		Accounts: env.Accounts, Editor: catalog.NewEditor(conn), Photos: env.Photos, Orders: env.Orders, Ledger: env.Ledger, Quotes: env.Quotes})
	if err != nil {
		return 0, err
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	testDB, testSite, testURL, testEnv = conn, s, ts.URL, env
	return m.Run(), nil
}

// browser is a person with a cookie jar; it does not follow redirects, so tests see the
// 303 of every form.
type browser struct {
	t      *testing.T
	client *http.Client
}

func visitor(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// loginAs starts a session for the user with this email, as the login page would.
func loginAs(t *testing.T, email string) *browser {
	t.Helper()
	ctx := context.Background()
	u, err := account.UserByEmail(ctx, testDB, email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	token, err := testSite.Deps.Accounts.CreateSession(ctx, u.ID, "127.0.0.1", "corporate test")
	if err != nil {
		t.Fatal(err)
	}
	b := visitor(t)
	base, _ := url.Parse(testURL)
	b.client.Jar.SetCookies(base, []*http.Cookie{{Name: testSite.Kit.SessionCookieName(), Value: token, Path: "/"}})
	return b
}

func empresa(t *testing.T) *browser { return loginAs(t, "empresa@libres.example") }

// page is a fetched response with its parsed HTML.
type page struct {
	*goquery.Document
	status   int
	location string
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
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	return page{Document: doc, status: res.StatusCode, location: res.Header.Get("Location"), body: string(body)}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, testURL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

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
	req, err := http.NewRequest(http.MethodPost, testURL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// upload is a file a multipart form sends.
type upload struct {
	name string
	body []byte
}

// postFiles sends a multipart form as a browser does, files under "files".
func (b *browser) postFiles(path string, form url.Values, files ...upload) page {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	if len(files) == 0 {
		// A browser sends an empty file part when no file was picked.
		if _, err := w.CreateFormFile("files", ""); err != nil {
			b.t.Fatal(err)
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile("files", f.name)
		if err != nil {
			b.t.Fatal(err)
		}
		_, _ = fw.Write(f.body)
	}
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, testURL+path, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// keyLike finds a message key shown instead of its message.
var keyLike = regexp.MustCompile(`\b(corporate|quote|acct|account|error|form)\.[a-z_]`)

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

func val(p page, selector string) string {
	v, _ := p.Find(selector).Attr("value")
	return v
}

func flash(p page) string { return text(p.Find(".flash")) }

// checkPage checks what every page of the room has: the language, one h1, no message
// key left untranslated, and a label for every control.
func checkPage(t *testing.T, p page, lang string) {
	t.Helper()
	if l, _ := p.Find("html").Attr("lang"); l != lang {
		t.Errorf("html lang = %q, want %q", l, lang)
	}
	if n := p.Find("h1").Length(); n != 1 {
		t.Errorf("%d h1, want 1", n)
	}
	if m := text(p.Find("body")); keyLike.MatchString(m) || strings.Contains(m, "%!") {
		t.Errorf("untranslated key or bad format in page: %q", m)
	}
	p.Find("main input:not([type=hidden]), main select, main textarea").Each(func(_ int, s *goquery.Selection) {
		if s.HasClass("visually-hidden") {
			return
		}
		id, _ := s.Attr("id")
		if id == "" || p.Find(`label[for="`+id+`"]`).Length() == 0 {
			name, _ := s.Attr("name")
			t.Errorf("control %q has no label", name)
		}
	})
}
