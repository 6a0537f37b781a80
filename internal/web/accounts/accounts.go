// Package accounts is every visitor's door: log in and out, sign up (with the data-policy
// consent Ley 1581 asks for), verify an email, reset a forgotten password, accept an
// invitation, and the /cuenta (/en/account) page to manage one's profile, password,
// sessions and personal data. Spanish at unprefixed paths, English under /en.
package accounts

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/web/kit"
)

// PolicyVersion is the data policy a person accepts at sign-up.
const PolicyVersion = account.PolicyVersion

// paths are the account pages in one language.
type paths struct {
	Login, Logout, Signup, Account, Profile, Password, Sessions, Data, Delete, Forgot string
	Privacy                                                                           string
}

var routes = map[string]paths{
	"es": {Login: "/login", Logout: "/logout", Signup: "/registro", Account: "/cuenta",
		Profile: "/cuenta/perfil", Password: "/cuenta/clave", Sessions: "/cuenta/sesiones",
		Data: "/cuenta/datos", Delete: "/cuenta/eliminar", Forgot: "/cuenta/recuperar", Privacy: "/privacidad"},
	"en": {Login: "/en/login", Logout: "/en/logout", Signup: "/en/signup", Account: "/en/account",
		Profile: "/en/account/profile", Password: "/en/account/password", Sessions: "/en/account/sessions",
		Data: "/en/account/data", Delete: "/en/account/delete", Forgot: "/en/account/forgot", Privacy: "/en/privacy"},
}

// AccountPath is the account page in lang.
func AccountPath(lang string) string { return routes[lang].Account }

// Handler serves the account pages.
type Handler struct {
	*kit.Kit
	Accounts   *account.Service
	SessionMax time.Duration // cookie lifetime: the session's absolute expiry
	// AfterLogin runs once a session starts (the shop merges the visitor's cart into
	// the user's); nil does nothing.
	AfterLogin func(c *gin.Context, userID int64)
	// Orders lists a customer's orders on /cuenta; nil hides the list.
	Orders *order.Service
}

// Routes registers the account pages in both languages. The pages of /cuenta need a
// login; the doors (login, sign-up, links from emails) do not.
func (h *Handler) Routes(r gin.IRouter) {
	for _, lang := range i18n.Languages {
		p := routes[lang]
		r.GET(p.Login, h.Handle(lang, h.loginForm))
		r.POST(p.Login, h.Handle(lang, h.login))
		r.POST(p.Logout, h.Handle(lang, h.logout))
		r.GET(p.Signup, h.Handle(lang, h.signupForm))
		r.POST(p.Signup, h.Handle(lang, h.signup))
		r.GET(p.Forgot, h.Handle(lang, h.forgotForm))
		r.POST(p.Forgot, h.Handle(lang, h.forgot))
		r.GET(account.PurposeReset.Path(lang), h.Handle(lang, h.resetForm))
		r.POST(account.PurposeReset.Path(lang), h.Handle(lang, h.reset))
		r.GET(account.PurposeVerify.Path(lang), h.Handle(lang, h.verify))
		r.GET(account.PurposeInvite.Path(lang), h.Handle(lang, h.inviteForm))
		r.POST(account.PurposeInvite.Path(lang), h.Handle(lang, h.acceptInvite))

		mine := r.Group(p.Account, h.RequireLogin)
		mine.GET("", h.Handle(lang, h.home))
		mine.POST(trim(p.Profile, p.Account), h.Handle(lang, h.updateProfile))
		mine.POST(trim(p.Password, p.Account), h.Handle(lang, h.changePassword))
		mine.POST(trim(p.Sessions, p.Account), h.Handle(lang, h.logoutEverywhere))
		mine.GET(trim(p.Data, p.Account), h.Handle(lang, h.exportData))
		mine.POST(trim(p.Delete, p.Account), h.Handle(lang, h.requestDeletion))
	}
	// The and people's shorthand: /account is the Spanish /cuenta.
	r.GET("/account", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, routes["es"].Account) })
}

func trim(p, prefix string) string { return p[len(prefix):] }

// alt maps both languages to one page's path.
func alt(page func(paths) string) map[string]string {
	return map[string]string{"es": page(routes["es"]), "en": page(routes["en"])}
}

// landing is where a user goes after logging in without a next page: their room.
func landing(u account.User, lang string) string {
	switch u.Role {
	case account.RoleAdmin:
		return "/admin"
	case account.RoleLead:
		return "/studio"
	case account.RoleCorporate:
		return "/corporate/quotes" // the company room (package corporate)
	}
	return routes[lang].Account
}
