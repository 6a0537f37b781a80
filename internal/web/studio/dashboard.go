package studio

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/web/kit"
)

// DashboardView is the studio's first page: the lead's workshops at a glance.
type DashboardView struct {
	Nav       Nav
	Workshops []catalog.WorkshopStats
	Base      string
}

func (h *Handler) dashboard(c *gin.Context, lang string) error {
	stats, err := h.Editor.WorkshopSummary(c.Request.Context(), scope(c))
	if err != nil {
		return err
	}
	pg := h.page(c, lang, "studio.dashboard.title")
	pg.Data = DashboardView{Nav: h.nav(c, lang, "/studio"), Workshops: stats, Base: h.Base}
	return h.Render(c, http.StatusOK, "studio/dashboard", pg)
}

// ListView is the product list of the room.
type ListView struct {
	Nav                      Nav
	Base                     string
	Rows                     []ListRow
	Query                    string
	Workshops, Statuses      []kit.Option
	Total, Page, Pages       int
	PrevURL, NextURL, CSVURL string
}

// ListRow is one product in the list.
type ListRow struct {
	catalog.EditorRow
	Title, Price, URL string
}

const perPage = 50

func (h *Handler) productList(c *gin.Context, lang string) error {
	ctx := c.Request.Context()
	sc := scope(c)
	f := catalog.EditorFilter{Query: c.Query("q"), PerPage: perPage, Page: 1}
	if len(f.Query) > 200 {
		f.Query = f.Query[:200]
	}
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 0 && n < 10000 {
		f.Page = n
	}
	if id, err := strconv.ParseInt(c.Query("workshop"), 10, 64); err == nil && sc.Allows(id) {
		f.WorkshopID = id
	}
	st := catalog.Status(c.Query("status"))
	for _, s := range catalog.Statuses {
		if s == st {
			f.Status = st
		}
	}
	rows, total, err := h.Editor.EditorList(ctx, sc, f)
	if err != nil {
		return err
	}
	pg := h.page(c, lang, "studio.products.title")
	v := ListView{Nav: h.nav(c, lang, h.Base+"/products"), Base: h.Base, Query: f.Query, Total: total, Page: f.Page,
		Pages: (total + perPage - 1) / perPage}
	for _, r := range rows {
		v.Rows = append(v.Rows, ListRow{EditorRow: r, Title: r.Title(lang), URL: h.Base + "/products/" + strconv.FormatInt(r.ID, 10),
			Price: money.Format(money.Amount{Minor: r.PriceMinor, Currency: r.Currency}, lang)})
	}
	ws, err := h.workshopsInScope(c)
	if err != nil {
		return err
	}
	v.Workshops = append(v.Workshops, kit.Option{Value: "", Label: h.T(lang, "studio.filter.all_workshops")})
	for _, w := range ws {
		v.Workshops = append(v.Workshops, kit.Option{Value: strconv.FormatInt(w.ID, 10), Label: w.Name, Selected: w.ID == f.WorkshopID})
	}
	v.Statuses = append(v.Statuses, kit.Option{Value: "", Label: h.T(lang, "studio.filter.all_statuses")})
	for _, s := range catalog.Statuses {
		v.Statuses = append(v.Statuses, kit.Option{Value: string(s), Label: h.T(lang, "studio.status."+string(s)), Selected: s == f.Status})
	}
	page := func(n int) string {
		q := c.Request.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return h.Base + "/products?" + q.Encode()
	}
	if f.Page > 1 {
		v.PrevURL = page(f.Page - 1)
	}
	if f.Page < v.Pages {
		v.NextURL = page(f.Page + 1)
	}
	pg.Data = v
	return h.Render(c, http.StatusOK, "studio/products", pg)
}

// workshopsInScope lists the workshops the user may put products in.
func (h *Handler) workshopsInScope(c *gin.Context) ([]catalog.Workshop, error) {
	sc := scope(c)
	if sc.All {
		return h.Editor.ListWorkshopsAdmin(c.Request.Context(), false)
	}
	return h.Editor.WorkshopsByIDs(c.Request.Context(), sc.WorkshopIDs)
}
