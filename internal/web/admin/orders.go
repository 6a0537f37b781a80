package admin

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/kit"
)

const (
	ordersPath    = "/admin/orders"
	ordersPerPage = 50
)

// methods are the payment methods, in the order the filters offer them.
var methods = []payment.Method{payment.MethodCard, payment.MethodTransfer, payment.MethodCOD}

// deliveries are the delivery methods, in the order the filter offers them.
var deliveries = []order.Delivery{order.DeliveryShipping, order.DeliveryPickup}

// deliveryKeys are the filter's message keys of the deliveries.
var deliveryKeys = map[order.Delivery]string{
	order.DeliveryShipping: "pickup.filter_shipping",
	order.DeliveryPickup:   "pickup.filter_pickup",
}

func (h *Handler) orderRoutes(r gin.IRouter) {
	r.GET("/orders", h.HandlePrivate(h.orderList))
	r.GET("/orders.csv", h.HandlePrivate(h.ordersCSV))
	r.GET("/orders/:id", h.HandlePrivate(h.orderShow))
	r.POST("/orders/:id/note", h.HandlePrivate(h.orderNote))
	r.POST("/orders/:id/paid", h.HandlePrivate(h.orderMarkPaid))
	r.POST("/orders/:id/ship", h.HandlePrivate(h.orderShip))
	r.POST("/orders/:id/deliver", h.HandlePrivate(h.orderDeliver))
	r.POST("/orders/:id/cancel", h.HandlePrivate(h.orderCancel))
	r.POST("/orders/:id/reinstate", h.HandlePrivate(h.orderReinstate))
	r.POST("/orders/:id/refund", h.HandlePrivate(h.orderRefund))
	r.POST("/orders/:id/pickup-ready", h.HandlePrivate(h.orderPickupReady))
	r.POST("/orders/:id/picked-up", h.HandlePrivate(h.orderPickedUp))
}

// OrderListView is /admin/orders: filters and one page of orders, newest first.
type OrderListView struct {
	Nav                        Nav
	Q, From, To                string
	Flagged                    bool
	Statuses, Methods          []Choice
	Workshops                  []Choice
	Errors                     map[string]string // filter field -> message key
	Rows                       []OrderRow
	CSVURL, FlaggedURL, Action string
	Uncollected                bool // only pickup orders not collected in time
	UncollectedURL             string
	Deliveries                 []Choice // shipping, pickup
	ToPrepare                  bool     // only pickup orders still to get ready
	Lang                       string   // ?lang= to keep in the filter form, "" when none
	Pager
}

// OrderRow is an order in the list.
type OrderRow struct {
	Number, URL, Created      string
	Name, Email               string
	Status, StatusClass       string
	Method, Total, Refunded   string
	Flagged                   bool
	FlagReason                string
	ManualUnpaid, ReadyToShip bool
	Uncollected               bool // a pickup order waiting longer than the configured days
}

// orderQuery is the list's filters as read from the query string.
type orderQuery struct {
	order.Filter
	Flagged    bool
	FromS, ToS string
	Errors     map[string]string
}

// readOrderQuery reads status, method, workshop, from and to (Bogotá days, "to"
// included), q (number, email or name) and flagged=1; a date that is not one is a field
// error and no filter.
func readOrderQuery(c *gin.Context) orderQuery {
	q := orderQuery{Errors: map[string]string{}, FromS: clip(c.Query("from")), ToS: clip(c.Query("to")),
		Flagged: c.Query("flagged") == "1"}
	q.Query = clip(c.Query("q"))
	if s := order.Status(c.Query("status")); s.Valid() {
		q.Status = s
	}
	if m := payment.Method(c.Query("method")); slices.Contains(methods, m) {
		q.Method = m
	}
	q.WorkshopID = parseID(c.Query("workshop"))
	q.Uncollected = c.Query("uncollected") == "1"
	if d := order.Delivery(c.Query("delivery")); slices.Contains(deliveries, d) {
		q.Delivery = d
	}
	q.ToPrepare = c.Query("prepare") == "1"
	if d, ok := day(q.FromS); ok {
		q.From = d
	} else if q.FromS != "" {
		q.Errors["from"] = "admin.audit.date_invalid"
	}
	if d, ok := day(q.ToS); ok {
		q.To = d.AddDate(0, 0, 1)
	} else if q.ToS != "" {
		q.Errors["to"] = "admin.audit.date_invalid"
	}
	return q
}

// listOrders is one page of the orders q asks for and how many match.
func (h *Handler) listOrders(ctx context.Context, q orderQuery, page int) ([]order.Order, int, error) {
	f := q.Filter
	f.Page, f.PerPage, f.Flagged = page, ordersPerPage, q.Flagged
	return h.Orders.List(ctx, f)
}

func (h *Handler) orderList(c *gin.Context, lang string) error {
	ctx := c.Request.Context()
	q := readOrderQuery(c)
	page := pageParam(c)
	os, total, err := h.listOrders(ctx, q, page)
	if err != nil {
		return err
	}
	ws, err := h.Editor.ListWorkshopsAdmin(ctx, true)
	if err != nil {
		return err
	}
	v := OrderListView{Nav: h.nav(c, lang, ordersPath), Q: q.Query, From: q.FromS, To: q.ToS, Flagged: q.Flagged,
		Errors: q.Errors, Action: ordersPath, Lang: c.Query("lang"),
		CSVURL:     kit.WithQuery(ordersPath+".csv", csvQuery(c)),
		FlaggedURL: withLang(c, ordersPath+"?flagged=1"), Uncollected: q.Uncollected,
		UncollectedURL: withLang(c, ordersPath+"?uncollected=1"), ToPrepare: q.ToPrepare}
	if v.Lang != "es" && v.Lang != "en" {
		v.Lang = ""
	}
	v.Pager = pager(ordersPath, c.Request.URL.Query(), page, ordersPerPage, total)
	for _, s := range order.Statuses {
		v.Statuses = append(v.Statuses, Choice{Value: string(s), Label: h.T(lang, "orderpage.status."+string(s)), Selected: s == q.Status})
	}
	for _, m := range methods {
		v.Methods = append(v.Methods, Choice{Value: string(m), Label: h.T(lang, "adminorders.method."+string(m)), Selected: m == q.Method})
	}
	for _, d := range deliveries {
		v.Deliveries = append(v.Deliveries, Choice{Value: string(d), Label: h.T(lang, deliveryKeys[d]), Selected: d == q.Delivery})
	}
	for _, w := range ws {
		v.Workshops = append(v.Workshops, Choice{Value: itoa(w.ID), Label: w.Name, Selected: w.ID == q.WorkshopID})
	}
	for _, o := range os {
		r := OrderRow{Number: o.Number, URL: withLang(c, ordersPath+"/"+itoa(o.ID)), Created: localTime(o.CreatedAt),
			Name: o.Name, Email: o.Email, Status: h.T(lang, "orderpage.status."+string(o.Status)),
			StatusClass: statusClass(o.Status), Method: h.T(lang, "adminorders.method."+string(o.Method)),
			Total: amount(o.Total, o.Currency, lang), Flagged: o.Flagged, FlagReason: o.FlagReason,
			ManualUnpaid: o.Manual() && o.Status.Open() && o.Method != payment.MethodCOD, ReadyToShip: canShip(o),
			Uncollected: h.Orders.Uncollected(o)}
		if o.RefundedMinor > 0 {
			r.Refunded = amount(o.RefundedMinor, o.Currency, lang)
		}
		v.Rows = append(v.Rows, r)
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	p := h.page(c, lang, "adminorders.list.title")
	p.Data = v
	return h.Render(c, status, "admin/orders", p)
}

// ordersCSV downloads the filtered orders, one row per line (order.WriteCSV).
func (h *Handler) ordersCSV(c *gin.Context, lang string) error {
	q := readOrderQuery(c)
	if len(q.Errors) > 0 {
		return kit.ErrBadRequest
	}
	f := q.Filter
	f.Flagged = q.Flagged
	var buf bytes.Buffer
	if err := h.Orders.WriteCSV(c.Request.Context(), f, &buf); err != nil {
		return err
	}
	sendCSV(c, "libres-pedidos-"+time.Now().In(bogota).Format("2006-01-02")+".csv", buf.Bytes())
	return nil
}

// statusClass is the badge style of a status: waiting, going well, or ended.
func statusClass(s order.Status) string {
	switch {
	case s.Open():
		return "status-pending"
	case s == order.StatusCancelled || s == order.StatusRefunded:
		return "status-disabled"
	}
	return "status-ok"
}

// canShip: a paid order ships, and so does an unpaid cash-on-delivery one; a pickup
// order is not shipped (see pickupAdmin).
func canShip(o order.Order) bool {
	return o.Delivery != order.DeliveryPickup &&
		(o.Status == order.StatusPaid || o.Status == order.StatusPending && o.Method == payment.MethodCOD)
}

func amount(minor int64, currency, lang string) string {
	return money.Format(money.Amount{Minor: minor, Currency: currency}, lang)
}

// orderCounts are the dashboard's order numbers: manual payments to confirm, orders to
// ship, pickup orders to get ready, orders flagged for staff that still owe a refund,
// and pickup orders not collected in time.
func (h *Handler) orderCounts(c *gin.Context, lang string) ([]Count, error) {
	ctx := c.Request.Context()
	n := func(f order.Filter) (int, error) {
		f.PerPage = 1
		_, total, err := h.Orders.List(ctx, f)
		return total, err
	}
	pending, err := n(order.Filter{Status: order.StatusPending})
	if err != nil {
		return nil, err
	}
	cod, err := n(order.Filter{Status: order.StatusPending, Method: payment.MethodCOD})
	if err != nil {
		return nil, err
	}
	codShip, err := n(order.Filter{Status: order.StatusPending, Method: payment.MethodCOD, Delivery: order.DeliveryShipping})
	if err != nil {
		return nil, err
	}
	prepare, err := n(order.Filter{ToPrepare: true})
	if err != nil {
		return nil, err
	}
	awaiting, err := n(order.Filter{Status: order.StatusAwaiting})
	if err != nil {
		return nil, err
	}
	// A pickup order is not shipped: it is counted apart, until staff mark it ready.
	paid, err := n(order.Filter{Status: order.StatusPaid, Delivery: order.DeliveryShipping})
	if err != nil {
		return nil, err
	}
	// A flagged order stops being flagged once its money is back (order.RecordRefund).
	owing, err := n(order.Filter{Flagged: true})
	if err != nil {
		return nil, err
	}
	uncollected, err := n(order.Filter{Uncollected: true})
	if err != nil {
		return nil, err
	}
	return []Count{
		{Label: h.T(lang, "adminorders.dashboard.awaiting", pending-cod+awaiting), N: pending - cod + awaiting,
			URL: withLang(c, ordersPath+"?status="+string(order.StatusPending))},
		{Label: h.T(lang, "adminorders.dashboard.to_ship", paid+codShip), N: paid + codShip,
			URL: withLang(c, ordersPath+"?status="+string(order.StatusPaid)+"&delivery="+string(order.DeliveryShipping))},
		{Label: h.T(lang, "pickup.dashboard_to_prepare", prepare), N: prepare, URL: withLang(c, ordersPath+"?prepare=1")},
		{Label: h.T(lang, "adminorders.dashboard.flagged", owing), N: owing, URL: withLang(c, ordersPath+"?flagged=1")},
		{Label: h.T(lang, "pickup.dashboard_uncollected", uncollected), N: uncollected, URL: withLang(c, ordersPath+"?uncollected=1")},
	}, nil
}

// lineNumbers reads the chosen line numbers of a form (checkboxes), each once.
func lineNumbers(vs []string) []int {
	var out []int
	for _, s := range vs {
		n := parseID(strings.TrimSpace(s))
		if n > 0 && n < 10_000 && !slices.Contains(out, int(n)) {
			out = append(out, int(n))
		}
	}
	slices.Sort(out)
	return out
}
