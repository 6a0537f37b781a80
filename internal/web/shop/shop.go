// Package shop is the storefront shoppers browse: home, catalog and category listings,
// search, product and workshop pages, content pages, sitemap and robots.txt, in Spanish
// (unprefixed) and English (/en). Its pages carry nothing per visitor.
package shop

import (
	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/internal/web/kit"
)

// Handler serves the storefront.
type Handler struct {
	*kit.Kit
	Catalog *catalog.Store
}

// New returns the storefront handlers on kit k.
func New(k *kit.Kit, store *catalog.Store) *Handler { return &Handler{Kit: k, Catalog: store} }

// Routes registers the storefront's pages in both languages. Pages answer HEAD too
// (monitors and link checkers use it); net/http drops the body.
func (s *Handler) Routes(r gin.IRouter) {
	r.GET("/robots.txt", s.handleRobots)
	r.GET("/sitemap.xml", s.Handle("es", s.handleSitemap))
	page := func(path string, h gin.HandlerFunc) {
		r.GET(path, h)
		r.HEAD(path, h)
	}
	for _, lang := range i18n.Languages {
		p := routes[lang]
		page(p.Home, s.Handle(lang, s.handleHome))
		page(p.Catalog, s.Handle(lang, s.handleListing))
		page(p.Catalog+"/:category", s.Handle(lang, s.handleListing))
		page(p.Search, s.Handle(lang, s.handleSearch))
		page(p.Product+"/:slug", s.Handle(lang, s.handleProduct))
		page(p.Workshops, s.Handle(lang, s.handleWorkshops))
		page(p.Workshop+"/:slug", s.Handle(lang, s.handleWorkshop))
		for name, path := range p.Pages {
			page(path, s.Handle(lang, s.handleContent(name)))
		}
	}
}
