package admin

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/catalog"
)

// DashboardView is /admin: how much there is of everything, with links.
type DashboardView struct {
	Nav                       Nav
	Workshops, ActiveWorkshop int
	WorkshopsURL              string
	Products                  []Count // by status
	Users                     []Count // by role
	Pending                   int     // invitations not accepted yet
	Links                     []Count // quick actions (Label, URL)
}

// Count is a labelled number linking to the list it counts.
type Count struct {
	Label string
	N     int
	URL   string
}

func (h *Handler) dashboard(c *gin.Context, lang string) error {
	ctx := c.Request.Context()
	stats, err := h.Editor.WorkshopSummary(ctx, all)
	if err != nil {
		return err
	}
	v := DashboardView{Nav: h.nav(c, lang, "/admin"), Workshops: len(stats), WorkshopsURL: withLang(c, "/admin/workshops")}
	byStatus := map[catalog.Status]int{}
	for _, s := range stats {
		if s.Workshop.Active {
			v.ActiveWorkshop++
		}
		byStatus[catalog.StatusDraft] += s.Draft
		byStatus[catalog.StatusActive] += s.Active
		byStatus[catalog.StatusArchived] += s.Archived
	}
	for _, st := range catalog.Statuses {
		v.Products = append(v.Products, Count{Label: h.T(lang, "admin.status."+string(st)), N: byStatus[st],
			URL: withLang(c, "/admin/products?status="+string(st))})
	}
	for _, r := range account.Roles {
		_, n, err := h.Accounts.ListUsers(ctx, account.UserFilter{Role: r, PerPage: 1})
		if err != nil {
			return err
		}
		v.Users = append(v.Users, Count{Label: h.T(lang, "admin.role."+string(r)), N: n,
			URL: withLang(c, "/admin/users?role="+string(r))})
	}
	users, err := h.allUsers(ctx, account.UserFilter{})
	if err != nil {
		return err
	}
	for _, u := range users {
		if pendingInvite(u) {
			v.Pending++
		}
	}
	if h.Orders != nil {
		counts, err := h.orderCounts(c, lang)
		if err != nil {
			return err
		}
		v.Links = append(v.Links, counts...)
	}
	if h.Quotes != nil {
		counts, err := h.quoteCounts(ctx, c, lang)
		if err != nil {
			return err
		}
		v.Links = append(v.Links, counts...)
	}
	for _, l := range []struct{ key, path string }{
		{"admin.workshops.new", "/admin/workshops/new"},
		{"admin.categories.new", "/admin/categories/new"},
		{"admin.users.invite", "/admin/users/invite"},
		{"admin.products.csv", "/admin/products.csv"},
		{"admin.users.csv", "/admin/users.csv"},
	} {
		v.Links = append(v.Links, Count{Label: h.T(lang, l.key), URL: withLang(c, l.path)})
	}
	p := h.page(c, lang, "admin.dashboard.title")
	p.Data = v
	return h.Render(c, http.StatusOK, "admin/dashboard", p)
}

// pendingInvite reports whether u was invited and has not chosen a password yet.
func pendingInvite(u account.User) bool { return !u.HasPassword && u.DisabledAt == nil }
