// Package corporate is the companies' room: the public page of what the foundation's
// workshops make for companies (/corporate, /en/corporate) with the company sign-up, and
// for a company's people their quotes (/corporate/quotes/...): request, versions and
// proof, acceptance, the message thread, payments and documents. Every read is scoped by
// the logged-in user's company: another company's quote is not found.
package corporate

import (
	"crypto/rand"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// Handler is the corporate room.
type Handler struct {
	*kit.Kit
	Quotes   *quote.Service
	Accounts *account.Service
	// Docs mounts the printable and PDF documents of a quote under /corporate/quotes/:id
	// (set by the site); nil leaves them out.
	Docs func(r gin.IRouter)
	// Transfer is the bank transfer instructions by language (the orders' ones); nil
	// shows a generic message asking to write to the foundation.
	Transfer map[string]string
	// KeepKey signs the files a request form keeps across a failed submit (at least 32
	// bytes); nil: a random key for this process, so a form re-shown by one process and
	// sent to another asks for its files again.
	KeepKey []byte

	keyOnce sync.Once
	key     []byte
}

// paths are the public pages in one language; the company area (quotesPath) is one
// path in the user's language, like the other back offices.
type paths struct{ Home, Signup string }

var routes = map[string]paths{
	"es": {Home: "/corporate", Signup: "/corporate/signup"},
	"en": {Home: "/en/corporate", Signup: "/en/corporate/signup"},
}

const quotesPath = "/corporate/quotes"

// Routes registers the room on r (the session group at the root).
func (h *Handler) Routes(r gin.IRouter) {
	for _, lang := range i18n.Languages {
		p := routes[lang]
		r.GET(p.Home, h.Handle(lang, h.home))
		r.GET(p.Signup, h.Handle(lang, h.signupForm))
		r.POST(p.Signup, h.Handle(lang, h.signup))
	}
	g := r.Group(quotesPath, h.RequireLogin, h.RequireRole(account.RoleCorporate))
	g.GET("", h.HandlePrivate(h.list))
	g.POST("", h.HandlePrivate(h.create))
	g.GET("/new", h.HandlePrivate(h.newForm))
	g.GET("/:id", h.HandlePrivate(h.show))
	g.GET("/:id/files/:file", h.HandlePrivate(h.file))
	g.POST("/:id/accept", h.HandlePrivate(h.accept))
	g.POST("/:id/decline", h.HandlePrivate(h.decline))
	g.POST("/:id/messages", h.HandlePrivate(h.message))
	g.POST("/:id/pay", h.HandlePrivate(h.pay))
	if h.Docs != nil {
		h.Docs(g)
	}
}

// alt maps both languages to one public page's path.
func alt(page func(paths) string) map[string]string {
	return map[string]string{"es": page(routes["es"]), "en": page(routes["en"])}
}

// withLang keeps an explicit ?lang= on the company area's links, as the back offices do.
func withLang(c *gin.Context, path string) string {
	l := c.Query("lang")
	if l != "es" && l != "en" {
		return path
	}
	if strings.Contains(path, "?") {
		return path + "&lang=" + l
	}
	return path + "?lang=" + l
}

func quotePath(id int64) string { return quotesPath + "/" + strconv.FormatInt(id, 10) }

// keepKey is the key that signs kept files: KeepKey, or a random one made once.
func (h *Handler) keepKey() []byte {
	h.keyOnce.Do(func() {
		if len(h.KeepKey) >= 32 {
			h.key = h.KeepKey
			return
		}
		h.key = make([]byte, 32)
		_, _ = rand.Read(h.key)
	})
	return h.key
}
