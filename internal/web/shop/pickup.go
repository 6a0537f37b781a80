package shop

import (
	"context"
	"strings"

	"github.com/libres/storefront/internal/order"
)

// PickupOption is a pickup point offered at checkout (as the radio value "pickup:<id>").
type PickupOption struct {
	Value, Name, Address, Hours, Instructions string
	Sample, Selected                          bool
}

// PickupView is the pickup point of an order's page and where the order stands there.
type PickupView struct {
	Name, Address, Hours, Instructions string
	Ready, PickedUp                    string // when, in Bogotá time; "" while not
}

// splitDelivery reads the checkout's delivery radio: "shipping" (or nothing), or
// "pickup:<point id>".
func splitDelivery(v string) (delivery, point string) {
	if id, ok := strings.CutPrefix(strings.TrimSpace(v), "pickup:"); ok {
		return string(order.DeliveryPickup), id
	}
	if v == "" {
		return string(order.DeliveryShipping), ""
	}
	return v, ""
}

// pickupOptions are the points offered for the cart's lines, the chosen one selected.
func (s *Handler) pickupOptions(ctx context.Context, lang string, lines []order.CartLine, chosen string) ([]PickupOption, error) {
	pts, err := s.Orders.PickupOffered(ctx, lines)
	if err != nil {
		return nil, err
	}
	out := make([]PickupOption, 0, len(pts))
	for _, p := range pts {
		v := "pickup:" + p.ID
		out = append(out, PickupOption{Value: v, Name: p.Name, Address: p.Address + ", " + p.City, Hours: p.Hours(lang),
			Instructions: p.Instructions(lang), Sample: p.Sample, Selected: chosen == v})
	}
	return out, nil
}

// pickupView is the order page's pickup section, or nil for a shipped order.
func (s *Handler) pickupView(o order.Order, lang string) *PickupView {
	if o.Delivery != order.DeliveryPickup {
		return nil
	}
	v := &PickupView{Name: o.PickupPoint, Address: o.Address + ", " + o.City}
	if p, ok := s.Orders.PickupPoint(o.PickupPoint); ok {
		v.Name, v.Address, v.Hours, v.Instructions = p.Name, p.Address+", "+p.City, p.Hours(lang), p.Instructions(lang)
	}
	if o.PickupReadyAt != nil {
		v.Ready = o.PickupReadyAt.In(bogota).Format("2006-01-02 15:04")
	}
	if o.PickedUpAt != nil {
		v.PickedUp = o.PickedUpAt.In(bogota).Format("2006-01-02 15:04")
	}
	return v
}
