package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/web/site"
	"github.com/libres/storefront/internal/web/sitetest"
)

// The admin tests share one database with the demo catalog and accounts, loaded once;
// each test makes its own workshops, categories and people, so they do not collide.
var (
	testSrv  *sitetest.Server
	testDB   *sqlx.DB
	testSite *site.Site
	testURL  string
)

func TestMain(m *testing.M) {
	sitetest.Main(m, "admin", func(s *sitetest.Server) {
		testSrv, testDB, testSite, testURL = s, s.DB, s.Site, s.URL
	}, sitetest.PrivateFiles())
}

// browser is a logged-in person: a cookie jar holding their session. It does not
// follow redirects, so tests see the 303 of every form.
type browser struct{ *sitetest.Browser }

// loginAs starts a session for the user with this email, as the login page would.
func loginAs(t *testing.T, email string) *browser {
	t.Helper()
	return &browser{testSrv.Login(t, email)}
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

func pageOf(p sitetest.Page) page {
	return page{Document: p.Document, status: p.Status, location: p.Location, header: p.Header, body: string(p.Body)}
}

func (b *browser) get(path string) page { b.T.Helper(); return pageOf(b.Get(path)) }

// mustGet fetches a page that must answer 200.
func (b *browser) mustGet(path string) page { b.T.Helper(); return pageOf(b.MustGet(path)) }

func (b *browser) post(path string, form url.Values) page {
	b.T.Helper()
	return pageOf(b.Post(path, form))
}

// submit posts a form that must succeed (303) and returns the page it leads to.
func (b *browser) submit(path string, form url.Values) page {
	b.T.Helper()
	return pageOf(b.Submit(path, form))
}

func text(s *goquery.Selection) string { return sitetest.Text(s) }

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
