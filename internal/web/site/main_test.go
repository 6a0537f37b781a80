package site

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/web/webtest"
	"github.com/libres/storefront/web"
)

// The page tests share one database with the demo catalog, loaded once: the pages are
// read-only, and loading the catalog (with its photos) is the slow part.
var (
	testDB  *sqlx.DB
	testSrv *Site
	testURL string
	// testAccounts logs test users in (the authorization matrix).
	testAccounts *account.Service
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		if errors.Is(err, dbtest.ErrNoCluster) && os.Getenv("LIBRES_TEST_REQUIRE") != "1" {
			fmt.Println("server tests skipped:", err)
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "server test setup:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	env, cleanup, err := webtest.Setup(context.Background(), "https://libres.test")
	if err != nil {
		return 0, err
	}
	defer cleanup()
	conn := env.DB
	srv, err := New(Deps{Log: env.Log, DB: conn, Seller: env.Seller, Catalog: catalog.NewStore(conn), WebFS: web.FS,
		BaseURL: "https://libres.test", MediaBaseURL: "/media", MediaHandler: env.Photos.Handler(), PrivateFiles: env.Photos.PrivateHandler(), Demo: true,
		Accounts: env.Accounts, SessionMax: env.Accounts.SessionMax(), Editor: catalog.NewEditor(conn), Photos: env.Photos, Orders: env.Orders, Ledger: env.Ledger, Quotes: env.Quotes,
		Donations: env.Donations})
	if err != nil {
		return 0, err
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	testDB, testSrv, testURL, testAccounts = conn, srv, ts.URL, env.Accounts
	return m.Run(), nil
}

// get fetches a path from the test server and parses the HTML.
func get(t *testing.T, path string) (*http.Response, *goquery.Document) {
	t.Helper()
	res, err := http.Get(testURL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return res, doc
}

// mustGet fetches a page that must answer 200.
func mustGet(t *testing.T, path string) *goquery.Document {
	t.Helper()
	res, doc := get(t, path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", path, res.StatusCode)
	}
	return doc
}

// cardTitles lists the product titles shown in the page's grid(s).
func cardTitles(doc *goquery.Document) []string {
	var out []string
	doc.Find("main .card .card-title a").Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Text()))
	})
	return out
}

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }
