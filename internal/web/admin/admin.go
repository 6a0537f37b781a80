// Package admin is the foundation staff's back office at /admin: workshops (with their
// consent records and members), categories, every product (through the studio's
// editor, with every workshop in scope), users and invitations, and the audit log.
// Every route is behind login and the admin role (mounted so by package site).
package admin

import (
	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/catalog"
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
}

// Routes registers the admin pages on r, a group already at /admin behind login and
// the admin role.
func (h *Handler) Routes(r gin.IRouter) {
}
