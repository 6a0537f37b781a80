package admin

import (
	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/web/kit"
)

// The order page's buttons. Each is a POST that calls one order.Service method (where
// the state machine lives): on success a flash and back to the order (303); on a
// refusal the user can act on (a missing field, a move the order's status does not
// allow: 409 with the domain's message) the order page again, with what was typed and
// the reason, and nothing changed.

func (h *Handler) orderNote(c *gin.Context, lang string) error {
	return h.orderAction(c, lang, "note", []string{"note"}, "adminorders.note.added", func(id int64, f *kit.Form) error {
		return h.Orders.AddNote(c.Request.Context(), actor(c), id, f.V("note"))
	})
}

func (h *Handler) orderMarkPaid(c *gin.Context, lang string) error {
	return h.orderAction(c, lang, "paid", []string{"paid_reference"}, "adminorders.paid.done", func(id int64, f *kit.Form) error {
		_, err := h.Orders.MarkPaid(c.Request.Context(), actor(c), id, f.V("paid_reference"))
		return err
	})
}

func (h *Handler) orderShip(c *gin.Context, lang string) error {
	return h.orderAction(c, lang, "ship", []string{"carrier", "tracking"}, "adminorders.ship.done", func(id int64, f *kit.Form) error {
		_, err := h.Orders.Ship(c.Request.Context(), actor(c), id, f.V("carrier"), f.V("tracking"))
		return err
	})
}

func (h *Handler) orderDeliver(c *gin.Context, lang string) error {
	return h.orderAction(c, lang, "deliver", nil, "adminorders.deliver.done", func(id int64, f *kit.Form) error {
		_, err := h.Orders.MarkDelivered(c.Request.Context(), actor(c), id)
		return err
	})
}

// orderReinstate fulfils a flagged order after all (its stock is taken again).
func (h *Handler) orderReinstate(c *gin.Context, lang string) error {
	return h.orderAction(c, lang, "reinstate", nil, "adminorders.reinstate.done", func(id int64, f *kit.Form) error {
		_, err := h.Orders.Reinstate(c.Request.Context(), actor(c), id)
		return err
	})
}

func (h *Handler) orderCancel(c *gin.Context, lang string) error {
	return h.orderAction(c, lang, "cancel", []string{"reason"}, "adminorders.cancel.done", func(id int64, f *kit.Form) error {
		_, err := h.Orders.Cancel(c.Request.Context(), actor(c), id, f.V("reason"))
		return err
	})
}

// orderAction reads the fields of the form named form, runs do on the order of the
// path, and answers as every order button does.
func (h *Handler) orderAction(c *gin.Context, lang, form string, fields []string, okKey string,
	do func(id int64, f *kit.Form) error) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, fields...)
	if err := do(id, f); err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderOrder(c, lang, status, id, form, f)
		}
		return err
	}
	h.SetFlash(c, "ok", okKey)
	kit.Redirect(c, withLang(c, ordersPath+"/"+itoa(id)))
	return nil
}
