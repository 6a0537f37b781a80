package admin

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/web/kit"
)

// CategoryListView is /admin/categories, in menu order.
type CategoryListView struct {
	Nav    Nav
	NewURL string
	Rows   []CategoryRow
}

// CategoryRow is a category in the list.
type CategoryRow struct {
	catalog.Category
	URL string
}

func (h *Handler) categoryList(c *gin.Context, lang string) error {
	cs, err := h.Catalog.Categories(c.Request.Context())
	if err != nil {
		return err
	}
	v := CategoryListView{Nav: h.nav(c, lang, "/admin/categories"), NewURL: withLang(c, "/admin/categories/new")}
	for _, cat := range cs {
		v.Rows = append(v.Rows, CategoryRow{Category: cat, URL: withLang(c, "/admin/categories/"+itoa(cat.ID))})
	}
	p := h.page(c, lang, "admin.categories.title")
	p.Data = v
	return h.Render(c, http.StatusOK, "admin/categories", p)
}

// CategoryFormView is the new and edit category page.
type CategoryFormView struct {
	Nav    Nav
	ID     int64
	Name   string
	Action string
	Form   *kit.Form
}

var categoryFields = []string{"name_es", "name_en", "slug_es", "slug_en", "description_es", "description_en", "position"}

func categoryInput(f *kit.Form) catalog.CategoryForm {
	return catalog.CategoryForm{NameES: f.V("name_es"), NameEN: f.V("name_en"), SlugES: f.V("slug_es"),
		SlugEN: f.V("slug_en"), DescES: f.V("description_es"), DescEN: f.V("description_en"), Position: f.V("position")}
}

func categoryValues(cf catalog.CategoryForm) *kit.Form {
	f := kit.EmptyForm()
	f.Values = map[string]string{"name_es": cf.NameES, "name_en": cf.NameEN, "slug_es": cf.SlugES, "slug_en": cf.SlugEN,
		"description_es": cf.DescES, "description_en": cf.DescEN, "position": cf.Position}
	return f
}

// category finds a category by id (the catalog has few, all read at once).
func (h *Handler) category(c *gin.Context) (catalog.Category, error) {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return catalog.Category{}, err
	}
	cs, err := h.Catalog.Categories(c.Request.Context())
	if err != nil {
		return catalog.Category{}, err
	}
	for _, cat := range cs {
		if cat.ID == id {
			return cat, nil
		}
	}
	return catalog.Category{}, apperr.New(apperr.NotFound, "category.not_found")
}

func (h *Handler) categoryNew(c *gin.Context, lang string) error {
	cs, err := h.Catalog.Categories(c.Request.Context())
	if err != nil {
		return err
	}
	next := 0
	for _, cat := range cs {
		next = max(next, cat.Position+1)
	}
	return h.renderCategory(c, lang, http.StatusOK, catalog.Category{}, categoryValues(catalog.CategoryForm{Position: strconv.Itoa(next)}))
}

func (h *Handler) categoryCreate(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, categoryFields...)
	if _, err := h.Editor.CreateCategory(c.Request.Context(), all, actor(c), categoryInput(f)); err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderCategory(c, lang, status, catalog.Category{}, f)
		}
		return err
	}
	h.SetFlash(c, "ok", "admin.categories.created")
	kit.Redirect(c, withLang(c, "/admin/categories"))
	return nil
}

func (h *Handler) categoryEdit(c *gin.Context, lang string) error {
	cat, err := h.category(c)
	if err != nil {
		return err
	}
	return h.renderCategory(c, lang, http.StatusOK, cat, categoryValues(cat.Form()))
}

func (h *Handler) categoryUpdate(c *gin.Context, lang string) error {
	cat, err := h.category(c)
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, categoryFields...)
	if err := h.Editor.UpdateCategory(c.Request.Context(), all, actor(c), cat.ID, categoryInput(f)); err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderCategory(c, lang, status, cat, f)
		}
		return err
	}
	h.SetFlash(c, "ok", "admin.categories.saved")
	kit.Redirect(c, withLang(c, "/admin/categories"))
	return nil
}

func (h *Handler) renderCategory(c *gin.Context, lang string, status int, cat catalog.Category, f *kit.Form) error {
	v := CategoryFormView{Nav: h.nav(c, lang, "/admin/categories"), ID: cat.ID, Name: cat.Name(lang), Form: f,
		Action: withLang(c, "/admin/categories")}
	var p *kit.Page
	if cat.ID == 0 {
		p = h.page(c, lang, "admin.categories.new")
	} else {
		v.Action = withLang(c, "/admin/categories/"+itoa(cat.ID))
		p = h.page(c, lang, "admin.categories.edit", v.Name)
	}
	p.Data = v
	return h.Render(c, status, "admin/category", p)
}
