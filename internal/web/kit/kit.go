// Package kit is what every audience's web package shares: templates parsed once and
// rendered into a buffer, the layout's page model, error pages (one place turns errors
// into statuses), middleware (request id, logging, recovery, security headers,
// cross-origin protection), sessions and role checks, forms and flash messages.
// *gin.Context never leaves the web packages.
package kit

import (
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/i18n"
)

// Options configure a Kit; main builds them from configuration.
type Options struct {
	Log          *slog.Logger
	WebFS        fs.FS         // web.FS: templates, static, content, locales
	BaseURL      string        // public origin, no trailing slash
	MediaBaseURL string        // public base of photo URLs
	Demo         bool          // the catalog is sample data
	Seller       config.Seller // who sells, shown in every footer
	// Nav fills the layout's navigation for a page (the storefront's categories and
	// links); nil leaves it empty.
	Nav func(c *gin.Context, lang string) Nav
	// Sessions resolves session cookies to users; nil means nobody is ever logged in.
	Sessions Sessions
	// FormTargets are other origins a form may lead to (through a redirect): the card
	// provider's hosted checkout. CSP form-action allows only these besides the app.
	FormTargets []string
}

// Kit holds the parsed templates, message catalogs and options.
type Kit struct {
	Options
	Msgs   *i18n.Catalog
	views  *views
	assets *assets
	cookie cookieNames
}

// New parses templates and message catalogs once; errors here stop start-up.
func New(o Options) (*Kit, error) {
	msgs, err := i18n.Load(o.WebFS)
	if err != nil {
		return nil, err
	}
	as, err := loadAssets(o.WebFS)
	if err != nil {
		return nil, err
	}
	k := &Kit{Options: o, Msgs: msgs, assets: as, cookie: cookieNamesFor(o.BaseURL)}
	if k.views, err = parseViews(o.WebFS, k.funcs()); err != nil {
		return nil, err
	}
	return k, nil
}

// T returns the message for key in lang.
func (k *Kit) T(lang, key string, args ...any) string { return k.Msgs.T(lang, key, args...) }

// AssetHandler serves web/static with content-hashed URLs.
func (k *Kit) AssetHandler() gin.HandlerFunc { return k.assets.handler() }

func (k *Kit) funcs() template.FuncMap {
	return template.FuncMap{
		"t":     func(lang, key string, args ...any) string { return k.Msgs.T(lang, key, args...) },
		"asset": func(p string) string { return k.assets.url(p) },
		"add":   func(a, b int) int { return a + b },
		"sub":   func(a, b int) int { return a - b },
		"dict":  dict,
		"slot":  slotFunc,
		// fielderr returns the message for a form field's error, "" when it has none.
		"fielderr": func(lang string, errs map[string]string, name string) string {
			if key, ok := errs[name]; ok {
				return k.Msgs.T(lang, key)
			}
			return ""
		},
	}
}

// Health answers liveness: the process is up.
func Health(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }
