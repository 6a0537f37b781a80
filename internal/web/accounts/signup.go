package accounts

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/web/kit"
)

// SignupView is the sign-up page; InviteView the page behind an invitation link.
type SignupView struct {
	Form           *kit.Form
	Action, Login  string
	Privacy        string
	InviteEmail    string // invitation: the address the invitation was sent to
	Token          string // invitation or reset token, carried in the form
	ForgotResent   bool
	ForgotAction   string
	ResetRequested bool
}

func (h *Handler) signupForm(c *gin.Context, lang string) error {
	return h.renderSignup(c, lang, http.StatusOK, kit.EmptyForm())
}

func (h *Handler) renderSignup(c *gin.Context, lang string, status int, f *kit.Form) error {
	p := routes[lang]
	pg := h.PrivatePage(c, lang, h.T(lang, "acct.signup.title"), alt(func(p paths) string { return p.Signup }))
	pg.Data = SignupView{Form: f, Action: p.Signup, Login: p.Login, Privacy: p.Privacy}
	return h.Render(c, status, "account/signup", pg)
}

// signup creates a customer account, records the consent and sends the verification
// email; the new customer is logged in at once.
func (h *Handler) signup(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, "name", "email", "password", "accept_policy")
	u, err := h.Accounts.Register(c.Request.Context(), account.RegisterInput{Email: f.V("email"), Name: f.V("name"),
		Password: f.V("password"), Lang: lang, AcceptPolicy: f.Checked("accept_policy"), PolicyVersion: PolicyVersion,
		IP: c.ClientIP()})
	if err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			if wait := kit.RetryAfterOf(err); wait > 0 {
				c.Header("Retry-After", itoa(int(wait.Seconds())+1))
			}
			return h.renderSignup(c, lang, status, f)
		}
		return err
	}
	token, err := h.Accounts.CreateSession(c.Request.Context(), u.ID, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		return err
	}
	h.SetSessionCookie(c, token, h.SessionMax)
	if h.AfterLogin != nil {
		h.AfterLogin(c, u.ID)
	}
	h.SetFlash(c, "ok", "acct.signup.done")
	kit.Redirect(c, routes[lang].Account)
	return nil
}

func (h *Handler) forgotForm(c *gin.Context, lang string) error {
	return h.renderForgot(c, lang, http.StatusOK, kit.EmptyForm(), false)
}

func (h *Handler) renderForgot(c *gin.Context, lang string, status int, f *kit.Form, sent bool) error {
	p := routes[lang]
	pg := h.PrivatePage(c, lang, h.T(lang, "acct.forgot.title"), alt(func(p paths) string { return p.Forgot }))
	pg.Data = SignupView{Form: f, Action: p.Forgot, Login: p.Login, ResetRequested: sent}
	return h.Render(c, status, "account/forgot", pg)
}

// forgot sends a reset link when the address has an account, and says the same thing
// whether or not it has one.
func (h *Handler) forgot(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, "email")
	if err := h.Accounts.RequestReset(c.Request.Context(), f.V("email"), lang); err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderForgot(c, lang, status, f, false)
		}
		return err
	}
	return h.renderForgot(c, lang, http.StatusOK, f, true)
}

func (h *Handler) resetForm(c *gin.Context, lang string) error {
	f := kit.EmptyForm()
	return h.renderReset(c, lang, http.StatusOK, f, c.Query("token"))
}

func (h *Handler) renderReset(c *gin.Context, lang string, status int, f *kit.Form, token string) error {
	p := routes[lang]
	pg := h.PrivatePage(c, lang, h.T(lang, "acct.reset.title"),
		map[string]string{"es": "/cuenta/restablecer", "en": "/en/account/reset"})
	pg.SwitchURL = kit.WithQuery(account.PurposeReset.Path(kit.OtherLang(lang)), "token="+token)
	pg.Data = SignupView{Form: f, Action: account.PurposeReset.Path(lang), Login: p.Login, Token: token, ForgotAction: p.Forgot}
	return h.Render(c, status, "account/reset", pg)
}

func (h *Handler) reset(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, "password")
	token := c.PostForm("token")
	if err := h.Accounts.ResetPassword(c.Request.Context(), token, f.V("password")); err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderReset(c, lang, status, f, token)
		}
		return err
	}
	h.ClearSessionCookie(c)
	h.SetFlash(c, "ok", "acct.reset.done")
	kit.Redirect(c, routes[lang].Login)
	return nil
}

func (h *Handler) verify(c *gin.Context, lang string) error {
	if _, err := h.Accounts.VerifyEmail(c.Request.Context(), c.Query("token")); err != nil {
		if h.Fail(kit.EmptyForm(), lang, err) == 0 {
			return err
		}
		h.SetFlash(c, "error", "acct.verify.failed")
	} else {
		h.SetFlash(c, "ok", "acct.verify.done")
	}
	if kit.CurrentUser(c) != nil {
		kit.Redirect(c, routes[lang].Account)
	} else {
		kit.Redirect(c, routes[lang].Login)
	}
	return nil
}

func (h *Handler) inviteForm(c *gin.Context, lang string) error {
	return h.renderInvite(c, lang, http.StatusOK, kit.EmptyForm(), c.Query("token"))
}

func (h *Handler) renderInvite(c *gin.Context, lang string, status int, f *kit.Form, token string) error {
	p := routes[lang]
	pg := h.PrivatePage(c, lang, h.T(lang, "acct.invite.title"),
		map[string]string{"es": account.PurposeInvite.Path("es"), "en": account.PurposeInvite.Path("en")})
	pg.SwitchURL = kit.WithQuery(account.PurposeInvite.Path(kit.OtherLang(lang)), "token="+token)
	v := SignupView{Form: f, Action: account.PurposeInvite.Path(lang), Login: p.Login, Privacy: p.Privacy, Token: token}
	u, err := h.Accounts.InviteeByToken(c.Request.Context(), token)
	if err != nil {
		if h.Fail(f, lang, err) == 0 {
			return err
		}
		f.Message = h.T(lang, "acct.invite.invalid")
		status = http.StatusNotFound
		v.Token = ""
	} else {
		v.InviteEmail = u.Email
		if f.V("name") == "" {
			f.Values["name"] = u.Name
		}
	}
	pg.Data = v
	return h.Render(c, status, "account/invite", pg)
}

func (h *Handler) acceptInvite(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, "password", "accept_policy")
	token := c.PostForm("token")
	u, err := h.Accounts.AcceptInvite(c.Request.Context(), token, f.V("password"), f.Checked("accept_policy"), PolicyVersion, c.ClientIP())
	if err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderInvite(c, lang, status, f, token)
		}
		return err
	}
	session, err := h.Accounts.CreateSession(c.Request.Context(), u.ID, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		return err
	}
	h.SetSessionCookie(c, session, h.SessionMax)
	if h.AfterLogin != nil {
		h.AfterLogin(c, u.ID)
	}
	h.SetFlash(c, "ok", "acct.invite.done")
	kit.Redirect(c, landing(u, lang))
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
