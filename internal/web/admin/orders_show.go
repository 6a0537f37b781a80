package admin

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/kit"
)

// OrderView is /admin/orders/:id: the order, its timeline, and what staff may do with
// it now. Only the forms that apply to the order's status are shown.
type OrderView struct {
	Nav    Nav
	Order  order.Order
	Status string // localised
	Class  string // status badge
	Method string // localised
	Lines  []OrderLineRow
	Totals OrderTotals
	Events []EventRow

	Created, Paid, Shipped, Delivered, Cancelled, Expires string

	// What applies now.
	CanMarkPaid, CanShip, CanDeliver, CanCancel, CanRefund bool
	RefundFirst                                            bool // paid: cancelling means refunding
	Card                                                   bool // refunds go through the card provider

	Pickup *PickupAdmin // a pickup order's panel; nil when shipped

	Forms OrderForms
	// Alert is the message of a refused action whose form is not on the page (it no
	// longer applies, as when someone else changed the order first).
	Alert string
	// Failed names the form whose error is being shown ("" when none).
	Failed string

	NoteAction, PaidAction, ShipAction, DeliverAction, CancelAction, RefundAction string
	ReinstateAction                                                               string
	ListURL, AuditURL                                                             string
	AccountURL                                                                    string // the shopper's account, "" for a guest
}

// OrderForms are the detail page's forms, as typed when one was refused.
type OrderForms struct {
	Note, Paid, Ship, Deliver, Cancel, Refund *kit.Form
}

// OrderLineRow is an order line with the workshop it credits.
type OrderLineRow struct {
	No                      int
	Title, SKU, Size, Color string
	Workshop, WorkshopURL   string
	Unit, Tax, Total        string
	Quantity                int
	Checked                 bool // chosen in the refund form
}

// OrderTotals are an order's amounts, formatted.
type OrderTotals struct {
	Subtotal, Tax, Shipping, Donation, Total string
	Refunded, RefundDue                      string
	HasShipping, HasDonation, HasRefunded    bool
}

// EventRow is one entry of the timeline.
type EventRow struct {
	At, Kind, KindClass, Actor, Detail string
}

func (h *Handler) orderShow(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	return h.renderOrder(c, lang, http.StatusOK, id, "", nil)
}

// renderOrder shows the order page; failed names the refused form ("note", "paid",
// "ship", "deliver", "cancel", "refund") and f is it as typed, with its errors.
func (h *Handler) renderOrder(c *gin.Context, lang string, status int, id int64, failed string, f *kit.Form) error {
	ctx := c.Request.Context()
	o, err := h.Orders.Order(ctx, id)
	if err != nil {
		return err
	}
	events, err := h.Orders.Events(ctx, id)
	if err != nil {
		return err
	}
	base := ordersPath + "/" + itoa(id)
	v := OrderView{Nav: h.nav(c, lang, ordersPath), Order: o, Status: h.T(lang, "orderpage.status."+string(o.Status)),
		Class: statusClass(o.Status), Method: h.T(lang, "adminorders.method."+string(o.Method)),
		Created: localTime(o.CreatedAt), Paid: localTimeP(o.PaidAt), Shipped: localTimeP(o.ShippedAt),
		Delivered: localTimeP(o.DeliveredAt), Cancelled: localTimeP(o.CancelledAt), Expires: localTimeP(o.ExpiresAt),
		CanMarkPaid: o.Manual() && (o.Status.Open() || o.Method == payment.MethodCOD && o.PaidAt == nil &&
			(o.Status == order.StatusShipped || o.Status == order.StatusDelivered)),
		CanShip:    canShip(o),
		CanDeliver: o.Status == order.StatusShipped,
		CanCancel:  o.Status.Open() || o.Status == order.StatusPaid,
		CanRefund:  order.RefundDue(o) > 0,
		Card:       !o.Manual(),
		Failed:     failed,
		NoteAction: withLang(c, base+"/note"), PaidAction: withLang(c, base+"/paid"), ShipAction: withLang(c, base+"/ship"),
		DeliverAction: withLang(c, base+"/deliver"), CancelAction: withLang(c, base+"/cancel"),
		ReinstateAction: withLang(c, base+"/reinstate"),
		RefundAction:    withLang(c, base+"/refund"), ListURL: withLang(c, ordersPath),
		AuditURL: withLang(c, "/admin/audit?entity=order&entity_id="+itoa(id))}
	if o.UserID != nil {
		v.AccountURL = withLang(c, "/admin/users/"+itoa(*o.UserID))
	}
	v.RefundFirst = o.Status == order.StatusPaid && order.RefundDue(o) > 0
	v.setForms(o, failed, f)
	if v.Pickup = h.pickupAdmin(c, o); failed == "pickup" && f != nil {
		v.Alert = f.Message
	}
	chosen := lineNumbers(strings.Split(v.Forms.Refund.V("lines"), ","))
	for _, l := range o.Lines {
		v.Lines = append(v.Lines, OrderLineRow{No: l.LineNo, Title: l.Title(lang), SKU: l.SKU, Size: l.Size,
			Color: l.Color(lang), Workshop: l.WorkshopName,
			WorkshopURL: withLang(c, ordersPath+"?workshop="+itoa(l.WorkshopID)),
			Unit:        amount(l.UnitMinor, o.Currency, lang), Tax: amount(l.TaxMinor, o.Currency, lang),
			Total: amount(l.TotalMinor, o.Currency, lang), Quantity: l.Quantity, Checked: slices.Contains(chosen, l.LineNo)})
	}
	v.Totals = orderTotals(o, lang)
	for i := len(events) - 1; i >= 0; i-- {
		v.Events = append(v.Events, h.eventRow(lang, events[i]))
	}
	p := h.page(c, lang, "adminorders.order.title", o.Number)
	p.Data = v
	return h.Render(c, status, "admin/order", p)
}

// setForms fills the page's forms: empty, or as typed for the refused one (failed), whose
// message goes to the top of the page when its form is not shown.
func (v *OrderView) setForms(o order.Order, failed string, f *kit.Form) {
	v.Forms = OrderForms{Note: kit.EmptyForm(), Paid: kit.EmptyForm(), Ship: kit.EmptyForm(), Deliver: kit.EmptyForm(),
		Cancel: kit.EmptyForm(), Refund: kit.EmptyForm()}
	v.Forms.Refund.Values["mode"] = "full"
	v.Forms.Ship.Values["carrier"], v.Forms.Ship.Values["tracking"] = o.Carrier, o.Tracking
	slots := map[string]**kit.Form{"note": &v.Forms.Note, "paid": &v.Forms.Paid, "ship": &v.Forms.Ship,
		"deliver": &v.Forms.Deliver, "cancel": &v.Forms.Cancel, "refund": &v.Forms.Refund}
	if slot, ok := slots[failed]; ok && f != nil {
		*slot = f
		shown := map[string]bool{"note": true, "paid": v.CanMarkPaid, "ship": v.CanShip, "deliver": v.CanDeliver,
			"cancel": v.CanCancel, "refund": v.CanRefund}
		if !shown[failed] {
			v.Alert, v.Failed = f.Message, ""
		}
	}
	// The refund form carries the refunded total the page shows: a second submit after
	// the first was recorded is then refused instead of refunding twice (orderRefund).
	v.Forms.Refund.Values["refunded_before"] = strconv.FormatInt(o.RefundedMinor, 10)
}

func orderTotals(o order.Order, lang string) OrderTotals {
	return OrderTotals{Subtotal: amount(o.Subtotal, o.Currency, lang), Tax: amount(o.Tax, o.Currency, lang),
		Shipping: amount(o.Shipping, o.Currency, lang), Donation: amount(o.Donation, o.Currency, lang),
		Total: amount(o.Total, o.Currency, lang), Refunded: amount(o.RefundedMinor, o.Currency, lang),
		RefundDue:   amount(order.RefundDue(o), o.Currency, lang),
		HasShipping: o.Shipping > 0, HasDonation: o.Donation > 0, HasRefunded: o.RefundedMinor > 0}
}

// eventRow writes a timeline entry for staff: its kind and who did it in lang.
func (h *Handler) eventRow(lang string, e order.Event) EventRow {
	r := EventRow{At: localTime(e.At), Kind: string(e.Kind), KindClass: "event-" + string(e.Kind), Actor: e.Actor, Detail: e.Detail}
	if key := "adminorders.event." + string(e.Kind); h.Msgs.Has(key) {
		r.Kind = h.T(lang, key)
	}
	if key := "adminorders.actor." + e.Actor; !strings.Contains(e.Actor, "@") && h.Msgs.Has(key) {
		r.Actor = h.T(lang, key)
	}
	return r
}

// localTimeP is localTime of a moment that may not have happened ("" then).
func localTimeP(t *time.Time) string {
	if t == nil {
		return ""
	}
	return localTime(*t)
}
