package admin

import (
	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/kit"
)

// PickupAdmin is the order page's pickup panel: the point, where the order stands
// there and the buttons that apply.
type PickupAdmin struct {
	Point, Address, Hours       string
	Ready, PickedUp             string // when; "" while not
	Uncollected                 bool   // ready longer than the configured days
	CanReady, CanPickedUp       bool
	ReadyAction, PickedUpAction string
}

// pickupAdmin is the panel of a pickup order, or nil for a shipped one.
func (h *Handler) pickupAdmin(c *gin.Context, o order.Order) *PickupAdmin {
	if o.Delivery != order.DeliveryPickup {
		return nil
	}
	base := ordersPath + "/" + itoa(o.ID)
	p := &PickupAdmin{Point: o.PickupPoint, Address: o.Address + ", " + o.City, Ready: localTimeP(o.PickupReadyAt),
		PickedUp: localTimeP(o.PickedUpAt), Uncollected: h.Orders.Uncollected(o),
		CanReady: o.PickupReadyAt == nil && (o.Status == order.StatusPaid ||
			o.Status == order.StatusPending && o.Method == payment.MethodCOD),
		CanPickedUp: o.PickupReadyAt != nil && o.PickedUpAt == nil && o.Status == order.StatusPaid,
		ReadyAction: withLang(c, base+"/pickup-ready"), PickedUpAction: withLang(c, base+"/picked-up")}
	if pt, ok := h.Orders.PickupPoint(o.PickupPoint); ok {
		p.Point, p.Hours = pt.Name, pt.Hours("es")
	}
	return p
}

// orderPickupReady marks a pickup order ready; the shopper is emailed the point's
// address and hours (once: a second click changes nothing).
func (h *Handler) orderPickupReady(c *gin.Context, lang string) error {
	return h.orderAction(c, lang, "pickup", nil, "pickup.ready_done", func(id int64, f *kit.Form) error {
		_, err := h.Orders.MarkReadyForPickup(c.Request.Context(), actor(c), id)
		return err
	})
}

// orderPickedUp records that the shopper took the order.
func (h *Handler) orderPickedUp(c *gin.Context, lang string) error {
	return h.orderAction(c, lang, "pickup", nil, "pickup.picked_up_done", func(id int64, f *kit.Form) error {
		_, err := h.Orders.MarkPickedUp(c.Request.Context(), actor(c), id)
		return err
	})
}
