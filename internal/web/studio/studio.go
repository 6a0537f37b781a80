// Package studio is the workshop leads' back office at /studio: a dashboard of their
// workshops, the product editor (texts in Spanish and English, variants with a size-run
// helper, preview, publish, archive), photos, and the stock sheet. A lead sees and
// changes only their own workshops' products; anything else is a 404. The same product
// editor serves the admin with every workshop in scope.
package studio

import (
	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/web/kit"
)

// Handler serves /studio (or the admin's product pages, with Base "/admin/products").
type Handler struct {
	*kit.Kit
	Catalog *catalog.Store
	Editor  *catalog.Editor
	Photos  media.Store
	// Base is where the product pages are mounted: "/studio" for leads.
	Base string
}

// Routes registers the studio on r, a group already at /studio behind login and the
// lead (or admin) role.
func (h *Handler) Routes(r gin.IRouter) {
}
