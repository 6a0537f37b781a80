// Package docs renders a quote's documents (the quote, the deposit proforma, the delivery
// note) as printable pages and PDFs, with the company's NIT and the seller's. The same
// handlers serve the company (scoped to its quotes) and staff.
package docs

import (
	"bytes"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
	"github.com/libres/storefront/internal/web/pdf"
)

// Handler serves the documents.
type Handler struct {
	*kit.Kit
	Quotes *quote.Service
	Seller config.Seller
	// Transfer holds the bank-transfer instructions printed on the proforma, by language
	// ("es", "en"); empty: the proforma asks the client to write for them.
	Transfer map[string]string
}

// Scope returns the company whose quotes the request may read (0: staff, any quote).
type Scope func(c *gin.Context) int64

// Routes registers the documents of quote :id on r (a group at /corporate/quotes or
// /admin/quotes, behind the right role).
func (h *Handler) Routes(r gin.IRouter, scope Scope) {
	for _, d := range []struct {
		path string
		doc  func(lang string, d quote.Detail) (*View, error)
	}{
		{"quote", h.quoteDoc},
		{"proforma", h.proformaDoc},
		{"delivery-note", h.deliveryNoteDoc},
	} {
		r.GET("/:id/"+d.path, h.HandlePrivate(h.page(scope, d.doc)))
		r.GET("/:id/"+d.path+".pdf", h.HandlePrivate(h.file(scope, d.doc)))
	}
}

// View is a document as both the printable page and the PDF show it: the strings are
// already in the reader's language, amounts and dates formatted.
type View struct {
	pdf.Trade
	Kind     string  // quote, proforma, delivery-note
	PDF      string  // the same document as a PDF
	Back     string  // the quote's page
	FileName string  // COT-2026-00042.pdf
	Makers   []Maker // the delivery note's workshops, each with a QR code to its page
}

// load reads quote :id as the scope allows. A scope below zero (a user of no company),
// or zero for anyone but staff, sees nothing: another company's quote is not found,
// never forbidden.
func (h *Handler) load(c *gin.Context, scope Scope) (quote.Detail, error) {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return quote.Detail{}, err
	}
	company := scope(c)
	if company < 0 {
		return quote.Detail{}, apperr.ErrNotFound
	}
	if company == 0 {
		if u := kit.CurrentUser(c); u == nil || u.Role != account.RoleAdmin {
			return quote.Detail{}, apperr.ErrNotFound
		}
	}
	return h.Quotes.View(c.Request.Context(), company, id)
}

func (h *Handler) build(c *gin.Context, lang string, scope Scope, doc func(string, quote.Detail) (*View, error)) (*View, error) {
	d, err := h.load(c, scope)
	if err != nil {
		return nil, err
	}
	v, err := doc(lang, d)
	if err != nil {
		return nil, err
	}
	p := strings.TrimSuffix(c.Request.URL.Path, ".pdf")
	v.PDF, v.Back = p+".pdf", path.Dir(p)
	return v, nil
}

func (h *Handler) page(scope Scope, doc func(string, quote.Detail) (*View, error)) func(*gin.Context, string) error {
	return func(c *gin.Context, lang string) error {
		v, err := h.build(c, lang, scope, doc)
		if err != nil {
			return err
		}
		p := h.PrivatePage(c, lang, v.Title+" "+v.Number, nil)
		p.SwitchURL = kit.WithQuery(c.Request.URL.Path, "lang="+kit.OtherLang(lang))
		p.Data = v
		return h.Render(c, http.StatusOK, "docs/document", p)
	}
}

func (h *Handler) file(scope Scope, doc func(string, quote.Detail) (*View, error)) func(*gin.Context, string) error {
	return func(c *gin.Context, lang string) error {
		v, err := h.build(c, lang, scope, doc)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := pdf.WriteTrade(&buf, v.Trade); err != nil {
			return err
		}
		// The company's document is theirs alone: never cached on the way.
		c.Header("Cache-Control", "private, no-store")
		c.Header("Content-Disposition", `attachment; filename="`+v.FileName+`"`)
		kit.WriteCompressed(c, http.StatusOK, "application/pdf", buf.Bytes())
		return nil
	}
}
