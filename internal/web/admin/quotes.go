package admin

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// Staff's side of corporate quotes: the list (filters, CSV), a quote's page with its
// price form and every action (quotes_show.go, quotes_price.go, quotes_actions.go) and
// the production board. The quote's documents under /admin/quotes/:id/ are package
// docs' (mounted by the site); this room only links them.

const (
	quotesPath    = "/admin/quotes"
	boardPath     = "/admin/quotes/board"
	quotesPerPage = 50
)

func (h *Handler) quoteRoutes(r gin.IRouter) {
	h.companyRoutes(r)
	r.GET("/quotes", h.HandlePrivate(h.quoteList))
	r.GET("/quotes.csv", h.HandlePrivate(h.quotesCSV))
	r.GET("/quotes/board", h.HandlePrivate(h.quoteBoard))
	r.GET("/quotes/:id", h.HandlePrivate(h.quoteShow))
	r.GET("/quotes/:id/files/:file", h.HandlePrivate(h.quoteFile))
	r.POST("/quotes/:id/price", h.HandlePrivate(h.quotePrice))
	r.POST("/quotes/:id/cancel", h.HandlePrivate(h.quoteCancel))
	r.POST("/quotes/:id/messages", h.HandlePrivate(h.quoteMessage))
	r.POST("/quotes/:id/transfer", h.HandlePrivate(h.quoteTransfer))
	r.POST("/quotes/:id/payments/:payment/refund", h.HandlePrivate(h.quoteRefund))
	r.POST("/quotes/:id/start", h.HandlePrivate(h.quoteStart))
	r.POST("/quotes/:id/deliver", h.HandlePrivate(h.quoteDeliver))
}

// QuoteListView is /admin/quotes: filters and one page of quotes, newest first.
type QuoteListView struct {
	Nav                  Nav
	Q                    string
	Statuses, Companies  []Choice
	Rows                 []QuoteRow
	CSVURL, BoardURL     string
	CompaniesURL, Action string
	Lang                 string // ?lang= to keep in the filter form, "" when none
	Pager
}

// QuoteRow is a quote in the list.
type QuoteRow struct {
	Number, URL, Company, CompanyURL string
	Status, StatusClass              string
	Deadline, Created                string
	Garments                         int
}

// readQuoteFilter reads status, company and q (number or company name) from the query.
func readQuoteFilter(c *gin.Context) quote.Filter {
	f := quote.Filter{Query: clip(c.Query("q")), CompanyID: parseID(c.Query("company"))}
	if s := quote.Status(c.Query("status")); s.Valid() {
		f.Status = s
	}
	return f
}

func (h *Handler) quoteList(c *gin.Context, lang string) error {
	ctx := c.Request.Context()
	f := readQuoteFilter(c)
	f.Page, f.PerPage = pageParam(c), quotesPerPage
	qs, total, err := h.Quotes.Search(ctx, f)
	if err != nil {
		return err
	}
	cs, err := h.Quotes.Companies(ctx, "")
	if err != nil {
		return err
	}
	v := QuoteListView{Nav: h.nav(c, lang, quotesPath), Q: f.Query, Action: quotesPath, Lang: c.Query("lang"),
		CSVURL: kit.WithQuery(quotesPath+".csv", csvQuery(c)), BoardURL: withLang(c, boardPath),
		CompaniesURL: withLang(c, companiesPath)}
	if v.Lang != "es" && v.Lang != "en" {
		v.Lang = ""
	}
	v.Pager = pager(quotesPath, c.Request.URL.Query(), f.Page, quotesPerPage, total)
	for _, s := range quote.Statuses {
		v.Statuses = append(v.Statuses, Choice{Value: string(s), Label: h.quoteStatus(lang, s), Selected: s == f.Status})
	}
	for _, co := range cs {
		v.Companies = append(v.Companies, Choice{Value: itoa(co.ID), Label: co.Name, Selected: co.ID == f.CompanyID})
	}
	for _, q := range qs {
		v.Rows = append(v.Rows, QuoteRow{Number: q.Number, URL: withLang(c, quotePath(q.ID)), Company: q.CompanyName,
			CompanyURL: withLang(c, quotesPath+"?company="+itoa(q.CompanyID)),
			Status:     h.quoteStatus(lang, q.Status), StatusClass: quoteClass(q.Status),
			Deadline: q.Deadline.Format(time.DateOnly), Created: localTime(q.CreatedAt), Garments: q.Ordered})
	}
	p := h.page(c, lang, "admin.quotes.list.title")
	p.Data = v
	return h.Render(c, http.StatusOK, "admin/quotes", p)
}

// quotesCSV downloads the filtered quotes (every page) for a spreadsheet.
func (h *Handler) quotesCSV(c *gin.Context, lang string) error {
	var buf bytes.Buffer
	if err := h.Quotes.WriteCSV(c.Request.Context(), &buf, readQuoteFilter(c)); err != nil {
		return err
	}
	body := buf.Bytes()
	// A spreadsheet reads the accents right only with the byte-order mark.
	if !bytes.HasPrefix(body, []byte("\uFEFF")) {
		body = append([]byte("\uFEFF"), body...)
	}
	sendCSV(c, "libres-cotizaciones-"+time.Now().In(bogota).Format("2006-01-02")+".csv", body)
	return nil
}

// BoardView is /admin/quotes/board: every job from deposit paid to ready, nearest
// deadline first.
type BoardView struct {
	Nav     Nav
	Rows    []BoardRow
	ListURL string
}

// BoardRow is a job on the board. Due says in words how near the deadline is (not only
// by colour): overdue, due within a week, or nothing.
type BoardRow struct {
	Number, URL, Company       string
	Workshops                  string
	Deadline, Due, DueClass    string
	Status, StatusClass        string
	Finished, Ordered, Percent int
}

func (h *Handler) quoteBoard(c *gin.Context, lang string) error {
	jobs, err := h.Quotes.Jobs(c.Request.Context(), nil)
	if err != nil {
		return err
	}
	v := BoardView{Nav: h.nav(c, lang, boardPath), ListURL: withLang(c, quotesPath)}
	today := bogotaToday()
	for _, j := range jobs {
		r := BoardRow{Number: j.Number, URL: withLang(c, quotePath(j.ID)), Company: j.CompanyName,
			Workshops: h.workshopShares(j.Workshops), Deadline: j.Deadline.Format(time.DateOnly),
			Status: h.quoteStatus(lang, j.Status), StatusClass: quoteClass(j.Status),
			Finished: j.Finished, Ordered: j.Ordered}
		if j.Ordered > 0 {
			r.Percent = j.Finished * 100 / j.Ordered
		}
		days := int(dateOnly(j.Deadline).Sub(today).Hours() / 24)
		switch {
		case days < 0:
			r.Due, r.DueClass = h.T(lang, "admin.quotes.board.overdue", -days), "status-disabled due-overdue"
		case days <= 7:
			r.Due, r.DueClass = h.T(lang, "admin.quotes.board.due_in", days), "status-pending due-soon"
		}
		v.Rows = append(v.Rows, r)
	}
	p := h.page(c, lang, "admin.quotes.board.title")
	p.Data = v
	return h.Render(c, http.StatusOK, "admin/board", p)
}

// workshopShares writes a version's workshops with their share of the work.
func (h *Handler) workshopShares(ws []quote.Assignment) string {
	parts := make([]string, 0, len(ws))
	for _, w := range ws {
		parts = append(parts, w.WorkshopName+" ("+percent(w.WorkBps)+")")
	}
	return strings.Join(parts, ", ")
}

// percent writes basis points as a percentage: 7000 -> "70 %", 3333 -> "33.33 %".
func percent(bps int) string {
	s := itoa(int64(bps / 100))
	if r := bps % 100; r != 0 {
		s += "." + strings.TrimRight(itoa(int64(100 + r))[1:], "0")
	}
	return s + " %"
}

func (h *Handler) quoteStatus(lang string, s quote.Status) string {
	return h.T(lang, "admin.quotes.status."+string(s))
}

// quoteClass is the badge style of a status: waiting on someone, going well, or ended.
func quoteClass(s quote.Status) string {
	switch s {
	case quote.StatusRequested, quote.StatusQuoted, quote.StatusAccepted:
		return "status-pending"
	case quote.StatusDeclined, quote.StatusExpired, quote.StatusCancelled:
		return "status-disabled"
	}
	return "status-ok"
}

func quotePath(id int64) string { return quotesPath + "/" + itoa(id) }

// bogotaToday is today's date in Bogotá, at midnight UTC (as a date column scans).
func bogotaToday() time.Time { return dateOnly(time.Now().In(bogota)) }

func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// quoteCounts are the dashboard's quote numbers: companies waiting for approval and
// requests waiting for a price.
func (h *Handler) quoteCounts(ctx context.Context, c *gin.Context, lang string) ([]Count, error) {
	pending, err := h.Quotes.Companies(ctx, quote.CompanyPending)
	if err != nil {
		return nil, err
	}
	_, requested, err := h.Quotes.Search(ctx, quote.Filter{Status: quote.StatusRequested, PerPage: 1, Page: 1})
	if err != nil {
		return nil, err
	}
	return []Count{
		{Label: h.T(lang, "admin.companies.dashboard.pending", len(pending)), N: len(pending),
			URL: withLang(c, companiesPath+"?status="+quote.CompanyPending)},
		{Label: h.T(lang, "admin.quotes.dashboard.requested", requested), N: requested,
			URL: withLang(c, quotesPath+"?status="+string(quote.StatusRequested))},
	}, nil
}
