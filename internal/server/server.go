// Package server is the HTTP side of the store: the Gin engine, middleware, the
// storefront handlers and template rendering. *gin.Context never leaves this package.
package server

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/i18n"
)

// Deps are what the server needs, built by main.
type Deps struct {
	Log          *slog.Logger
	Catalog      *catalog.Store
	WebFS        fs.FS         // web.FS: templates, static, content, locales
	BaseURL      string        // public origin, no trailing slash
	MediaBaseURL string        // public base of photo URLs
	MediaHandler http.Handler  // serves /media/ when photos are on local disk; nil with S3
	Demo         bool          // the catalog is sample data
	Seller       config.Seller // who sells, shown in every footer
}

// Server holds the parsed templates and dependencies.
type Server struct {
	Deps
	msgs   *i18n.Catalog
	views  *views
	assets *assets
}

// New parses templates and message catalogs once; errors here stop start-up.
func New(d Deps) (*Server, error) {
	msgs, err := i18n.Load(d.WebFS)
	if err != nil {
		return nil, err
	}
	as, err := loadAssets(d.WebFS)
	if err != nil {
		return nil, err
	}
	s := &Server{Deps: d, msgs: msgs, assets: as}
	if s.views, err = parseViews(d.WebFS, s.funcs()); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler returns the Gin engine with all routes.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = false
	r.Use(s.requestID, s.logRequests, s.recoverPanics, securityHeaders(s.MediaBaseURL))

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.handleReady)
	r.GET("/robots.txt", s.handleRobots)
	r.GET("/sitemap.xml", s.wrap("es", s.handleSitemap))
	r.GET("/static/*path", s.assets.handler())
	r.HEAD("/static/*path", s.assets.handler())
	if s.MediaHandler != nil {
		// Photos on local disk are served at the configured base path (default /media);
		// with an absolute base (a CDN pulling from the app) they stay at /media.
		mount := "/media"
		if strings.HasPrefix(s.MediaBaseURL, "/") {
			mount = s.MediaBaseURL
		}
		h := gin.WrapH(http.StripPrefix(mount, s.MediaHandler))
		r.GET(mount+"/*path", h)
		r.HEAD(mount+"/*path", h)
	}
	// Pages answer HEAD too (monitors and link checkers use it); net/http drops the body.
	page := func(path string, h gin.HandlerFunc) {
		r.GET(path, h)
		r.HEAD(path, h)
	}
	for _, lang := range i18n.Languages {
		p := routes[lang]
		page(p.Home, s.wrap(lang, s.handleHome))
		page(p.Catalog, s.wrap(lang, s.handleListing))
		page(p.Catalog+"/:category", s.wrap(lang, s.handleListing))
		page(p.Search, s.wrap(lang, s.handleSearch))
		page(p.Product+"/:slug", s.wrap(lang, s.handleProduct))
		page(p.Workshops, s.wrap(lang, s.handleWorkshops))
		page(p.Workshop+"/:slug", s.wrap(lang, s.handleWorkshop))
		for name, path := range p.Pages {
			page(path, s.wrap(lang, s.handleContent(name)))
		}
	}
	r.NoRoute(func(c *gin.Context) {
		s.renderError(c, langOfPath(c.Request.URL.Path), http.StatusNotFound, nil)
	})
	return r
}

func (s *Server) handleReady(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2e9)
	defer cancel()
	if err := s.Catalog.Ping(ctx); err != nil {
		s.Log.Warn("readiness: database unreachable", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "database": "unreachable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "database": "ok"})
}

// errBadRequest marks input the page cannot make sense of (400 page).
var errBadRequest = errors.New("bad request")

// wrap turns a handler that returns an error into a Gin handler; errors are mapped to
// status codes and error pages in one place, in renderError.
func (s *Server) wrap(lang string, h func(c *gin.Context, lang string) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c, lang); err != nil {
			if c.Request.Context().Err() != nil {
				// The shopper left (closed the tab, lost signal): nobody to answer, and
				// not the server's fault, so no error page and no error log.
				s.Log.Debug("request abandoned", "request_id", c.GetString(requestIDKey), "err", err)
				c.AbortWithStatus(499)
				return
			}
			s.renderError(c, lang, statusOf(err), err)
		}
	}
}

func langOfPath(p string) string {
	if p == "/en" || len(p) >= 4 && p[:4] == "/en/" {
		return "en"
	}
	return i18n.Default
}

func itoa(n int) string { return strconv.Itoa(n) }
