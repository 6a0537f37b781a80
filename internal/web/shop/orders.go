package shop

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/kit"
)

// OrderView is an order's page for its shopper.
type OrderView struct {
	Number, Status, StatusKey string
	Waiting                   bool // waiting for the payment's confirmation: the page refreshes itself
	Manual                    bool
	Instructions              string
	Lines                     []OrderLineView
	Totals                    TotalsView
	Refunded                  string
	Name, Email, Phone        string
	Address                   []string
	Carrier, Tracking         string
	Pickup                    *PickupView // a pickup order's point; nil when shipped
	Token                     string      // the guest link's token, carried by the page's forms
	PayAction                 string      // try the card payment again
	RequestAction             string      // Ley 1480 requests
	CanWithdraw, CanReverse   bool
	Placed                    string
	Form                      *kit.Form
}

// OrderLineView is one line of an order's page.
type OrderLineView struct {
	Title, Size, Color, Workshop, SKU string
	Quantity                          int
	Unit, Total, Tax                  string
	Exempt                            bool
}

// LookupView is the form to find an order by number and email.
type LookupView struct {
	Form   *kit.Form
	Action string
}

// limiter keeps one token bucket per client address.
type limiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	m     map[string]*rate.Limiter
}

func newLimiter(every rate.Limit, burst int) *limiter {
	return &limiter{every: every, burst: burst, m: map[string]*rate.Limiter{}}
}

func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) > 10000 {
		l.m = map[string]*rate.Limiter{} // forget: a flood of addresses must not grow memory
	}
	lim, ok := l.m[key]
	if !ok {
		lim = rate.NewLimiter(l.every, l.burst)
		l.m[key] = lim
	}
	return lim.Allow()
}

// handleOrderByLink is the page behind the emailed link (?token=…); without a token it
// is the look-up form.
func (s *Handler) handleOrderByLink(c *gin.Context, lang string) error {
	token := c.Query("token")
	if token == "" {
		return s.renderLookup(c, lang, http.StatusOK, kit.EmptyForm())
	}
	o, err := s.Orders.OrderByGuestToken(c.Request.Context(), token)
	if err != nil {
		return err
	}
	return s.renderOrder(c, lang, http.StatusOK, o, token, nil)
}

// handleOrderLookup finds an order by number and email. A wrong number and a wrong email
// get the same answer, and an address gets a few tries a minute.
func (s *Handler) handleOrderLookup(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, "number", "email")
	if !s.lookups.allow(c.ClientIP()) {
		f.Message = s.T(lang, "orderpage.lookup.throttled")
		c.Header("Retry-After", "60")
		return s.renderLookup(c, lang, http.StatusTooManyRequests, f)
	}
	o, err := s.Orders.OrderByNumber(c.Request.Context(), strings.ToUpper(f.V("number")), f.V("email"))
	if err != nil {
		if apperr.CodeOf(err) != apperr.NotFound {
			return err
		}
		f.Message = s.T(lang, "orderpage.lookup.not_found")
		return s.renderLookup(c, lang, http.StatusNotFound, f)
	}
	kit.Redirect(c, order.LinkPath(lang)+"?token="+s.Orders.GuestLinkToken(o))
	return nil
}

func (s *Handler) renderLookup(c *gin.Context, lang string, status int, f *kit.Form) error {
	pg := s.page(c, lang, s.T(lang, "orderpage.lookup.title"), "", map[string]string{"es": order.LinkPath("es"), "en": order.LinkPath("en")})
	pg.NoIndex, pg.Canonical, pg.Alternates = true, "", nil
	pg.Flash = s.TakeFlash(c)
	pg.Data = LookupView{Form: f, Action: order.LinkPath(lang)}
	return s.Render(c, status, "shop/lookup", pg)
}

// handleOrderPage is a logged-in shopper's own order.
func (s *Handler) handleOrderPage(c *gin.Context, lang string) error {
	o, token, err := s.ownOrder(c)
	if err != nil {
		return err
	}
	return s.renderOrder(c, lang, http.StatusOK, o, token, nil)
}

// ownOrder loads the :number order for its owner: the logged-in user it belongs to, or
// whoever holds its link's token (a form field on the page's own forms). Anyone else:
// not found, so numbers cannot be probed.
func (s *Handler) ownOrder(c *gin.Context) (order.Order, string, error) {
	ctx := c.Request.Context()
	number := c.Param("number")
	if token := c.PostForm("token"); token != "" {
		o, err := s.Orders.OrderByGuestToken(ctx, token)
		if err != nil || o.Number != number {
			return order.Order{}, "", apperr.ErrNotFound
		}
		return o, token, nil
	}
	u := kit.CurrentUser(c)
	if u == nil {
		return order.Order{}, "", apperr.ErrUnauthorized
	}
	os, err := s.Orders.OrdersOf(ctx, u.ID)
	if err != nil {
		return order.Order{}, "", err
	}
	for _, o := range os {
		if o.Number == number {
			full, err := s.Orders.Order(ctx, o.ID)
			return full, "", err
		}
	}
	return order.Order{}, "", apperr.ErrNotFound
}

func (s *Handler) renderOrder(c *gin.Context, lang string, status int, o order.Order, token string, f *kit.Form) error {
	cur := func(m int64) string { return money.Format(money.Amount{Minor: m, Currency: o.Currency}, lang) }
	v := OrderView{Number: o.Number, StatusKey: "orderpage.status." + string(o.Status), Manual: o.Manual(),
		Waiting: o.Status == order.StatusPending && !o.Manual() || o.Status == order.StatusAwaiting,
		Name:    o.Name, Email: o.Email, Phone: o.Phone, Carrier: o.Carrier, Tracking: o.Tracking, Token: token,
		Totals: TotalsView{Subtotal: cur(o.Subtotal), Tax: cur(o.Tax), Shipping: cur(o.Shipping), Donation: cur(o.Donation),
			Total: cur(o.Total), FreeShipping: o.Shipping == 0},
		Address: []string{o.Address, o.City + ", " + o.Department},
		Placed:  o.CreatedAt.In(bogota).Format("2006-01-02 15:04"), Form: f}
	v.Status = s.T(lang, v.StatusKey)
	v.Pickup = s.pickupView(o, lang)
	if o.RefundedMinor > 0 {
		v.Refunded = cur(o.RefundedMinor)
	}
	if v.Manual && o.Status.Open() {
		v.Instructions = s.Orders.Options().ManualInstructions[lang]
	}
	base := order.LinkPath(lang) + "/" + o.Number
	if o.Method == payment.MethodCard && o.Status == order.StatusPending && s.Card != nil {
		v.PayAction = base + "/pay"
	}
	v.RequestAction = base + "/request"
	v.CanReverse = o.Method == payment.MethodCard && (o.Status == order.StatusPaid || o.Status == order.StatusShipped || o.Status == order.StatusDelivered)
	v.CanWithdraw = o.Status == order.StatusShipped || o.Status == order.StatusDelivered
	for _, l := range o.Lines {
		v.Lines = append(v.Lines, OrderLineView{Title: l.Title(lang), Size: l.Size, Color: l.Color(lang), Workshop: l.WorkshopName,
			SKU: l.SKU, Quantity: l.Quantity, Unit: cur(l.UnitMinor), Total: cur(l.TotalMinor), Tax: cur(l.TaxMinor),
			Exempt: l.TaxClass == catalog.TaxExempt})
	}
	if v.Form == nil {
		v.Form = kit.EmptyForm()
	}
	pg := s.page(c, lang, s.T(lang, "orderpage.title", o.Number), "", map[string]string{"es": order.LinkPath("es"), "en": order.LinkPath("en")})
	pg.NoIndex, pg.Canonical, pg.Alternates = true, "", nil
	// The same order in the other language: /pedido… ↔ /en/order…, token and all.
	other := kit.OtherLang(lang)
	pg.SwitchURL = kit.WithQuery(order.LinkPath(other)+strings.TrimPrefix(c.Request.URL.Path, order.LinkPath(lang)), c.Request.URL.RawQuery)
	pg.Flash = s.TakeFlash(c)
	c.Header("Cache-Control", "private, no-store")
	c.Header("Referrer-Policy", "no-referrer") // the link's token must not leak to other sites
	pg.Data = v
	return s.Render(c, status, "shop/order", pg)
}

var bogota = func() *time.Location {
	l, err := time.LoadLocation("America/Bogota")
	if err != nil {
		return time.FixedZone("COT", -5*3600)
	}
	return l
}()

// handleRetryCard opens a new card checkout for an order still waiting for its payment.
func (s *Handler) handleRetryCard(c *gin.Context, lang string) error {
	o, _, err := s.ownOrder(c)
	if err != nil {
		return err
	}
	if o.Status != order.StatusPending || o.Method != payment.MethodCard {
		return apperr.New(apperr.Conflict, "orderpage.not_payable")
	}
	return s.startCardPayment(c, lang, o)
}

// handleOrderRequest records a Ley 1480 request: withdrawal (retracto) or payment
// reversal (reversión del pago).
func (s *Handler) handleOrderRequest(c *gin.Context, lang string) error {
	o, token, err := s.ownOrder(c)
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, "kind", "reason")
	switch f.V("kind") {
	case "withdrawal":
		err = s.Orders.RequestWithdrawal(c.Request.Context(), o.ID, f.V("reason"))
	case "reversal":
		err = s.Orders.RequestReversal(c.Request.Context(), o.ID, f.V("reason"))
	default:
		err = apperr.Fields(map[string]string{"kind": "orderpage.request.kind"})
	}
	if err != nil {
		if status := s.Fail(f, lang, err); status != 0 {
			return s.renderOrder(c, lang, status, o, token, f)
		}
		return err
	}
	s.SetFlash(c, "ok", "orderpage.request.sent")
	if token != "" {
		kit.Redirect(c, order.LinkPath(lang)+"?token="+token)
	} else {
		kit.Redirect(c, order.LinkPath(lang)+"/"+o.Number)
	}
	return nil
}
