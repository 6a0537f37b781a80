package shop

import (
	"html/template"

	"github.com/libres/storefront/internal/web/kit"
)

// The storefront's view models: what each page template receives in kit.Page.Data.
// Shared shapes (Img, Option, CategoryLink) come from kit.
type (
	// Img is a responsive product photo.
	Img = kit.Img
	// Option is one choice in a select, radio or checkbox group.
	Option = kit.Option
	// CategoryLink is a category in navigation or filters.
	CategoryLink = kit.CategoryLink
	// ErrorView is the error page.
	ErrorView = kit.ErrorView
)

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
	Preview            bool   // the studio's preview of a product that may not be on sale
	CartAction         string // add-to-cart form target ("" while the shop has no cart)
	SingleVariant      int64  // the only variant, sent without a choice
	// TagVisit is a visit from a hang-tag's QR code (?src=tag): the workshop's story
	// and its public figures come first, what a person holding the item wants to know.
	TagVisit bool
	Impact   []ImpactFigure // the workshop's public figures, on a tag visit
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
