// Package studio is the workshop leads' back office at /studio: a dashboard of their
// workshops, the product editor (texts in Spanish and English, variants with a size-run
// helper, preview, publish, archive), photos, and the stock sheet. A lead sees and
// changes only their own workshops' products; anything else is a 404. The same product
// editor serves the admin at /admin/products with every workshop in scope.
package studio

import (
	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// Handler serves /studio, or the admin's product pages with Base "/admin".
type Handler struct {
	*kit.Kit
	Catalog *catalog.Store
	Editor  *catalog.Editor
	Photos  media.Store
	// Ledger reads the workshops' statements; nil leaves them unmounted.
	Ledger *ledger.Ledger
	// Preview renders a product as the shop shows it (shop.Handler.Preview).
	Preview func(c *gin.Context, lang string, p catalog.Product) error
	// Base is the room's prefix: "/studio" for leads, "/admin" for staff.
	Base string
	// Quotes shows the workshops' production jobs (/studio/jobs); nil leaves them out.
	Quotes *quote.Service
}

// Routes registers the studio on r, a group already at /studio behind login and the
// lead (or admin) role.
func (h *Handler) Routes(r gin.IRouter) {
	r.GET("", h.HandlePrivate(h.dashboard))
	r.GET("/products", h.HandlePrivate(h.productList))
	h.ProductRoutes(r)
	r.GET("/stock", h.HandlePrivate(h.stockSheet))
	r.POST("/stock", h.HandlePrivate(h.saveStock))
	h.StatementRoutes(r)
	if h.Quotes != nil {
		h.JobRoutes(r)
	}
}

// ProductRoutes registers the product editor under r: /products/new, /products/:id and
// its photos, status and preview. The admin mounts the same pages beside its own list.
func (h *Handler) ProductRoutes(r gin.IRouter) {
	r.GET("/products/new", h.HandlePrivate(h.newProduct))
	r.POST("/products", h.HandlePrivate(h.createProduct))
	r.GET("/products/:id", h.HandlePrivate(h.editProduct))
	r.POST("/products/:id", h.HandlePrivate(h.updateProduct))
	r.POST("/products/:id/status", h.HandlePrivate(h.setStatus))
	r.GET("/products/:id/preview", h.HandlePrivate(h.preview))
	r.POST("/products/:id/photos", h.HandlePrivate(h.addPhotos))
	r.POST("/products/:id/photos/order", h.HandlePrivate(h.reorderPhotos))
	r.POST("/products/:id/photos/:photo", h.HandlePrivate(h.updatePhoto))
	r.POST("/products/:id/photos/:photo/delete", h.HandlePrivate(h.deletePhoto))
}

// scope is what the current user may edit: every workshop for staff, their own for a
// lead. Decided here, on the server, from the session — never from the form.
func scope(c *gin.Context) catalog.Scope {
	u := kit.CurrentUser(c)
	if u == nil {
		return catalog.Scope{}
	}
	if u.Role == account.RoleAdmin {
		return catalog.Scope{All: true}
	}
	if u.Role == account.RoleLead {
		return catalog.Scope{WorkshopIDs: u.WorkshopIDs}
	}
	return catalog.Scope{}
}

func actor(c *gin.Context) audit.Actor {
	u := kit.CurrentUser(c)
	return audit.Actor{ID: u.ID, Email: u.Email}
}

// page is a back-office page in the user's language, with the room's navigation.
func (h *Handler) page(c *gin.Context, lang, titleKey string, args ...any) *kit.Page {
	p := h.PrivatePage(c, lang, h.T(lang, titleKey, args...), nil)
	p.SwitchURL = kit.WithQuery(c.Request.URL.Path, "lang="+kit.OtherLang(lang))
	return p
}

// Nav is the back-office navigation shown above each studio page.
type Nav struct {
	Items []NavItem
}

// NavItem is one link of the back-office navigation.
type NavItem struct {
	Label, URL string
	Current    bool
}

func (h *Handler) nav(c *gin.Context, lang, current string) Nav {
	items := []struct{ key, url string }{
		{"studio.nav.products", h.Base + "/products"},
		{"studio.nav.new", h.Base + "/products/new"},
		{"tags.nav", h.Base + "/tags"},
	}
	if h.Base == "/studio" {
		items = append([]struct{ key, url string }{{"studio.nav.dashboard", "/studio"}}, items...)
		items = append(items, struct{ key, url string }{"studio.nav.stock", "/studio/stock"})
		if h.Ledger != nil {
			items = append(items, struct{ key, url string }{"statements.nav.studio", "/studio/statements"})
		}
		if h.Quotes != nil {
			items = append(items, struct{ key, url string }{"studio.jobs.nav", "/studio/jobs"})
		}
	} else {
		items = append([]struct{ key, url string }{{"studio.nav.admin", "/admin"}}, items...)
	}
	var n Nav
	for _, it := range items {
		n.Items = append(n.Items, NavItem{Label: h.T(lang, it.key), URL: it.url, Current: it.url == current})
	}
	return n
}
