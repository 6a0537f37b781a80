package corporate

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// ListView is the company's quotes.
type ListView struct {
	Company  quote.Company
	Pending  bool // staff have not approved the company yet
	Rejected bool
	NewURL   string
	Rows     []QuoteRow
}

// QuoteRow is a quote in the list.
type QuoteRow struct {
	Number, URL       string
	Status, StatusKey string
	Garments          int
	Deadline          string
	Total, Owed       string // "" before a price
}

func (h *Handler) list(c *gin.Context, lang string) error {
	u := kit.CurrentUser(c)
	ctx := c.Request.Context()
	co, err := h.Quotes.Company(ctx, u.CompanyID)
	if err != nil {
		return err
	}
	qs, err := h.Quotes.List(ctx, u.CompanyID)
	if err != nil {
		return err
	}
	v := ListView{Company: co, Pending: co.Status == quote.CompanyPending, Rejected: co.Status == quote.CompanyRejected,
		Rows: []QuoteRow{}}
	if co.Status == quote.CompanyApproved {
		v.NewURL = withLang(c, quotesPath+"/new")
	}
	for _, q := range qs {
		// A company has tens of quotes, not thousands: one read each gives the lines and
		// the money the list shows.
		d, err := h.detail(c, u.CompanyID, q.ID)
		if err != nil {
			return err
		}
		row := QuoteRow{Number: q.Number, URL: withLang(c, quotePath(q.ID)), Status: h.T(lang, "corporate.status."+string(q.Status)),
			StatusKey: string(q.Status), Deadline: day(q.Deadline, lang)}
		for _, l := range d.Lines {
			row.Garments += l.Quantity
		}
		if len(d.Versions) > 0 {
			row.Total = cop(d.Money.Total, d.Money.Currency, lang)
			row.Owed = cop(d.Money.BalanceDue, d.Money.Currency, lang)
		}
		v.Rows = append(v.Rows, row)
	}
	pg := h.PrivatePage(c, lang, h.T(lang, "corporate.list.title"), nil)
	pg.Data = v
	return h.Render(c, http.StatusOK, "corporate/quotes", pg)
}

// detail reads a company's quote with everything its page shows.
func (h *Handler) detail(c *gin.Context, companyID, id int64) (quote.Detail, error) {
	d, err := h.Quotes.View(c.Request.Context(), companyID, id)
	if err != nil {
		return quote.Detail{}, err
	}
	if d.Money.Currency == "" {
		d.Money.Currency = "COP"
	}
	return d, nil
}

func cop(minor int64, currency, lang string) string {
	if currency == "" {
		currency = "COP"
	}
	return money.Format(money.Amount{Minor: minor, Currency: currency}, lang)
}

// day is a date as a reader of lang writes it.
func day(d time.Time, lang string) string {
	if lang == "en" {
		return d.Format("Jan 2, 2006")
	}
	return d.Format("02/01/2006")
}

// moment is a date and time in Bogotá.
func moment(t time.Time, lang string) string {
	t = t.In(bogota)
	if lang == "en" {
		return t.Format("Jan 2, 2006 3:04 PM")
	}
	return t.Format("02/01/2006 15:04")
}
