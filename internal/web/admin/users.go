package admin

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/sheet"
	"github.com/libres/storefront/internal/web/kit"
)

const usersPerPage = 50

// UserListView is /admin/users: search, filters and one page of accounts.
type UserListView struct {
	Nav               Nav
	Q                 string
	Roles, Disabled   []Choice
	Rows              []UserRow
	InviteURL, CSVURL string
	Action, Lang      string
	Pager
}

// UserRow is an account in the list.
type UserRow struct {
	Email, Name, Role, URL string
	Workshops, Company     string
	Verified               bool
	Disabled, Pending      bool
	Created                string
}

// userFilter reads the list's filters from the query: q, role, disabled (yes/no).
func userFilter(c *gin.Context) account.UserFilter {
	f := account.UserFilter{Query: strings.TrimSpace(c.Query("q"))}
	if len([]rune(f.Query)) > 200 {
		f.Query = string([]rune(f.Query)[:200])
	}
	if r := account.Role(c.Query("role")); r.Valid() {
		f.Role = r
	}
	switch c.Query("disabled") {
	case "yes":
		yes := true
		f.Disabled = &yes
	case "no":
		no := false
		f.Disabled = &no
	}
	return f
}

// names are what user rows show instead of ids.
type names struct {
	workshops map[int64]string
	companies map[int64]string
}

func (h *Handler) names(ctx context.Context) (names, error) {
	n := names{workshops: map[int64]string{}, companies: map[int64]string{}}
	ws, err := h.Editor.ListWorkshopsAdmin(ctx, true)
	if err != nil {
		return n, err
	}
	for _, w := range ws {
		n.workshops[w.ID] = w.Name
	}
	cs, err := h.Accounts.Companies(ctx)
	if err != nil {
		return n, err
	}
	for _, co := range cs {
		n.companies[co.ID] = co.Name
	}
	return n, nil
}

func (n names) of(u account.User) (workshops, company string) {
	var ws []string
	for _, id := range u.WorkshopIDs {
		ws = append(ws, n.workshops[id])
	}
	if u.CompanyID != nil {
		company = n.companies[*u.CompanyID]
	}
	return strings.Join(ws, "; "), company
}

func (h *Handler) userList(c *gin.Context, lang string) error {
	ctx := c.Request.Context()
	f := userFilter(c)
	f.Page, f.PerPage = pageParam(c), usersPerPage
	users, total, err := h.Accounts.ListUsers(ctx, f)
	if err != nil {
		return err
	}
	n, err := h.names(ctx)
	if err != nil {
		return err
	}
	v := UserListView{Nav: h.nav(c, lang, "/admin/users"), Q: f.Query, InviteURL: withLang(c, "/admin/users/invite"),
		CSVURL: kit.WithQuery("/admin/users.csv", csvQuery(c)), Action: "/admin/users", Lang: c.Query("lang")}
	if v.Lang != "es" && v.Lang != "en" {
		v.Lang = ""
	}
	v.Pager = pager("/admin/users", c.Request.URL.Query(), f.Page, usersPerPage, total)
	for _, r := range account.Roles {
		v.Roles = append(v.Roles, Choice{Value: string(r), Label: h.T(lang, "admin.role."+string(r)), Selected: r == f.Role})
	}
	for _, d := range []string{"no", "yes"} {
		v.Disabled = append(v.Disabled, Choice{Value: d, Label: h.T(lang, "admin.users.disabled_"+d), Selected: c.Query("disabled") == d})
	}
	for _, u := range users {
		ws, co := n.of(u)
		v.Rows = append(v.Rows, UserRow{Email: u.Email, Name: u.Name, Role: h.T(lang, "admin.role."+string(u.Role)),
			URL: withLang(c, "/admin/users/"+itoa(u.ID)), Workshops: ws, Company: co, Verified: u.EmailVerifiedAt != nil,
			Disabled: u.DisabledAt != nil, Pending: pendingInvite(u), Created: localTime(u.CreatedAt)})
	}
	p := h.page(c, lang, "admin.users.title")
	p.Data = v
	return h.Render(c, http.StatusOK, "admin/users", p)
}

// csvQuery is the list's filters, for the export of the same users.
func csvQuery(c *gin.Context) string {
	q := c.Request.URL.Query()
	q.Del("page")
	q.Del("lang")
	return q.Encode()
}

// usersCSV downloads the filtered users. Cells a spreadsheet would run as a formula
// are neutralised: names and emails are typed by anyone who signs up.
func (h *Handler) usersCSV(c *gin.Context, lang string) error {
	ctx := c.Request.Context()
	users, err := h.allUsers(ctx, userFilter(c))
	if err != nil {
		return err
	}
	n, err := h.names(ctx)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w, err := sheet.NewWriter(&buf)
	if err != nil {
		return err
	}
	_ = w.Write([]string{"email", "name", "role", "workshops", "company", "verified", "disabled", "created"})
	for _, u := range users {
		ws, co := n.of(u)
		_ = w.Write([]string{sheet.Cell(u.Email), sheet.Cell(u.Name), string(u.Role), sheet.Cell(ws), sheet.Cell(co),
			yesNo(u.EmailVerifiedAt != nil), yesNo(u.DisabledAt != nil), u.CreatedAt.In(bogota).Format(time.RFC3339)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	sendCSV(c, "libres-usuarios-"+time.Now().In(bogota).Format("2006-01-02")+".csv", buf.Bytes())
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
