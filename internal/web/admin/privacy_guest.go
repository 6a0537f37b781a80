package admin

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/web/kit"
)

// Deletion requests of guests (people who ordered without an account and asked by
// email, package account's guest_privacy.go): listed at /admin/privacy beside the
// account requests, carried out at /admin/privacy/guests/:id.
const guestPrivacyPath = privacyPath + "/guests"

func (h *Handler) guestPrivacyRoutes(r gin.IRouter) {
	r.GET("/privacy/guests/:id", h.HandlePrivate(h.guestDeletionConfirm))
	r.POST("/privacy/guests/:id", h.HandlePrivate(h.guestDeletionRun))
}

// addGuestRows adds the open guest requests to the list, keeping it oldest first.
func (h *Handler) addGuestRows(c *gin.Context, lang string, v *DeletionListView) error {
	gs, err := h.Accounts.PendingGuestDeletions(c.Request.Context())
	if err != nil || len(gs) == 0 {
		return err
	}
	for _, g := range gs {
		v.Rows = append(v.Rows, DeletionRow{GuestID: g.ID, Name: g.Name, Email: g.Email,
			Role: h.T(lang, "admin.privacy.guest"), Requested: localTime(g.RequestedAt),
			ActionURL: withLang(c, guestPrivacyPath+"/"+itoa(g.ID))})
	}
	// Requested is "2006-01-02 15:04" in one zone: text order is time order.
	slices.SortStableFunc(v.Rows, func(a, b DeletionRow) int { return strings.Compare(a.Requested, b.Requested) })
	return nil
}

// GuestDeletionView is /admin/privacy/guests/:id: what deleting a guest's data erases
// and keeps, and the form that does it once the staff member types the email.
type GuestDeletionView struct {
	Nav             Nav
	Row             DeletionRow
	Orders          int // orders placed with the address
	Form            *kit.Form
	Action, BackURL string
}

func (h *Handler) guestDeletionConfirm(c *gin.Context, lang string) error {
	return h.renderGuestDeletion(c, lang, http.StatusOK, nil)
}

func (h *Handler) renderGuestDeletion(c *gin.Context, lang string, status int, f *kit.Form) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	g, err := h.Accounts.PendingGuestDeletion(c.Request.Context(), id)
	if err != nil {
		return err
	}
	if f == nil {
		f = kit.EmptyForm()
	}
	v := GuestDeletionView{Nav: h.nav(c, lang, privacyPath), Form: f, Orders: g.Orders,
		Row: DeletionRow{GuestID: id, Name: g.Name, Email: g.Email, Role: h.T(lang, "admin.privacy.guest"),
			Requested: localTime(g.RequestedAt)},
		Action: withLang(c, guestPrivacyPath+"/"+itoa(id)), BackURL: withLang(c, privacyPath)}
	p := h.page(c, lang, "admin.privacy.confirm_title")
	p.Data = v
	return h.Render(c, status, "admin/privacy_guest", p)
}

// guestDeletionRun carries the request out when the typed email matches the request's.
func (h *Handler) guestDeletionRun(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	f := kit.ReadForm(c, "confirm_email")
	g, err := h.Accounts.PendingGuestDeletion(ctx, id)
	if apperr.CodeOf(err) == apperr.NotFound {
		// Done already (a second click, another admin) or never existed: nothing to do.
		h.SetFlash(c, "ok", "admin.privacy.already")
		kit.Redirect(c, withLang(c, privacyPath))
		return nil
	}
	if err != nil {
		return err
	}
	if !strings.EqualFold(strings.TrimSpace(f.V("confirm_email")), g.Email) {
		f.Errors["confirm_email"] = "admin.privacy.confirm_mismatch"
		f.Message = h.T(lang, "error.invalid")
		return h.renderGuestDeletion(c, lang, http.StatusUnprocessableEntity, f)
	}
	if _, err := h.Accounts.DeleteGuestData(ctx, actor(c), id); err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderGuestDeletion(c, lang, status, f)
		}
		return err
	}
	h.SetFlash(c, "ok", "admin.privacy.done")
	kit.Redirect(c, withLang(c, privacyPath))
	return nil
}
