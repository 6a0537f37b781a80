package admin

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// The quote page's buttons. Each is a POST that calls one quote.Service method (where
// the state machine and the audit live): on success a flash and back to the quote
// (303); on a refusal the user can act on (a missing field 422, a move the quote's
// status does not allow 409) the quote page again with what was typed and the reason,
// nothing changed.

func (h *Handler) quoteCancel(c *gin.Context, lang string) error {
	return h.quoteAction(c, lang, "cancel", []string{"reason", "refund"}, "admin.quotes.cancel.done", func(id int64, f *kit.Form) error {
		ctx := c.Request.Context()
		if _, err := h.Quotes.Cancel(ctx, actor(c), id, f.V("reason")); err != nil {
			return err
		}
		if f.V("refund") != "1" {
			return nil
		}
		// Cancelled; now the money back (each payment through Refund, which takes the
		// workshops' credit back). A refund the provider refuses leaves the rest to the
		// payments' own refund forms, and says so.
		_, err := h.Quotes.RefundAll(ctx, actor(c), id, f.V("reason"))
		return err
	})
}

func (h *Handler) quoteMessage(c *gin.Context, lang string) error {
	return h.quoteAction(c, lang, "message", []string{"body"}, "admin.quotes.message.done", func(id int64, f *kit.Form) error {
		if f.V("body") == "" {
			return apperr.Fields(map[string]string{"body": "admin.quotes.message.required"})
		}
		_, err := h.Quotes.PostMessage(c.Request.Context(), 0, kit.CurrentUser(c).ID, id, f.V("body"))
		return err
	})
}

func (h *Handler) quoteTransfer(c *gin.Context, lang string) error {
	return h.quoteAction(c, lang, "transfer", []string{"kind", "amount", "reference"}, "admin.quotes.transfer.done", func(id int64, f *kit.Form) error {
		fe := map[string]string{}
		kind := quote.PaymentKind(f.V("kind"))
		if kind != quote.PaymentDeposit && kind != quote.PaymentBalance {
			fe["kind"] = "admin.quotes.transfer.kind_required"
		}
		m, ok := money.ParseWholePesos(f.V("amount"))
		if !ok || m == 0 {
			fe["amount"] = "admin.quotes.amount_invalid"
		}
		if f.V("reference") == "" {
			fe["reference"] = "admin.quotes.transfer.reference_required"
		}
		if len(fe) > 0 {
			return apperr.Fields(fe)
		}
		_, err := h.Quotes.RecordTransfer(c.Request.Context(), actor(c), id, kind, m, f.V("reference"))
		return err
	})
}

// quoteRefund gives back money of one of the quote's payments; a payment of another
// quote is not found.
func (h *Handler) quoteRefund(c *gin.Context, lang string) error {
	paymentID, err := kit.ParamID(c, "payment")
	if err != nil {
		return err
	}
	return h.quoteAction(c, lang, "refund-"+itoa(paymentID), []string{"amount", "reason"}, "admin.quotes.refund.done", func(id int64, f *kit.Form) error {
		ctx := c.Request.Context()
		d, err := h.quoteDetail(ctx, id)
		if err != nil {
			return err
		}
		found := false
		for _, p := range d.Payments {
			found = found || p.ID == paymentID
		}
		if !found {
			return apperr.ErrNotFound
		}
		m, ok := money.ParseWholePesos(f.V("amount"))
		if !ok || m == 0 {
			return apperr.Fields(map[string]string{"amount": "admin.quotes.amount_invalid"})
		}
		return h.Quotes.Refund(ctx, actor(c), paymentID, m, f.V("reason"))
	})
}

func (h *Handler) quoteStart(c *gin.Context, lang string) error {
	return h.quoteAction(c, lang, "start", nil, "admin.quotes.start.done", func(id int64, f *kit.Form) error {
		_, err := h.Quotes.StartProduction(c.Request.Context(), actor(c), nil, id)
		return err
	})
}

func (h *Handler) quoteDeliver(c *gin.Context, lang string) error {
	return h.quoteAction(c, lang, "deliver", []string{"note"}, "admin.quotes.deliver.done", func(id int64, f *kit.Form) error {
		_, err := h.Quotes.Deliver(c.Request.Context(), actor(c), id, f.V("note"))
		return err
	})
}

// quoteAction reads the fields of the form named form, runs do on the quote of the path,
// and answers as every quote button does.
func (h *Handler) quoteAction(c *gin.Context, lang, form string, fields []string, okKey string,
	do func(id int64, f *kit.Form) error) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, fields...)
	if err := do(id, f); err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderQuote(c, lang, status, id, form, f)
		}
		return err
	}
	h.SetFlash(c, "ok", okKey)
	kit.Redirect(c, withLang(c, quotePath(id)))
	return nil
}

// quoteFile sends staff to a short-lived link to a file of the quote (a reference or a
// proof); a file of another quote is not found.
func (h *Handler) quoteFile(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	fileID, err := kit.ParamID(c, "file")
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	q, err := h.Quotes.GetForStaff(ctx, id)
	if err != nil {
		return err
	}
	found := false
	for _, f := range q.Files {
		found = found || f.ID == fileID
	}
	if !found {
		return apperr.ErrNotFound
	}
	u, err := h.Quotes.FileURL(ctx, 0, fileID)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "private, no-store")
	c.Redirect(http.StatusSeeOther, u)
	return nil
}
