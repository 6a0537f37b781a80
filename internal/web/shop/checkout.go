package shop

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/kit"
)

// checkoutFields are the checkout form's inputs, re-shown as typed on every refusal.
var checkoutFields = []string{"email", "name", "phone", "department", "city", "address_line", "notes",
	"donation", "donation_other", "payment_method", "accept_policy", "quoted_total", "delivery"}

// CheckoutView is the checkout page: the form, the cart's lines and, once reviewed, the
// total with taxes and shipping that the shopper confirms.
type CheckoutView struct {
	Form        *kit.Form
	Action      string
	CartURL     string
	Lines       []CartLineView
	Departments []kit.Option
	Donations   []kit.Option
	Methods     []kit.Option
	Pickup      []PickupOption // the pickup points that keep every line; none: shipping only
	AskConsent  bool
	Privacy     string
	Totals      *TotalsView // nil until reviewed
	QuotedTotal int64
	Empty       bool
	FreeFrom    string // shipping is free from this subtotal ("" when never)
}

// TotalsView is money shown to the shopper.
type TotalsView struct {
	Subtotal, Tax, Shipping, Donation, Total string
	FreeShipping                             bool
}

func (s *Handler) handleCheckout(c *gin.Context, lang string) error {
	f := kit.EmptyForm()
	if u := kit.CurrentUser(c); u != nil {
		f.Values["email"], f.Values["name"] = u.Email, u.Name
	}
	f.Values["donation"] = "0"
	f.Values["delivery"] = "shipping"
	if ms := s.Orders.Methods(); len(ms) > 0 {
		f.Values["payment_method"] = string(ms[0])
	}
	return s.renderCheckout(c, lang, http.StatusOK, f, nil)
}

func (s *Handler) checkoutInput(c *gin.Context, f *kit.Form, lang string) (order.CheckoutInput, error) {
	in := order.CheckoutInput{Email: f.V("email"), Name: f.V("name"), Phone: f.V("phone"), Department: f.V("department"),
		City: f.V("city"), AddressLine: f.V("address_line"), Notes: f.V("notes"), Donation: f.V("donation"),
		DonationOther: f.V("donation_other"), PaymentMethod: f.V("payment_method"), AcceptPolicy: f.Checked("accept_policy"),
		PolicyVersion: account.PolicyVersion, IP: c.ClientIP(), Lang: lang}
	in.Delivery, in.PickupPoint = splitDelivery(f.V("delivery"))
	if u := kit.CurrentUser(c); u != nil {
		in.UserID = u.ID
		ok, err := s.Accounts.HasConsent(c.Request.Context(), u.ID, account.ConsentDataPolicy, account.PolicyVersion)
		if err != nil {
			return in, err
		}
		in.PolicyAlreadyAccepted = ok
	}
	return in, nil
}

// handlePlaceOrder reviews the form (action=review: the total with shipping and taxes is
// shown) or places the order (action=place) once the shopper has seen that total: Place
// checks it against the cart it locks, so placing reads the cart once.
func (s *Handler) handlePlaceOrder(c *gin.Context, lang string) error {
	ctx := c.Request.Context()
	f := kit.ReadForm(c, checkoutFields...)
	in, err := s.checkoutInput(c, f, lang)
	if err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return s.checkoutFailed(c, lang, f, err)
	}
	token, userID := s.visitor(c)
	place := c.PostForm("action") == "place"
	if quoted, _ := strconv.ParseInt(f.V("quoted_total"), 10, 64); place && quoted > 0 {
		in.QuotedTotal = quoted
		o, err := s.Orders.Place(ctx, token, userID, in)
		switch {
		case err == nil && o.Method == payment.MethodCard:
			return s.startCardPayment(c, lang, o)
		case err == nil:
			s.SetFlash(c, "ok", "orderpage.placed")
			kit.Redirect(c, s.orderURL(lang, o))
			return nil
		case !errors.Is(err, order.ErrTotalChanged):
			return s.checkoutFailed(c, lang, f, err)
		}
	}
	// First the total with taxes and shipping; the shopper confirms it (again, if it
	// changed since they saw it).
	cart, err := s.Orders.Cart(ctx, token, userID)
	if err != nil {
		return err
	}
	totals, err := s.Orders.Quote(ctx, cart, in)
	if err != nil {
		return s.checkoutFailed(c, lang, f, err)
	}
	if place {
		f.Message = s.T(lang, "checkout.total_changed")
	}
	f.Values["quoted_total"] = strconv.FormatInt(totals.Total, 10)
	return s.renderCheckout(c, lang, http.StatusOK, f, &totals)
}

// orderURL is the order's page: by number for its logged-in owner, by the emailed link's
// token for a guest.
func (s *Handler) orderURL(lang string, o order.Order) string {
	if o.UserID == nil {
		return order.LinkPath(lang) + "?token=" + s.Orders.GuestLinkToken(o)
	}
	return order.LinkPath(lang) + "/" + o.Number
}

// startCardPayment opens the provider's checkout and sends the shopper there. When the
// provider is unreachable the order keeps its reservation until it expires; its page
// offers to try again or to pay by transfer instead.
func (s *Handler) startCardPayment(c *gin.Context, lang string, o order.Order) error {
	if s.Card == nil {
		return errors.New("card payment chosen but no provider configured")
	}
	back := s.BaseURL + s.orderURL(lang, o)
	req := s.Orders.CheckoutRequest(o, back, back)
	req.Lang = lang
	sess, err := s.Card.CreateCheckout(c.Request.Context(), req)
	if err != nil {
		if errors.Is(err, payment.ErrUnavailable) {
			s.Log.Warn("card payment unavailable", "request_id", c.GetString(kit.RequestIDKey), "order", o.Number, "err", err)
			s.SetFlash(c, "error", "checkout.card_unavailable")
			kit.Redirect(c, s.orderURL(lang, o))
			return nil
		}
		return err
	}
	if err := s.Orders.AttachSession(c.Request.Context(), o.ID, sess.ID); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, sess.URL)
	return nil
}

func (s *Handler) checkoutFailed(c *gin.Context, lang string, f *kit.Form, err error) error {
	status := s.Fail(f, lang, err)
	if status == 0 {
		if apperr.CodeOf(err) == apperr.NotFound {
			// A line no longer on sale: the cart says which.
			return s.renderCart(c, lang, http.StatusConflict, s.T(lang, "checkout.line_gone"), nil)
		}
		return err
	}
	delete(f.Values, "quoted_total")
	return s.renderCheckout(c, lang, status, f, nil)
}

func (s *Handler) renderCheckout(c *gin.Context, lang string, status int, f *kit.Form, totals *order.Totals) error {
	ctx := c.Request.Context()
	token, userID := s.visitor(c)
	cart, err := s.Orders.Cart(ctx, token, userID)
	if err != nil {
		return err
	}
	r := routes[lang]
	opts := s.Orders.Options()
	cur := func(m int64) string { return money.Format(money.Amount{Minor: m, Currency: cart.Currency}, lang) }
	v := CheckoutView{Form: f, Action: r.Checkout, CartURL: r.Cart, Privacy: r.Pages["privacy"], Empty: len(cart.Lines) == 0}
	for _, l := range cart.Lines {
		v.Lines = append(v.Lines, CartLineView{VariantID: l.VariantID, Title: l.Title(lang), Size: l.Size, Color: l.Color(lang),
			Quantity: l.Quantity, Unit: cur(l.UnitMinor), Total: cur(l.TotalMinor), Short: l.Short, Available: l.Available})
	}
	v.Departments = append(v.Departments, kit.Option{Value: "", Label: s.T(lang, "checkout.choose_department")})
	for _, d := range order.Departments {
		v.Departments = append(v.Departments, kit.Option{Value: d, Label: d, Selected: f.V("department") == d})
	}
	v.Donations = append(v.Donations, kit.Option{Value: "0", Label: s.T(lang, "checkout.donation_none"), Selected: f.V("donation") == "0" || f.V("donation") == ""})
	for _, d := range opts.DonationChoices {
		val := strconv.FormatInt(d/100, 10)
		v.Donations = append(v.Donations, kit.Option{Value: val, Label: cur(d), Selected: f.V("donation") == val})
	}
	v.Donations = append(v.Donations, kit.Option{Value: "other", Label: s.T(lang, "checkout.donation_other"), Selected: f.V("donation") == "other"})
	for _, m := range s.Orders.Methods() {
		if m == payment.MethodCard && s.Card == nil {
			continue
		}
		v.Methods = append(v.Methods, kit.Option{Value: string(m), Label: s.T(lang, "checkout.method."+string(m)), Selected: f.V("payment_method") == string(m)})
	}
	if v.Pickup, err = s.pickupOptions(ctx, lang, cart.Lines, f.V("delivery")); err != nil {
		return err
	}
	v.AskConsent = true
	if u := kit.CurrentUser(c); u != nil {
		ok, err := s.Accounts.HasConsent(ctx, u.ID, account.ConsentDataPolicy, account.PolicyVersion)
		if err != nil {
			return err
		}
		v.AskConsent = !ok
	}
	if totals != nil {
		v.QuotedTotal = totals.Total
		v.Totals = &TotalsView{Subtotal: cur(totals.Subtotal), Tax: cur(totals.Tax), Shipping: cur(totals.Shipping),
			Donation: cur(totals.Donation), Total: cur(totals.Total), FreeShipping: totals.Shipping == 0}
	}
	if opts.Shipping.FreeFrom > 0 {
		v.FreeFrom = cur(opts.Shipping.FreeFrom)
	}
	pg := s.page(c, lang, s.T(lang, "checkout.title"), "", map[string]string{"es": routes["es"].Checkout, "en": routes["en"].Checkout})
	pg.NoIndex, pg.Canonical, pg.Alternates = true, "", nil
	c.Header("Cache-Control", "private, no-store")
	pg.Data = v
	return s.Render(c, status, "shop/checkout", pg)
}
