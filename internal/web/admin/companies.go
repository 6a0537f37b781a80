package admin

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

const companiesPath = "/admin/companies"

// companyStatuses are the company statuses, in the order the list shows them: the ones
// waiting for a decision first.
var companyStatuses = []string{quote.CompanyPending, quote.CompanyApproved, quote.CompanyRejected}

func (h *Handler) companyRoutes(r gin.IRouter) {
	r.GET("/companies", h.HandlePrivate(h.companyList))
	r.POST("/companies/:id/approve", h.HandlePrivate(h.companyApprove))
	r.POST("/companies/:id/reject", h.HandlePrivate(h.companyReject))
}

// CompanyListView is /admin/companies: the companies that signed up, pending first,
// with the approve and reject forms of each one still open to a decision.
type CompanyListView struct {
	Nav      Nav
	Statuses []Choice
	Action   string
	Lang     string // ?lang= to keep in the filter form, "" when none
	Rows     []CompanyRow
	// Alert is the message of a refused decision (another admin decided first).
	Alert string
}

// CompanyRow is a company in the list, with its forms.
type CompanyRow struct {
	ID                           int64
	Name, NIT, City, Address     string
	Contact, Phone, Email        string
	Created, Status, StatusClass string
	Decided, RejectReason        string
	QuotesURL                    string
	CanApprove, CanReject        bool
	ApproveAction, RejectAction  string
	Reason, ReasonError          string // the reject form as typed, when it was refused
}

func (h *Handler) companyList(c *gin.Context, lang string) error {
	return h.renderCompanies(c, lang, http.StatusOK, 0, nil)
}

// renderCompanies shows the list; failed is the company whose reject form f was refused
// (0 when none).
func (h *Handler) renderCompanies(c *gin.Context, lang string, status int, failed int64, f *kit.Form) error {
	filter := c.Query("status")
	if !slices.Contains(companyStatuses, filter) {
		filter = ""
	}
	cs, err := h.Quotes.Companies(c.Request.Context(), filter)
	if err != nil {
		return err
	}
	// Newest first within each status, the undecided ones on top.
	slices.SortStableFunc(cs, func(a, b quote.Company) int {
		return slices.Index(companyStatuses, a.Status) - slices.Index(companyStatuses, b.Status)
	})
	v := CompanyListView{Nav: h.nav(c, lang, companiesPath), Action: companiesPath, Lang: c.Query("lang")}
	if v.Lang != "es" && v.Lang != "en" {
		v.Lang = ""
	}
	for _, s := range companyStatuses {
		v.Statuses = append(v.Statuses, Choice{Value: s, Label: h.T(lang, "admin.companies.status."+s), Selected: s == filter})
	}
	for _, co := range cs {
		base := companiesPath + "/" + itoa(co.ID)
		r := CompanyRow{ID: co.ID, Name: co.Name, NIT: co.NIT, City: co.City, Address: co.BillingAddress,
			Contact: co.ContactName, Phone: co.ContactPhone, Email: co.ContactEmail, Created: localTime(co.CreatedAt),
			Status: h.T(lang, "admin.companies.status."+co.Status), StatusClass: companyClass(co.Status),
			RejectReason: co.RejectReason, QuotesURL: withLang(c, quotesPath+"?company="+itoa(co.ID)),
			CanApprove: co.Status != quote.CompanyApproved, CanReject: co.Status == quote.CompanyPending,
			ApproveAction: withLang(c, base+"/approve"), RejectAction: withLang(c, base+"/reject")}
		switch {
		case co.ApprovedAt != nil && co.Status == quote.CompanyApproved:
			r.Decided = localTime(*co.ApprovedAt)
		case co.RejectedAt != nil && co.Status == quote.CompanyRejected:
			r.Decided = localTime(*co.RejectedAt)
		}
		if failed == co.ID && f != nil {
			r.Reason = f.V("reason")
			if key := f.Err("reason"); key != "" {
				r.ReasonError = h.T(lang, key)
			}
		}
		v.Rows = append(v.Rows, r)
	}
	if f != nil && f.Err("reason") == "" {
		v.Alert = f.Message
	}
	p := h.page(c, lang, "admin.companies.title")
	p.Data = v
	return h.Render(c, status, "admin/companies", p)
}

func companyClass(status string) string {
	switch status {
	case quote.CompanyPending:
		return "status-pending"
	case quote.CompanyRejected:
		return "status-disabled"
	}
	return "status-ok"
}

func (h *Handler) companyApprove(c *gin.Context, lang string) error {
	return h.companyAction(c, lang, "admin.companies.approved", func(id int64, f *kit.Form) error {
		_, err := h.Quotes.ApproveCompany(c.Request.Context(), actor(c), id)
		return err
	})
}

func (h *Handler) companyReject(c *gin.Context, lang string) error {
	return h.companyAction(c, lang, "admin.companies.rejected", func(id int64, f *kit.Form) error {
		// The company reads the reason (and staff later): it is asked for here.
		if f.V("reason") == "" {
			return apperr.Fields(map[string]string{"reason": "admin.companies.reason_required"})
		}
		_, err := h.Quotes.RejectCompany(c.Request.Context(), actor(c), id, f.V("reason"))
		return err
	})
}

// companyAction runs do on the company of the path: a flash and back to the list (303),
// or the list again with the reason (422 for a missing reason, 409 when the company was
// already decided), nothing changed.
func (h *Handler) companyAction(c *gin.Context, lang, okKey string, do func(id int64, f *kit.Form) error) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := kit.ReadForm(c, "reason")
	if err := do(id, f); err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderCompanies(c, lang, status, id, f)
		}
		return err
	}
	h.SetFlash(c, "ok", okKey)
	kit.Redirect(c, withLang(c, companiesPath))
	return nil
}
