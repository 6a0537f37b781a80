// Package site assembles the web side: the shared middleware, then each audience's room
// (shop, accounts, studio, admin) under its own middleware, plus the operational routes
// (health, readiness, static files, local photos). Its route list is what the
// authorization tests walk, so a new route cannot escape them.
package site

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/metrics"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/tags"
	"github.com/libres/storefront/internal/web/accounts"
	"github.com/libres/storefront/internal/web/admin"
	"github.com/libres/storefront/internal/web/corporate"
	"github.com/libres/storefront/internal/web/docs"
	"github.com/libres/storefront/internal/web/donate"
	"github.com/libres/storefront/internal/web/hooks"
	"github.com/libres/storefront/internal/web/kit"
	"github.com/libres/storefront/internal/web/pagecache"
	"github.com/libres/storefront/internal/web/shop"
	"github.com/libres/storefront/internal/web/studio"
)

// Deps are what the web side needs, built by main.
type Deps struct {
	Log          *slog.Logger
	DB           *sqlx.DB
	Catalog      *catalog.Store
	WebFS        fs.FS        // web.FS: templates, static, content, locales
	BaseURL      string       // public origin, no trailing slash
	MediaBaseURL string       // public base of photo URLs
	MediaHandler http.Handler // serves /media/ when photos are on local disk; nil with S3
	// PrivateFiles serves signed links to private files (media.PrivatePath) when they
	// are on local disk; nil with S3, whose links point at the server itself.
	PrivateFiles http.Handler
	Demo         bool          // the catalog is sample data
	Seller       config.Seller // who sells, shown in every footer
	Accounts     *account.Service
	SessionMax   time.Duration // a session's absolute lifetime (the cookie's)
	Editor       *catalog.Editor
	Photos       media.Store // where uploaded photos go
	// TrustedProxies may set X-Forwarded-For (LIBRES_TRUSTED_PROXIES); none by default.
	TrustedProxies []string
	// Orders runs carts and orders (nil: the shop only browses).
	Orders *order.Service
	// Card is the card payment provider (Stripe); nil when not configured.
	Card payment.Provider
	// Stripe verifies Stripe's webhooks; nil leaves /webhooks/stripe unmounted.
	Stripe *payment.Stripe
	// Ledger is the workshops' accounts: statements (studio), overview and payouts
	// (admin), public impact figures (shop); nil leaves those pages out.
	Ledger *ledger.Ledger
	// Quotes runs corporate quotes (the corporate room, staff's quotes, production jobs
	// in the studio); nil leaves them out.
	Quotes *quote.Service
	// Donations runs gifts to the foundation (/donar, /en/donate, /admin/donations and
	// their webhook events); nil leaves them out.
	Donations *donation.Service
	// Pages keeps the catalog pages rendered (its Listen runs beside the server); nil
	// renders every request.
	Pages *pagecache.Cache
	// Metrics counts requests by route and webhook failures; nil: none (the metrics
	// are served on a listener of their own, never by this handler).
	Metrics *metrics.Metrics
}

// Site is the assembled web side.
type Site struct {
	Deps
	Kit       *kit.Kit
	Shop      *shop.Handler
	Accounts  *accounts.Handler
	Studio    *studio.Handler
	Admin     *admin.Handler
	Corporate *corporate.Handler
	Docs      *docs.Handler
}

// New parses templates and message catalogs once and builds each room; errors here
// stop start-up.
func New(d Deps) (*Site, error) {
	s := &Site{Deps: d}
	s.Shop = shop.New(nil, d.Catalog)
	s.Shop.Orders, s.Shop.Card, s.Shop.Accounts, s.Shop.Ledger, s.Shop.Pages = d.Orders, d.Card, d.Accounts, d.Ledger, d.Pages
	o := kit.Options{Log: d.Log, WebFS: d.WebFS, BaseURL: d.BaseURL, MediaBaseURL: d.MediaBaseURL,
		Demo: d.Demo, Seller: d.Seller, Nav: s.Shop.Navigation}
	if d.Accounts != nil {
		o.Sessions = sessions{d.Accounts}
	}
	if d.Card != nil {
		// Placing a card order redirects the form to Stripe's hosted checkout, which
		// browsers check against form-action.
		o.FormTargets = []string{"https://checkout.stripe.com"}
	}
	k, err := kit.New(o)
	if err != nil {
		return nil, err
	}
	s.Kit, s.Shop.Kit = k, k
	s.Accounts = &accounts.Handler{Kit: k, Accounts: d.Accounts, SessionMax: d.SessionMax, AfterLogin: s.Shop.MergeCart,
		Orders: d.Orders}
	s.Studio = &studio.Handler{Kit: k, Catalog: d.Catalog, Editor: d.Editor, Photos: d.Photos,
		Preview: s.Shop.Preview, Base: "/studio", Ledger: d.Ledger}
	s.Admin = &admin.Handler{Kit: k, Accounts: d.Accounts, Catalog: d.Catalog, Editor: d.Editor, AuditLog: d.DB, Orders: d.Orders, Card: d.Card,
		Ledger: d.Ledger, Products: &studio.Handler{Kit: k, Catalog: d.Catalog, Editor: d.Editor, Photos: d.Photos,
			Preview: s.Shop.Preview, Base: "/admin", Ledger: d.Ledger}}
	s.Admin.Donations = d.Donations
	if d.Quotes != nil {
		s.Docs = &docs.Handler{Kit: k, Quotes: d.Quotes, Seller: d.Seller}
		s.Corporate = &corporate.Handler{Kit: k, Quotes: d.Quotes, Accounts: d.Accounts}
		if d.Orders != nil {
			o := d.Orders.Options()
			s.Docs.Transfer, s.Corporate.Transfer = o.ManualInstructions, o.ManualInstructions
			if len(o.LinkKey) > 0 {
				// Files kept across a refused request form are signed with a key every
				// replica shares (derived from the order link key), so the next submit
				// may reach any of them.
				derive := func(purpose string) []byte {
					m := hmac.New(sha256.New, o.LinkKey)
					m.Write([]byte(purpose))
					return m.Sum(nil)
				}
				s.Corporate.KeepKey = derive("libres corporate kept files")
				s.Admin.SetProofKey(derive("libres admin kept proof"))
			}
		}
		s.Studio.Quotes, s.Admin.Quotes = d.Quotes, d.Quotes
	}
	return s, nil
}

// Handler returns the Gin engine with every route.
func (s *Site) Handler() http.Handler { return s.Engine() }

// Engine builds the Gin engine with every route; its Routes() are the route list the
// authorization tests walk.
func (s *Site) Engine() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = false
	// The client address is the connection's unless it comes through a configured proxy:
	// an X-Forwarded-For from anyone else is ignored, so nobody dodges the per-address
	// login throttle by sending one. (Validated at start-up by config.)
	_ = r.SetTrustedProxies(s.TrustedProxies)
	k := s.Kit
	r.Use(k.RequestID, withRequestID, s.Metrics.Observe, k.LogRequests, k.Recover, k.SecurityHeaders(), k.CrossOrigin(), k.LimitBody(bodyLimits...))
	if s.Deps.Accounts != nil {
		// Who is logged in matters on every page now (the cart is theirs); a visitor
		// without a session cookie costs nothing.
		r.Use(k.LoadSession)
	}

	r.GET("/healthz", kit.Health)
	r.GET("/readyz", s.handleReady)
	r.GET("/static/*path", k.AssetHandler())
	r.HEAD("/static/*path", k.AssetHandler())
	if s.MediaHandler != nil {
		// Photos on local disk are served at the configured base path (default /media);
		// with an absolute base (a CDN pulling from the app) they stay at /media.
		mount := "/media"
		if strings.HasPrefix(s.MediaBaseURL, "/") {
			mount = s.MediaBaseURL
		}
		h := gin.WrapH(http.StripPrefix(mount, s.MediaHandler))
		r.GET(mount+"/*path", h)
		r.HEAD(mount+"/*path", h)
	}
	if s.PrivateFiles != nil {
		h := gin.WrapH(http.StripPrefix(media.PrivatePath, s.PrivateFiles))
		r.GET(media.PrivatePath+"/*path", h)
		r.HEAD(media.PrivatePath+"/*path", h)
	}
	s.Shop.Routes(r)
	if s.Deps.Donations != nil {
		(&donate.Handler{Kit: k, Donations: s.Deps.Donations, Settings: s.Deps.Catalog}).Routes(r)
	}
	s.Shop.TagRoutes(r, tags.NewStore(s.DB)) // hang-tags' short links /t/{code}
	if s.Deps.Accounts != nil {
		sessioned := r.Group("")
		s.Accounts.Routes(sessioned)
		s.Accounts.PrivacyRoutes(sessioned) // deletion requests by email, for guests too (Ley 1581)
		// The back offices: login first, then the role; each room checks ownership of
		// what it touches (a lead's workshops) itself.
		s.Studio.Routes(sessioned.Group("/studio", k.RequireLogin, k.RequireRole(account.RoleLead, account.RoleAdmin)))
		s.Admin.Routes(sessioned.Group("/admin", k.RequireLogin, k.RequireRole(account.RoleAdmin)))
		s.Studio.TagRoutes(sessioned.Group("/studio", k.RequireLogin, k.RequireRole(account.RoleLead, account.RoleAdmin)), tags.NewStore(s.DB))
		s.Admin.TagRoutes(sessioned.Group("/admin", k.RequireLogin, k.RequireRole(account.RoleAdmin)), tags.NewStore(s.DB))
		if s.Corporate != nil {
			// A company's people see their company's quotes only; staff see every quote.
			company := func(c *gin.Context) int64 {
				if u := kit.CurrentUser(c); u != nil {
					return u.CompanyID
				}
				return -1
			}
			s.Corporate.Docs = func(r gin.IRouter) { s.Docs.Routes(r, company) }
			s.Corporate.Routes(sessioned)
			s.Docs.Routes(sessioned.Group("/admin/quotes", k.RequireLogin, k.RequireRole(account.RoleAdmin)),
				func(*gin.Context) int64 { return 0 })
		}
	}
	if s.Deps.Stripe != nil && s.Deps.Orders != nil {
		// No session, no CSRF token: Stripe's signature on the raw body is the check.
		h := &hooks.Handler{Log: s.Log, Stripe: s.Deps.Stripe, Sink: s.Deps.Orders, OnFailure: s.Metrics.WebhookFailed}
		if s.Deps.Quotes != nil {
			h.Quotes = s.Deps.Quotes
		}
		if s.Deps.Donations != nil {
			h.Donations = s.Deps.Donations
		}
		h.Routes(r)
	}
	r.NoRoute(func(c *gin.Context) {
		k.RenderError(c, kit.LangOfPath(c.Request.URL.Path), apperr.ErrNotFound)
	})
	return r
}

// withRequestID puts the request id in the request's context, where the use cases find
// it: an email they queue carries it into its delivery job (notify.WithRequestID).
func withRequestID(c *gin.Context) {
	// Only requests that may change something queue emails; a page view (most of the
	// traffic, often from the page cache) skips the request's copy.
	if m := c.Request.Method; m != http.MethodGet && m != http.MethodHead {
		c.Request = c.Request.WithContext(notify.WithRequestID(c.Request.Context(), c.GetString(kit.RequestIDKey)))
	}
	c.Next()
}

// bodyLimits are the routes whose request body is not an ordinary form: those that
// take files, with what they may send, and the webhook. Every other route, a new one
// included, takes urlencoded forms of up to kit.MaxFormBytes and refuses multipart
// bodies (TestBodyLimits walks the route list and checks each).
var bodyLimits = []kit.BodyLimit{
	{Method: http.MethodPost, Path: "/studio/products/:id/photos", Max: maxPhotosBody, Files: true},
	{Method: http.MethodPost, Path: "/admin/products/:id/photos", Max: maxPhotosBody, Files: true},
	{Method: http.MethodPost, Path: "/corporate/quotes", Max: maxQuoteFilesBody, Files: true},
	{Method: http.MethodPost, Path: "/admin/quotes/:id/price", Max: quote.MaxFileSize + kit.MaxFormBytes, Files: true},
	{Method: http.MethodPost, Path: hooks.Path, Max: hooks.MaxBody, Raw: true},
}

const (
	// maxPhotosBody bounds one photo upload: several photos of up to
	// media.MaxUploadBytes each (the handler cuts each file at that).
	maxPhotosBody = 64 << 20
	// maxQuoteFilesBody bounds a quote request with its files (up to quote.MaxFileSize
	// each, checked by the handler): three at the limit, or more smaller ones.
	maxQuoteFilesBody = 64 << 20
)

// sessions adapts the account service to the kit's session lookup.
type sessions struct{ a *account.Service }

func (s sessions) SessionUser(ctx context.Context, token string) (kit.SessionUser, error) {
	u, _, err := s.a.SessionUser(ctx, token)
	if err != nil {
		return kit.SessionUser{}, err
	}
	su := kit.SessionUser{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Lang: u.Lang, WorkshopIDs: u.WorkshopIDs}
	if u.CompanyID != nil {
		su.CompanyID = *u.CompanyID
	}
	return su, nil
}

func (s *Site) handleReady(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.Catalog.Ping(ctx); err != nil {
		s.Log.Warn("readiness: database unreachable", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "database": "unreachable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "database": "ok"})
}
