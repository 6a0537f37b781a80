// Package sitetest is what the tests of the site's sections (admin, corporate, docs,
// studio) share: the whole site on a fresh demo database, started once per package
// (Main), and a browser that keeps a session's cookie and does not follow redirects, so
// tests see the 303 of every form (Browser).
//
// Only _test.go files import it. The site's own internal tests cannot (the site imports
// the sections, and this package imports the site); they keep their own set-up.
package sitetest

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

// BaseURL is the site's public origin: plain http, so the session cookie is not Secure
// and the test client sends it back.
const BaseURL = "http://libres.test"

// Server is the site under test.
type Server struct {
	DB   *sqlx.DB
	Site *site.Site
	URL  string // the test server's URL
	Env  webtest.Env

	name    string
	cleanup []func()
}

// Cleanup registers f to run after the package's tests, before the database is dropped
// (in reverse order of registration), for servers a package starts beside the site.
func (s *Server) Cleanup(f func()) { s.cleanup = append(s.cleanup, f) }

// An Option changes how Main sets the site up.
type Option func(*config)

type config struct {
	privateFiles bool
	runWithout   bool
}

// PrivateFiles mounts the signed links to private files (site.Deps.PrivateFiles).
func PrivateFiles() Option { return func(c *config) { c.privateFiles = true } }

// RunWithoutCluster runs the package's tests even when there is no test cluster (then
// ready is not called): for a package whose unit tests need no site and whose site
// tests skip themselves.
func RunWithoutCluster() Option { return func(c *config) { c.runWithout = true } }

// Main is a package's TestMain: it sets the site up on a fresh demo database, calls
// ready with it (to keep what the package's tests use), runs the tests and tears it all
// down. Without a test cluster the package is skipped (exit 0), unless
// LIBRES_TEST_REQUIRE=1; name ("admin") names the package in its messages and its
// sessions' user agent.
func Main(m *testing.M, name string, ready func(*Server), opts ...Option) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	code, err := run(m, name, ready, c)
	if err != nil {
		if errors.Is(err, dbtest.ErrNoCluster) && os.Getenv("LIBRES_TEST_REQUIRE") != "1" {
			if c.runWithout {
				fmt.Println(name+" site tests skipped:", err)
				os.Exit(m.Run())
			}
			fmt.Println(name+" tests skipped:", err)
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, name+" test setup:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M, name string, ready func(*Server), c config) (int, error) {
	env, cleanup, err := webtest.Setup(context.Background(), BaseURL)
	if err != nil {
		return 0, err
	}
	defer cleanup()
	conn := env.DB
	deps := site.Deps{Log: env.Log, DB: conn, Seller: env.Seller, Catalog: catalog.NewStore(conn), WebFS: web.FS,
		BaseURL: BaseURL, MediaBaseURL: "/media", MediaHandler: env.Photos.Handler(), Demo: true,
		Accounts: env.Accounts, Editor: catalog.NewEditor(conn), Photos: env.Photos, Orders: env.Orders, Ledger: env.Ledger, Quotes: env.Quotes}
	if c.privateFiles {
		deps.PrivateFiles = env.Photos.PrivateHandler()
	}
	s, err := site.New(deps)
	if err != nil {
		return 0, err
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	srv := &Server{DB: conn, Site: s, URL: ts.URL, Env: env, name: name}
	defer func() {
		for i := len(srv.cleanup) - 1; i >= 0; i-- {
			srv.cleanup[i]()
		}
	}()
	ready(srv)
	return m.Run(), nil
}

// UserID is the id of the user with this email.
func (s *Server) UserID(t *testing.T, email string) int64 {
	t.Helper()
	u, err := account.UserByEmail(context.Background(), s.DB, email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u.ID
}

// Visitor is a browser on the site with no session.
func (s *Server) Visitor(t *testing.T) *Browser { return NewBrowser(t, s.URL) }

// Login starts a session on the site for the user with this email, as the login page
// would.
func (s *Server) Login(t *testing.T, email string) *Browser {
	t.Helper()
	return s.LoginAt(t, s.URL, s.UserID(t, email))
}

// LoginAt starts a session for the user and returns a browser holding it for the server
// at base (the site, or one a package starts beside it with the site's kit).
func (s *Server) LoginAt(t *testing.T, base string, userID int64) *Browser {
	t.Helper()
	token, err := s.Site.Deps.Accounts.CreateSession(context.Background(), userID, "127.0.0.1", s.name+" test")
	if err != nil {
		t.Fatal(err)
	}
	b := NewBrowser(t, base)
	u, _ := url.Parse(base)
	b.Client.Jar.SetCookies(u, []*http.Cookie{{Name: s.Site.Kit.SessionCookieName(), Value: token, Path: "/"}})
	b.Token = token
	return b
}

// Browser is a person with a cookie jar. It does not follow redirects.
type Browser struct {
	T      *testing.T
	Client *http.Client
	Base   string // the server's URL, which paths are on
	Token  string // the session's token; empty for a visitor
}

// NewBrowser is a browser with an empty cookie jar on the server at base.
func NewBrowser(t *testing.T, base string) *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{T: t, Base: base, Client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Page is a fetched response with its parsed HTML.
type Page struct {
	*goquery.Document
	Status   int
	Location string
	Header   http.Header
	Body     []byte
}

// Do sends the request and reads the whole response.
func (b *Browser) Do(req *http.Request) Page {
	b.T.Helper()
	res, err := b.Client.Do(req)
	if err != nil {
		b.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.T.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		b.T.Fatal(err)
	}
	return Page{Document: doc, Status: res.StatusCode, Location: res.Header.Get("Location"), Header: res.Header, Body: body}
}

func (b *Browser) Get(path string) Page {
	b.T.Helper()
	req, err := http.NewRequest(http.MethodGet, b.Base+path, nil)
	if err != nil {
		b.T.Fatal(err)
	}
	return b.Do(req)
}

// MustGet fetches a page that must answer 200.
func (b *Browser) MustGet(path string) Page {
	b.T.Helper()
	p := b.Get(path)
	if p.Status != http.StatusOK {
		b.T.Fatalf("GET %s = %d, want 200; page says %q", path, p.Status, Text(p.Find("main")))
	}
	return p
}

// Post sends a url-encoded form.
func (b *Browser) Post(path string, form url.Values) Page {
	b.T.Helper()
	req, err := http.NewRequest(http.MethodPost, b.Base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.T.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}

// File is a file a multipart form sends in its field.
type File struct {
	Field, Name string
	Body        []byte
}

// PostMultipart sends a multipart form as a browser does for a form with file inputs:
// the fields, then the files.
func (b *Browser) PostMultipart(path string, form url.Values, files ...File) Page {
	b.T.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				b.T.Fatal(err)
			}
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.Field, f.Name)
		if err != nil {
			b.T.Fatal(err)
		}
		if _, err := fw.Write(f.Body); err != nil {
			b.T.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.T.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, b.Base+path, &buf)
	if err != nil {
		b.T.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.Do(req)
}

// Submit posts a form that must succeed (303) and returns the page it leads to.
func (b *Browser) Submit(path string, form url.Values) Page {
	b.T.Helper()
	return b.Followed("POST "+path, b.Post(path, form))
}

// Followed checks that p, the answer to what (a form's "POST /path"), is a 303 and
// returns the page it leads to.
func (b *Browser) Followed(what string, p Page) Page {
	b.T.Helper()
	if p.Status != http.StatusSeeOther {
		b.T.Fatalf("%s = %d, want 303; alert %q, field errors %q", what, p.Status,
			Text(p.Find(".form-alert")), Text(p.Find(".field-error")))
	}
	return b.MustGet(p.Location)
}

// Text is the text of s with runs of white space (the no-break space after "$" too) as
// one space.
func Text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }
