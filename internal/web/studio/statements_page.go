package studio

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/ledger"
)

// StatementView is a workshop's month: figures, units by product and size, entries,
// the last months' chart, and the files to download. It prints as the statement a lead
// hands to the facility (the print stylesheet drops the navigation and the links).
type StatementView struct {
	Nav                            Nav
	Workshop, Place, Period        string
	Figures                        []Figure
	Units                          []UnitRow
	UnitsTotal                     UnitRow
	Entries                        []EntryRow
	Chart                          Chart
	Months                         []MonthRow
	PrevURL, NextURL               string
	PrevLabel, NextLabel           string
	EntriesCSV, SummaryCSV         string
	PDF, ProductionURL             string
	Generated                      string // Bogotá date and time the page was made
	IssuerName, IssuerNIT          string
	StatementsURL, StatementsLabel string
	// TagScans are the period's hang-tag scans by product; ScansCSV downloads them.
	TagScans   []ScanRow
	ScansTotal int
	ScansCSV   string
}

// ScanRow is a product's tag scans in the statement's period.
type ScanRow struct {
	Title string
	Scans int
}

// Figure is a labelled amount of a statement.
type Figure struct {
	Label, Value string
	Total        bool // a result (net, closing balance): shown stronger
}

// UnitRow is a product and size of a statement.
type UnitRow struct {
	Title, Size         string
	Sold, Refunded      int
	Gross, Refunds, Net string
}

// EntryRow is a ledger entry of the month.
type EntryRow struct {
	Date, Kind, Ref, Item string
	Quantity              string
	Amount, Share         string
}

func (h *Handler) statementPage(c *gin.Context, lang string) error {
	t, err := h.readTarget(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	st, err := h.Ledger.Statement(ctx, t.Workshop.ID, t.Month)
	if err != nil {
		return err
	}
	wm, err := h.workshopMonths(ctx, lang, t.Workshop, t.Month)
	if err != nil {
		return err
	}
	base := h.statementURL(t.Workshop.ID, t.Month)
	v := StatementView{Nav: h.statementNav(c, lang), Workshop: t.Workshop.Name, Place: place(t.Workshop),
		Period: h.monthLabel(lang, t.Month), Figures: h.statementFigures(lang, st), Chart: wm.Chart, Months: wm.Months,
		EntriesCSV: base + "/entries.csv", SummaryCSV: base + "/summary.csv", PDF: base + "/statement.pdf",
		ProductionURL: h.productionURL(t.Workshop.ID, t.Month), Generated: h.generated(),
		IssuerName: h.Seller.Name, IssuerNIT: h.Seller.NIT}
	v.Units, v.UnitsTotal = h.unitRows(lang, st)
	v.Entries = h.entryRows(lang, st)
	v.TagScans, v.ScansTotal, v.ScansCSV = scanRows(lang, st), st.TagScansTotal, base+"/scans.csv"
	v.StatementsURL, v.StatementsLabel = "/studio/statements", h.T(lang, "statements.index.title")
	if h.Base != "/studio" {
		v.StatementsURL, v.StatementsLabel = "/admin/ledger", h.T(lang, "statements.overview.title")
	}
	prev := t.Month.AddDate(0, -1, 0)
	v.PrevURL, v.PrevLabel = h.statementURL(t.Workshop.ID, prev), h.monthLabel(lang, prev)
	if next := t.Month.AddDate(0, 1, 0); !next.After(ledger.MonthStart(h.Ledger.Options().Now())) {
		v.NextURL, v.NextLabel = h.statementURL(t.Workshop.ID, next), h.monthLabel(lang, next)
	}
	pg := h.page(c, lang, "statements.statement.title", t.Workshop.Name, v.Period)
	pg.Data = v
	return h.Render(c, http.StatusOK, "studio/statement", pg)
}

// statementFigures are the statement's amounts in reading order: what was sold, what
// came back, the workshop's part, what was paid to its fund, and what it is owed.
func (h *Handler) statementFigures(lang string, st ledger.Statement) []Figure {
	m := func(minor int64) string { return fmtMoney(minor, st.Currency, lang) }
	fs := []Figure{
		{Label: h.T(lang, "statements.fig.gross"), Value: m(st.Gross)},
		{Label: h.T(lang, "statements.fig.refunds"), Value: m(-st.Refunds)},
		{Label: h.T(lang, "statements.fig.net"), Value: m(st.Net), Total: true},
		{Label: h.T(lang, "statements.fig.share_rate"), Value: Percent(st.ShareBps, lang)},
		{Label: h.T(lang, "statements.fig.share"), Value: m(st.Share), Total: true},
		{Label: h.T(lang, "statements.fig.foundation"), Value: m(st.Net - st.Share)},
		{Label: h.T(lang, "statements.fig.opening"), Value: m(st.OpeningBalance)},
		{Label: h.T(lang, "statements.fig.share_month"), Value: m(st.Share)},
	}
	if st.Adjustments != 0 {
		fs = append(fs, Figure{Label: h.T(lang, "statements.fig.adjustments"), Value: m(st.Adjustments)})
	}
	return append(fs,
		Figure{Label: h.T(lang, "statements.fig.payouts"), Value: m(-st.Payouts)},
		Figure{Label: h.T(lang, "statements.fig.closing"), Value: m(st.ClosingBalance), Total: true})
}

func (h *Handler) unitRows(lang string, st ledger.Statement) ([]UnitRow, UnitRow) {
	m := func(minor int64) string { return fmtMoney(minor, st.Currency, lang) }
	var rows []UnitRow
	var sold, refunded int
	for _, u := range st.Units {
		rows = append(rows, UnitRow{Title: u.Title, Size: u.Size, Sold: u.Sold, Refunded: u.Refunded,
			Gross: m(u.GrossMinor), Refunds: m(u.RefundsMinor), Net: m(u.GrossMinor - u.RefundsMinor)})
		sold += u.Sold
		refunded += u.Refunded
	}
	total := UnitRow{Title: h.T(lang, "statements.total"), Sold: sold, Refunded: refunded,
		Gross: m(st.Gross), Refunds: m(st.Refunds), Net: m(st.Net)}
	return rows, total
}

func scanRows(lang string, st ledger.Statement) []ScanRow {
	var rows []ScanRow
	for _, s := range st.TagScans {
		rows = append(rows, ScanRow{Title: s.Title(lang), Scans: s.Scans})
	}
	return rows
}

func (h *Handler) entryRows(lang string, st ledger.Statement) []EntryRow {
	var rows []EntryRow
	for _, e := range st.Entries {
		r := EntryRow{Date: bogotaDate(e.OccurredAt), Kind: h.T(lang, "statements.kind."+string(e.Kind)),
			Ref: e.OrderNumber, Item: e.Title, Amount: fmtMoney(e.AmountMinor, e.Currency, lang),
			Share: fmtMoney(e.ShareMinor, e.Currency, lang)}
		if r.Ref == "" {
			r.Ref = e.Memo
		}
		if e.Size != "" {
			r.Item = h.T(lang, "statements.item_size", e.Title, e.Size)
		}
		if e.Quantity != 0 {
			r.Quantity = strconv.Itoa(e.Quantity)
		}
		if e.Kind == ledger.KindPayout {
			r.Amount = ""
		}
		rows = append(rows, r)
	}
	return rows
}

// generated is now as a Bogotá date and time, printed on statements and records.
func (h *Handler) generated() string {
	return h.Ledger.Options().Now().In(ledger.Bogota).Format("2006-01-02 15:04")
}

// ProductionView is a workshop's monthly production record: units made (added to
// stock) and sold by product. It names the workshop only, never a person: the facility
// files it as evidence of the workshop's activity.
type ProductionView struct {
	Nav                        Nav
	Workshop, Place, Period    string
	Facility, City, Department string
	Rows                       []ProductionRow
	Made, Sold, Refunded       int
	PDF, StatementURL          string
	PrevURL, NextURL           string
	PrevLabel, NextLabel       string
	Generated                  string
	IssuerName, IssuerNIT      string
}

// ProductionRow is a product's month.
type ProductionRow struct {
	Title                       string
	Made, Sold, Refunded, Stock int
}

func (h *Handler) productionPage(c *gin.Context, lang string) error {
	t, err := h.readTarget(c)
	if err != nil {
		return err
	}
	pr, err := h.Ledger.Production(c.Request.Context(), t.Workshop.ID, t.Month)
	if err != nil {
		return err
	}
	v := h.productionView(lang, t, pr)
	v.Nav = h.statementNav(c, lang)
	base := h.productionURL(t.Workshop.ID, t.Month)
	v.PDF, v.StatementURL = base+"/production.pdf", h.statementURL(t.Workshop.ID, t.Month)
	prev := t.Month.AddDate(0, -1, 0)
	v.PrevURL, v.PrevLabel = h.productionURL(t.Workshop.ID, prev), h.monthLabel(lang, prev)
	if next := t.Month.AddDate(0, 1, 0); !next.After(ledger.MonthStart(h.Ledger.Options().Now())) {
		v.NextURL, v.NextLabel = h.productionURL(t.Workshop.ID, next), h.monthLabel(lang, next)
	}
	pg := h.page(c, lang, "statements.production.title", t.Workshop.Name, v.Period)
	pg.Data = v
	return h.Render(c, http.StatusOK, "studio/statement_production", pg)
}

func (h *Handler) productionView(lang string, t target, pr ledger.Production) ProductionView {
	v := ProductionView{Workshop: t.Workshop.Name, Place: place(t.Workshop), Period: h.monthLabel(lang, t.Month),
		Facility: t.Workshop.Facility, City: t.Workshop.City, Department: t.Workshop.Department,
		Made: pr.Added, Sold: pr.Sold, Generated: h.generated(), IssuerName: h.Seller.Name, IssuerNIT: h.Seller.NIT}
	for _, p := range pr.Products {
		v.Rows = append(v.Rows, ProductionRow{Title: p.Title, Made: p.Added, Sold: p.Sold, Refunded: p.Refunded, Stock: p.Stock})
		v.Refunded += p.Refunded
	}
	return v
}
