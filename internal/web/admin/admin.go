// Package admin is the foundation staff's back office at /admin: workshops (with their
// consent records and members), categories, every product (through the studio's
// editor, with every workshop in scope), users and invitations, orders (payments,
// shipping, cancellations, refunds), corporate companies (approval) and quotes (prices,
// payments, production board, delivery), and the audit log.
// Every route is behind login and the admin role (mounted so by package site).
package admin

import (
	"context"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
	"github.com/libres/storefront/internal/web/studio"
)

// Handler serves /admin.
type Handler struct {
	*kit.Kit
	Accounts *account.Service
	Catalog  *catalog.Store
	Editor   *catalog.Editor
	// Products is the studio's product editor with Base "/admin": mounted by Routes
	// under /admin/products with every workshop in scope.
	Products *studio.Handler
	// AuditLog is the pool the audit log is read from (audit.List); the audit page
	// is an error page without it.
	AuditLog *sqlx.DB
	// Orders runs the orders staff list, ship, cancel and refund; nil leaves
	// /admin/orders unmounted.
	Orders *order.Service
	// Card refunds card payments; nil when the store takes no cards.
	Card payment.Provider
	// Quotes runs corporate quotes and companies (/admin/quotes, /admin/companies);
	// nil leaves them unmounted.
	Quotes *quote.Service
	// proofs signs the proof a refused price form keeps (quotes_proof.go).
	proofs proofKey
	// Ledger runs the workshops' accounts (overview, payouts, shares) and the public
	// impact settings; nil leaves /admin/ledger unmounted.
	Ledger *ledger.Ledger
	// Donations runs gifts to the foundation (/admin/donations); nil leaves them
	// unmounted.
	Donations *donation.Service
}

// Routes registers the admin pages on r, a group already at /admin behind login and
// the admin role.
func (h *Handler) Routes(r gin.IRouter) {
	r.GET("", h.HandlePrivate(h.dashboard))

	r.GET("/workshops", h.HandlePrivate(h.workshopList))
	r.GET("/workshops/new", h.HandlePrivate(h.workshopNew))
	r.POST("/workshops", h.HandlePrivate(h.workshopCreate))
	r.GET("/workshops/:id", h.HandlePrivate(h.workshopEdit))
	r.POST("/workshops/:id", h.HandlePrivate(h.workshopUpdate))

	r.GET("/categories", h.HandlePrivate(h.categoryList))
	r.GET("/categories/new", h.HandlePrivate(h.categoryNew))
	r.POST("/categories", h.HandlePrivate(h.categoryCreate))
	r.GET("/categories/:id", h.HandlePrivate(h.categoryEdit))
	r.POST("/categories/:id", h.HandlePrivate(h.categoryUpdate))

	r.GET("/products", h.HandlePrivate(h.productList))
	r.GET("/products.csv", h.HandlePrivate(h.productsCSV))

	r.GET("/users", h.HandlePrivate(h.userList))
	r.GET("/users.csv", h.HandlePrivate(h.usersCSV))
	r.GET("/users/invite", h.HandlePrivate(h.inviteForm))
	r.POST("/users/invite", h.HandlePrivate(h.invite))
	r.GET("/users/:id", h.HandlePrivate(h.userShow))
	r.POST("/users/:id/role", h.HandlePrivate(h.userSetRole))
	r.POST("/users/:id/disable", h.HandlePrivate(h.userDisable))
	r.POST("/users/:id/enable", h.HandlePrivate(h.userEnable))
	r.POST("/users/:id/resend", h.HandlePrivate(h.userResend))
	h.privacyRoutes(r)

	r.GET("/audit", h.HandlePrivate(h.auditLog))

	if h.Orders != nil {
		h.orderRoutes(r)
	}
	if h.Ledger != nil {
		h.ledgerRoutes(r)
	}
	if h.Quotes != nil {
		h.quoteRoutes(r)
	}
	if h.Donations != nil {
		h.donationRoutes(r)
	}

	if h.Products != nil {
		// The editor's pages (/admin/products/new, /admin/products/:id…) are the
		// studio's; the list at /admin/products is this room's own, with its filters.
		h.Products.ProductRoutes(r)
	}
}

// page is an admin page in lang with its title from the catalog; the language
// switcher stays on the same page.
func (h *Handler) page(c *gin.Context, lang, titleKey string, args ...any) *kit.Page {
	p := h.PrivatePage(c, lang, h.T(lang, titleKey, args...), nil)
	p.SwitchURL = kit.WithQuery(c.Request.URL.Path, "lang="+kit.OtherLang(lang))
	return p
}

// all is the catalog scope of staff: every workshop.
var all = catalog.Scope{All: true}

func actor(c *gin.Context) audit.Actor {
	u := kit.CurrentUser(c)
	return audit.Actor{ID: u.ID, Email: u.Email}
}

// withLang keeps an explicit ?lang= on redirects, so a page asked for in English stays so.
func withLang(c *gin.Context, path string) string {
	l := c.Query("lang")
	if l != "es" && l != "en" {
		return path
	}
	if strings.Contains(path, "?") {
		return path + "&lang=" + l
	}
	return path + "?lang=" + l
}

// allUsers walks every page of a user listing (the account service has no filter
// by workshop or by pending invitation; the staff list is small).
func (h *Handler) allUsers(ctx context.Context, f account.UserFilter) ([]account.User, error) {
	f.PerPage, f.Page = 200, 1
	var out []account.User
	for {
		us, total, err := h.Accounts.ListUsers(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, us...)
		if len(us) == 0 || len(out) >= total {
			return out, nil
		}
		f.Page++
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// parseID reads an id from a form or query value; 0 when it is not one.
func parseID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
