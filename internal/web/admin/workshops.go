package admin

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/web/kit"
)

// WorkshopListView is /admin/workshops: every workshop, inactive ones too.
type WorkshopListView struct {
	Nav    Nav
	NewURL string
	Rows   []WorkshopRow
}

// WorkshopRow is a workshop in the list with its products by status.
type WorkshopRow struct {
	catalog.Workshop
	URL                      string
	OnSale, Drafts, Archived int
	Kind                     string // localised facility kind
}

func (h *Handler) workshopList(c *gin.Context, lang string) error {
	stats, err := h.Editor.WorkshopSummary(c.Request.Context(), all)
	if err != nil {
		return err
	}
	v := WorkshopListView{Nav: h.nav(c, lang, "/admin/workshops"), NewURL: withLang(c, "/admin/workshops/new")}
	for _, s := range stats {
		v.Rows = append(v.Rows, WorkshopRow{Workshop: s.Workshop, URL: withLang(c, "/admin/workshops/"+itoa(s.Workshop.ID)),
			OnSale: s.Active, Drafts: s.Draft, Archived: s.Archived, Kind: h.T(lang, "facility."+string(s.Workshop.FacilityKind))})
	}
	p := h.page(c, lang, "admin.workshops.title")
	p.Data = v
	return h.Render(c, http.StatusOK, "admin/workshops", p)
}

// WorkshopFormView is the new and edit workshop page.
type WorkshopFormView struct {
	Nav       Nav
	ID        int64 // 0 for a new workshop
	Name      string
	Action    string
	Form      *kit.Form
	Kinds     []Choice
	Members   []UserLink
	InviteURL string
}

// UserLink is a person listed with a link to their admin page.
type UserLink struct {
	Name, Email, URL string
	Pending          bool
}

// workshopFields are the names of the workshop form's fields.
var workshopFields = []string{"name", "slug", "facility", "facility_kind", "city", "department",
	"craft_es", "craft_en", "story_es", "story_en", "active",
	"consent_workshop_photos", "consent_first_names", "consent_people_photos",
	"consent_recorded_on", "consent_recorded_by", "consent_note"}

func workshopInput(f *kit.Form) catalog.WorkshopForm {
	return catalog.WorkshopForm{Name: f.V("name"), Slug: f.V("slug"), Facility: f.V("facility"),
		FacilityKind: f.V("facility_kind"), City: f.V("city"), Department: f.V("department"),
		CraftES: f.V("craft_es"), CraftEN: f.V("craft_en"), StoryES: f.V("story_es"), StoryEN: f.V("story_en"),
		Active: f.Checked("active"), ConsentWorkshopPhotos: f.Checked("consent_workshop_photos"),
		ConsentFirstNames: f.Checked("consent_first_names"), ConsentPeoplePhotos: f.Checked("consent_people_photos"),
		ConsentRecordedOn: f.V("consent_recorded_on"), ConsentRecordedBy: f.V("consent_recorded_by"),
		ConsentNote: f.V("consent_note")}
}

func workshopValues(w catalog.WorkshopForm) *kit.Form {
	f := kit.EmptyForm()
	check := func(b bool) string {
		if b {
			return "1"
		}
		return ""
	}
	for k, v := range map[string]string{"name": w.Name, "slug": w.Slug, "facility": w.Facility,
		"facility_kind": w.FacilityKind, "city": w.City, "department": w.Department, "craft_es": w.CraftES,
		"craft_en": w.CraftEN, "story_es": w.StoryES, "story_en": w.StoryEN, "active": check(w.Active),
		"consent_workshop_photos": check(w.ConsentWorkshopPhotos), "consent_first_names": check(w.ConsentFirstNames),
		"consent_people_photos": check(w.ConsentPeoplePhotos), "consent_recorded_on": w.ConsentRecordedOn,
		"consent_recorded_by": w.ConsentRecordedBy, "consent_note": w.ConsentNote} {
		f.Values[k] = v
	}
	return f
}

func (h *Handler) workshopNew(c *gin.Context, lang string) error {
	f := workshopValues(catalog.WorkshopForm{Active: true, FacilityKind: string(catalog.FacilityPrison)})
	return h.renderWorkshop(c, lang, http.StatusOK, 0, f)
}

func (h *Handler) workshopCreate(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, workshopFields...)
	id, err := h.Editor.CreateWorkshop(c.Request.Context(), all, actor(c), workshopInput(f))
	if err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderWorkshop(c, lang, status, 0, f)
		}
		return err
	}
	h.SetFlash(c, "ok", "admin.workshops.created")
	kit.Redirect(c, withLang(c, "/admin/workshops/"+itoa(id)))
	return nil
}

func (h *Handler) workshopEdit(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	w, err := h.Catalog.WorkshopByID(c.Request.Context(), id)
	if err != nil {
		return err
	}
	return h.renderWorkshop(c, lang, http.StatusOK, id, workshopValues(w.Form()))
}

func (h *Handler) workshopUpdate(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, workshopFields...)
	if err := h.Editor.UpdateWorkshop(c.Request.Context(), all, actor(c), id, workshopInput(f)); err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderWorkshop(c, lang, status, id, f)
		}
		return err
	}
	h.SetFlash(c, "ok", "admin.workshops.saved")
	kit.Redirect(c, withLang(c, "/admin/workshops/"+itoa(id)))
	return nil
}

func (h *Handler) renderWorkshop(c *gin.Context, lang string, status int, id int64, f *kit.Form) error {
	ctx := c.Request.Context()
	v := WorkshopFormView{Nav: h.nav(c, lang, "/admin/workshops"), ID: id, Form: f,
		Action: withLang(c, "/admin/workshops")}
	for _, k := range catalog.FacilityKinds {
		v.Kinds = append(v.Kinds, Choice{Value: string(k), Label: h.T(lang, "facility."+string(k)), Selected: f.V("facility_kind") == string(k)})
	}
	if id == 0 {
		p := h.page(c, lang, "admin.workshops.new")
		p.Data = v
		return h.Render(c, status, "admin/workshop", p)
	}
	{
		w, err := h.Catalog.WorkshopByID(ctx, id)
		if err != nil {
			return err
		}
		v.Name = w.Name
		v.Action = withLang(c, "/admin/workshops/"+itoa(id))
		v.InviteURL = withLang(c, "/admin/users/invite?role="+string(account.RoleLead)+"&workshop="+itoa(id))
		leads, err := h.allUsers(ctx, account.UserFilter{Role: account.RoleLead})
		if err != nil {
			return err
		}
		for _, u := range leads {
			if slices.Contains(u.WorkshopIDs, id) {
				v.Members = append(v.Members, UserLink{Name: u.Name, Email: u.Email,
					URL: withLang(c, "/admin/users/"+itoa(u.ID)), Pending: pendingInvite(u)})
			}
		}
	}
	p := h.page(c, lang, "admin.workshops.edit", v.Name)
	p.Data = v
	return h.Render(c, status, "admin/workshop", p)
}
