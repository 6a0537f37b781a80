package server

import (
	"html/template"

	"github.com/libres/storefront/internal/config"
)

// Page is what every template receives. Handlers fill Page and put the page-specific
// view model in Data. Every user-visible string is either data from the catalog (already
// in the page's language) or goes through the message catalog with {{t $.Lang "key"}}.
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
	NoIndex     bool // error pages: <meta name="robots" content="noindex">
	Nav         Nav
	Query       string // current search text (header search box)
	Data        any    // page view model, one of the *View types below
}

// Alternate is one hreflang link.
type Alternate struct{ Lang, Href string } // Lang: "es-CO", "en", "x-default"

// Nav holds the localised URLs the layout links to.
type Nav struct {
	Home, Catalog, Search, Workshops         string
	About, Shipping, Privacy, Terms, Contact string
	Categories                               []CategoryLink
}

// Img is a responsive product photo.
type Img struct {
	Src    string // 640 px rendition
	SrcSet string // "…/320.jpg 320w, …/640.jpg 640w, …/1280.jpg 1280w"
	Large  string // largest rendition (gallery link, OpenGraph)
	Alt    string
	Width  int // intrinsic size of Src (for layout stability)
	Height int
}

// CategoryLink is a category in navigation or filters.
type CategoryLink struct {
	Name, Description, URL string
	Active                 bool
	Image                  *Img // may be nil
}

// Option is one choice in a select, radio or checkbox group.
type Option struct {
	Value, Label string
	Selected     bool
}

// ProductCard is a product in a grid.
type ProductCard struct {
	URL, Title  string
	Workshop    string // workshop name (credit)
	WorkshopURL string
	Price       string // formatted for the locale, e.g. "$ 189.000" or "COP 189,000"
	Image       *Img   // may be nil
	SoldOut     bool
	Sizes       string // e.g. "35–44" or "" when the product has no sizes
	Lang        string // page language, for the card's own messages
	Eager       bool   // photo likely on screen at first paint: not lazy-loaded
}

// PageLink is one link in pagination.
type PageLink struct {
	N       int
	URL     string
	Current bool
}

// HomeView is the home page.
type HomeView struct {
	Hero       *Img // a featured product photo as the hero
	HeroURL    string
	Featured   []ProductCard
	Categories []CategoryLink
	Workshops  []WorkshopCard
	Newest     []ProductCard
}

// ListingView is a category page, the whole catalog, or search results.
type ListingView struct {
	Heading     string // e.g. category name, "Catálogo", or `Resultados para "café"` (localised)
	Intro       string // category description, may be empty
	IsSearch    bool
	Query       string // search text as typed (re-shown in the form)
	FormAction  string // the listing's own path (GET form)
	Categories  []CategoryLink
	Workshops   []Option // value = workshop slug; first option is "all"
	Sizes       []Option // value = size label
	InStock     bool
	Min, Max    string // price range in whole pesos, as the user typed them
	Sorts       []Option
	Products    []ProductCard
	Total       int
	Page, Pages int
	PrevURL     string // empty on first page
	NextURL     string // empty on last page
	PageLinks   []PageLink
	Active      []ActiveFilter // filters in force, each with a link that removes it
	ClearURL    string         // listing without filters
	Notices     []string       // localised messages about ignored input ("Precio mínimo no válido: se ignoró")
}

// ActiveFilter is a filter in force, shown as a chip that removes it.
type ActiveFilter struct {
	Label, RemoveURL string
}

// SizeOption is one choice of the size picker on a product page.
type SizeOption struct {
	VariantID int64
	Label     string // "38", "M", "Negro / M" …
	Stock     int
	SoldOut   bool
	Low       bool   // 1–3 left
	Price     string // this option's own price, when it differs from the product's
	Selected  bool
}

// ProductView is a product page.
type ProductView struct {
	Title, Description string
	Price              string
	TaxNote            string // "IVA incluido" / "Exento de IVA" (localised)
	Category           CategoryLink
	Photos             []Img
	Options            []SizeOption
	OptionKind         string // "size", "color", "variant" or "" (single variant)
	InStock            bool
	SKU                string // of the single variant, when there is only one
	Workshop           WorkshopCard
	Related            []ProductCard
}

// WorkshopCard is a short credit for a workshop.
type WorkshopCard struct {
	Name, URL, Facility, City, Craft string
	FacilityKind                     string // localised "Centro penitenciario" / "Prison", …
	Story                            string
	ProductCount                     int
}

// WorkshopView is a workshop page.
type WorkshopView struct {
	Workshop    WorkshopCard
	ConsentNote string // localised: what the workshop agreed may be shown
	Products    []ProductCard
}

// WorkshopsView lists all workshops.
type WorkshopsView struct {
	Workshops []WorkshopCard
}

// ContentView is a static page from web/content/{lang}/NAME.html (trusted, ours).
type ContentView struct {
	Heading string
	Body    template.HTML
}

// ErrorView is the 404, 400 and 500 page.
type ErrorView struct {
	Status    int
	Heading   string
	Message   string
	RequestID string
}
