package shop

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/web/kit"
)

func (s *Handler) listing(c *gin.Context, lang string, cats []catalog.Category, cat *catalog.Category, search bool) error {
	ctx := c.Request.Context()
	p := s.parseListing(c.Request.URL.RawQuery, lang, search)
	workshops, err := s.Catalog.Workshops(ctx)
	if err != nil {
		return err
	}
	f := catalog.Filter{Query: p.q, Sizes: p.sizes, InStock: p.inStock, MinMinor: p.minMinor,
		MaxMinor: p.maxMinor, Sort: p.sort, Page: p.page, PerPage: perPage}
	if cat != nil {
		f.CategoryID = cat.ID
	}
	wsOpts := []Option{{Value: "", Label: s.T(lang, "filter.all_workshops"), Selected: p.workshop == ""}}
	for _, w := range workshops {
		if w.Slug == p.workshop {
			f.WorkshopID = w.ID
		}
		wsOpts = append(wsOpts, Option{Value: w.Slug, Label: w.Name, Selected: w.Slug == p.workshop})
	}
	if p.workshop != "" && f.WorkshopID == 0 {
		p.workshop = "" // unknown workshop: ignored, as the select shows "all"
		wsOpts[0].Selected = true
	}
	sizes, err := s.Catalog.Sizes(ctx, f.CategoryID)
	if err != nil {
		return err
	}
	// Only sizes on sale count; anything else typed into the URL is dropped, so it
	// never reaches a query (a NUL byte, say, which PostgreSQL refuses in text).
	p.sizes = slices.DeleteFunc(p.sizes, func(sz string) bool { return !slices.Contains(sizes, sz) })
	f.Sizes = p.sizes
	if search && p.q == "" {
		f.Query = ""
	}
	res, err := s.Catalog.List(ctx, f)
	if err != nil {
		return err
	}
	pages := (res.Total + perPage - 1) / perPage
	if pages > 0 && p.page > pages {
		p.notices = append(p.notices, s.T(lang, "notice.page_past_end"))
		p.page, f.Page = pages, pages
		if res, err = s.Catalog.List(ctx, f); err != nil {
			return err
		}
	}

	// The page's path in each language, for canonical, hreflang and the switcher.
	path := func(l string) string {
		switch {
		case search:
			return routes[l].Search
		case cat != nil:
			return categoryPath(l, cat.Slug(l))
		default:
			return routes[l].Catalog
		}
	}
	self := path(lang)
	v := ListingView{
		IsSearch: search, Query: p.q, FormAction: self, InStock: p.inStock,
		Min: p.min, Max: p.max, Products: s.cards(res.Cards, lang, 4), Total: res.Total,
		Page: p.page, Pages: pages, ClearURL: self, Notices: p.notices, Workshops: wsOpts,
	}
	for i := range cats {
		v.Categories = append(v.Categories, CategoryLink{Name: cats[i].Name(lang),
			URL: categoryPath(lang, cats[i].Slug(lang)), Active: cat != nil && cats[i].ID == cat.ID})
	}
	for _, sz := range sizes {
		sel := false
		for _, want := range p.sizes {
			sel = sel || want == sz
		}
		v.Sizes = append(v.Sizes, Option{Value: sz, Label: sz, Selected: sel})
	}
	v.Active = s.activeFilters(p, lang, self, search, workshops)
	sorts := []string{catalog.SortNewest, catalog.SortPriceAsc, catalog.SortPriceDesc}
	if search && p.q != "" {
		sorts = append([]string{catalog.SortRelevance}, sorts...)
	}
	for _, so := range sorts {
		v.Sorts = append(v.Sorts, Option{Value: so, Label: s.T(lang, "sort."+so), Selected: so == p.sort})
	}
	if p.page > 1 {
		v.PrevURL = kit.WithQuery(self, p.query(p.page-1, search))
	}
	if p.page < pages {
		v.NextURL = kit.WithQuery(self, p.query(p.page+1, search))
	}
	for _, n := range pageWindow(p.page, pages) {
		if n == 0 {
			v.PageLinks = append(v.PageLinks, PageLink{}) // a gap: "…"
			continue
		}
		v.PageLinks = append(v.PageLinks, PageLink{N: n, URL: kit.WithQuery(self, p.query(n, search)), Current: n == p.page})
	}

	var title, desc string
	switch {
	case search && p.q != "":
		v.Heading = s.T(lang, "search.heading", p.q)
		title, desc = v.Heading, s.T(lang, "search.description")
	case search:
		v.Heading = s.T(lang, "search.heading_empty")
		title, desc = v.Heading, s.T(lang, "search.description")
	case cat != nil:
		v.Heading, v.Intro = cat.Name(lang), cat.Description(lang)
		title, desc = v.Heading, v.Intro
	default:
		v.Heading = s.T(lang, "catalog.heading")
		title, desc = v.Heading, s.T(lang, "catalog.description")
	}
	alt := map[string]string{}
	for _, l := range []string{"es", "en"} {
		alt[l] = path(l)
		switch {
		case search:
			alt[l] = kit.WithQuery(path(l), p.query(p.page, search))
		case p.page > 1:
			// Later pages are their own pages; filters are not.
			alt[l] = kit.WithQuery(path(l), "page="+strconv.Itoa(p.page))
		}
	}
	pg := s.page(c, lang, title, desc, alt)
	pg.SwitchURL = kit.WithQuery(path(kit.OtherLang(lang)), p.query(p.page, search))
	pg.Query = p.q
	pg.NoIndex = search
	pg.Data = v
	return s.Render(c, http.StatusOK, "shop/listing", pg)
}

// pageWindow lists the page numbers to link: the first, the last, and two either side
// of the current one; 0 marks a gap.
func pageWindow(cur, pages int) []int {
	var out []int
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= cur-2 && n <= cur+2) {
			out = append(out, n)
		} else if len(out) > 0 && out[len(out)-1] != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// activeFilters lists the filters in force with links that drop one at a time, so a
// shopper on a phone (filters folded away) sees what narrows the results.
func (s *Handler) activeFilters(p listingParams, lang, self string, search bool, workshops []catalog.Workshop) []ActiveFilter {
	without := func(change func(q *listingParams)) string {
		q := p
		q.sizes = slices.Clone(p.sizes)
		change(&q)
		return kit.WithQuery(self, q.query(1, search))
	}
	var out []ActiveFilter
	for _, w := range workshops {
		if w.Slug == p.workshop {
			out = append(out, ActiveFilter{w.Name, without(func(q *listingParams) { q.workshop = "" })})
		}
	}
	for _, sz := range p.sizes {
		out = append(out, ActiveFilter{s.T(lang, "filter.active_size", sz), without(func(q *listingParams) {
			q.sizes = slices.DeleteFunc(q.sizes, func(x string) bool { return x == sz })
		})})
	}
	if p.inStock {
		out = append(out, ActiveFilter{s.T(lang, "filter.active_stock"), without(func(q *listingParams) { q.inStock = false })})
	}
	if p.min != "" {
		out = append(out, ActiveFilter{s.T(lang, "filter.active_min", money.Format(money.Amount{Minor: p.minMinor, Currency: "COP"}, lang)),
			without(func(q *listingParams) { q.min, q.minMinor = "", 0 })})
	}
	if p.max != "" {
		out = append(out, ActiveFilter{s.T(lang, "filter.active_max", money.Format(money.Amount{Minor: p.maxMinor, Currency: "COP"}, lang)),
			without(func(q *listingParams) { q.max, q.maxMinor = "", 0 })})
	}
	return out
}
