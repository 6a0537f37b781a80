package site

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/seed"
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
	ctx := context.Background()
	dbURL, drop, err := dbtest.Create(ctx)
	if err != nil {
		return 0, err
	}
	defer drop()
	conn, err := dbtest.OpenMigrated(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	dir, err := os.MkdirTemp("", "libres-media-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	store, err := media.NewDisk(dir, "/media")
	if err != nil {
		return 0, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := seed.Load(ctx, conn, store, quiet, seed.Options{PhotoWidth: 320}); err != nil {
		return 0, err
	}
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		return 0, err
	}
	// Emails are only queued here (no worker): the journeys that read them run in e2e.
	queue, err := notify.NewQueue(conn, notify.Options{From: "Libres <no-reply@libres.test>", ShopURL: "https://libres.test"})
	if err != nil {
		return 0, err
	}
	accounts := account.New(conn, queue, account.Options{BaseURL: "https://libres.test"})
	srv, err := New(Deps{Log: quiet, Seller: cfg.Seller, Catalog: catalog.NewStore(conn), WebFS: web.FS,
		BaseURL: "https://libres.test", MediaBaseURL: "/media", MediaHandler: store.Handler(), Demo: true,
		Accounts: accounts, SessionMax: accounts.SessionMax(), Editor: catalog.NewEditor(conn), Photos: store})
	if err != nil {
		return 0, err
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	testDB, testSrv, testURL, testAccounts = conn, srv, ts.URL, accounts
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
