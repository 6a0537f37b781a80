// Package shop is the storefront shoppers browse: home, catalog and category listings,
// search, product and workshop pages, content pages, sitemap and robots.txt, in Spanish
// (unprefixed) and English (/en). Its pages carry nothing per visitor.
package shop

import (
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/kit"
)

// Handler serves the storefront.
type Handler struct {
	*kit.Kit
	Catalog *catalog.Store
	// Orders runs carts and orders; nil leaves the shop without a cart (browsing only).
	Orders *order.Service
	// Card takes card payments (Stripe); nil when no provider is configured.
	Card payment.Provider
	// Accounts answers whether a logged-in shopper already accepted the data policy.
	Accounts *account.Service
	// Ledger gives the workshop pages their public figures; nil shows none.
	Ledger *ledger.Ledger

	lookups *limiter // order look-ups by number + email, per address
}

// New returns the storefront handlers on kit k.
func New(k *kit.Kit, store *catalog.Store) *Handler {
	return &Handler{Kit: k, Catalog: store, lookups: newLimiter(rate.Every(10*time.Second), 5)}
}

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
		if s.Orders != nil {
			r.GET(p.Cart, s.Handle(lang, s.handleCart))
			r.POST(p.Cart, s.Handle(lang, s.handleAddToCart))
			r.POST(p.CartQuantity, s.Handle(lang, s.handleCartQuantity))
			r.POST(p.CartRemove, s.Handle(lang, s.handleCartRemove))
			r.GET(p.Checkout, s.Handle(lang, s.handleCheckout))
			r.POST(p.Checkout, s.Handle(lang, s.handlePlaceOrder))
			r.GET(p.OrderLookup, s.Handle(lang, s.handleOrderByLink))
			r.POST(p.OrderLookup, s.Handle(lang, s.handleOrderLookup))
			r.GET(p.OrderLookup+"/:number", s.Handle(lang, s.handleOrderPage))
			r.POST(p.OrderLookup+"/:number/pay", s.Handle(lang, s.handleRetryCard))
			r.POST(p.OrderLookup+"/:number/request", s.Handle(lang, s.handleOrderRequest))
		}
	}
}
