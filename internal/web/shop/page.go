package shop

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/web/kit"
)

// page builds the common part of a storefront page (kit.Page with the shop's navigation).
func (s *Handler) page(c *gin.Context, lang, title, description string, alt map[string]string) *kit.Page {
	if alt == nil {
		alt = map[string]string{"es": routes["es"].Home, "en": routes["en"].Home}
	}
	return s.Page(c, lang, title, description, alt)
}

// Navigation fills the layout's navigation: links in lang and the categories. It is the
// kit's Nav hook, so error and back-office pages share the storefront's header.
func (s *Handler) Navigation(c *gin.Context, lang string) kit.Nav {
	r := routes[lang]
	n := kit.Nav{
		Home: r.Home, Catalog: r.Catalog, Search: r.Search, Workshops: r.Workshops,
		About: r.Pages["about"], Shipping: r.Pages["shipping"], Privacy: r.Pages["privacy"],
		Terms: r.Pages["terms"], Contact: r.Pages["contact"], Account: r.Account,
	}
	if s.Orders != nil {
		n.Cart, n.CartCount = r.Cart, s.cartCount(c)
	}
	cats, err := s.categories(c)
	if err == nil {
		for _, cat := range cats {
			n.Categories = append(n.Categories, CategoryLink{Name: cat.Name(lang), URL: categoryPath(lang, cat.Slug(lang))})
		}
	}
	return n
}

// categories loads the categories once per request, and across requests while the page
// cache says no catalog change has been notified since they were read: every page that is
// not kept whole (cart, checkout, back offices) shows them in its navigation.
func (s *Handler) categories(c *gin.Context) ([]catalog.Category, error) {
	if v, ok := c.Get("categories"); ok {
		return v.([]catalog.Category), nil
	}
	s.navMu.Lock()
	memo := s.nav
	s.navMu.Unlock()
	if memo.cats != nil && s.Pages.Fresh(memo.gen) {
		c.Set("categories", memo.cats)
		return memo.cats, nil
	}
	var gen uint64
	if s.Pages != nil {
		gen = s.Pages.Generation()
	}
	cats, err := s.Catalog.Categories(c.Request.Context())
	if err != nil {
		return nil, err
	}
	if s.Pages.Fresh(gen) {
		s.navMu.Lock()
		s.nav = navMemo{gen: gen, cats: cats}
		s.navMu.Unlock()
	}
	c.Set("categories", cats)
	return cats, nil
}

// navMemo is the navigation's categories as read at a page-cache generation.
type navMemo struct {
	gen  uint64
	cats []catalog.Category
}

// img builds a responsive image from a photo record.
func (s *Handler) img(ph *catalog.Photo, lang string) *Img {
	if ph == nil || len(ph.Renditions) == 0 {
		return nil
	}
	url := func(w int64) string { return s.MediaBaseURL + "/" + ph.Key + "/" + strconv.FormatInt(w, 10) + ".jpg" }
	var set, webp []string
	src, largest := ph.Renditions[0], ph.Renditions[0]
	for _, w := range ph.Renditions {
		set = append(set, url(w)+" "+strconv.FormatInt(w, 10)+"w")
		if ph.WebP {
			webp = append(webp, s.MediaBaseURL+"/"+ph.Key+"/"+strconv.FormatInt(w, 10)+".webp "+strconv.FormatInt(w, 10)+"w")
		}
		if w <= 640 && w > src {
			src = w
		}
		if w > largest {
			largest = w
		}
	}
	h := int(int64(ph.Height) * src / int64(ph.Width))
	return &Img{Src: url(src), SrcSet: strings.Join(set, ", "), WebPSet: strings.Join(webp, ", "), Large: url(largest),
		Alt: ph.Alt(lang), Width: int(src), Height: h}
}

func (s *Handler) card(c catalog.Card, lang string, img bool) ProductCard {
	pc := ProductCard{
		URL:         productPath(lang, c.Slug),
		Title:       c.Title(lang),
		Workshop:    c.WorkshopName,
		WorkshopURL: workshopPath(lang, c.WorkshopSlug),
		Price:       money.Format(money.Amount{Minor: c.PriceMinor, Currency: c.Currency}, lang),
		SoldOut:     !c.InStock,
		Sizes:       sizeRange(slices.Clone(c.Sizes)),
		Lang:        lang,
	}
	if img {
		pc.Image = s.img(c.Photo(), lang)
	}
	return pc
}

// cards builds grid cards; the first eager ones load their photos at once.
func (s *Handler) cards(cs []catalog.Card, lang string, eager int) []ProductCard {
	out := make([]ProductCard, 0, len(cs))
	for i, c := range cs {
		pc := s.card(c, lang, true)
		pc.Eager = i < eager
		out = append(out, pc)
	}
	return out
}

// sizeRange summarises sizes: "35–44" for shoes, "S–XL" for letters, "M" for one.
func sizeRange(sizes []string) string {
	catalog.SortSizes(sizes)
	sizes = slices.Compact(sizes)
	switch len(sizes) {
	case 0:
		return ""
	case 1:
		return sizes[0]
	}
	return sizes[0] + "–" + sizes[len(sizes)-1]
}

func (s *Handler) workshopCard(w catalog.Workshop, lang string) WorkshopCard {
	return WorkshopCard{
		Name: w.Name, URL: workshopPath(lang, w.Slug), Facility: w.Facility, City: w.City,
		Craft: w.Craft(lang), FacilityKind: s.T(lang, "facility."+string(w.FacilityKind)),
		Story: w.Story(lang), ProductCount: w.ProductCount,
	}
}
