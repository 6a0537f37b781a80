package kit_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/web/kit"
	"github.com/libres/storefront/web"
)

// TestLimitBody: an ordinary route reads forms up to MaxFormBytes and refuses more (413)
// and multipart bodies (415) before its handler runs, whether the length is announced or
// the body comes chunked; a route that takes files reads multipart up to its own limit;
// a raw route (a webhook) is refused in plain text.
func TestLimitBody(t *testing.T) {
	k, err := kit.New(kit.Options{Log: slog.New(slog.DiscardHandler), WebFS: web.FS, BaseURL: "https://libres.example.co"})
	if err != nil {
		t.Fatal(err)
	}
	const filesMax, rawMax = 1 << 20, 4 << 10
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(k.LimitBody(
		kit.BodyLimit{Method: http.MethodPost, Path: "/files/:id", Max: filesMax, Files: true},
		kit.BodyLimit{Method: http.MethodPost, Path: "/hook", Max: rawMax, Raw: true}))
	var ran bool
	var read string // what the handler got: a field's length, or the read error
	form := func(c *gin.Context) {
		ran = true
		if err := c.Request.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			read = "error: " + err.Error()
		} else {
			read = strings.Repeat("x", len(c.Request.FormValue("a")))
		}
		c.String(http.StatusOK, "ok")
	}
	r.POST("/form", form)
	r.POST("/en/form", form)
	r.POST("/files/:id", form)
	r.POST("/hook", func(c *gin.Context) {
		ran = true
		b, err := io.ReadAll(c.Request.Body)
		read = strings.Repeat("x", len(b))
		if err != nil {
			read = "error: " + err.Error()
		}
		c.String(http.StatusOK, "ok")
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	urlencoded := func(n int) (string, []byte) {
		return "application/x-www-form-urlencoded", []byte("a=" + strings.Repeat("x", n-2))
	}
	multi := func(n int) (string, []byte) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		fw, _ := w.CreateFormFile("f", "f.bin")
		_, _ = fw.Write(make([]byte, n))
		_ = w.Close()
		return w.FormDataContentType(), b.Bytes()
	}
	shouting := func(n int) (string, []byte) {
		ct, b := multi(n)
		return strings.ToUpper(ct[:len("multipart/form-data")]) + ct[len("multipart/form-data"):], b
	}
	json := func(n int) (string, []byte) { return "application/json", bytes.Repeat([]byte(" "), n) }
	// After the status: what the handler read ("whole": every byte sent; "cut": a
	// too-large error while reading) or what the refusal says ("page": the error page,
	// "text": a plain-text line).
	tests := []struct {
		name    string
		path    string
		body    func(int) (string, []byte)
		size    int
		chunked bool
		status  int
		then    string
	}{
		{"form at the limit", "/form", urlencoded, kit.MaxFormBytes, false, 200, "whole"},
		{"form at the limit, chunked", "/form", urlencoded, kit.MaxFormBytes, true, 200, "whole"},
		{"form one byte over", "/form", urlencoded, kit.MaxFormBytes + 1, false, 413, "page"},
		{"form one byte over, chunked", "/form", urlencoded, kit.MaxFormBytes + 1, true, 413, "page"},
		{"form of 3 MB, chunked", "/form", urlencoded, 3 << 20, true, 413, "page"},
		{"English form over", "/en/form", urlencoded, kit.MaxFormBytes + 1, false, 413, "page"},
		{"small multipart to a form", "/form", multi, 10, false, 415, "page"},
		{"MULTIPART in capitals to a form", "/form", shouting, 10, false, 415, "page"},
		{"multipart to a form, chunked", "/form", multi, 10, true, 415, "page"},
		{"upload under the route's limit", "/files/1", multi, filesMax - 1024, false, 200, ""},
		{"upload over the route's limit", "/files/1", multi, filesMax, false, 413, "page"},
		{"upload over the route's limit, chunked", "/files/1", multi, filesMax, true, 200, "cut"},
		{"form to the upload route over MaxFormBytes", "/files/1", urlencoded, kit.MaxFormBytes + 1, false, 413, "page"},
		{"webhook at its limit", "/hook", json, rawMax, false, 200, "whole"},
		{"webhook over its limit", "/hook", json, rawMax + 1, false, 413, "text"},
		{"webhook over its limit, chunked", "/hook", json, rawMax + 1, true, 200, "cut"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran, read = false, ""
			ct, body := tt.body(tt.size)
			var rd io.Reader = bytes.NewReader(body)
			if tt.chunked {
				rd = io.MultiReader(rd) // hides the length: sent chunked
			}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+tt.path, rd)
			req.Header.Set("Content-Type", ct)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != tt.status || ran != (tt.status == 200) {
				t.Fatalf("%d, handler ran: %v; want %d, handler run only when 200", res.StatusCode, ran, tt.status)
			}
			switch tt.then {
			case "whole":
				want := tt.size
				if tt.path != "/hook" {
					want -= len("a=")
				}
				if len(read) != want {
					t.Errorf("the handler read %.40q, want all %d bytes", read, want)
				}
			case "cut":
				if !strings.Contains(read, "too large") {
					t.Errorf("the handler read %d bytes, want a too-large error", len(read))
				}
			case "text":
				if b, _ := io.ReadAll(res.Body); !strings.Contains(string(b), "too large") || strings.Contains(string(b), "<") {
					t.Errorf("raw refusal %q, want a plain-text line", b)
				}
			case "page":
				doc, err := goquery.NewDocumentFromReader(res.Body)
				if err != nil {
					t.Fatal(err)
				}
				want := map[int]string{413: "demasiado grande", 415: "no recibe archivos"}[tt.status]
				if strings.HasPrefix(tt.path, "/en/") {
					want = "too large"
				}
				if h := doc.Find("h1").Text(); !strings.Contains(h, want) {
					t.Errorf("error page heading %q, want one containing %q", h, want)
				}
			}
		})
	}
}
