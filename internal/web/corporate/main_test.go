package corporate_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/web/site"
	"github.com/libres/storefront/internal/web/sitetest"
	"github.com/libres/storefront/internal/web/webtest"
)

// The tests share one database with the demo catalog and accounts; each test makes its
// own companies and quotes, so they do not collide.
var (
	testSrv  *sitetest.Server
	testDB   *sqlx.DB
	testSite *site.Site
	testURL  string
	testEnv  webtest.Env
)

func TestMain(m *testing.M) {
	sitetest.Main(m, "corporate", func(s *sitetest.Server) {
		testSrv, testDB, testSite, testURL, testEnv = s, s.DB, s.Site, s.URL, s.Env
	})
}

// browser is a person with a cookie jar; it does not follow redirects, so tests see the
// 303 of every form.
type browser struct{ *sitetest.Browser }

func visitor(t *testing.T) *browser { return &browser{testSrv.Visitor(t)} }

// loginAs starts a session for the user with this email, as the login page would.
func loginAs(t *testing.T, email string) *browser {
	t.Helper()
	return &browser{testSrv.Login(t, email)}
}

func empresa(t *testing.T) *browser { return loginAs(t, "empresa@libres.example") }

// page is a fetched response with its parsed HTML.
type page struct {
	*goquery.Document
	status   int
	location string
	body     string
}

func pageOf(p sitetest.Page) page {
	return page{Document: p.Document, status: p.Status, location: p.Location, body: string(p.Body)}
}

func (b *browser) get(path string) page { b.T.Helper(); return pageOf(b.Get(path)) }

func (b *browser) mustGet(path string) page { b.T.Helper(); return pageOf(b.MustGet(path)) }

func (b *browser) post(path string, form url.Values) page {
	b.T.Helper()
	return pageOf(b.Post(path, form))
}

// upload is a file a multipart form sends.
type upload struct {
	name string
	body []byte
}

// postFiles sends a multipart form as a browser does, files under "files".
func (b *browser) postFiles(path string, form url.Values, uploads ...upload) page {
	b.T.Helper()
	// A browser sends an empty file part when no file was picked.
	files := []sitetest.File{{Field: "files"}}
	if len(uploads) > 0 {
		files = files[:0]
	}
	for _, u := range uploads {
		files = append(files, sitetest.File{Field: "files", Name: u.name, Body: u.body})
	}
	return pageOf(b.PostMultipart(path, form, files...))
}

// keyLike finds a message key shown instead of its message.
var keyLike = regexp.MustCompile(`\b(corporate|quote|acct|account|error|form)\.[a-z_]`)

func text(s *goquery.Selection) string { return sitetest.Text(s) }

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
