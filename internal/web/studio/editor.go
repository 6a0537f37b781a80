package studio

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/web/kit"
)

// blankRows are the empty variant rows offered below the existing ones, so a size can
// be added without JavaScript.
const blankRows = 2

// EditorView is the product editor: the form as typed, its errors, the choices, and for
// an existing product its photos, status and the actions on them.
type EditorView struct {
	Nav        Nav
	Base       string
	Action     string // where the form posts
	IsNew      bool
	Form       catalog.ProductForm
	F          *kit.Form             // the top fields, for the form partials
	Rows       []catalog.VariantForm // Form.Variants plus blank rows
	Errors     map[string]string
	Message    string
	Categories []kit.Option
	Workshops  []kit.Option
	TaxClasses []kit.Option
	SizeRun    string
	// Existing products only.
	ID                                   int64
	Status                               catalog.Status
	Slug                                 string
	Photos                               []PhotoRow
	StatusAction, PhotosAction, OrderURL string
	PreviewURL                           string
	ShopURL                              string // public page, when on sale
	PhotoErrors                          map[string]string
	PhotoMessage                         string
	Accept                               string
}

// PhotoRow is one photo in the editor.
type PhotoRow struct {
	ID                int64
	Src, AltES, AltEN string
	Position          int
	Action, DeleteURL string
}

// readProductForm reads the editor form; blank variant rows are dropped so the row
// indexes in field errors match what is shown again.
func readProductForm(c *gin.Context) catalog.ProductForm {
	g := func(name string) string { return strings.TrimSpace(c.PostForm(name)) }
	f := catalog.ProductForm{TitleES: g("title_es"), TitleEN: g("title_en"), DescES: g("description_es"),
		DescEN: g("description_en"), CategoryID: g("category_id"), WorkshopID: g("workshop_id"),
		TaxClass: g("tax_class"), Price: g("price"), Version: g("version")}
	n, _ := strconv.Atoi(g("rows"))
	if n > catalog.MaxVariants+blankRows {
		n = catalog.MaxVariants + blankRows
	}
	for i := 0; i < n; i++ {
		p := "variants." + strconv.Itoa(i) + "."
		if c.PostForm(p+"remove") != "" {
			continue
		}
		v := catalog.VariantForm{ID: g(p + "id"), SKU: g(p + "sku"), Size: g(p + "size"), ColorES: g(p + "color_es"),
			ColorEN: g(p + "color_en"), Price: g(p + "price"), Stock: g(p + "stock"), Was: g(p + "was")}
		if v.ID == "" && v.SKU == "" && v.Size == "" && v.ColorES == "" && v.ColorEN == "" && v.Price == "" && v.Stock == "" {
			continue
		}
		f.Variants = append(f.Variants, v)
	}
	return f
}

// applySizeRun adds a row per size of the run ("35-44", "XS-XXL", "S,M,L") that the
// form does not have yet, with a SKU made from the title and the size.
func applySizeRun(f *catalog.ProductForm, run string) error {
	sizes, err := catalog.ExpandSizeRun(run)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, v := range f.Variants {
		have[strings.ToLower(v.Size)] = true
	}
	prefix := strings.ToUpper(catalog.Slugify(f.TitleES))
	if len(prefix) > 40 {
		prefix = strings.TrimRight(prefix[:40], "-")
	}
	if prefix == "" {
		prefix = "LIB"
	}
	for _, s := range sizes {
		if have[strings.ToLower(s)] {
			continue
		}
		f.Variants = append(f.Variants, catalog.VariantForm{Size: s, SKU: prefix + "-" + strings.ToUpper(s), Stock: "0"})
	}
	return nil
}

func (h *Handler) newProduct(c *gin.Context, lang string) error {
	f := catalog.ProductForm{TaxClass: string(catalog.TaxStandard)}
	if ws, err := h.workshopsInScope(c); err == nil && len(ws) == 1 {
		f.WorkshopID = strconv.FormatInt(ws[0].ID, 10)
	}
	return h.renderEditor(c, lang, http.StatusOK, 0, f, nil, "")
}

func (h *Handler) createProduct(c *gin.Context, lang string) error {
	f := readProductForm(c)
	if c.PostForm("action") == "sizes" {
		return h.sizeRun(c, lang, 0, f)
	}
	id, err := h.Editor.CreateProduct(c.Request.Context(), scope(c), actor(c), f)
	if err != nil {
		return h.editorFailed(c, lang, 0, f, err)
	}
	h.SetFlash(c, "ok", "studio.product.created")
	kit.Redirect(c, h.Base+"/products/"+strconv.FormatInt(id, 10))
	return nil
}

func (h *Handler) editProduct(c *gin.Context, lang string) error {
	p, err := h.product(c)
	if err != nil {
		return err
	}
	return h.renderEditor(c, lang, http.StatusOK, p.ID, p.Form(), nil, "")
}

func (h *Handler) updateProduct(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := readProductForm(c)
	if c.PostForm("action") == "sizes" {
		return h.sizeRun(c, lang, id, f)
	}
	if err := h.Editor.UpdateProduct(c.Request.Context(), scope(c), actor(c), id, f); err != nil {
		return h.editorFailed(c, lang, id, f, err)
	}
	h.SetFlash(c, "ok", "studio.product.saved")
	kit.Redirect(c, h.Base+"/products/"+strconv.FormatInt(id, 10))
	return nil
}

// sizeRun re-shows the form with the run's sizes added; nothing is saved yet.
func (h *Handler) sizeRun(c *gin.Context, lang string, id int64, f catalog.ProductForm) error {
	run := strings.TrimSpace(c.PostForm("size_run"))
	if err := applySizeRun(&f, run); err != nil {
		errs := map[string]string{"size_run": apperr.KeyOf(err)}
		if fe := apperr.FieldsOf(err); len(fe) > 0 {
			for _, k := range fe {
				errs["size_run"] = k
			}
		}
		return h.renderEditor(c, lang, http.StatusUnprocessableEntity, id, f, errs, h.T(lang, "form.invalid"), run)
	}
	return h.renderEditor(c, lang, http.StatusOK, id, f, nil, "")
}

// editorFailed re-renders the form with what was typed when the user can fix the
// problem (invalid fields, a stale version); other errors become error pages.
func (h *Handler) editorFailed(c *gin.Context, lang string, id int64, f catalog.ProductForm, err error) error {
	form := kit.EmptyForm()
	status := h.Fail(form, lang, err)
	if status == 0 {
		return err
	}
	if apperr.CodeOf(err) == apperr.Conflict {
		form.Message = h.T(lang, "studio.product.stale")
	}
	return h.renderEditor(c, lang, status, id, f, form.Errors, form.Message)
}

// product loads the product of the :id parameter within the user's scope; another
// workshop's product is not found.
func (h *Handler) product(c *gin.Context) (catalog.Product, error) {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return catalog.Product{}, err
	}
	return h.Editor.EditorProduct(c.Request.Context(), scope(c), id)
}

func (h *Handler) renderEditor(c *gin.Context, lang string, status int, id int64, f catalog.ProductForm,
	errs map[string]string, message string, sizeRun ...string) error {
	ctx := c.Request.Context()
	title := "studio.product.new_title"
	if id != 0 {
		title = "studio.product.edit_title"
	}
	pg := h.page(c, lang, title)
	v := EditorView{Nav: h.nav(c, lang, h.Base+"/products"), Base: h.Base, IsNew: id == 0, Form: f, Errors: errs,
		Message: message, ID: id, Accept: "image/jpeg,image/png,image/webp"}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	v.F = &kit.Form{Errors: v.Errors, Message: message, Values: map[string]string{
		"title_es": f.TitleES, "title_en": f.TitleEN, "description_es": f.DescES, "description_en": f.DescEN,
		"price": f.Price}}
	if len(sizeRun) > 0 {
		v.SizeRun = sizeRun[0]
	}
	v.Rows = append(append([]catalog.VariantForm(nil), f.Variants...), make([]catalog.VariantForm, blankRows)...)
	v.Action = h.Base + "/products"
	if id != 0 {
		base := h.Base + "/products/" + strconv.FormatInt(id, 10)
		v.Action, v.StatusAction, v.PhotosAction = base, base+"/status", base+"/photos"
		v.OrderURL, v.PreviewURL = base+"/photos/order", base+"/preview"
		p, err := h.Editor.EditorProduct(ctx, scope(c), id)
		if err != nil {
			return err
		}
		v.Status, v.Slug = p.Status, p.Slug
		if p.Status == catalog.StatusActive {
			v.ShopURL = "/producto/" + p.Slug
			if lang == "en" {
				v.ShopURL = "/en/product/" + p.Slug
			}
		}
		for _, ph := range p.Photos {
			src := ""
			if len(ph.Renditions) > 0 {
				src = h.MediaBaseURL + "/" + ph.Key + "/" + strconv.FormatInt(ph.Renditions[0], 10) + ".jpg"
			}
			pid := strconv.FormatInt(ph.ID, 10)
			v.Photos = append(v.Photos, PhotoRow{ID: ph.ID, Src: src, AltES: ph.AltES, AltEN: ph.AltEN, Position: ph.Position + 1,
				Action: base + "/photos/" + pid, DeleteURL: base + "/photos/" + pid + "/delete"})
		}
		if f.Version == "" {
			v.Form.Version = strconv.Itoa(p.Version)
		}
	}
	cats, err := h.Catalog.Categories(ctx)
	if err != nil {
		return err
	}
	v.Categories = append(v.Categories, kit.Option{Value: "", Label: h.T(lang, "studio.product.choose")})
	for _, cat := range cats {
		idS := strconv.FormatInt(cat.ID, 10)
		v.Categories = append(v.Categories, kit.Option{Value: idS, Label: cat.Name(lang), Selected: idS == f.CategoryID})
	}
	ws, err := h.workshopsInScope(c)
	if err != nil {
		return err
	}
	v.Workshops = append(v.Workshops, kit.Option{Value: "", Label: h.T(lang, "studio.product.choose")})
	for _, w := range ws {
		idS := strconv.FormatInt(w.ID, 10)
		v.Workshops = append(v.Workshops, kit.Option{Value: idS, Label: w.Name, Selected: idS == f.WorkshopID})
	}
	for _, tc := range catalog.TaxClasses {
		v.TaxClasses = append(v.TaxClasses, kit.Option{Value: string(tc), Label: h.T(lang, "studio.tax."+string(tc)), Selected: string(tc) == f.TaxClass})
	}
	pg.Data = v
	return h.Render(c, status, "studio/product", pg)
}

func (h *Handler) setStatus(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	st := catalog.Status(c.PostForm("status"))
	err = h.Editor.SetStatus(c.Request.Context(), scope(c), actor(c), id, st, version)
	if err != nil {
		form := kit.EmptyForm()
		if h.Fail(form, lang, err) == 0 {
			return err
		}
		p, perr := h.product(c)
		if perr != nil {
			return perr
		}
		msg := form.Message
		if apperr.CodeOf(err) == apperr.Conflict {
			msg = h.T(lang, "studio.product.stale")
		}
		return h.renderEditor(c, lang, apperr.Status(apperr.CodeOf(err)), id, p.Form(), form.Errors, msg)
	}
	h.SetFlash(c, "ok", "studio.status.done."+string(st))
	kit.Redirect(c, h.Base+"/products/"+strconv.FormatInt(id, 10))
	return nil
}

func (h *Handler) preview(c *gin.Context, lang string) error {
	p, err := h.product(c)
	if err != nil {
		return err
	}
	return h.Preview(c, lang, p)
}
