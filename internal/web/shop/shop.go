// Package shop is the storefront shoppers browse: home, catalog and category listings,
// search, product and workshop pages, content pages, sitemap and robots.txt, in Spanish
// (unprefixed) and English (/en). Its pages carry nothing per visitor.
package shop

import (
	"sync"
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
	"github.com/libres/storefront/internal/web/pagecache"
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
	// Pages keeps catalog pages as rendered bytes; nil renders every request.
	Pages *pagecache.Cache

	navMu sync.Mutex
	nav   navMemo // the navigation's categories (page.go)

	lookups *limiter // order look-ups by number + email, per address
	// cartSlots keeps the header rendered for an anonymous cart of each size, per
	// language (the same bytes for every such visitor).
	cartSlots sync.Map // cartSlotsKey -> map[string][]byte
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
		// Catalog pages are the same for everyone but the layout's slots: answered from
		// memory when a page cache is set (pagecache.Route lists what each page reads).
		cached := func(h func(*gin.Context, string) error, params ...string) gin.HandlerFunc {
			return s.Pages.Wrap(pagecache.Route{Lang: lang, Params: params}, s, s.Handle(lang, h))
		}
		page(p.Home, cached(s.handleHome))
		page(p.Catalog, cached(s.handleListing, listingQuery...))
		page(p.Catalog+"/:category", cached(s.handleListing, listingQuery...))
		page(p.Search, cached(s.handleSearch, listingQuery...))
		page(p.Product+"/:slug", cached(s.handleProduct, "variant", "src")) // src=tag: a hang-tag's own page
		page(p.Workshops, cached(s.handleWorkshops))
		page(p.Workshop+"/:slug", cached(s.handleWorkshop))
		for name, path := range p.Pages {
			page(path, cached(s.handleContent(name)))
		}
		if s.Orders != nil {
			// The cart page is kept rendered per cart, until that cart or the catalog changes.
			r.GET(p.Cart, s.Pages.WrapOwned(pagecache.Route{Lang: lang}, s.cartOwner, s, s.Handle(lang, s.handleCart)))
			r.POST(p.Cart, s.Handle(lang, s.changesCart(s.handleAddToCart)))
			r.POST(p.CartQuantity, s.Handle(lang, s.changesCart(s.handleCartQuantity)))
			r.POST(p.CartRemove, s.Handle(lang, s.changesCart(s.handleCartRemove)))
			r.GET(p.Checkout, s.Handle(lang, s.handleCheckout))
			r.POST(p.Checkout, s.Handle(lang, s.changesCart(s.handlePlaceOrder)))
			r.GET(p.OrderLookup, s.Handle(lang, s.handleOrderByLink))
			r.POST(p.OrderLookup, s.Handle(lang, s.handleOrderLookup))
			r.GET(p.OrderLookup+"/:number", s.Handle(lang, s.handleOrderPage))
			r.POST(p.OrderLookup+"/:number/pay", s.Handle(lang, s.handleRetryCard))
			r.POST(p.OrderLookup+"/:number/request", s.Handle(lang, s.handleOrderRequest))
		}
	}
}
