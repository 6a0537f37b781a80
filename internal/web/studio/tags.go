package studio

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/tags"
	"github.com/libres/storefront/internal/web/kit"
)

// TagRoutes registers the hang-tag pages under r: /tags, where a lead (or staff, in the
// admin) chooses products, sizes and how many tags of each, and its POST, which answers
// with a page to print (print stylesheet) or with a PDF laid out on a label sheet.
// Printing makes a product's short code the first time (stable afterwards), so it is a
// POST; printing again with the same choices gives the same tags.
func (h *Handler) TagRoutes(r gin.IRouter, t *tags.Store) {
	p := &tagPages{Handler: h, tags: t}
	r.GET("/tags", h.HandlePrivate(p.form))
	r.POST("/tags", h.HandlePrivate(p.print))
}

type tagPages struct {
	*Handler
	tags *tags.Store
}

// TagsView is the tag form: the scope's products on sale, each with its sizes.
type TagsView struct {
	Nav       Nav
	Action    string
	Query     string
	KeepLang  string // a language chosen with ?lang, kept by the filter form
	Workshops []kit.Option
	Papers    []kit.Option
	Langs     []kit.Option
	Products  []TagProduct
	Errors    map[string]string
	Message   string
	Max       int
}

// TagProduct is a product of the form with its scans this month.
type TagProduct struct {
	ID              int64
	Title, Workshop string
	Scans           int
	Variants        []TagVariant
}

// TagVariant is one size of a product with the number of tags as typed.
type TagVariant struct {
	ID                int64
	Label, SKU, Field string
	Value, Err        string
}

// tagForm is the submitted tag form as typed.
type tagForm struct {
	qty          map[int64]int    // variant -> tags wanted (valid ones only)
	typed        map[int64]string // variant -> as typed
	paper, lang  string
	query        string
	workshop     int64
	errors       map[string]string
	message, key string
	total        int
}

// action is the form's target, keeping a language chosen with ?lang (the back office's
// language switch) for the answer to the POST.
func (p *tagPages) action(c *gin.Context) string {
	if l := c.Query("lang"); l == "es" || l == "en" {
		return p.Base + "/tags?lang=" + l
	}
	return p.Base + "/tags"
}

func (p *tagPages) filter(c *gin.Context, get func(string) string) catalog.StockFilter {
	f := catalog.StockFilter{Query: strings.TrimSpace(get("q"))}
	if len(f.Query) > 200 {
		f.Query = f.Query[:200]
	}
	if id, err := strconv.ParseInt(get("workshop"), 10, 64); err == nil && scope(c).Allows(id) {
		f.WorkshopID = id
	}
	return f
}

func (p *tagPages) form(c *gin.Context, lang string) error {
	tf := tagForm{paper: "a4", lang: lang, typed: map[int64]string{}, errors: map[string]string{}}
	if lang == "en" {
		tf.paper = "letter"
	}
	return p.renderForm(c, lang, http.StatusOK, p.filter(c, c.Query), tf)
}

func (p *tagPages) renderForm(c *gin.Context, lang string, status int, f catalog.StockFilter, tf tagForm) error {
	ctx := c.Request.Context()
	rows, err := p.Editor.StockSheet(ctx, scope(c), f)
	if err != nil {
		return err
	}
	v := TagsView{Nav: p.nav(c, lang, p.Base+"/tags"), Action: p.action(c), Query: f.Query,
		Errors: tf.errors, Message: tf.message, Max: tags.MaxLabels}
	if l := c.Query("lang"); l == "es" || l == "en" {
		v.KeepLang = l
	}
	var ids []int64
	for _, r := range rows {
		if r.ProductStatus != catalog.StatusActive {
			continue // a tag of a draft would lead to a missing page
		}
		if n := len(v.Products); n == 0 || v.Products[n-1].ID != r.ProductID {
			v.Products = append(v.Products, TagProduct{ID: r.ProductID, Title: r.ProductTitle, Workshop: r.WorkshopName})
			ids = append(ids, r.ProductID)
		}
		field := "qty." + strconv.FormatInt(r.VariantID, 10)
		tp := &v.Products[len(v.Products)-1]
		tp.Variants = append(tp.Variants, TagVariant{ID: r.VariantID, Label: variantLabel(r.Size, r.ColorES, r.ColorEN, lang),
			SKU: r.SKU, Field: field, Value: tf.typed[r.VariantID], Err: tf.errors[field]})
	}
	scans, err := p.tags.ScansSince(ctx, ids, tags.MonthStart(time.Now()))
	if err != nil {
		return err
	}
	for i := range v.Products {
		v.Products[i].Scans = scans[v.Products[i].ID]
	}
	ws, err := p.workshopsInScope(c)
	if err != nil {
		return err
	}
	v.Workshops = append(v.Workshops, kit.Option{Value: "", Label: p.T(lang, "studio.filter.all_workshops")})
	for _, w := range ws {
		v.Workshops = append(v.Workshops, kit.Option{Value: strconv.FormatInt(w.ID, 10), Label: w.Name, Selected: w.ID == f.WorkshopID})
	}
	for _, l := range tags.Layouts {
		v.Papers = append(v.Papers, kit.Option{Value: l.Name, Label: l.Model, Selected: l.Name == tf.paper})
	}
	for _, l := range []string{"es", "en"} {
		v.Langs = append(v.Langs, kit.Option{Value: l, Label: p.T(l, "lang."+l), Selected: l == tf.lang})
	}
	pg := p.page(c, lang, "tags.title")
	pg.Data = v
	return p.Render(c, status, "studio/tags", pg)
}

func variantLabel(size, colorES, colorEN, lang string) string {
	color := colorES
	if lang == "en" && colorEN != "" {
		color = colorEN
	}
	switch {
	case size != "" && color != "":
		return color + " / " + size
	case color != "":
		return color
	}
	return size
}

// readTagForm reads the quantities, the paper and the tags' language. A quantity must
// be a whole number from 0 to tags.MaxLabels, and the print at least one and at most
// tags.MaxLabels tags.
func (p *tagPages) readTagForm(c *gin.Context) tagForm {
	tf := tagForm{qty: map[int64]int{}, typed: map[int64]string{}, errors: map[string]string{},
		paper: c.PostForm("paper"), lang: c.PostForm("tag_lang")}
	for name, vals := range c.Request.PostForm {
		idS, ok := strings.CutPrefix(name, "qty.")
		if !ok || len(vals) == 0 {
			continue
		}
		id, err := strconv.ParseInt(idS, 10, 64)
		if err != nil {
			continue
		}
		s := strings.TrimSpace(vals[0])
		tf.typed[id] = s
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > tags.MaxLabels {
			tf.errors[name] = "tags.error.quantity"
			continue
		}
		if n > 0 {
			tf.qty[id] = n
			tf.total += n
		}
	}
	if _, ok := tags.LayoutNamed(tf.paper); !ok {
		tf.errors["paper"] = "tags.error.paper"
	}
	if tf.lang != "es" && tf.lang != "en" {
		tf.errors["tag_lang"] = "tags.error.lang"
	}
	switch {
	case len(tf.errors) > 0:
		tf.key = "tags.error.form"
	case tf.total == 0:
		tf.key = "tags.error.none"
	case tf.total > tags.MaxLabels:
		tf.key = "tags.error.too_many"
	}
	return tf
}

func (p *tagPages) print(c *gin.Context, lang string) error {
	if err := c.Request.ParseForm(); err != nil {
		return kit.ErrBadRequest
	}
	f := p.filter(c, c.PostForm)
	tf := p.readTagForm(c)
	if tf.key != "" {
		tf.message = p.T(lang, tf.key, tags.MaxLabels)
		return p.renderForm(c, lang, http.StatusUnprocessableEntity, f, tf)
	}
	layout, _ := tags.LayoutNamed(tf.paper)
	labels, err := p.labels(c, tf)
	if err != nil {
		return err
	}
	if c.PostForm("format") == "pdf" {
		var buf bytes.Buffer
		meta := tags.Meta{Title: p.T(tf.lang, "tags.pdf_title"), Author: p.T(tf.lang, "site.name"), Lang: tf.lang, Created: time.Now()}
		if err := tags.WritePDF(&buf, layout, labels, meta); err != nil {
			return err
		}
		c.Header("Cache-Control", "private, no-store")
		c.Header("Content-Disposition", `inline; filename="`+p.T(tf.lang, "tags.pdf_file")+`-`+layout.Name+`.pdf"`)
		c.Data(http.StatusOK, "application/pdf", buf.Bytes())
		return nil
	}
	return p.renderPrint(c, lang, layout, labels, tf)
}

// labels makes the tags asked for, in the form's order (product, then size). A variant
// outside the user's scope, or of a product not on sale, is not found: a lead cannot
// print another workshop's tags.
func (p *tagPages) labels(c *gin.Context, tf tagForm) ([]tags.Label, error) {
	ctx := c.Request.Context()
	sc := scope(c)
	rows, err := p.Editor.StockSheet(ctx, sc, catalog.StockFilter{})
	if err != nil {
		return nil, err
	}
	byVariant := map[int64]catalog.StockRow{}
	order := map[int64]int{} // the form's order: workshop, product, size
	for i, r := range rows {
		if r.ProductStatus == catalog.StatusActive {
			byVariant[r.VariantID] = r
			order[r.VariantID] = i
		}
	}
	var variants []int64
	products := map[int64]int64{} // product -> workshop
	for id := range tf.qty {
		r, ok := byVariant[id]
		if !ok {
			return nil, apperr.ErrNotFound
		}
		variants = append(variants, id)
		products[r.ProductID] = r.WorkshopID
	}
	codes, err := p.tags.Codes(ctx, actor(c), products)
	if err != nil {
		return nil, err
	}
	shops := map[int64]catalog.Workshop{}
	byID := map[int64]tags.Label{}
	for pid := range products {
		pr, err := p.Editor.EditorProduct(ctx, sc, pid)
		if err != nil {
			return nil, err
		}
		if _, ok := shops[pr.WorkshopID]; !ok {
			w, err := p.Catalog.WorkshopByID(ctx, pr.WorkshopID)
			if err != nil {
				return nil, err
			}
			shops[pr.WorkshopID] = w
		}
		for _, v := range pr.Variants {
			price := pr.Price()
			if v.PriceOverride != nil {
				price.Minor = *v.PriceOverride
			}
			w := shops[pr.WorkshopID]
			byID[v.ID] = tags.Label{Title: pr.Title(tf.lang), Size: variantLabel(v.Size, v.ColorES, v.ColorEN, tf.lang),
				Price: money.Format(price, tf.lang), Workshop: w.Name, Story: storyLine(w.Story(tf.lang)),
				URL: p.Absolute(linkPrefix(tf.lang) + "/t/" + codes[pid])}
		}
	}
	sort.Slice(variants, func(i, j int) bool { return order[variants[i]] < order[variants[j]] })
	var out []tags.Label
	for _, id := range variants {
		for i := 0; i < tf.qty[id]; i++ {
			out = append(out, byID[id])
		}
	}
	return out, nil
}

// linkPrefix keeps the tag's language in its link: /t/{code} opens the Spanish page,
// /en/t/{code} the English one.
func linkPrefix(lang string) string {
	if lang == "en" {
		return "/en"
	}
	return ""
}

// storyLine is the first sentence of a workshop's story, short enough for a tag.
func storyLine(story string) string {
	s := strings.Join(strings.Fields(story), " ")
	if i := strings.IndexAny(s, ".!?"); i > 0 {
		s = s[:i+1]
	}
	if r := []rune(s); len(r) > 90 {
		s = strings.TrimRight(string(r[:89]), " ,;") + "…"
	}
	return s
}

// TagsPrintView is the page to print: the tags by sheet, and the same choices again as
// hidden fields for the PDF.
type TagsPrintView struct {
	Nav    Nav
	Action string
	Layout tags.Layout
	Sheets [][]TagLabel
	Count  int
	Hidden []kit.Option // Value is the field's name, Label its value
}

// TagLabel is one tag of the print page with its QR code as a data: URL (the same PNG
// the PDF embeds).
type TagLabel struct {
	tags.Label
	QR template.URL
}

func (p *tagPages) renderPrint(c *gin.Context, lang string, l tags.Layout, labels []tags.Label, tf tagForm) error {
	v := TagsPrintView{Nav: p.nav(c, lang, p.Base+"/tags"), Action: p.action(c), Layout: l, Count: len(labels)}
	qrs := map[string]template.URL{}
	var sheet []TagLabel
	for i, lb := range labels {
		qr, ok := qrs[lb.URL]
		if !ok {
			png, err := tags.QRPNG(lb.URL, 256)
			if err != nil {
				return err
			}
			// Safe: bytes this server made, base64-encoded.
			qr = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
			qrs[lb.URL] = qr
		}
		sheet = append(sheet, TagLabel{Label: lb, QR: qr})
		if len(sheet) == l.PerSheet() || i == len(labels)-1 {
			v.Sheets = append(v.Sheets, sheet)
			sheet = nil
		}
	}
	v.Hidden = append(v.Hidden, kit.Option{Value: "paper", Label: tf.paper}, kit.Option{Value: "tag_lang", Label: tf.lang})
	ids := make([]int64, 0, len(tf.qty))
	for id := range tf.qty {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		v.Hidden = append(v.Hidden, kit.Option{Value: "qty." + strconv.FormatInt(id, 10), Label: strconv.Itoa(tf.qty[id])})
	}
	pg := p.page(c, lang, "tags.print_title")
	pg.Data = v
	c.Header("Cache-Control", "private, no-store")
	return p.Render(c, http.StatusOK, "studio/tags_print", pg)
}
