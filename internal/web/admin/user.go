package admin

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/web/kit"
)

// UserView is /admin/users/:id: an account, its memberships, and what staff may do
// with it (change its role, disable or enable it, resend its invitation).
type UserView struct {
	Nav                Nav
	User               account.User
	Role               string // localised
	Lang               string // localised
	Workshops, Company string
	Created, Verified  string
	Disabled           string
	Pending, Self      bool
	RoleForm           *kit.Form
	Roles              []Choice
	WorkshopChoices    []Choice
	Companies          []Choice
	Actions            *kit.Form // the message of a refused disable, enable or resend
	RoleAction         string
	DisableAction      string
	EnableAction       string
	ResendAction       string
	AuditURL           string
	DeletionURL        string // the open deletion request's page, "" when none
}

func (h *Handler) userShow(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	return h.renderUser(c, lang, http.StatusOK, id, nil, nil)
}

func (h *Handler) renderUser(c *gin.Context, lang string, status int, id int64, roleForm, actions *kit.Form) error {
	ctx := c.Request.Context()
	u, err := h.Accounts.UserByID(ctx, id)
	if err != nil {
		return err
	}
	n, err := h.names(ctx)
	if err != nil {
		return err
	}
	ws := u.WorkshopIDs
	if roleForm == nil {
		roleForm = kit.EmptyForm()
		roleForm.Values["role"] = string(u.Role)
		if u.CompanyID != nil {
			roleForm.Values["company"] = itoa(*u.CompanyID)
		}
	} else {
		ws = parseIDs(c.PostFormArray("workshops"))
	}
	if actions == nil {
		actions = kit.EmptyForm()
	}
	base := "/admin/users/" + itoa(id)
	v := UserView{Nav: h.nav(c, lang, "/admin/users"), User: u, Role: h.T(lang, "admin.role."+string(u.Role)),
		Lang: h.T(lang, "lang."+u.Lang), Created: localTime(u.CreatedAt), Pending: pendingInvite(u),
		RoleForm: roleForm, Actions: actions,
		RoleAction: withLang(c, base+"/role"), DisableAction: withLang(c, base+"/disable"),
		EnableAction: withLang(c, base+"/enable"), ResendAction: withLang(c, base+"/resend"),
		AuditURL: withLang(c, "/admin/audit?entity=user&entity_id="+itoa(id))}
	v.Workshops, v.Company = n.of(u)
	if _, err := h.Accounts.PendingDeletion(ctx, id); err == nil {
		v.DeletionURL = withLang(c, privacyPath+"/"+itoa(id))
	} else if apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	if u.EmailVerifiedAt != nil {
		v.Verified = localTime(*u.EmailVerifiedAt)
	}
	if u.DisabledAt != nil {
		v.Disabled = localTime(*u.DisabledAt)
	}
	for _, r := range account.Roles {
		v.Roles = append(v.Roles, Choice{Value: string(r), Label: h.T(lang, "admin.role."+string(r)), Selected: roleForm.V("role") == string(r)})
	}
	if v.WorkshopChoices, err = h.workshopChoices(ctx, ws); err != nil {
		return err
	}
	if v.Companies, err = h.companyChoices(ctx, parseID(roleForm.V("company"))); err != nil {
		return err
	}
	p := h.page(c, lang, "admin.user.title", u.Email)
	p.Data = v
	return h.Render(c, status, "admin/user", p)
}

func (h *Handler) userSetRole(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, "role", "company")
	err = h.Accounts.SetRole(c.Request.Context(), actor(c), id, account.Role(f.V("role")),
		parseIDs(c.PostFormArray("workshops")), parseID(f.V("company")))
	if err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderUser(c, lang, status, id, f, nil)
		}
		return err
	}
	h.SetFlash(c, "ok", "admin.user.role_saved")
	kit.Redirect(c, withLang(c, "/admin/users/"+itoa(id)))
	return nil
}

func (h *Handler) userDisable(c *gin.Context, lang string) error {
	return h.userAction(c, lang, "admin.user.disabled", func(id int64) error {
		return h.Accounts.SetDisabled(c.Request.Context(), actor(c), id, true)
	})
}

func (h *Handler) userEnable(c *gin.Context, lang string) error {
	return h.userAction(c, lang, "admin.user.enabled", func(id int64) error {
		return h.Accounts.SetDisabled(c.Request.Context(), actor(c), id, false)
	})
}

func (h *Handler) userResend(c *gin.Context, lang string) error {
	return h.userAction(c, lang, "admin.user.resent", func(id int64) error {
		return h.Accounts.ResendInvite(c.Request.Context(), actor(c), id)
	})
}

// userAction runs a button's change on the user of the path: a flash and back to
// their page on success, their page with the reason when the service refuses.
func (h *Handler) userAction(c *gin.Context, lang, okKey string, do func(id int64) error) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := do(id); err != nil {
		f := kit.EmptyForm()
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderUser(c, lang, status, id, nil, f)
		}
		return err
	}
	h.SetFlash(c, "ok", okKey)
	kit.Redirect(c, withLang(c, "/admin/users/"+itoa(id)))
	return nil
}
