package shop

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/web/kit"
)

func (s *Handler) handleHome(c *gin.Context, lang string) error {
	ctx := c.Request.Context()
	cats, err := s.categories(c)
	if err != nil {
		return err
	}
	newest, err := s.Catalog.List(ctx, catalog.Filter{InStock: true, PerPage: 8, NoTotal: true})
	if err != nil {
		return err
	}
	featured, err := s.Catalog.Featured(ctx, 8)
	if err != nil {
		return err
	}
	workshops, err := s.Catalog.Workshops(ctx)
	if err != nil {
		return err
	}
	v := HomeView{Featured: s.cards(featured, lang, 0), Newest: s.cards(newest.Cards, lang, 0)}
	if len(v.Featured) > 0 {
		v.Hero, v.HeroURL = v.Featured[0].Image, v.Featured[0].URL
	}
	covers, err := s.Catalog.List(ctx, catalog.Filter{OnePerCategory: true, InStock: true, PerPage: 100})
	if err != nil {
		return err
	}
	cover := map[int64]catalog.Card{}
	for _, c := range covers.Cards {
		cover[c.CategoryID] = c
	}
	for _, cat := range cats {
		link := CategoryLink{Name: cat.Name(lang), Description: cat.Description(lang), URL: categoryPath(lang, cat.Slug(lang))}
		if c, ok := cover[cat.ID]; ok {
			link.Image = s.img(c.Photo(), lang)
		}
		v.Categories = append(v.Categories, link)
	}
	for _, w := range workshops {
		v.Workshops = append(v.Workshops, s.workshopCard(w, lang))
	}
	pg := s.page(c, lang, s.T(lang, "meta.home.title"), s.T(lang, "meta.home.description"), nil)
	pg.Title = s.T(lang, "meta.home.title")
	if v.Hero != nil {
		pg.OGImage = s.Absolute(v.Hero.Large)
	}
	pg.JSONLD = map[string]any{
		"@context": "https://schema.org", "@type": "OnlineStore", "name": "Libres",
		"url": s.BaseURL + routes[lang].Home, "description": pg.Description,
	}
	pg.Data = v
	return s.Render(c, http.StatusOK, "shop/home", pg)
}

func (s *Handler) handleWorkshops(c *gin.Context, lang string) error {
	ws, err := s.Catalog.Workshops(c.Request.Context())
	if err != nil {
		return err
	}
	v := WorkshopsView{}
	for _, w := range ws {
		v.Workshops = append(v.Workshops, s.workshopCard(w, lang))
	}
	alt := map[string]string{"es": routes["es"].Workshops, "en": routes["en"].Workshops}
	pg := s.page(c, lang, s.T(lang, "workshops.heading"), s.T(lang, "workshops.description"), alt)
	pg.Data = v
	return s.Render(c, http.StatusOK, "shop/workshops", pg)
}

func (s *Handler) handleWorkshop(c *gin.Context, lang string) error {
	ctx := c.Request.Context()
	slug := c.Param("slug")
	if !catalog.ValidSlug(slug) {
		return apperr.ErrNotFound
	}
	w, err := s.Catalog.WorkshopBySlug(ctx, slug)
	if err != nil {
		return err
	}
	res, err := s.Catalog.List(ctx, catalog.Filter{WorkshopID: w.ID, PerPage: 100, NoTotal: true})
	if err != nil {
		return err
	}
	v := WorkshopPageView{WorkshopView: WorkshopView{Workshop: s.workshopCard(w, lang), Products: s.cards(res.Cards, lang, 4)}}
	if v.Impact, err = s.impact(ctx, lang, w.ID); err != nil {
		return err
	}
	v.ConsentNote = s.T(lang, "consent.workshop_only")
	if w.PeoplePhotos {
		v.ConsentNote = s.T(lang, "consent.people_photos")
	} else if w.FirstNames {
		v.ConsentNote = s.T(lang, "consent.first_names")
	}
	alt := map[string]string{"es": workshopPath("es", w.Slug), "en": workshopPath("en", w.Slug)}
	desc := s.T(lang, "workshop.description", w.Name, w.Facility)
	pg := s.page(c, lang, w.Name, desc, alt)
	if len(v.Products) > 0 && v.Products[0].Image != nil {
		pg.OGImage = s.Absolute(v.Products[0].Image.Large)
	}
	pg.Data = v
	return s.Render(c, http.StatusOK, "shop/workshop", pg)
}

// WorkshopPageView is the workshop page: the workshop, its products, and the figures
// the foundation publishes about it.
type WorkshopPageView struct {
	WorkshopView
	Impact []ImpactFigure
}

// ImpactFigure is one public figure of a workshop ("Piezas vendidas este año: 37").
type ImpactFigure struct{ Label, Value string }

// ImpactFigures are the aggregate figures a workshop page may show, in page order. Each
// shows only when its site setting (ImpactSetting) is "1", which staff set at
// /admin/impact; none is ever a person's earnings.
var ImpactFigures = []string{"items_sold_year", "items_sold", "products_on_sale", "since"}

// ImpactSetting is the site setting that turns a figure on: "impact.items_sold_year".
func ImpactSetting(name string) string { return "impact." + name }

// impact is the figures of a workshop the foundation chose to publish; none when the
// shop runs without the ledger or every figure is off.
func (s *Handler) impact(ctx context.Context, lang string, workshopID int64) ([]ImpactFigure, error) {
	if s.Ledger == nil {
		return nil, nil
	}
	var on []string
	for _, name := range ImpactFigures {
		v, err := s.Catalog.Setting(ctx, ImpactSetting(name))
		if err != nil {
			return nil, err
		}
		if v == "1" {
			on = append(on, name)
		}
	}
	if len(on) == 0 {
		return nil, nil
	}
	im, err := s.Ledger.Impact(ctx, workshopID)
	if err != nil {
		return nil, err
	}
	var out []ImpactFigure
	for _, name := range on {
		var value string
		switch name {
		case "items_sold_year":
			value = strconv.Itoa(im.ItemsSoldThisYear)
		case "items_sold":
			value = strconv.Itoa(im.ItemsSold)
		case "products_on_sale":
			value = strconv.Itoa(im.ProductsOnSale)
		case "since":
			if im.FirstSale == nil {
				continue
			}
			m := im.FirstSale.In(ledger.Bogota)
			value = s.T(lang, "statements.month_year", s.T(lang, "statements.month."+strconv.Itoa(int(m.Month()))), m.Year())
		}
		out = append(out, ImpactFigure{Label: s.T(lang, "statements.impact.public."+name), Value: value})
	}
	return out, nil
}

// handleContent serves a page kept as web/content/{lang}/NAME.html. Its first two lines
// are <!-- title: … --> and <!-- description: … -->.
func (s *Handler) handleContent(name string) func(c *gin.Context, lang string) error {
	return func(c *gin.Context, lang string) error {
		b, err := fs.ReadFile(s.WebFS, "content/"+lang+"/"+name+".html")
		if err != nil {
			return fmt.Errorf("content page %s/%s: %w", lang, name, apperr.ErrNotFound)
		}
		title, desc, body := splitContent(string(b))
		alt := map[string]string{}
		for _, l := range i18n.Languages {
			alt[l] = routes[l].Pages[name]
		}
		pg := s.page(c, lang, title, desc, alt)
		// The files are ours, reviewed in the repository, never user input.
		pg.Data = ContentView{Heading: title, Body: template.HTML(body)}
		return s.Render(c, http.StatusOK, "shop/content", pg)
	}
}

func splitContent(s string) (title, desc, body string) {
	body = s
	for i := 0; i < 2; i++ {
		line, rest, _ := strings.Cut(body, "\n")
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "<!--") {
			break
		}
		inner := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "<!--"), "-->"))
		if v, ok := strings.CutPrefix(inner, "title:"); ok {
			title = strings.TrimSpace(v)
		} else if v, ok := strings.CutPrefix(inner, "description:"); ok {
			desc = strings.TrimSpace(v)
		}
		body = rest
	}
	return title, desc, body
}

func (s *Handler) handleRobots(c *gin.Context) {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, l := range i18n.Languages {
		b.WriteString("Disallow: " + routes[l].Search + "\n")
	}
	b.WriteString("Allow: /\n\nSitemap: " + s.BaseURL + "/sitemap.xml\n")
	c.String(http.StatusOK, b.String())
}

type sitemapURL struct {
	Loc     string        `xml:"loc"`
	LastMod string        `xml:"lastmod,omitempty"`
	Links   []sitemapLink `xml:"xhtml:link"`
}

type sitemapLink struct {
	Rel      string `xml:"rel,attr"`
	Hreflang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

// handleSitemap lists every public page in both languages with hreflang alternates.
func (s *Handler) handleSitemap(c *gin.Context, _ string) error {
	ctx := c.Request.Context()
	cats, err := s.categories(c)
	if err != nil {
		return err
	}
	products, err := s.Catalog.ActiveSlugs(ctx)
	if err != nil {
		return err
	}
	workshops, err := s.Catalog.Workshops(ctx)
	if err != nil {
		return err
	}
	var urls []sitemapURL
	add := func(pathOf func(lang string) string, lastmod string) {
		for _, l := range i18n.Languages {
			u := sitemapURL{Loc: s.BaseURL + pathOf(l), LastMod: lastmod}
			for _, al := range i18n.Languages {
				u.Links = append(u.Links, sitemapLink{"alternate", kit.Hreflang(al), s.BaseURL + pathOf(al)})
			}
			urls = append(urls, u)
		}
	}
	add(func(l string) string { return routes[l].Home }, "")
	add(func(l string) string { return routes[l].Catalog }, "")
	add(func(l string) string { return routes[l].Workshops }, "")
	for _, cat := range cats {
		add(func(l string) string { return categoryPath(l, cat.Slug(l)) }, "")
	}
	for _, p := range products {
		add(func(l string) string { return productPath(l, p.Slug) }, p.UpdatedAt.Format("2006-01-02"))
	}
	for _, w := range workshops {
		add(func(l string) string { return workshopPath(l, w.Slug) }, "")
	}
	for _, name := range contentPages {
		add(func(l string) string { return routes[l].Pages[name] }, "")
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n")
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	for _, u := range urls {
		if err := enc.EncodeElement(u, xml.StartElement{Name: xml.Name{Local: "url"}}); err != nil {
			return fmt.Errorf("encode sitemap: %w", err)
		}
	}
	buf.WriteString("\n</urlset>\n")
	c.Data(http.StatusOK, "application/xml; charset=utf-8", buf.Bytes())
	return nil
}
