package admin

import (
	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/tags"
)

// TagRoutes registers /admin/tags: staff print hang-tags for any workshop's products,
// with the studio's own pages (studio.Handler.TagRoutes) and every workshop in scope.
func (h *Handler) TagRoutes(r gin.IRouter, t *tags.Store) {
	h.Products.TagRoutes(r, t)
}
