// Package corporate is the companies' room: the public page of what the foundation's
// workshops make for companies (/corporate, /en/corporate) with the company sign-up, and
// for a company's people their quotes (/corporate/quotes/...): request, versions and
// proof, acceptance, the message thread, payments and documents. Every read is scoped by
// the logged-in user's company: another company's quote is not found.
package corporate

import (
	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// Handler is the corporate room.
type Handler struct {
	*kit.Kit
	Quotes   *quote.Service
	Accounts *account.Service
	// Docs mounts the printable and PDF documents of a quote under /corporate/quotes/:id
	// (set by the site); nil leaves them out.
	Docs func(r gin.IRouter)
}

// Routes registers the room on r (the session group at the root).
func (h *Handler) Routes(r gin.IRouter) {}
