package kit

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/apperr"
)

// SessionUser is the logged-in user as pages and role checks see it.
type SessionUser struct {
	ID          int64
	Email       string
	Name        string
	Role        account.Role
	Lang        string
	WorkshopIDs []int64 // a workshop lead's workshops
	CompanyID   int64   // a corporate client's company
}

// LeadOf reports whether u may act for workshop id.
func (u *SessionUser) LeadOf(id int64) bool { return slices.Contains(u.WorkshopIDs, id) }

// Sessions resolves a session token to its user; any error means "not logged in".
type Sessions interface {
	SessionUser(ctx context.Context, token string) (SessionUser, error)
}

const userKey = "libres.user"
const tokenKey = "libres.session_token"

type cookieNames struct {
	session, flash, cart string
	secure               bool
}

// cookieNamesFor: over https, __Host- cookies (Secure, Path=/, no Domain: bound to this
// host); over plain http (make run) the prefix is not allowed, so plain names.
func cookieNamesFor(baseURL string) cookieNames {
	if strings.HasPrefix(baseURL, "https://") {
		return cookieNames{session: "__Host-libres_session", flash: "__Host-libres_flash", cart: "__Host-libres_cart", secure: true}
	}
	return cookieNames{session: "libres_session", flash: "libres_flash", cart: "libres_cart"}
}

// SessionCookieName is the name of the session cookie for this deployment.
func (k *Kit) SessionCookieName() string { return k.cookie.session }

// LoadSession puts the session's user, if any, in the context. An unknown or expired
// token is cleared from the browser.
func (k *Kit) LoadSession(c *gin.Context) {
	if k.Sessions == nil {
		c.Next()
		return
	}
	token, err := c.Cookie(k.cookie.session)
	if err != nil || token == "" || len(token) > 128 {
		c.Next()
		return
	}
	u, err := k.Sessions.SessionUser(c.Request.Context(), token)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Internal {
			k.Log.Warn("session lookup failed", "request_id", c.GetString(RequestIDKey), "err", err)
		}
		k.ClearSessionCookie(c)
		c.Next()
		return
	}
	c.Set(userKey, &u)
	c.Set(tokenKey, token)
	c.Next()
}

// CurrentUser is the logged-in user, nil for a visitor.
func CurrentUser(c *gin.Context) *SessionUser {
	if v, ok := c.Get(userKey); ok {
		return v.(*SessionUser)
	}
	return nil
}

// SessionToken is the current session's token ("" for a visitor).
func SessionToken(c *gin.Context) string { return c.GetString(tokenKey) }

// SetSessionCookie gives the browser a new session token: HttpOnly, SameSite=Lax,
// Secure and __Host- over https. The cookie lives as long as the session may.
func (k *Kit) SetSessionCookie(c *gin.Context, token string, maxAge time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{Name: k.cookie.session, Value: token, Path: "/",
		MaxAge: int(maxAge / time.Second), HttpOnly: true, Secure: k.cookie.secure, SameSite: http.SameSiteLaxMode})
}

// ClearSessionCookie removes the session cookie.
func (k *Kit) ClearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: k.cookie.session, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: k.cookie.secure, SameSite: http.SameSiteLaxMode})
}

// LoginPath is the login page in lang that returns to next afterwards.
func LoginPath(lang, next string) string {
	p := "/login"
	if lang == "en" {
		p = "/en/login"
	}
	if next = SafeNext(next); next != "" {
		p += "?next=" + url.QueryEscape(next)
	}
	return p
}

// SafeNext keeps next only when it is a local path ("/studio?x=1"), never another
// origin ("//evil.example", "https://…", "/\evil"), so login cannot redirect away.
func SafeNext(next string) string {
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return next
}

// RequireLogin sends a visitor to the login page (GET) or refuses the request (other
// methods, 401 page); logged-in users pass.
func (k *Kit) RequireLogin(c *gin.Context) {
	if CurrentUser(c) != nil {
		c.Next()
		return
	}
	lang := LangOfPath(c.Request.URL.Path)
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		Redirect(c, LoginPath(lang, c.Request.URL.RequestURI()))
		return
	}
	c.Abort()
	k.RenderError(c, lang, apperr.New(apperr.Unauthorized, "error.login_required"))
}

// RequireRole lets through users with one of roles; others get a 403 page. Use after
// RequireLogin.
func (k *Kit) RequireRole(roles ...account.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := CurrentUser(c)
		if u != nil && slices.Contains(roles, u.Role) {
			c.Next()
			return
		}
		c.Abort()
		k.RenderError(c, k.UserLang(c), apperr.ErrForbidden)
	}
}

// UserLang is the language of a private page: ?lang= when valid, else the user's
// preference, else Spanish.
func (k *Kit) UserLang(c *gin.Context) string {
	if l := c.Query("lang"); l == "es" || l == "en" {
		return l
	}
	if u := CurrentUser(c); u != nil && (u.Lang == "es" || u.Lang == "en") {
		return u.Lang
	}
	return LangOfPath(c.Request.URL.Path)
}

// ParamID reads a positive integer path parameter; anything else is a 404.
func ParamID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// CartToken is the anonymous cart's token from its cookie ("" when there is none).
func (k *Kit) CartToken(c *gin.Context) string {
	t, err := c.Cookie(k.cookie.cart)
	if err != nil || len(t) > 128 {
		return ""
	}
	return t
}

// SetCartCookie keeps an anonymous cart for 30 days: HttpOnly, SameSite=Lax, Secure
// and __Host- over https, like the session.
func (k *Kit) SetCartCookie(c *gin.Context, token string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: k.cookie.cart, Value: token, Path: "/", MaxAge: 30 * 24 * 3600,
		HttpOnly: true, Secure: k.cookie.secure, SameSite: http.SameSiteLaxMode})
}

// ClearCartCookie forgets the anonymous cart (merged into the user's at login).
func (k *Kit) ClearCartCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: k.cookie.cart, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: k.cookie.secure, SameSite: http.SameSiteLaxMode})
}
