package kit

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/i18n"
)

// Page is what every template receives. Handlers fill Page and put the page-specific
// view model in Data. Every user-visible string is either data already in the page's
// language or goes through the message catalog with {{t $.Lang "key"}}.
type Page struct {
	Lang        string // "es" or "en"
	Title       string // full <title>, already localised
	Description string // meta description
	Canonical   string // absolute URL of this page in this language
	Alternates  []Alternate
	SwitchURL   string // same page in the other language (language switcher)
	SwitchLang  string // "en" or "es": the language SwitchURL leads to
	OGType      string // "website" or "product"
	OGImage     string // absolute URL, may be empty
	JSONLD      any    // marshalled into <script type="application/ld+json"> when not nil
	Demo        bool   // the catalog is sample data: footer says so
	Seller      config.Seller
	NoIndex     bool // error pages, back offices: <meta name="robots" content="noindex">
	Nav         Nav
	Query       string // current search text (header search box)
	// Per-visitor parts, shown only in the layout's slots (Visitor): a cached catalog
	// page leaves markers there (Slots) and each answer splices the visitor's own in.
	User  *SessionUser
	Flash *Flash
	Slots bool // render slot markers instead of the visitor's parts (kit.Capture)
	Data  any  // page view model
}

// Alternate is one hreflang link.
type Alternate struct{ Lang, Href string } // Lang: "es-CO", "en", "x-default"

// Nav holds the localised URLs the layout links to.
type Nav struct {
	Home, Catalog, Search, Workshops         string
	About, Shipping, Privacy, Terms, Contact string
	Account, Cart                            string
	CartCount                                int // items in the visitor's cart (0: none)
	Categories                               []CategoryLink
}

// CategoryLink is a category in navigation or filters.
type CategoryLink struct {
	Name, Description, URL string
	Active                 bool
	Image                  *Img // may be nil
}

// Img is a responsive photo.
type Img struct {
	Src    string // 640 px rendition
	SrcSet string // "…/320.jpg 320w, …/640.jpg 640w, …/1280.jpg 1280w"
	// WebPSet is the same widths as WebP ("…/320.webp 320w, …"), for a <picture>
	// <source>; empty for photos stored before WebP renditions existed.
	WebPSet string
	Large   string // largest rendition (gallery link, OpenGraph)
	Alt     string
	Width   int // intrinsic size of Src (for layout stability)
	Height  int
}

// Option is one choice in a select, radio or checkbox group.
type Option struct {
	Value, Label string
	Selected     bool
}

// ErrorView is the error page.
type ErrorView struct {
	Status    int
	Heading   string
	Message   string
	RequestID string
	RetryIn   string // localised wait before trying again (429)
}

// Page builds the common part of every page. alt maps each language to this page's path
// in that language (with query when it matters); nil means "home" for the switcher.
func (k *Kit) Page(c *gin.Context, lang, title, description string, alt map[string]string) *Page {
	if alt == nil {
		alt = map[string]string{"es": "/", "en": "/en"}
	}
	other := OtherLang(lang)
	p := &Page{
		Lang:        lang,
		Title:       k.Msgs.T(lang, "title.suffix", title),
		Description: description,
		Canonical:   k.BaseURL + alt[lang],
		SwitchURL:   alt[other],
		SwitchLang:  other,
		OGType:      "website",
		Demo:        k.Demo,
		Seller:      k.Seller,
		User:        CurrentUser(c),
	}
	if k.Options.Nav != nil {
		p.Nav = k.Options.Nav(c, lang)
	}
	for _, l := range i18n.Languages {
		p.Alternates = append(p.Alternates, Alternate{Lang: Hreflang(l), Href: k.BaseURL + alt[l]})
	}
	p.Alternates = append(p.Alternates, Alternate{Lang: "x-default", Href: k.BaseURL + alt[i18n.Default]})
	return p
}

// PrivatePage is a page for one person (account, studio, admin): not indexed, no
// canonical or alternates, with the user and any flash message filled in.
func (k *Kit) PrivatePage(c *gin.Context, lang, title string, alt map[string]string) *Page {
	p := k.Page(c, lang, title, "", alt)
	p.NoIndex = true
	p.Canonical, p.Alternates = "", nil
	p.Flash = k.TakeFlash(c)
	c.Header("Cache-Control", "private, no-store")
	return p
}

// Absolute makes a site path absolute (OpenGraph wants absolute URLs).
func (k *Kit) Absolute(u string) string {
	if strings.HasPrefix(u, "/") {
		return k.BaseURL + u
	}
	return u
}

// OtherLang is the language the switcher leads to.
func OtherLang(lang string) string {
	if lang == "en" {
		return "es"
	}
	return "en"
}

// Hreflang is the language tag used in hreflang and og:locale for a shop language.
func Hreflang(lang string) string {
	if lang == "es" {
		return "es-CO"
	}
	return "en"
}

// LangOfPath is the language of a URL path: /en and /en/… are English.
func LangOfPath(p string) string {
	if p == "/en" || strings.HasPrefix(p, "/en/") {
		return "en"
	}
	return i18n.Default
}

// WithQuery appends a raw query to a path.
func WithQuery(path, rawQuery string) string {
	if rawQuery == "" {
		return path
	}
	return path + "?" + strings.TrimPrefix(rawQuery, "?")
}

// Redirect sends a 303 to a local path (Post/Redirect/Get).
func Redirect(c *gin.Context, path string) {
	c.Redirect(http.StatusSeeOther, path)
	c.Abort()
}
