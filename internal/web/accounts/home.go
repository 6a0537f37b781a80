package accounts

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/web/kit"
)

// HomeView is /cuenta: the profile, password, sessions and personal-data forms.
type HomeView struct {
	User                                     account.User
	Profile, Password                        *kit.Form
	Sessions                                 []account.Session
	ProfileAction, PasswordAction, EndAction string
	DataURL, DeleteAction, LogoutAction      string
	StudioURL, AdminURL                      string
	Langs                                    []kit.Option
	Orders                                   []OrderRow
	LookupURL                                string
}

// OrderRow is one of the user's orders on /cuenta.
type OrderRow struct {
	Number, Date, Status, Total, URL string
}

func (h *Handler) home(c *gin.Context, lang string) error {
	return h.renderHome(c, lang, http.StatusOK, nil, nil)
}

func (h *Handler) renderHome(c *gin.Context, lang string, status int, profile, password *kit.Form) error {
	ctx := c.Request.Context()
	me := kit.CurrentUser(c)
	u, err := h.Accounts.UserByID(ctx, me.ID)
	if err != nil {
		return err
	}
	sessions, err := h.Accounts.Sessions(ctx, me.ID)
	if err != nil {
		return err
	}
	if profile == nil {
		profile = kit.EmptyForm()
		profile.Values["name"], profile.Values["lang"] = u.Name, u.Lang
	}
	if password == nil {
		password = kit.EmptyForm()
	}
	p := routes[lang]
	v := HomeView{User: u, Profile: profile, Password: password, Sessions: sessions,
		ProfileAction: p.Profile, PasswordAction: p.Password, EndAction: p.Sessions,
		DataURL: p.Data, DeleteAction: p.Delete, LogoutAction: p.Logout}
	switch u.Role {
	case account.RoleAdmin:
		v.AdminURL, v.StudioURL = "/admin", "/studio"
	case account.RoleLead:
		v.StudioURL = "/studio"
	}
	for _, l := range []string{"es", "en"} {
		v.Langs = append(v.Langs, kit.Option{Value: l, Label: h.T(l, "lang."+l), Selected: profile.V("lang") == l})
	}
	if h.Orders != nil {
		os, err := h.Orders.OrdersOf(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, o := range os {
			v.Orders = append(v.Orders, OrderRow{Number: o.Number, Date: o.CreatedAt.Format("2006-01-02"),
				Status: h.T(lang, "orderpage.status."+string(o.Status)),
				Total:  money.Format(money.Amount{Minor: o.Total, Currency: o.Currency}, lang),
				URL:    order.LinkPath(lang) + "/" + o.Number})
		}
		v.LookupURL = order.LinkPath(lang)
	}
	pg := h.PrivatePage(c, lang, h.T(lang, "acct.home.title"), alt(func(p paths) string { return p.Account }))
	pg.Data = v
	return h.Render(c, status, "account/home", pg)
}

func (h *Handler) updateProfile(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, "name", "lang")
	u, err := h.Accounts.UpdateProfile(c.Request.Context(), kit.CurrentUser(c).ID, f.V("name"), f.V("lang"))
	if err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderHome(c, lang, status, f, nil)
		}
		return err
	}
	h.SetFlash(c, "ok", "acct.profile.saved")
	kit.Redirect(c, routes[u.Lang].Account)
	return nil
}

func (h *Handler) changePassword(c *gin.Context, lang string) error {
	f := kit.ReadForm(c, "current_password", "new_password")
	err := h.Accounts.ChangePassword(c.Request.Context(), kit.CurrentUser(c).ID, f.V("current_password"),
		f.V("new_password"), kit.SessionToken(c))
	if err != nil {
		if e := h.Fail(f, lang, err); e != 0 {
			// The service names the new password "password".
			if key, ok := f.Errors["password"]; ok {
				f.Errors["new_password"] = key
			}
			return h.renderHome(c, lang, e, nil, f)
		}
		return err
	}
	h.SetFlash(c, "ok", "acct.password.changed")
	kit.Redirect(c, routes[lang].Account)
	return nil
}

// logoutEverywhere ends every session of the user, this one included.
func (h *Handler) logoutEverywhere(c *gin.Context, lang string) error {
	if err := h.Accounts.DeleteAllSessions(c.Request.Context(), kit.CurrentUser(c).ID); err != nil {
		return err
	}
	h.ClearSessionCookie(c)
	h.SetFlash(c, "ok", "acct.sessions.ended")
	kit.Redirect(c, routes[lang].Login)
	return nil
}

// exportData sends the user's personal data as a JSON download (Ley 1581: the right to
// know what is held).
func (h *Handler) exportData(c *gin.Context, lang string) error {
	data, err := h.Accounts.ExportData(c.Request.Context(), kit.CurrentUser(c).ID)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "private, no-store")
	c.Header("Content-Disposition", `attachment; filename="libres-mis-datos.json"`)
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
	return nil
}

func (h *Handler) requestDeletion(c *gin.Context, lang string) error {
	if c.PostForm("confirm") == "" {
		h.SetFlash(c, "error", "acct.delete.confirm_needed")
		kit.Redirect(c, routes[lang].Account)
		return nil
	}
	if err := h.Accounts.RequestDeletion(c.Request.Context(), kit.CurrentUser(c).ID); err != nil {
		return err
	}
	h.SetFlash(c, "ok", "acct.delete.requested")
	kit.Redirect(c, routes[lang].Account)
	return nil
}
