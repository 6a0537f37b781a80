package admin

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// Nav is the back-office navigation above every admin page (partial "admin-nav").
type Nav struct {
	Label string
	Items []NavItem
}

// NavItem is one link of the navigation; Current marks the section being shown.
type NavItem struct {
	Label, URL string
	Current    bool
}

// sections are the admin's sections, in navigation order.
var sections = []struct{ key, path string }{
	{"admin.nav.dashboard", "/admin"},
	{"admin.nav.workshops", "/admin/workshops"},
	{"admin.nav.categories", "/admin/categories"},
	{"admin.nav.products", "/admin/products"},
	{"tags.nav", "/admin/tags"},
	{"adminorders.nav", ordersPath},
	{"admindonations.nav", donationsPath},
	{"admin.quotes.nav", quotesPath},
	{"admin.quotes.board.nav", boardPath},
	{"admin.companies.nav", companiesPath},
	{"statements.nav.admin", ledgerPath},
	{"statements.impact.nav", impactPath},
	{"admin.nav.users", "/admin/users"},
	{"admin.privacy.nav", privacyPath},
	{"admin.nav.audit", "/admin/audit"},
}

func (h *Handler) nav(c *gin.Context, lang, current string) Nav {
	n := Nav{Label: h.T(lang, "admin.nav.label")}
	for _, s := range sections {
		if s.path == ordersPath && h.Orders == nil || (s.path == ledgerPath || s.path == impactPath) && h.Ledger == nil ||
			(s.path == quotesPath || s.path == boardPath || s.path == companiesPath) && h.Quotes == nil ||
			s.path == donationsPath && h.Donations == nil {
			continue
		}
		n.Items = append(n.Items, NavItem{Label: h.T(lang, s.key), URL: withLang(c, s.path), Current: s.path == current})
	}
	return n
}

// Pager is the pagination of a list, shaped for the "pagination" partial.
type Pager struct {
	Page, Pages      int
	Total            int
	PrevURL, NextURL string
	PageLinks        []PageLink
}

// PageLink is one page number; a zero PageLink is a gap ("…").
type PageLink struct {
	N       int
	URL     string
	Current bool
}

// pager builds the links of page (from 1) of total items, perPage a page, keeping the
// other query parameters of q.
func pager(path string, q url.Values, page, perPage, total int) Pager {
	pages := max(1, (total+perPage-1)/perPage)
	page = min(max(page, 1), pages)
	p := Pager{Page: page, Pages: pages, Total: total}
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "page" {
				v[k] = vs
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if page > 1 {
		p.PrevURL = link(page - 1)
	}
	if page < pages {
		p.NextURL = link(page + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < page-2 || n > page+2) {
			continue
		}
		if last != 0 && n > last+1 {
			p.PageLinks = append(p.PageLinks, PageLink{})
		}
		p.PageLinks = append(p.PageLinks, PageLink{N: n, URL: link(n), Current: n == page})
		last = n
	}
	return p
}

// pageParam reads ?page=, 1 when absent or not a positive number.
func pageParam(c *gin.Context) int {
	n, err := strconv.Atoi(c.Query("page"))
	if err != nil || n < 1 || n > 100_000 {
		return 1
	}
	return n
}

// bogota is the foundation's time zone; Colombia keeps no summer time, so a fixed
// offset is right when the zone database is missing.
var bogota = func() *time.Location {
	if loc, err := time.LoadLocation("America/Bogota"); err == nil {
		return loc
	}
	return time.FixedZone("COT", -5*60*60)
}()

// localTime writes a moment as Bogotá wall time.
func localTime(t time.Time) string { return t.In(bogota).Format("2006-01-02 15:04") }

// Choice is an option of a select or checkbox group.
type Choice struct {
	Value, Label string
	Selected     bool
}
