package admin

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/web/kit"
)

// InviteView is the invitation form.
type InviteView struct {
	Nav        Nav
	Action     string
	Form       *kit.Form
	Roles      []Choice
	Langs      []Choice
	Workshops  []Choice
	Companies  []Choice
	NewCompany bool // the "new company" choice is selected
}

// invitable are the roles staff invite; customers sign up themselves.
var invitable = []account.Role{account.RoleLead, account.RoleCorporate, account.RoleAdmin}

// newCompany is the company select's value for "a new company, typed below".
const newCompany = "new"

var inviteFields = []string{"email", "name", "role", "lang", "company", "company_name", "company_nit"}

func (h *Handler) inviteForm(c *gin.Context, lang string) error {
	f := kit.EmptyForm()
	f.Values["role"], f.Values["lang"] = string(account.RoleLead), "es"
	if r := account.Role(c.Query("role")); slices.Contains(invitable, r) {
		f.Values["role"] = string(r)
	}
	var ws []int64
	if id := parseID(c.Query("workshop")); id != 0 {
		ws = []int64{id}
	}
	return h.renderInvite(c, lang, http.StatusOK, f, ws)
}

func (h *Handler) invite(c *gin.Context, lang string) error {
	ctx := c.Request.Context()
	f := kit.ReadForm(c, inviteFields...)
	ws := parseIDs(c.PostFormArray("workshops"))
	role := account.Role(f.V("role"))
	if !slices.Contains(invitable, role) {
		f.Errors["role"] = "account.role.invalid"
		f.Message = h.T(lang, "form.invalid")
		return h.renderInvite(c, lang, http.StatusUnprocessableEntity, f, ws)
	}
	companyID := parseID(f.V("company"))
	if role == account.RoleCorporate && f.V("company") == newCompany {
		co, err := h.Accounts.CreateCompany(ctx, actor(c), f.V("company_name"), f.V("company_nit"))
		if err != nil {
			cf := kit.EmptyForm()
			status := h.Fail(cf, lang, err)
			if status == 0 {
				return err
			}
			for field, key := range cf.Errors {
				f.Errors["company_"+field] = key
			}
			f.Message = cf.Message
			return h.renderInvite(c, lang, status, f, ws)
		}
		// From here on the company exists: a failed invitation re-shows it chosen,
		// so sending the form again does not create it twice.
		companyID = co.ID
		f.Values["company"], f.Values["company_name"], f.Values["company_nit"] = itoa(co.ID), "", ""
	}
	u, err := h.Accounts.Invite(ctx, actor(c), account.InviteInput{Email: f.V("email"), Name: f.V("name"), Role: role,
		Lang: f.V("lang"), WorkshopIDs: ws, CompanyID: companyID})
	if err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderInvite(c, lang, status, f, ws)
		}
		return err
	}
	h.SetFlash(c, "ok", "admin.users.invited")
	kit.Redirect(c, withLang(c, "/admin/users/"+itoa(u.ID)))
	return nil
}

func (h *Handler) renderInvite(c *gin.Context, lang string, status int, f *kit.Form, ws []int64) error {
	ctx := c.Request.Context()
	v := InviteView{Nav: h.nav(c, lang, "/admin/users"), Action: withLang(c, "/admin/users/invite"), Form: f,
		NewCompany: f.V("company") == newCompany}
	for _, r := range invitable {
		v.Roles = append(v.Roles, Choice{Value: string(r), Label: h.T(lang, "admin.role."+string(r)), Selected: f.V("role") == string(r)})
	}
	for _, l := range []string{"es", "en"} {
		v.Langs = append(v.Langs, Choice{Value: l, Label: h.T(l, "lang."+l), Selected: f.V("lang") == l})
	}
	var err error
	if v.Workshops, err = h.workshopChoices(ctx, ws); err != nil {
		return err
	}
	if v.Companies, err = h.companyChoices(ctx, parseID(f.V("company"))); err != nil {
		return err
	}
	p := h.page(c, lang, "admin.invite.title")
	p.Data = v
	return h.Render(c, status, "admin/invite", p)
}

func (h *Handler) workshopChoices(ctx context.Context, selected []int64) ([]Choice, error) {
	ws, err := h.Editor.ListWorkshopsAdmin(ctx, true)
	if err != nil {
		return nil, err
	}
	out := make([]Choice, 0, len(ws))
	for _, w := range ws {
		out = append(out, Choice{Value: itoa(w.ID), Label: w.Name, Selected: slices.Contains(selected, w.ID)})
	}
	return out, nil
}

func (h *Handler) companyChoices(ctx context.Context, selected int64) ([]Choice, error) {
	cs, err := h.Accounts.Companies(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Choice, 0, len(cs))
	for _, co := range cs {
		out = append(out, Choice{Value: itoa(co.ID), Label: co.Name + " (" + co.NIT + ")", Selected: co.ID == selected})
	}
	return out, nil
}

// parseIDs reads the ticked ids of a checkbox group, ignoring anything else.
func parseIDs(vals []string) []int64 {
	var ids []int64
	for _, s := range vals {
		if id := parseID(strings.TrimSpace(s)); id > 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}
