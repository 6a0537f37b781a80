// Package seed builds the demo catalog: sample workshops, products and generated photos.
package seed

// The workshops and products here are samples for demonstrations and tests,
// not the foundation's real inventory. Facilities are named after the
// foundation's public material; people are never named, and each workshop
// carries the consent level that decides what the storefront may show.

import (
	"fmt"
	"image/color"
	"slices"

	"github.com/libres/storefront/internal/catalog"
)

// Consent records what a workshop agreed may be shown about it. Without
// recorded consent the store credits the workshop only.
type Consent struct {
	ShowWorkshopPhotos bool   // photos of the workshop space, no people
	ShowFirstNames     bool   // makers' first names may be shown
	ShowPeoplePhotos   bool   // photos of people may be shown
	RecordedOn         string // "2024-03-11"
	RecordedBy         string // role, e.g. "Coordinación de talleres" — not a person's full name
	Note               string // what was agreed, short, Spanish
}

// Workshop is a production workshop inside a facility.
type Workshop struct {
	Slug, Name, Facility    string
	FacilityKind            catalog.FacilityKind
	City, Department, Craft string // Craft in Spanish, short
	CraftEN                 string
	StoryES, StoryEN        string // 2-4 sentences each, no individual's names
	Consent                 Consent
}

// Variant is one purchasable size/colour of a product.
type Variant struct {
	SKU, Size, Color, ColorEN string
	Stock                     int
	PriceOverrideCOP          int64 // 0 = none, whole pesos
}

// Art tells art.go what to draw for a product's photos. Palette roles:
// main material, second material (sole, trim, lining), accent (laces,
// stitching, print) and an optional extra pattern colour.
type Art struct {
	Kind    string
	Palette []color.RGBA
}

// Product is a catalog item with its variants and photo description.
type Product struct {
	Slug, Workshop, Category         string // Workshop is a workshop slug, Category a category slug
	TitleES, TitleEN, DescES, DescEN string
	PriceCOP                         int64 // whole pesos including IVA
	TaxClass                         catalog.TaxClass
	Featured                         bool
	Variants                         []Variant
	Art                              Art
	AltES, AltEN                     string // photo alt text describing the photo
	DaysAgo                          int    // how long ago it was listed (for "newest" sort)
}

// Category groups products on the storefront.
type Category struct {
	Slug, NameES, NameEN, DescES, DescEN string
	Position                             int
}

// Categories returns the storefront categories in display order.
func Categories() []Category {
	return []Category{
		{"shoes", "Calzado", "Shoes",
			"Zapatos, botas, sandalias y alpargatas de cuero y lona, cosidos a mano en talleres de calzado.",
			"Shoes, boots, sandals and espadrilles in leather and canvas, hand-stitched in shoemaking workshops.", 1},
		{"clothing", "Ropa", "Clothing",
			"Camisas, camisetas, chaquetas y vestidos confeccionados en talleres de costura.",
			"Shirts, T-shirts, jackets and dresses made in sewing workshops.", 2},
		{"bags-accessories", "Bolsos y accesorios", "Bags & accessories",
			"Bolsos, morrales, billeteras y cinturones de marroquinería, y mochilas tejidas.",
			"Leather bags, backpacks, wallets and belts, and hand-woven mochilas.", 3},
		{"home-crafts", "Hogar y artesanías", "Home & crafts",
			"Cerámica, cestería, cojines, velas y productos de panadería hechos en los talleres.",
			"Ceramics, baskets, cushions, candles and bakery goods made in the workshops.", 4},
	}
}

// Products returns the whole demo catalog.
func Products() []Product {
	return slices.Concat(shoeProducts(), clothingProducts(), bagProducts(), homeProducts())
}

// art builds an Art from hex colours, which read better in the tables.
func art(kind string, hex ...uint32) Art {
	a := Art{Kind: kind}
	for _, h := range hex {
		a.Palette = append(a.Palette, rgb(h))
	}
	return a
}

// shoeSizes are the sizes every shoe comes in (Colombian/EU numbering).
func shoeSizes() []string {
	return []string{"35", "36", "37", "38", "39", "40", "41", "42", "43", "44"}
}

// shoeVariants makes one variant per size; stock lists units for sizes 35 to 44.
func shoeVariants(code, colorES, colorEN string, stock [10]int) []Variant {
	vs := make([]Variant, 0, len(stock))
	for i, size := range shoeSizes() {
		vs = append(vs, Variant{SKU: fmt.Sprintf("%s-%s", code, size), Size: size, Color: colorES, ColorEN: colorEN, Stock: stock[i]})
	}
	return vs
}

// sized makes clothing variants: every size in every colour. stock is read
// in order (colour by colour, size by size) and reused cyclically.
func sized(code string, colors []colorName, stock ...int) []Variant {
	var vs []Variant
	for _, c := range colors {
		for _, size := range []string{"S", "M", "L", "XL"} {
			sku := code + "-" + size
			if len(colors) > 1 {
				sku = code + "-" + c.code + "-" + size
			}
			vs = append(vs, Variant{SKU: sku, Size: size, Color: c.es, ColorEN: c.en, Stock: stock[len(vs)%len(stock)]})
		}
	}
	return vs
}

// single makes one variant per colour (or a single one) for unsized goods.
func single(code string, colors []colorName, stock ...int) []Variant {
	if len(colors) == 0 {
		return []Variant{{SKU: code, Stock: stock[0]}}
	}
	vs := make([]Variant, 0, len(colors))
	for i, c := range colors {
		vs = append(vs, Variant{SKU: code + "-" + c.code, Color: c.es, ColorEN: c.en, Stock: stock[i%len(stock)]})
	}
	return vs
}

// colorName is a colour as shown to shoppers, with a short SKU code.
type colorName struct{ code, es, en string }

func colors(triples ...string) []colorName {
	var cs []colorName
	for i := 0; i+2 < len(triples); i += 3 {
		cs = append(cs, colorName{triples[i], triples[i+1], triples[i+2]})
	}
	return cs
}
