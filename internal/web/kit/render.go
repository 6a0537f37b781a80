package kit

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// views holds one parsed template set per page: layout + partials + that page. Pages
// live in one folder per audience (templates/shop/home.html is the page "shop/home").
type views struct {
	pages map[string]*template.Template
	// partials is layout + partials alone: the per-visitor fragments (RenderSlot).
	partials *template.Template
}

// pageDirs are the audiences' page folders; partials/ and mail/ are not pages.
var pageDirs = []string{"shop", "account", "studio", "admin", "corporate", "docs"}

func parseViews(fsys fs.FS, funcs template.FuncMap) (*views, error) {
	base := template.New("layout").Funcs(funcs)
	base, err := base.ParseFS(fsys, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout and partials: %w", err)
	}
	v := &views{pages: map[string]*template.Template{}, partials: template.Must(base.Clone())}
	for _, dir := range pageDirs {
		files, err := fs.Glob(fsys, "templates/"+dir+"/*.html")
		if err != nil {
			return nil, fmt.Errorf("list %s pages: %w", dir, err)
		}
		for _, f := range files {
			name := dir + "/" + strings.TrimSuffix(path.Base(f), ".html")
			t, err := template.Must(base.Clone()).ParseFS(fsys, f)
			if err != nil {
				return nil, fmt.Errorf("parse page %s: %w", name, err)
			}
			v.pages[name] = t
		}
	}
	return v, nil
}

// Render executes a page ("shop/home", "studio/product") into a buffer first, so a
// template error becomes a clean 500 rather than half a page.
func (k *Kit) Render(c *gin.Context, status int, name string, p *Page) error {
	t, ok := k.views.pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	cp, capture := capturing(c, status)
	p.Slots = capture
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if capture {
		cp.body = buf.Bytes()
		return nil
	}
	if status == http.StatusServiceUnavailable && c.Writer.Header().Get("Retry-After") == "" {
		// A part of the store is unreachable (its database restarting): browsers and
		// crawlers come back shortly instead of taking the page as gone.
		c.Header("Retry-After", "5")
	}
	WriteCompressed(c, status, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

// gzipPool reuses compressors: a page is compressed on every request that accepts it.
var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// WriteCompressed sends body gzipped when the client accepts it (a phone on a slow
// network gets a catalog page in about a fifth of the bytes), plain otherwise.
func WriteCompressed(c *gin.Context, status int, contentType string, body []byte) {
	c.Header("Vary", "Accept-Encoding")
	if len(body) < 1024 || !acceptsGzip(c.GetHeader("Accept-Encoding")) {
		c.Data(status, contentType, body)
		return
	}
	var out bytes.Buffer
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(&out)
	_, _ = zw.Write(body)
	_ = zw.Close()
	gzipPool.Put(zw)
	c.Header("Content-Encoding", "gzip")
	c.Data(status, contentType, out.Bytes())
}

func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		if !ok {
			return true
		}
		v, err := strconv.ParseFloat(q, 64)
		return err == nil && v > 0
	}
	return false
}

// assets serves web/static with content-hashed URLs, so files can be cached forever.
type assets struct {
	fsys   fs.FS
	hashes map[string]string
}

func loadAssets(webFS fs.FS) (*assets, error) {
	sub, err := fs.Sub(webFS, "static")
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	a := &assets{fsys: sub, hashes: map[string]string{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashes[p] = hex.EncodeToString(sum[:])[:10]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hash static assets: %w", err)
	}
	return a, nil
}

func (a *assets) url(p string) string {
	h, ok := a.hashes[p]
	if !ok {
		return "/static/" + p
	}
	return "/static/" + p + "?v=" + h
}

func (a *assets) handler() gin.HandlerFunc {
	return func(c *gin.Context) {
		p := strings.TrimPrefix(path.Clean(c.Param("path")), "/")
		b, err := fs.ReadFile(a.fsys, p)
		if err != nil || p == "" || p == "." {
			c.Status(http.StatusNotFound)
			return
		}
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
		c.Header("ETag", `"`+a.hashes[p]+`"`)
		if c.GetHeader("If-None-Match") == `"`+a.hashes[p]+`"` {
			c.Status(http.StatusNotModified)
			return
		}
		if strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "image/svg") {
			WriteCompressed(c, http.StatusOK, ct, b)
			return
		}
		c.Data(http.StatusOK, ct, b)
	}
}
