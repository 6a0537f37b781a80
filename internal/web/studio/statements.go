package studio

// Statements: a workshop's month of money (units sold by product and size, gross,
// refunds, net, the workshop's share, payouts, balance) and its production record, as
// pages (printable), CSV and PDF. A lead sees only their own workshops: any other
// workshop is a 404, whatever the file. The admin mounts the same pages under
// /admin/ledger and /admin/production with every workshop in scope.

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/web/kit"
)

// chartMonths is how many months the chart and the studio's list show.
const chartMonths = 12

// StatementRoutes registers the statement and production pages and files under r. The
// studio also gets its list of statements (/studio/statements); the admin's list is its
// ledger overview.
func (h *Handler) StatementRoutes(r gin.IRouter) {
	if h.Ledger == nil {
		return
	}
	s, p := h.statementsSeg(), "/production"
	if h.Base == "/studio" {
		r.GET(s, h.HandlePrivate(h.statementIndex))
	}
	r.GET(s+"/:workshop/:month", h.HandlePrivate(h.statementPage))
	r.GET(s+"/:workshop/:month/entries.csv", h.HandlePrivate(h.statementEntriesCSV))
	r.GET(s+"/:workshop/:month/summary.csv", h.HandlePrivate(h.statementSummaryCSV))
	r.GET(s+"/:workshop/:month/statement.pdf", h.HandlePrivate(h.statementPDF))
	r.GET(s+"/:workshop/:month/scans.csv", h.HandlePrivate(h.statementScansCSV))
	r.GET(p+"/:workshop/:month", h.HandlePrivate(h.productionPage))
	r.GET(p+"/:workshop/:month/production.pdf", h.HandlePrivate(h.productionPDF))
}

// statementsSeg is where statements live in the room: /studio/statements, or
// /admin/ledger beside the staff's overview.
func (h *Handler) statementsSeg() string {
	if h.Base == "/studio" {
		return "/statements"
	}
	return "/ledger"
}

func (h *Handler) statementURL(workshopID int64, month time.Time) string {
	return h.Base + h.statementsSeg() + "/" + strconv.FormatInt(workshopID, 10) + "/" + month.Format(monthLayout)
}

func (h *Handler) productionURL(workshopID int64, month time.Time) string {
	return h.Base + "/production/" + strconv.FormatInt(workshopID, 10) + "/" + month.Format(monthLayout)
}

const monthLayout = "2006-01"

// target is the workshop and month a statement URL names.
type target struct {
	Workshop catalog.Workshop
	Month    time.Time // first instant, Bogotá
}

// readTarget reads :workshop and :month. A workshop outside the user's scope, one that
// does not exist, a month that is not YYYY-MM or is still to come: all are 404, so a
// lead cannot tell another workshop's statement from a missing one.
func (h *Handler) readTarget(c *gin.Context) (target, error) {
	id, err := kit.ParamID(c, "workshop")
	if err != nil {
		return target{}, err
	}
	if !scope(c).Allows(id) {
		return target{}, apperr.ErrNotFound
	}
	month, ok := parseMonth(c.Param("month"), h.Ledger.Options().Now())
	if !ok {
		return target{}, apperr.ErrNotFound
	}
	w, err := h.Catalog.WorkshopByID(c.Request.Context(), id)
	if err != nil {
		return target{}, err
	}
	return target{Workshop: w, Month: month}, nil
}

// parseMonth reads "2026-03" as the first instant of that month in Bogotá; ok is false
// for anything else, a month before 2000 or one after now's.
func parseMonth(s string, now time.Time) (time.Time, bool) {
	if len(s) != len(monthLayout) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(monthLayout, s, ledger.Bogota)
	if err != nil || t.Year() < 2000 || t.After(ledger.MonthStart(now)) {
		return time.Time{}, false
	}
	return t, true
}

// StatementIndexView is /studio/statements: each of the lead's workshops with its last
// months (chart and table, with links to each month's statement and production record).
type StatementIndexView struct {
	Nav       Nav
	Workshops []WorkshopMonths
}

// WorkshopMonths is a workshop's recent months.
type WorkshopMonths struct {
	ID     int64
	Name   string
	Place  string // facility · city
	Chart  Chart
	Months []MonthRow // newest first
}

// MonthRow is a month in the list and in the chart's data table.
type MonthRow struct {
	Label, URL, ProductionURL string
	Units                     int
	Gross, Refunds, Net       string
	Share                     string
	Current                   bool
}

func (h *Handler) statementIndex(c *gin.Context, lang string) error {
	ws, err := h.workshopsInScope(c)
	if err != nil {
		return err
	}
	v := StatementIndexView{Nav: h.statementNav(c, lang)}
	for _, w := range ws {
		wm, err := h.workshopMonths(c.Request.Context(), lang, w, time.Time{})
		if err != nil {
			return err
		}
		v.Workshops = append(v.Workshops, wm)
	}
	pg := h.page(c, lang, "statements.index.title")
	pg.Data = v
	return h.Render(c, http.StatusOK, "studio/statements", pg)
}

// workshopMonths is a workshop's chart and months table; current marks a month.
func (h *Handler) workshopMonths(ctx context.Context, lang string, w catalog.Workshop, current time.Time) (WorkshopMonths, error) {
	ms, err := h.Ledger.Months(ctx, w.ID, chartMonths)
	if err != nil {
		return WorkshopMonths{}, err
	}
	wm := WorkshopMonths{ID: w.ID, Name: w.Name, Place: place(w)}
	cur := h.Ledger.Options().Currency
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		wm.Months = append(wm.Months, MonthRow{Label: h.monthLabel(lang, m.Month), URL: h.statementURL(w.ID, m.Month),
			ProductionURL: h.productionURL(w.ID, m.Month), Units: m.Units, Gross: fmtMoney(m.Gross, cur, lang),
			Refunds: fmtMoney(m.Refunds, cur, lang), Net: fmtMoney(m.Net, cur, lang), Share: fmtMoney(m.Share, cur, lang),
			Current: !current.IsZero() && m.Month.Equal(current)})
	}
	wm.Chart = h.netChart(lang, w, ms, current)
	return wm, nil
}

// statementNav is the room's navigation with the statements marked: the studio's own
// list, or the admin's ledger overview.
func (h *Handler) statementNav(c *gin.Context, lang string) Nav {
	if h.Base == "/studio" {
		return h.nav(c, lang, "/studio/statements") // the studio's menu lists the statements
	}
	n := h.nav(c, lang, "")
	url, key := "/studio/statements", "statements.nav.studio"
	if h.Base != "/studio" {
		url, key = "/admin/ledger", "statements.nav.admin"
	}
	n.Items = append(n.Items, NavItem{Label: h.T(lang, key), URL: url, Current: true})
	return n
}

func place(w catalog.Workshop) string {
	if w.Facility != "" && w.City != "" {
		return w.Facility + " · " + w.City
	}
	return w.Facility + w.City
}

// monthLabel is "marzo de 2026" or "March 2026".
func (h *Handler) monthLabel(lang string, m time.Time) string {
	return h.T(lang, "statements.month_year", h.T(lang, "statements.month."+strconv.Itoa(int(m.Month()))), m.Year())
}

func fmtMoney(minor int64, currency, lang string) string {
	return money.Format(money.Amount{Minor: minor, Currency: currency}, lang)
}

// Percent writes a share in basis points as a percentage: "60 %" (es), "60.5%" (en).
func Percent(bps int, lang string) string {
	s := strconv.Itoa(bps / 100)
	if r := bps % 100; r != 0 {
		dec := strconv.Itoa(r + 100)[1:]
		if dec[1] == '0' {
			dec = dec[:1]
		}
		sep := "."
		if lang == "es" {
			sep = ","
		}
		s += sep + dec
	}
	if lang == "es" {
		return s + "\u00a0%"
	}
	return s + "%"
}

// bogotaDate writes a moment as a Bogotá date.
func bogotaDate(t time.Time) string { return t.In(ledger.Bogota).Format(time.DateOnly) }
