// Package donate is the donation page shoppers reach without a cart: /donar and
// /en/donate (what a gift pays for, suggested and free amounts, the donor's data and
// consent, transfer or card) and the receipt page its emails link to. The use cases
// are package donation's.
package donate

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/kit"
)

// Handler serves the donation pages.
type Handler struct {
	*kit.Kit
	Donations *donation.Service
	// Settings reads the site settings (the catalog store): donation.PublicSetting
	// turns the public figure and thank-you list on. nil: never shown.
	Settings Settings
}

// Settings reads a site setting ("" when unset).
type Settings interface {
	Setting(ctx context.Context, key string) (string, error)
}

// fields are the form's inputs, re-shown as typed on every refusal.
var fields = []string{"amount", "amount_other", "method", "name", "email", "doc_type", "doc_number", "anonymous", "accept_policy"}

// privacyPaths are the data-processing policy's pages (the storefront's content pages).
var privacyPaths = map[string]string{"es": "/privacidad", "en": "/en/privacy"}

// Programmes are what a gift pays for (the foundation's programmes), as message keys
// "donate.programme.NAME" and "donate.programme.NAME_text".
var Programmes = []string{"growth", "art", "work", "house"}

// View is the donation page.
type View struct {
	Form       *kit.Form
	Action     string
	Amounts    []kit.Option
	Methods    []kit.Option
	DocTypes   []kit.Option
	Programmes []string
	Min, Max   string
	Privacy    string
	Public     *PublicView // nil: staff did not publish donations, or none this year
}

// PublicView is this year's gifts as the page shows them (donation.Public).
type PublicView struct {
	Year  int
	Count int
	Total string
	Names []string
}

// ReceiptView is a gift's receipt page.
type ReceiptView struct {
	D            donation.Donation
	Amount       string
	Date         string
	Instructions string
	Again        string // the donation page
}

// Routes registers the pages in both languages.
func (h *Handler) Routes(r gin.IRouter) {
	for _, lang := range i18n.Languages {
		r.GET(donation.PagePath(lang), h.Handle(lang, h.handlePage))
		r.HEAD(donation.PagePath(lang), h.Handle(lang, h.handlePage))
		r.POST(donation.PagePath(lang), h.Handle(lang, h.handleGive))
		r.GET(donation.ReceiptPath(lang), h.Handle(lang, h.handleReceipt))
	}
}

func (h *Handler) handlePage(c *gin.Context, lang string) error {
	f := kit.EmptyForm()
	if s := h.Donations.Options().Suggested; len(s) > 1 {
		f.Values["amount"] = strconv.FormatInt(s[1]/100, 10)
	}
	f.Values["method"] = string(payment.MethodTransfer)
	if u := kit.CurrentUser(c); u != nil {
		f.Values["email"], f.Values["name"] = u.Email, u.Name
	}
	return h.render(c, lang, http.StatusOK, f)
}

// handleGive records the gift: a transfer goes to its receipt page (the bank details),
// a card gift to the provider's hosted checkout.
func (h *Handler) handleGive(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, fields...)
	d, sess, err := h.Donations.Give(c.Request.Context(), donation.Form{Amount: f.V("amount"), Other: f.V("amount_other"),
		Method: f.V("method"), Name: f.V("name"), Email: f.V("email"), DocType: f.V("doc_type"), DocNumber: f.V("doc_number"),
		Anonymous: f.Checked("anonymous"), Consent: f.Checked("accept_policy"), Lang: lang, IP: c.ClientIP()})
	if err != nil {
		status := h.Fail(f, lang, err)
		if status == 0 {
			return err
		}
		if key, ok := f.Errors["consent"]; ok {
			delete(f.Errors, "consent")
			f.Errors["accept_policy"] = key
		}
		if k := f.Errors["amount"]; k != "" {
			f.Errors["amount_other"] = k // shown under the free amount, where it is typed
			delete(f.Errors, "amount")
		}
		if apperr.CodeOf(err) == apperr.Invalid {
			f.Message = h.T(lang, "donate.fix")
		}
		return h.render(c, lang, status, f)
	}
	if sess.URL != "" {
		c.Redirect(http.StatusSeeOther, sess.URL)
		return nil
	}
	h.SetFlash(c, "ok", "donate.thanks")
	kit.Redirect(c, donation.ReceiptPath(lang)+"?token="+h.Donations.Token(d))
	return nil
}

func (h *Handler) render(c *gin.Context, lang string, status int, f *kit.Form) error {
	opts := h.Donations.Options()
	amount := func(minor int64) string {
		return money.Format(money.Amount{Minor: minor, Currency: opts.Currency}, lang)
	}
	v := View{Form: f, Action: donation.PagePath(lang), Programmes: Programmes, Privacy: privacyPaths[lang],
		Min: amount(opts.Min), Max: amount(opts.Max)}
	pub, err := h.public(c.Request.Context())
	if err != nil {
		return err
	}
	if pub != nil && pub.Count > 0 {
		v.Public = &PublicView{Year: pub.Year, Count: pub.Count, Total: amount(pub.TotalMinor), Names: pub.Names}
	}
	for _, s := range opts.Suggested {
		val := strconv.FormatInt(s/100, 10)
		v.Amounts = append(v.Amounts, kit.Option{Value: val, Label: amount(s), Selected: f.V("amount") == val})
	}
	v.Amounts = append(v.Amounts, kit.Option{Value: "other", Label: h.T(lang, "donate.amount_other_choice"), Selected: f.V("amount") == "other"})
	for _, m := range donation.Methods {
		if m == payment.MethodCard && !h.Donations.CardEnabled() {
			continue
		}
		v.Methods = append(v.Methods, kit.Option{Value: string(m), Label: h.T(lang, "donate.method."+string(m)), Selected: f.V("method") == string(m)})
	}
	v.DocTypes = []kit.Option{{Value: "", Label: h.T(lang, "donate.doc_type.none"), Selected: f.V("doc_type") == ""}}
	for _, t := range donation.DocTypes {
		v.DocTypes = append(v.DocTypes, kit.Option{Value: t, Label: h.T(lang, "donate.doc_type."+t), Selected: f.V("doc_type") == t})
	}
	alt := map[string]string{"es": donation.PagePath("es"), "en": donation.PagePath("en")}
	pg := h.Page(c, lang, h.T(lang, "donate.title"), h.T(lang, "donate.description"), alt)
	pg.Flash = h.TakeFlash(c)
	pg.Data = v
	return h.Render(c, status, "shop/donate", pg)
}

// public is this year's gifts when staff publish them (donation.PublicSetting), or nil.
// The page is rendered on every request (it is not in the page cache), so a gift just
// received shows at once.
func (h *Handler) public(ctx context.Context) (*donation.Public, error) {
	if h.Settings == nil {
		return nil, nil
	}
	on, err := h.Settings.Setting(ctx, donation.PublicSetting)
	if err != nil || on != "1" {
		return nil, err
	}
	p, err := h.Donations.Public(ctx)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// handleReceipt is a gift's page, reached through the signed link of its emails and of
// the redirect after giving: its number, amount, state and what happens next.
func (h *Handler) handleReceipt(c *gin.Context, lang string) error {
	d, err := h.Donations.ByToken(c.Request.Context(), c.Query("token"))
	if err != nil {
		return err
	}
	v := ReceiptView{D: d, Amount: donation.Amount(d, lang), Date: d.CreatedAt.In(bogota).Format("02/01/2006"),
		Again: donation.PagePath(lang)}
	if d.Method == payment.MethodTransfer && d.Status == donation.StatusPending {
		v.Instructions = h.Donations.Options().Instructions[lang]
	}
	alt := map[string]string{"es": donation.PagePath("es"), "en": donation.PagePath("en")}
	pg := h.PrivatePage(c, lang, h.T(lang, "donate.receipt.title", d.Number), alt)
	pg.Data = v
	return h.Render(c, http.StatusOK, "shop/donate_receipt", pg)
}

// bogota is the foundation's time zone (UTC-5 all year).
var bogota = time.FixedZone("COT", -5*60*60)
