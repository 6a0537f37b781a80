package admin

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/web/kit"
)

const productsPerPage = 50

// ProductListView is /admin/products: every workshop's products with filters.
type ProductListView struct {
	Nav                    Nav
	Q                      string
	Workshops, Categories  []Choice
	Statuses               []Choice
	Rows                   []ProductRow
	NewURL, CSVURL, Action string
	Lang                   string // ?lang= to keep in the filter form, "" when none
	Pager
}

// ProductRow is a product in the list.
type ProductRow struct {
	Title, Workshop, Category, Status, StatusClass string
	Price                                          string
	Stock                                          int
	URL                                            string
}

func (h *Handler) productList(c *gin.Context, lang string) error {
	ctx := c.Request.Context()
	f := catalog.EditorFilter{Query: strings.TrimSpace(c.Query("q")), WorkshopID: parseID(c.Query("workshop")),
		CategoryID: parseID(c.Query("category")), Page: pageParam(c), PerPage: productsPerPage}
	if s := catalog.Status(c.Query("status")); slices.Contains(catalog.Statuses, s) {
		f.Status = s
	}
	rows, total, err := h.Editor.EditorList(ctx, all, f)
	if err != nil {
		return err
	}
	ws, err := h.Editor.ListWorkshopsAdmin(ctx, true)
	if err != nil {
		return err
	}
	cs, err := h.Catalog.Categories(ctx)
	if err != nil {
		return err
	}
	v := ProductListView{Nav: h.nav(c, lang, "/admin/products"), Q: f.Query, NewURL: withLang(c, "/admin/products/new"),
		CSVURL: "/admin/products.csv", Action: "/admin/products", Lang: c.Query("lang")}
	if v.Lang != "es" && v.Lang != "en" {
		v.Lang = ""
	}
	v.Pager = pager("/admin/products", c.Request.URL.Query(), f.Page, productsPerPage, total)
	catNames := map[int64]string{}
	for _, w := range ws {
		v.Workshops = append(v.Workshops, Choice{Value: itoa(w.ID), Label: w.Name, Selected: w.ID == f.WorkshopID})
	}
	for _, cat := range cs {
		catNames[cat.ID] = cat.Name(lang)
		v.Categories = append(v.Categories, Choice{Value: itoa(cat.ID), Label: cat.Name(lang), Selected: cat.ID == f.CategoryID})
	}
	for _, s := range catalog.Statuses {
		v.Statuses = append(v.Statuses, Choice{Value: string(s), Label: h.T(lang, "admin.status."+string(s)), Selected: s == f.Status})
	}
	for _, r := range rows {
		title := r.Title(lang)
		if title == "" {
			title = r.TitleES
		}
		v.Rows = append(v.Rows, ProductRow{Title: title, Workshop: r.WorkshopName, Category: catNames[r.CategoryID],
			Status: h.T(lang, "admin.status."+string(r.Status)), StatusClass: "status-" + string(r.Status),
			Price: money.Format(money.Amount{Minor: r.PriceMinor, Currency: r.Currency}, lang), Stock: r.TotalStock,
			URL: withLang(c, "/admin/products/"+itoa(r.ID))})
	}
	p := h.page(c, lang, "admin.products.title")
	p.Data = v
	return h.Render(c, http.StatusOK, "admin/products", p)
}

// productsCSV downloads every product variant as a spreadsheet.
func (h *Handler) productsCSV(c *gin.Context, lang string) error {
	var buf bytes.Buffer
	if err := h.Editor.WriteProductsCSV(c.Request.Context(), all, &buf); err != nil {
		return err
	}
	sendCSV(c, "libres-productos-"+time.Now().In(bogota).Format("2006-01-02")+".csv", buf.Bytes())
	return nil
}

// sendCSV answers with a CSV download, built whole first so an error is still a page.
func sendCSV(c *gin.Context, filename string, body []byte) {
	c.Header("Cache-Control", "private, no-store")
	c.Header("Content-Disposition", `attachment; filename="`+filename+`"`)
	kit.WriteCompressed(c, http.StatusOK, "text/csv; charset=utf-8", body)
}
