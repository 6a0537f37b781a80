package corporate

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/web/kit"
)

// HomeView is the public page for companies.
type HomeView struct {
	Products  []string // message keys of what the workshops make
	Steps     []string // message keys of how it works, in order
	Workshops string   // the workshops page
	// The call to action: sign up (and log in) for visitors, the quote form for a
	// company's people.
	SignupURL, LoginURL string
	QuotesURL, NewURL   string
}

func (h *Handler) home(c *gin.Context, lang string) error {
	pg := h.Page(c, lang, h.T(lang, "corporate.home.title"), h.T(lang, "corporate.home.description"),
		alt(func(p paths) string { return p.Home }))
	v := HomeView{
		Products: []string{"corporate.home.product.uniforms", "corporate.home.product.polos",
			"corporate.home.product.aprons", "corporate.home.product.caps", "corporate.home.product.totes"},
		Steps: []string{"corporate.step.request", "corporate.step.quote", "corporate.step.deposit",
			"corporate.step.production", "corporate.step.delivery"},
		Workshops: pg.Nav.Workshops,
	}
	if u := kit.CurrentUser(c); u != nil && u.Role == account.RoleCorporate {
		v.QuotesURL, v.NewURL = quotesPath, quotesPath+"/new"
		if lang != u.Lang {
			v.QuotesURL, v.NewURL = v.QuotesURL+"?lang="+lang, v.NewURL+"?lang="+lang
		}
		// The call to action is this visitor's: not for shared caches.
		c.Header("Cache-Control", "private, no-store")
	} else {
		v.SignupURL = routes[lang].Signup
		v.LoginURL = kit.LoginPath(lang, quotesPath)
	}
	pg.JSONLD = map[string]any{
		"@context": "https://schema.org", "@type": "Service", "name": pg.Title,
		"serviceType": h.T(lang, "corporate.home.service_type"), "areaServed": "CO",
		"provider": map[string]any{"@type": "Organization", "name": h.Seller.Name}, "url": pg.Canonical,
		"description": pg.Description,
	}
	pg.Data = v
	return h.Render(c, http.StatusOK, "corporate/home", pg)
}
