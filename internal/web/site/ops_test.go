package site

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/gin-gonic/gin"
)

func TestHealthAndReadiness(t *testing.T) {
	for _, path := range []string{"/healthz", "/readyz"} {
		res, err := http.Get(testURL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), `"ok"`) {
			t.Errorf("GET %s = %d %s", path, res.StatusCode, b)
		}
	}
}

func TestSecurityHeadersAndRequestID(t *testing.T) {
	res, err := http.Get(testURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src 'none'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
	} {
		if got := res.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if res.Header.Get("X-Request-ID") == "" {
		t.Errorf("no X-Request-ID")
	}
}

// TestPanicBecomesErrorPage: a panicking handler answers a 500 page, not a dropped
// connection.
func TestPanicBecomesErrorPage(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(testSrv.Kit.RequestID, testSrv.Kit.Recover)
	r.GET("/boom", func(*gin.Context) { panic("boom") })
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if text(doc.Find("main h1")) == "" || doc.Find(`main form input[name="q"]`).Length() == 0 {
		t.Errorf("500 page has no heading or search box")
	}
}

func TestPhotosAndAssetsAreCacheable(t *testing.T) {
	doc := mustGet(t, "/catalogo")
	src, ok := doc.Find("main .card img").First().Attr("src")
	if !ok {
		t.Fatal("no product photo in the listing")
	}
	css, _ := doc.Find(`link[rel="stylesheet"]`).Attr("href")
	for _, u := range []struct{ path, ctype string }{{src, "image/jpeg"}, {css, "text/css"}} {
		res, err := http.Get(testURL + u.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), u.ctype) ||
			!strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("GET %s = %d, %q, %q", u.path, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
		}
	}
}

// TestPagesAreCompressed: a browser that accepts gzip gets the page compressed and whole.
func TestPagesAreCompressed(t *testing.T) {
	req, _ := http.NewRequest("GET", testURL+"/catalogo", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultTransport.RoundTrip(req) // no transparent decompression
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q, want gzip", res.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(zr)
	if err != nil {
		t.Fatal(err)
	}
	if len(cardTitles(doc)) == 0 {
		t.Errorf("decompressed listing shows no products")
	}
	plain, err := http.DefaultTransport.RoundTrip(mustRequest(t, testURL+"/catalogo"))
	if err != nil {
		t.Fatal(err)
	}
	plain.Body.Close()
	if plain.Header.Get("Content-Encoding") != "" {
		t.Errorf("a client without Accept-Encoding got %q", plain.Header.Get("Content-Encoding"))
	}
}

func mustRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
