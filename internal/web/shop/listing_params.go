package shop

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/web/kit"
)

const perPage = 24

// handleListing serves the whole catalog and category pages.
func (s *Handler) handleListing(c *gin.Context, lang string) error {
	cats, err := s.categories(c)
	if err != nil {
		return err
	}
	var cat *catalog.Category
	if slug := c.Param("category"); slug != "" {
		for i := range cats {
			if cats[i].Slug(lang) == slug {
				cat = &cats[i]
			} else if cats[i].Slug(kit.OtherLang(lang)) == slug {
				// A category slug of the other language: send the shopper to the right one.
				c.Redirect(http.StatusMovedPermanently, kit.WithQuery(categoryPath(lang, cats[i].Slug(lang)), c.Request.URL.RawQuery))
				return nil
			}
		}
		if cat == nil {
			return apperr.ErrNotFound
		}
	}
	return s.listing(c, lang, cats, cat, false)
}

// handleSearch serves search results: the listing with a query.
func (s *Handler) handleSearch(c *gin.Context, lang string) error {
	cats, err := s.categories(c)
	if err != nil {
		return err
	}
	return s.listing(c, lang, cats, nil, true)
}

// listingParams is the listing's query string after cleaning; bad values are dropped
// with a notice, never an error page.
type listingParams struct {
	q        string
	workshop string
	sizes    []string
	inStock  bool
	min, max string // as typed
	minMinor int64
	maxMinor int64
	sort     string
	page     int
	notices  []string
}

func (s *Handler) parseListing(rawQuery, lang string, search bool) listingParams {
	v, _ := url.ParseQuery(rawQuery) // a malformed pair is skipped; the rest still counts
	get := func(keys ...string) string {
		for _, k := range keys {
			if x := strings.TrimSpace(strings.ToValidUTF8(v.Get(k), "")); x != "" {
				return x
			}
		}
		return ""
	}
	p := listingParams{page: 1}
	p.q = strings.ToValidUTF8(v.Get("q"), "")
	if utf8.RuneCountInString(p.q) > catalog.MaxQueryRunes {
		p.q = string([]rune(p.q)[:catalog.MaxQueryRunes])
		p.notices = append(p.notices, s.T(lang, "notice.query_truncated"))
	}
	p.q = strings.TrimSpace(p.q)
	p.workshop = get("workshop")
	for _, sz := range v["size"] {
		// A size with a control character is dropped like an over-long one: a NUL would
		// reach PostgreSQL in the sizes array and fail the page (found by FuzzListingParams).
		if sz = strings.TrimSpace(strings.ToValidUTF8(sz, "")); sz != "" && len(sz) <= 12 && len(p.sizes) < 20 &&
			strings.IndexFunc(sz, unicode.IsControl) < 0 {
			p.sizes = append(p.sizes, sz)
		}
	}
	p.inStock = get("stock") == "1"
	p.min, p.max = get("min", "price_min"), get("max", "price_max")
	var okMin, okMax bool
	if p.min != "" {
		if p.minMinor, okMin = money.ParseWholePesos(p.min); !okMin {
			p.notices = append(p.notices, s.T(lang, "notice.bad_min"))
			p.min = ""
		}
	}
	if p.max != "" {
		if p.maxMinor, okMax = money.ParseWholePesos(p.max); !okMax {
			p.notices = append(p.notices, s.T(lang, "notice.bad_max"))
			p.max = ""
		}
	}
	if okMin && okMax && p.maxMinor > 0 && p.minMinor > p.maxMinor {
		p.notices = append(p.notices, s.T(lang, "notice.bad_range"))
		p.minMinor, p.maxMinor, p.min, p.max = p.maxMinor, p.minMinor, p.max, p.min
	}
	p.sort = get("sort")
	if p.sort != "" && !catalog.ValidSort(p.sort) {
		p.notices = append(p.notices, s.T(lang, "notice.bad_sort"))
		p.sort = ""
	}
	if p.sort == "" {
		p.sort = catalog.SortNewest
		if search && p.q != "" {
			p.sort = catalog.SortRelevance
		}
	}
	if raw := get("page"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 10000 {
			p.notices = append(p.notices, s.T(lang, "notice.bad_page"))
		} else {
			p.page = n
		}
	}
	return p
}

// query renders the cleaned parameters back into a query string (for pagination and the
// language switcher), leaving out defaults.
func (p listingParams) query(page int, search bool) string {
	v := url.Values{}
	if p.q != "" {
		v.Set("q", p.q)
	}
	if p.workshop != "" {
		v.Set("workshop", p.workshop)
	}
	for _, sz := range p.sizes {
		v.Add("size", sz)
	}
	if p.inStock {
		v.Set("stock", "1")
	}
	if p.min != "" {
		v.Set("min", p.min)
	}
	if p.max != "" {
		v.Set("max", p.max)
	}
	if p.sort != catalog.SortNewest && !(search && p.sort == catalog.SortRelevance) {
		v.Set("sort", p.sort)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v.Encode()
}
