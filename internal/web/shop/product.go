package shop

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/web/kit"
)

func (s *Handler) handleProduct(c *gin.Context, lang string) error {
	slug := c.Param("slug")
	if !catalog.ValidSlug(slug) {
		return apperr.ErrNotFound
	}
	p, err := s.Catalog.ActiveProductBySlug(c.Request.Context(), slug)
	if err != nil {
		return err
	}
	return s.renderProduct(c, lang, p, false)
}

// Preview renders a product page exactly as a shopper will see it, whatever the
// product's status (the studio's "preview"): not indexed, not cached, and marked as a
// preview at the top.
func (s *Handler) Preview(c *gin.Context, lang string, p catalog.Product) error {
	return s.renderProduct(c, lang, p, true)
}

func (s *Handler) renderProduct(c *gin.Context, lang string, p catalog.Product, preview bool) error {
	ctx := c.Request.Context()
	w, err := s.Catalog.WorkshopByID(ctx, p.WorkshopID)
	if err != nil {
		return err
	}
	cats, err := s.categories(c)
	if err != nil {
		return err
	}
	v := ProductView{
		Title: p.Title(lang), Description: p.Description(lang),
		Price:    money.Format(p.Price(), lang),
		TaxNote:  s.T(lang, "tax."+string(p.TaxClass)),
		InStock:  p.InStock(),
		Workshop: s.workshopCard(w, lang),
		Preview:  preview,
	}
	for _, cat := range cats {
		if cat.ID == p.CategoryID {
			v.Category = CategoryLink{Name: cat.Name(lang), URL: categoryPath(lang, cat.Slug(lang))}
		}
	}
	for i := range p.Photos {
		if im := s.img(&p.Photos[i], lang); im != nil {
			v.Photos = append(v.Photos, *im)
		}
	}
	v.OptionKind, v.Options = options(p, lang, c.Query("variant"))
	if len(p.Variants) == 1 {
		v.SKU = p.Variants[0].SKU
		v.SingleVariant = p.Variants[0].ID
	}
	v.CartAction = routes[lang].Cart
	if c.Query("src") == "tag" && !preview {
		v.TagVisit = true
		if v.Impact, err = s.impact(ctx, lang, w.ID); err != nil {
			return err
		}
	}
	related, err := s.Catalog.List(ctx, catalog.Filter{CategoryID: p.CategoryID, InStock: true, PerPage: 5, NoTotal: true})
	if err != nil {
		return err
	}
	for _, rc := range related.Cards {
		if rc.ID != p.ID && len(v.Related) < 4 {
			v.Related = append(v.Related, s.card(rc, lang, true))
		}
	}

	alt := map[string]string{"es": productPath("es", p.Slug), "en": productPath("en", p.Slug)}
	pg := s.page(c, lang, v.Title, metaDescription(p.Description(lang), s.T(lang, "product.description", v.Title, w.Name)), alt)
	pg.OGType = "product"
	if len(v.Photos) > 0 {
		pg.OGImage = s.Absolute(v.Photos[0].Large)
	}
	pg.JSONLD = s.productJSONLD(p, w, v, pg.Canonical, lang)
	if preview {
		pg.NoIndex, pg.Canonical, pg.Alternates, pg.JSONLD = true, "", nil, nil
		pg.SwitchURL = kit.WithQuery(c.Request.URL.Path, "lang="+kit.OtherLang(lang))
		c.Header("Cache-Control", "private, no-store")
	}
	pg.Data = v
	return s.Render(c, http.StatusOK, "shop/product", pg)
}

// options builds the size/colour picker: one option per variant, sold-out ones marked.
func options(p catalog.Product, lang, selected string) (kind string, opts []SizeOption) {
	if len(p.Variants) <= 1 {
		return "", nil
	}
	// A colour shared by every variant is not a choice: only sizes are offered then.
	hasSize, colors := false, map[string]bool{}
	for _, v := range p.Variants {
		hasSize = hasSize || v.Size != ""
		colors[v.Color(lang)] = true
	}
	hasColor := len(colors) > 1
	switch {
	case hasSize && hasColor:
		kind = "variant"
	case hasSize:
		kind = "size"
	default:
		kind = "color"
	}
	for _, v := range p.Variants {
		label := v.Size
		if hasColor && hasSize {
			label = v.Color(lang) + " / " + v.Size
		} else if hasColor {
			label = v.Color(lang)
		}
		o := SizeOption{VariantID: v.ID, Label: label, Stock: v.Stock,
			SoldOut: v.Stock <= 0, Low: v.Stock > 0 && v.Stock <= 3,
			Selected: selected != "" && selected == strconv.FormatInt(v.ID, 10) && v.Stock > 0}
		if v.PriceOverride != nil && *v.PriceOverride != p.PriceMinor {
			o.Price = money.Format(money.Amount{Minor: *v.PriceOverride, Currency: p.Currency}, lang)
		}
		opts = append(opts, o)
	}
	return kind, opts
}

func metaDescription(text, fallback string) string {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return fallback
	}
	if r := []rune(text); len(r) > 155 {
		cut := string(r[:155])
		if i := strings.LastIndex(cut, " "); i > 80 {
			cut = cut[:i]
		}
		return cut + "…"
	}
	return text
}

// productJSONLD is schema.org Product data with an offer per variant's availability.
func (s *Handler) productJSONLD(p catalog.Product, w catalog.Workshop, v ProductView, canonical, lang string) map[string]any {
	var images []string
	for _, ph := range v.Photos {
		images = append(images, s.Absolute(ph.Large))
	}
	avail := "https://schema.org/OutOfStock"
	if v.InStock {
		avail = "https://schema.org/InStock"
	}
	pesos := p.PriceMinor / 100
	ld := map[string]any{
		"@context":    "https://schema.org",
		"@type":       "Product",
		"name":        v.Title,
		"description": v.Description,
		"image":       images,
		"url":         canonical,
		"brand":       map[string]any{"@type": "Brand", "name": "Libres"},
		"manufacturer": map[string]any{"@type": "Organization", "name": w.Name,
			"url": s.BaseURL + workshopPath(lang, w.Slug)},
		"category": v.Category.Name,
		"offers": map[string]any{
			"@type":         "Offer",
			"price":         strconv.FormatInt(pesos, 10),
			"priceCurrency": p.Currency,
			"availability":  avail,
			"itemCondition": "https://schema.org/NewCondition",
			"url":           canonical,
		},
	}
	if v.SKU != "" {
		ld["sku"] = v.SKU
	}
	return ld
}
