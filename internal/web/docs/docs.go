// Package docs renders a quote's documents (the quote, the deposit proforma, the delivery
// note) as printable pages and PDFs, with the company's NIT and the seller's. The same
// handlers serve the company (scoped to its quotes) and staff.
package docs

import (
	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// Handler serves the documents.
type Handler struct {
	*kit.Kit
	Quotes *quote.Service
	Seller config.Seller
}

// Scope returns the company whose quotes the request may read (0: staff, any quote).
type Scope func(c *gin.Context) int64

// Routes registers the documents of quote :id on r (a group at /corporate/quotes or
// /admin/quotes, behind the right role).
func (h *Handler) Routes(r gin.IRouter, scope Scope) {}
