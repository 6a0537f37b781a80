package admin

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/web/kit"
)

// privacyPath is the list of open deletion requests (Ley 1581): staff carry each one
// out from its confirmation page.
const privacyPath = "/admin/privacy"

func (h *Handler) privacyRoutes(r gin.IRouter) {
	r.GET("/privacy", h.HandlePrivate(h.deletionList))
	r.GET("/privacy/:id", h.HandlePrivate(h.deletionConfirm))
	r.POST("/privacy/:id", h.HandlePrivate(h.deletionRun))
	h.guestPrivacyRoutes(r)
}

// DeletionListView is /admin/privacy: who asked for their data to be deleted, and when.
type DeletionListView struct {
	Nav  Nav
	Rows []DeletionRow
}

// DeletionRow is one open request: of an account (UserID) or of a guest (GuestID).
type DeletionRow struct {
	UserID, GuestID      int64
	Name, Email, Role    string
	Requested, ActionURL string
}

func (h *Handler) deletionList(c *gin.Context, lang string) error {
	ps, err := h.Accounts.PendingDeletions(c.Request.Context())
	if err != nil {
		return err
	}
	v := DeletionListView{Nav: h.nav(c, lang, privacyPath), Rows: []DeletionRow{}}
	for _, p := range ps {
		v.Rows = append(v.Rows, DeletionRow{UserID: p.UserID, Name: p.Name, Email: p.Email,
			Role: h.T(lang, "admin.role."+string(p.Role)), Requested: localTime(p.RequestedAt),
			ActionURL: withLang(c, privacyPath+"/"+itoa(p.UserID))})
	}
	if err := h.addGuestRows(c, lang, &v); err != nil {
		return err
	}
	p := h.page(c, lang, "admin.privacy.title")
	p.Data = v
	return h.Render(c, http.StatusOK, "admin/privacy", p)
}

// DeletionView is /admin/privacy/:id: what deleting this person's data erases and keeps,
// and the form that does it once the staff member types the person's email.
type DeletionView struct {
	Nav                       Nav
	Row                       DeletionRow
	Form                      *kit.Form
	Action, BackURL, AuditURL string
}

func (h *Handler) deletionConfirm(c *gin.Context, lang string) error {
	return h.renderDeletion(c, lang, http.StatusOK, nil)
}

func (h *Handler) renderDeletion(c *gin.Context, lang string, status int, f *kit.Form) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	pd, err := h.Accounts.PendingDeletion(c.Request.Context(), id)
	if err != nil {
		return err
	}
	if f == nil {
		f = kit.EmptyForm()
	}
	base := privacyPath + "/" + itoa(id)
	v := DeletionView{Nav: h.nav(c, lang, privacyPath), Form: f,
		Row: DeletionRow{UserID: id, Name: pd.Name, Email: pd.Email, Role: h.T(lang, "admin.role."+string(pd.Role)),
			Requested: localTime(pd.RequestedAt)},
		Action: withLang(c, base), BackURL: withLang(c, privacyPath),
		AuditURL: withLang(c, "/admin/audit?entity=user&entity_id="+itoa(id))}
	p := h.page(c, lang, "admin.privacy.confirm_title")
	p.Data = v
	return h.Render(c, status, "admin/privacy_confirm", p)
}

// deletionRun carries the request out when the typed email matches the person's.
func (h *Handler) deletionRun(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	f := kit.ReadForm(c, "confirm_email")
	u, err := h.Accounts.UserByID(ctx, id)
	if err != nil {
		return err
	}
	if u.IsErased() {
		// Done already (a second click, another admin): nothing to do.
		h.SetFlash(c, "ok", "admin.privacy.already")
		kit.Redirect(c, withLang(c, privacyPath))
		return nil
	}
	if !strings.EqualFold(strings.TrimSpace(f.V("confirm_email")), u.Email) {
		f.Errors["confirm_email"] = "admin.privacy.confirm_mismatch"
		f.Message = h.T(lang, "error.invalid")
		return h.renderDeletion(c, lang, http.StatusUnprocessableEntity, f)
	}
	if _, err := h.Accounts.DeletePersonalData(ctx, actor(c), id); err != nil {
		if status := h.Fail(f, lang, err); status != 0 && apperr.CodeOf(err) != apperr.NotFound {
			return h.renderDeletion(c, lang, status, f)
		}
		return err
	}
	h.SetFlash(c, "ok", "admin.privacy.done")
	kit.Redirect(c, withLang(c, privacyPath))
	return nil
}
