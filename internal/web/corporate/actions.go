package corporate

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// file sends the browser to a short-lived link to a file of the company's quote; another
// company's file, or one of another quote, is not found.
func (h *Handler) file(c *gin.Context, lang string) error {
	u := kit.CurrentUser(c)
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	fileID, err := kit.ParamID(c, "file")
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	f, err := h.Quotes.File(ctx, u.CompanyID, fileID)
	if err != nil {
		return err
	}
	if f.QuoteID != id {
		return apperr.ErrNotFound
	}
	link, err := h.Quotes.FileURL(ctx, u.CompanyID, fileID)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "private, no-store")
	c.Redirect(http.StatusSeeOther, link)
	return nil
}

// accept is the company accepting the latest version and approving its proof. An
// unticked proof box re-shows the page; a stale version, an expired price or a quote no
// longer quoted is a 409 page and changes nothing.
func (h *Handler) accept(c *gin.Context, lang string) error {
	u := kit.CurrentUser(c)
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, "version", "proof")
	version, err := strconv.Atoi(f.V("version"))
	if err != nil || version < 1 {
		return kit.ErrBadRequest
	}
	if _, err := h.Quotes.Accept(c.Request.Context(), u.CompanyID, u.ID, id, version, f.Checked("proof")); err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			h.Fail(f, lang, err)
			return h.renderShow(c, lang, http.StatusUnprocessableEntity, map[string]*kit.Form{"accept": f})
		}
		return err
	}
	h.SetFlash(c, "ok", "corporate.quote.accept_done")
	kit.Redirect(c, withLang(c, quotePath(id)))
	return nil
}

func (h *Handler) decline(c *gin.Context, lang string) error {
	u := kit.CurrentUser(c)
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, "reason")
	if _, err := h.Quotes.Decline(c.Request.Context(), u.CompanyID, u.ID, id, f.V("reason")); err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			h.Fail(f, lang, err)
			return h.renderShow(c, lang, http.StatusUnprocessableEntity, map[string]*kit.Form{"decline": f})
		}
		return err
	}
	h.SetFlash(c, "ok", "corporate.quote.decline_done")
	kit.Redirect(c, withLang(c, quotePath(id)))
	return nil
}

func (h *Handler) message(c *gin.Context, lang string) error {
	u := kit.CurrentUser(c)
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, "body")
	if _, err := h.Quotes.PostMessage(c.Request.Context(), u.CompanyID, u.ID, id, f.V("body")); err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			h.Fail(f, lang, err)
			return h.renderShow(c, lang, http.StatusUnprocessableEntity, map[string]*kit.Form{"message": f})
		}
		return err
	}
	h.SetFlash(c, "ok", "corporate.thread.done")
	kit.Redirect(c, withLang(c, quotePath(id)+"#thread"))
	return nil
}

// pay opens a card checkout for the deposit or the balance and sends the browser to it;
// without a card provider, or with nothing due, it is a 409 page.
func (h *Handler) pay(c *gin.Context, lang string) error {
	u := kit.CurrentUser(c)
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	// Another company's quote is not found, whatever else is wrong with the request.
	if _, err := h.Quotes.Get(c.Request.Context(), u.CompanyID, id); err != nil {
		return err
	}
	kind := quote.PaymentKind(c.PostForm("kind"))
	if kind != quote.PaymentDeposit && kind != quote.PaymentBalance {
		return kit.ErrBadRequest
	}

	back := h.BaseURL + quotePath(id)
	if c.Query("lang") != "" {
		back += "?lang=" + lang
	}
	s, err := h.Quotes.PayByCard(c.Request.Context(), u.CompanyID, u.ID, id, kind, lang, back, back)
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, s.URL)
	return nil
}
