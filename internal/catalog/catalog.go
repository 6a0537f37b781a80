// Package catalog owns workshops, categories, products, variants and photo records, and
// the queries the storefront browses and searches them with. It does not import Gin.
package catalog

import (
	"time"

	"github.com/lib/pq"

	"github.com/libres/storefront/internal/money"
)

// FacilityKind is where a workshop works (database enum facility_kind).
type FacilityKind string

// The facility kinds.
const (
	FacilityPrison      FacilityKind = "prison"
	FacilityPostRelease FacilityKind = "post_release"
)

// FacilityKinds lists every facility kind, for validation and form choices.
var FacilityKinds = []FacilityKind{FacilityPrison, FacilityPostRelease}

// Status is a product's publication state (database enum product_status). Only active
// products of active workshops are on sale.
type Status string

// The product statuses.
const (
	StatusDraft    Status = "draft"
	StatusActive   Status = "active"
	StatusArchived Status = "archived"
)

// Statuses lists every product status in the order a product moves through them.
var Statuses = []Status{StatusDraft, StatusActive, StatusArchived}

// TaxClass says which IVA rule applies to a product (database enum tax_class).
type TaxClass string

// The tax classes: standard IVA (19%, included in prices) or exempt (goods made in prison
// workshops with the prison authority's certificate).
const (
	TaxStandard TaxClass = "standard"
	TaxExempt   TaxClass = "exempt"
)

// TaxClasses lists every tax class.
var TaxClasses = []TaxClass{TaxStandard, TaxExempt}

// Workshop is a production workshop inside a facility. Credit goes to the workshop;
// individuals appear only as far as the consent record allows.
type Workshop struct {
	ID           int64        `db:"id"`
	Slug         string       `db:"slug"`
	Name         string       `db:"name"`
	Facility     string       `db:"facility"`
	FacilityKind FacilityKind `db:"facility_kind"`
	City         string       `db:"city"`
	Department   string       `db:"department"`
	CraftES      string       `db:"craft_es"`
	CraftEN      string       `db:"craft_en"`
	StoryES      string       `db:"story_es"`
	StoryEN      string       `db:"story_en"`
	Active       bool         `db:"active"`
	Consent
	ProductCount int `db:"product_count"`
}

// Consent records what a workshop's members agreed may be shown publicly.
type Consent struct {
	WorkshopPhotos bool       `db:"consent_workshop_photos"`
	FirstNames     bool       `db:"consent_first_names"`
	PeoplePhotos   bool       `db:"consent_people_photos"`
	RecordedOn     *time.Time `db:"consent_recorded_on"`
	RecordedBy     string     `db:"consent_recorded_by"`
	Note           string     `db:"consent_note"`
}

// Craft returns the craft in lang.
func (w Workshop) Craft(lang string) string { return pick(lang, w.CraftES, w.CraftEN) }

// Story returns the story in lang.
func (w Workshop) Story(lang string) string { return pick(lang, w.StoryES, w.StoryEN) }

// Category groups products (shoes, clothing, bags and accessories, home and crafts).
type Category struct {
	ID       int64  `db:"id"`
	Key      string `db:"key"`
	SlugES   string `db:"slug_es"`
	SlugEN   string `db:"slug_en"`
	NameES   string `db:"name_es"`
	NameEN   string `db:"name_en"`
	DescES   string `db:"description_es"`
	DescEN   string `db:"description_en"`
	Position int    `db:"position"`
}

// Slug returns the category's URL slug in lang.
func (c Category) Slug(lang string) string { return pick(lang, c.SlugES, c.SlugEN) }

// Name returns the category's name in lang.
func (c Category) Name(lang string) string { return pick(lang, c.NameES, c.NameEN) }

// Description returns the category's description in lang.
func (c Category) Description(lang string) string { return pick(lang, c.DescES, c.DescEN) }

// Product is an item for sale. Prices include IVA.
type Product struct {
	ID          int64      `db:"id"`
	Slug        string     `db:"slug"`
	WorkshopID  int64      `db:"workshop_id"`
	CategoryID  int64      `db:"category_id"`
	TitleES     string     `db:"title_es"`
	TitleEN     string     `db:"title_en"`
	DescES      string     `db:"description_es"`
	DescEN      string     `db:"description_en"`
	Status      Status     `db:"status"`
	PriceMinor  int64      `db:"price_minor"`
	Currency    string     `db:"currency"`
	TaxClass    TaxClass   `db:"tax_class"`
	Featured    bool       `db:"featured"`
	PublishedAt *time.Time `db:"published_at"`
	UpdatedAt   time.Time  `db:"updated_at"`
	// Version counts saves; the editor sends back the version it loaded (optimistic
	// locking). Storefront queries leave it 0.
	Version int `db:"version"`

	Variants []Variant `db:"-"`
	Photos   []Photo   `db:"-"`
}

// Title returns the title in lang.
func (p Product) Title(lang string) string { return pick(lang, p.TitleES, p.TitleEN) }

// Description returns the description in lang.
func (p Product) Description(lang string) string { return pick(lang, p.DescES, p.DescEN) }

// Price returns the base price.
func (p Product) Price() money.Amount { return money.Amount{Minor: p.PriceMinor, Currency: p.Currency} }

// InStock reports whether any variant has stock.
func (p Product) InStock() bool {
	for _, v := range p.Variants {
		if v.Stock > 0 {
			return true
		}
	}
	return false
}

// Variant is a sellable SKU of a product: a size and/or colour with its own stock.
type Variant struct {
	ID            int64  `db:"id"`
	ProductID     int64  `db:"product_id"`
	SKU           string `db:"sku"`
	Size          string `db:"size"`
	ColorES       string `db:"color_es"`
	ColorEN       string `db:"color_en"`
	PriceOverride *int64 `db:"price_override_minor"`
	Stock         int    `db:"stock_on_hand"`
	Position      int    `db:"position"`
}

// Color returns the colour in lang.
func (v Variant) Color(lang string) string { return pick(lang, v.ColorES, v.ColorEN) }

// Photo is a stored product photo: Key is the object-key prefix of its renditions.
type Photo struct {
	ID         int64         `db:"id"`
	ProductID  int64         `db:"product_id"`
	Key        string        `db:"object_key"`
	Width      int           `db:"width"`
	Height     int           `db:"height"`
	Renditions pq.Int64Array `db:"renditions"`
	WebP       bool          `db:"webp"` // a WebP rendition is stored beside each JPEG one
	AltES      string        `db:"alt_es"`
	AltEN      string        `db:"alt_en"`
	Position   int           `db:"position"`
}

// Alt returns the alt text in lang.
func (p Photo) Alt(lang string) string { return pick(lang, p.AltES, p.AltEN) }

func pick(lang, es, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return es
}
