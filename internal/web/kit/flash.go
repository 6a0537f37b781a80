package kit

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// Flash is a one-time message shown on the page after a redirect (Post/Redirect/Get).
type Flash struct {
	Kind    string // "ok" or "error"
	Message string // localised
}

// SetFlash stores a message key for the next page. Only a key from the message catalog
// travels in the cookie, so the cookie cannot put text of its own on a page.
func (k *Kit) SetFlash(c *gin.Context, kind, key string) {
	if kind != "ok" && kind != "error" {
		kind = "ok"
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: k.cookie.flash, Value: url.QueryEscape(kind + ":" + key),
		Path: "/", MaxAge: 60, HttpOnly: true, Secure: k.cookie.secure, SameSite: http.SameSiteLaxMode})
}

// TakeFlash reads and clears the pending message, nil when there is none.
func (k *Kit) TakeFlash(c *gin.Context) *Flash {
	raw, err := c.Cookie(k.cookie.flash)
	if err != nil || raw == "" {
		return nil
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: k.cookie.flash, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: k.cookie.secure, SameSite: http.SameSiteLaxMode})
	v, err := url.QueryUnescape(raw)
	if err != nil {
		return nil
	}
	kind, key, ok := strings.Cut(v, ":")
	if !ok || !k.Msgs.Has(key) {
		return nil
	}
	return &Flash{Kind: kind, Message: k.T(k.UserLang(c), key)}
}
