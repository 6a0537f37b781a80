package accounts

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/web/kit"
)

// LoginView is the login page.
type LoginView struct {
	Form                   *kit.Form
	Next                   string
	Action, Forgot, Signup string
}

func (h *Handler) loginForm(c *gin.Context, lang string) error {
	if u := kit.CurrentUser(c); u != nil {
		kit.Redirect(c, routes[lang].Account)
		return nil
	}
	f := kit.EmptyForm()
	return h.renderLogin(c, lang, http.StatusOK, f, kit.SafeNext(c.Query("next")))
}

func (h *Handler) renderLogin(c *gin.Context, lang string, status int, f *kit.Form, next string) error {
	p := routes[lang]
	pg := h.PrivatePage(c, lang, h.T(lang, "acct.login.title"), alt(func(p paths) string { return p.Login }))
	pg.Data = LoginView{Form: f, Next: next, Action: p.Login, Forgot: p.Forgot, Signup: p.Signup}
	return h.Render(c, status, "account/login", pg)
}

// login checks the credentials and starts a new session: a fresh token at every login,
// so a token planted before login is worth nothing after it.
func (h *Handler) login(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, "email", "password")
	next := kit.SafeNext(c.PostForm("next"))
	u, err := h.Accounts.Authenticate(c.Request.Context(), f.V("email"), f.V("password"), c.ClientIP())
	if err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			if wait := kit.RetryAfterOf(err); wait > 0 {
				c.Header("Retry-After", itoa(int(wait.Seconds())+1))
			}
			return h.renderLogin(c, lang, status, f, next)
		}
		return err
	}
	if old := kit.SessionToken(c); old != "" {
		_ = h.Accounts.DeleteSession(c.Request.Context(), old)
	}
	token, err := h.Accounts.CreateSession(c.Request.Context(), u.ID, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		return err
	}
	h.SetSessionCookie(c, token, h.SessionMax)
	if h.AfterLogin != nil {
		h.AfterLogin(c, u.ID)
	}
	if next == "" {
		next = landing(u, lang)
	}
	kit.Redirect(c, next)
	return nil
}

func (h *Handler) logout(c *gin.Context, lang string) error {
	if token := kit.SessionToken(c); token != "" {
		if err := h.Accounts.DeleteSession(c.Request.Context(), token); err != nil {
			return err
		}
	}
	h.ClearSessionCookie(c)
	h.SetFlash(c, "ok", "acct.logout.done")
	kit.Redirect(c, routes[lang].Login)
	return nil
}
