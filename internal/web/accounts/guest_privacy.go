package accounts

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/internal/web/kit"
)

// PrivacyRoutes registers the pages where anyone, with or without an account, asks for
// their personal data to be deleted (Ley 1581): the request form and the page the
// emailed link opens (account/guest_privacy.go has the rules). No login needed.
func (h *Handler) PrivacyRoutes(r gin.IRouter) {
	for _, lang := range i18n.Languages {
		r.GET(account.GuestRequestPath(lang), h.Handle(lang, h.guestRequestForm))
		r.POST(account.GuestRequestPath(lang), h.Handle(lang, h.guestRequest))
		r.GET(account.GuestConfirmPath(lang), h.Handle(lang, h.guestConfirmForm))
		r.POST(account.GuestConfirmPath(lang), h.Handle(lang, h.guestConfirm))
	}
}

// GuestRequestView is the request form and the page behind the emailed link.
type GuestRequestView struct {
	Form    *kit.Form
	Action  string
	Sent    bool   // the form was sent: the neutral answer
	Email   string // confirmation: the address the link was sent to
	Token   string
	Done    bool   // confirmation: the request is recorded
	Invalid bool   // confirmation: the link is unknown, used or expired
	Request string // the request form (to ask for a new link)
	Privacy string // the data policy
	Account string // the account page, for people with an account
}

func guestAlt(page func(lang string) string) map[string]string {
	return map[string]string{"es": page("es"), "en": page("en")}
}

func (h *Handler) guestRequestForm(c *gin.Context, lang string) error {
	return h.renderGuestRequest(c, lang, http.StatusOK, kit.EmptyForm(), false)
}

func (h *Handler) renderGuestRequest(c *gin.Context, lang string, status int, f *kit.Form, sent bool) error {
	pg := h.PrivatePage(c, lang, h.T(lang, "privacy.request.title"), guestAlt(account.GuestRequestPath))
	pg.Data = GuestRequestView{Form: f, Action: account.GuestRequestPath(lang), Sent: sent,
		Privacy: routes[lang].Privacy, Account: routes[lang].Account}
	return h.Render(c, status, "account/privacy_request", pg)
}

// guestRequest mails a deletion link when the store holds data for the address, and
// answers the same whether or not it does.
func (h *Handler) guestRequest(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, "email")
	if err := h.Accounts.RequestGuestDeletion(c.Request.Context(), f.V("email"), lang, c.ClientIP()); err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			if wait := kit.RetryAfterOf(err); wait > 0 {
				c.Header("Retry-After", itoa(int(wait.Seconds())+1))
			}
			return h.renderGuestRequest(c, lang, status, f, false)
		}
		return err
	}
	return h.renderGuestRequest(c, lang, http.StatusOK, f, true)
}

func (h *Handler) guestConfirmForm(c *gin.Context, lang string) error {
	token := c.Query("token")
	l, err := h.Accounts.GuestLinkOf(c.Request.Context(), token)
	return h.renderGuestConfirm(c, lang, token, l, err)
}

// guestConfirm uses the link and records the request, then shows the link's page again
// (Post/Redirect/Get), which now says the request is recorded.
func (h *Handler) guestConfirm(c *gin.Context, lang string) error {
	token := c.PostForm("token")
	if _, err := h.Accounts.ConfirmGuestDeletion(c.Request.Context(), token); err != nil {
		return h.renderGuestConfirm(c, lang, token, account.GuestLink{}, err)
	}
	kit.Redirect(c, kit.WithQuery(account.GuestConfirmPath(lang), "token="+url.QueryEscape(token)))
	return nil
}

// renderGuestConfirm shows the link's page: the button, the recorded request, or (with
// a not-found err) why the link no longer works and where to ask for a new one.
func (h *Handler) renderGuestConfirm(c *gin.Context, lang, token string, l account.GuestLink, err error) error {
	status := http.StatusOK
	v := GuestRequestView{Form: kit.EmptyForm(), Action: account.GuestConfirmPath(lang), Token: token,
		Email: l.Email, Done: l.Recorded, Request: account.GuestRequestPath(lang), Privacy: routes[lang].Privacy}
	if err != nil {
		if apperr.CodeOf(err) != apperr.NotFound {
			return err
		}
		status, v.Invalid, v.Token, v.Email = http.StatusNotFound, true, "", ""
	}
	pg := h.PrivatePage(c, lang, h.T(lang, "privacy.confirm.title"), guestAlt(account.GuestConfirmPath))
	if v.Token != "" {
		pg.SwitchURL = kit.WithQuery(account.GuestConfirmPath(kit.OtherLang(lang)), "token="+url.QueryEscape(token))
	}
	pg.Data = v
	return h.Render(c, status, "account/privacy_confirm", pg)
}
