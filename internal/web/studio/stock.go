package studio

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/web/kit"
)

// StockView is the stock sheet: every variant of the lead's workshops in one table,
// many counts edited and saved at once.
type StockView struct {
	Nav       Nav
	Rows      []StockRow
	Workshops []kit.Option
	Query     string
	OnlyLow   bool
	Errors    map[string]string
	Message   string
	Filter    string // the sheet's query string, kept across the save
}

// StockRow is one line of the sheet with the count as typed.
type StockRow struct {
	catalog.StockRow
	Value, Field, Color, ProductURL string
}

func (h *Handler) stockFilter(c *gin.Context, get func(string) string) (catalog.StockFilter, string) {
	f := catalog.StockFilter{Query: strings.TrimSpace(get("q")), OnlyLow: get("low") == "1"}
	if len(f.Query) > 200 {
		f.Query = f.Query[:200]
	}
	if id, err := strconv.ParseInt(get("workshop"), 10, 64); err == nil && scope(c).Allows(id) {
		f.WorkshopID = id
	}
	q := c.Request.URL.Query()
	q.Del("lang")
	return f, q.Encode()
}

func (h *Handler) stockSheet(c *gin.Context, lang string) error {
	f, _ := h.stockFilter(c, c.Query)
	return h.renderStock(c, lang, http.StatusOK, f, nil, nil, "")
}

func (h *Handler) renderStock(c *gin.Context, lang string, status int, f catalog.StockFilter, typed map[int64]string,
	errs map[string]string, message string) error {
	rows, err := h.Editor.StockSheet(c.Request.Context(), scope(c), f)
	if err != nil {
		return err
	}
	pg := h.page(c, lang, "studio.stock.title")
	v := StockView{Nav: h.nav(c, lang, "/studio/stock"), Query: f.Query, OnlyLow: f.OnlyLow, Errors: errs, Message: message}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	for _, r := range rows {
		id := strconv.FormatInt(r.VariantID, 10)
		val, ok := typed[r.VariantID]
		if !ok {
			val = strconv.Itoa(r.Stock)
		}
		color := r.ColorES
		if lang == "en" && r.ColorEN != "" {
			color = r.ColorEN
		}
		v.Rows = append(v.Rows, StockRow{StockRow: r, Value: val, Field: "stock." + id, Color: color,
			ProductURL: h.Base + "/products/" + strconv.FormatInt(r.ProductID, 10)})
	}
	ws, err := h.workshopsInScope(c)
	if err != nil {
		return err
	}
	v.Workshops = append(v.Workshops, kit.Option{Value: "", Label: h.T(lang, "studio.filter.all_workshops")})
	for _, w := range ws {
		v.Workshops = append(v.Workshops, kit.Option{Value: strconv.FormatInt(w.ID, 10), Label: w.Name, Selected: w.ID == f.WorkshopID})
	}
	q := c.Request.URL.Query()
	q.Del("lang")
	v.Filter = q.Encode()
	pg.Data = v
	return h.Render(c, status, "studio/stock", pg)
}

// saveStock saves every changed count of the sheet in one transaction. Each row carries
// the count it showed ("was.ID"), so a count someone changed meanwhile is refused, not
// overwritten; a refusal re-shows the sheet with what was typed.
func (h *Handler) saveStock(c *gin.Context, lang string) error {
	if err := c.Request.ParseForm(); err != nil {
		return kit.ErrBadRequest
	}
	var changes []catalog.StockChange
	typed := map[int64]string{}
	for name, vals := range c.Request.PostForm {
		idS, ok := strings.CutPrefix(name, "stock.")
		if !ok || len(vals) == 0 {
			continue
		}
		id, err := strconv.ParseInt(idS, 10, 64)
		if err != nil {
			continue
		}
		was, err := strconv.Atoi(c.PostForm("was." + idS))
		if err != nil {
			continue
		}
		typed[id] = strings.TrimSpace(vals[0])
		changes = append(changes, catalog.StockChange{VariantID: id, Stock: strings.TrimSpace(vals[0]), Was: was})
	}
	back := c.PostForm("filter")
	err := h.Editor.UpdateStock(c.Request.Context(), scope(c), actor(c), changes)
	if err != nil {
		form := kit.EmptyForm()
		status := h.Fail(form, lang, err)
		if status == 0 {
			return err
		}
		if apperr.CodeOf(err) == apperr.Conflict {
			typed = nil // show the current counts: the typed ones were based on old values
		}
		vals, _ := parseQuery(back)
		f, _ := h.stockFilter(c, vals)
		return h.renderStock(c, lang, status, f, typed, form.Errors, form.Message)
	}
	h.SetFlash(c, "ok", "studio.stock.saved")
	kit.Redirect(c, kit.WithQuery("/studio/stock", back))
	return nil
}

// parseQuery turns the kept filter back into a getter.
func parseQuery(raw string) (func(string) string, error) {
	v, err := url.ParseQuery(raw)
	return v.Get, err
}
