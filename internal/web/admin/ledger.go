package admin

// The ledger overview: every workshop side by side for a period (units, gross, refunds,
// net, the workshop's share, the foundation's part, payouts, balance), the foundation's
// accounts (shipping, donations), the summary CSV, and a form per workshop to record a
// payout to its fund. A workshop's month opens on the studio's statement page, mounted
// here with every workshop in scope.

import (
	"bytes"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/web/kit"
	"github.com/libres/storefront/internal/web/studio"
)

const ledgerPath = "/admin/ledger"

func (h *Handler) ledgerRoutes(r gin.IRouter) {
	r.GET("/ledger", h.HandlePrivate(h.ledgerOverview))
	r.GET("/ledger.csv", h.HandlePrivate(h.ledgerCSV))
	r.POST("/ledger/:workshop/payouts", h.HandlePrivate(h.recordPayout))
	r.GET("/workshops/:id/share", h.HandlePrivate(h.shareForm))
	r.POST("/workshops/:id/share", h.HandlePrivate(h.setShare))
	r.GET("/impact", h.HandlePrivate(h.impactForm))
	r.POST("/impact", h.HandlePrivate(h.saveImpact))
	if h.Products != nil {
		// A workshop's month: the studio's statement pages, every workshop in scope.
		h.Products.StatementRoutes(r)
	}
}

// LedgerView is /admin/ledger.
type LedgerView struct {
	Nav                 Nav
	From, To            string // the filter as typed (Bogotá days, "to" included)
	Errors              map[string]string
	Period              string
	Presets             []NavItem // this month, last month, this year
	Rows                []LedgerRow
	Total               LedgerRow
	Foundation          []AccountRow
	Gross, Refunds, Net string
	BalanceDue          string
	CSVURL, Action      string
	Lang                string // ?lang= to keep in the filter form
	Payouts             []PayoutForm
}

// LedgerRow is a workshop in the overview (or the total row).
type LedgerRow struct {
	ID                           int64
	Name, ShareRate              string
	StatementURL, ShareURL       string
	Units                        int
	Gross, Refunds, Net, Share   string
	Foundation, Payouts, Balance string
	Owed                         bool // the fund is owed money
}

// AccountRow is a foundation account in the overview.
type AccountRow struct {
	Label, Gross, Refunds, Net string
}

// PayoutForm is the record-payout form of one workshop.
type PayoutForm struct {
	WorkshopID    int64
	Name, Balance string
	Action        string
	Form          *kit.Form
	Methods       []Choice
	AskConfirm    bool // the last try was over the balance: the confirmation box shows
	Open          bool
}

// period is the overview's [from, to) with the filter as typed.
type period struct {
	from, to   time.Time
	fromS, toS string
	errors     map[string]string
}

// readPeriod reads from and to (Bogotá days, to included) from vals; an empty filter
// is the current month, a date that is not one is a field error and the current month.
func (h *Handler) readPeriod(get func(string) string) period {
	now := h.Ledger.Options().Now()
	p := period{fromS: clip(get("from")), toS: clip(get("to")), errors: map[string]string{}}
	p.from, p.to = ledger.MonthStart(now), ledger.MonthStart(now).AddDate(0, 1, 0)
	if d, ok := day(p.fromS); ok {
		p.from = d
	} else if p.fromS != "" {
		p.errors["from"] = "admin.audit.date_invalid"
	}
	if d, ok := day(p.toS); ok {
		p.to = d.AddDate(0, 0, 1)
	} else if p.toS != "" {
		p.errors["to"] = "admin.audit.date_invalid"
	}
	if !p.to.After(p.from) {
		p.errors["to"] = "statements.overview.to_before_from"
		p.from, p.to = ledger.MonthStart(now), ledger.MonthStart(now).AddDate(0, 1, 0)
	}
	if p.fromS == "" {
		p.fromS = p.from.Format(time.DateOnly)
	}
	if p.toS == "" {
		p.toS = p.to.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return p
}

func (h *Handler) ledgerOverview(c *gin.Context, lang string) error {
	return h.renderLedger(c, lang, h.readPeriod(c.Query), 0, nil)
}

// renderLedger shows the overview of p; failed, when not nil, is the payout form of
// workshop formFor as the user sent it, with its errors.
func (h *Handler) renderLedger(c *gin.Context, lang string, p period, formFor int64, failed *PayoutForm) error {
	ctx := c.Request.Context()
	ov, err := h.Ledger.Overview(ctx, p.from, p.to)
	if err != nil {
		return err
	}
	m := func(minor int64) string { return money.Format(money.Amount{Minor: minor, Currency: ov.Currency}, lang) }
	q := "from=" + p.fromS + "&to=" + p.toS
	v := LedgerView{Nav: h.ledgerNav(c, lang, ledgerPath), From: p.fromS, To: p.toS, Errors: p.errors,
		Period: h.T(lang, "statements.period_range", p.from.Format(time.DateOnly), p.to.AddDate(0, 0, -1).Format(time.DateOnly)),
		Gross:  m(ov.Gross), Refunds: m(ov.Refunds), Net: m(ov.Net), BalanceDue: m(ov.BalanceDue),
		CSVURL: withLang(c, ledgerPath+".csv?"+q), Action: ledgerPath, Lang: c.Query("lang")}
	if v.Lang != "es" && v.Lang != "en" {
		v.Lang = ""
	}
	v.Presets = h.periodPresets(c, lang)
	month := ledger.MonthStart(p.from)
	var t ledger.WorkshopTotals
	for _, w := range ov.Workshops {
		v.Rows = append(v.Rows, LedgerRow{ID: w.WorkshopID, Name: w.Name, ShareRate: studio.Percent(w.ShareBps, lang),
			StatementURL: withLang(c, ledgerPath+"/"+itoa(w.WorkshopID)+"/"+month.Format("2006-01")),
			ShareURL:     withLang(c, "/admin/workshops/"+itoa(w.WorkshopID)+"/share"),
			Units:        w.Units, Gross: m(w.Gross), Refunds: m(w.Refunds), Net: m(w.Net), Share: m(w.Share),
			Foundation: m(w.Foundation), Payouts: m(w.Payouts), Balance: m(w.Balance), Owed: w.Balance > 0})
		t.Units += w.Units
		t.Gross, t.Refunds, t.Net, t.Share = t.Gross+w.Gross, t.Refunds+w.Refunds, t.Net+w.Net, t.Share+w.Share
		t.Foundation, t.Payouts, t.Balance = t.Foundation+w.Foundation, t.Payouts+w.Payouts, t.Balance+w.Balance
		pf := PayoutForm{WorkshopID: w.WorkshopID, Name: w.Name, Balance: m(w.Balance),
			Action: withLang(c, ledgerPath+"/"+itoa(w.WorkshopID)+"/payouts"), Form: kit.EmptyForm()}
		if failed != nil && formFor == w.WorkshopID {
			pf.Form, pf.AskConfirm, pf.Open = failed.Form, failed.AskConfirm, true
		}
		pf.Form.Values["from"], pf.Form.Values["to"] = p.fromS, p.toS
		if pf.Form.V("date") == "" {
			pf.Form.Values["date"] = h.Ledger.Options().Now().In(ledger.Bogota).Format(time.DateOnly)
		}
		for _, pm := range ledger.PayoutMethods {
			pf.Methods = append(pf.Methods, Choice{Value: pm, Label: h.T(lang, "statements.payout.method."+pm),
				Selected: pf.Form.V("method") == pm})
		}
		v.Payouts = append(v.Payouts, pf)
	}
	v.Total = LedgerRow{Name: h.T(lang, "statements.total"), Units: t.Units, Gross: m(t.Gross), Refunds: m(t.Refunds),
		Net: m(t.Net), Share: m(t.Share), Foundation: m(t.Foundation), Payouts: m(t.Payouts), Balance: m(t.Balance)}
	for _, a := range ov.Foundation {
		v.Foundation = append(v.Foundation, AccountRow{Label: h.T(lang, "statements.account."+string(a.Account)),
			Gross: m(a.Gross), Refunds: m(a.Refunds), Net: m(a.Net)})
	}
	status := http.StatusOK
	if len(p.errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	if failed != nil {
		status = failed.status()
	}
	pg := h.page(c, lang, "statements.overview.title")
	pg.Data = v
	return h.Render(c, status, "admin/ledger", pg)
}

// status is the answer of a refused payout: 409 when only the confirmation is missing.
func (f *PayoutForm) status() int {
	if f.AskConfirm && len(f.Form.Errors) == 1 {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// periodPresets are links to the usual periods: this month, last month, this year.
func (h *Handler) periodPresets(c *gin.Context, lang string) []NavItem {
	now := ledger.MonthStart(h.Ledger.Options().Now())
	link := func(from, to time.Time) string {
		return withLang(c, ledgerPath+"?from="+from.Format(time.DateOnly)+"&to="+to.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	year := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, ledger.Bogota)
	return []NavItem{
		{Label: h.T(lang, "statements.overview.this_month"), URL: link(now, now.AddDate(0, 1, 0))},
		{Label: h.T(lang, "statements.overview.last_month"), URL: link(now.AddDate(0, -1, 0), now)},
		{Label: h.T(lang, "statements.overview.this_year"), URL: link(year, now.AddDate(0, 1, 0))},
	}
}

// ledgerCSV downloads the overview of the period: a row per workshop and per
// foundation account (ledger.WriteSummaryCSV).
func (h *Handler) ledgerCSV(c *gin.Context, _ string) error {
	p := h.readPeriod(c.Query)
	if len(p.errors) > 0 {
		return kit.ErrBadRequest
	}
	var buf bytes.Buffer
	if err := h.Ledger.WriteSummaryCSV(c.Request.Context(), &buf, p.from, p.to); err != nil {
		return err
	}
	sendCSV(c, "libres-cuentas-"+p.fromS+"-"+p.toS+".csv", buf.Bytes())
	return nil
}

// payoutFields are the names of the record-payout form's fields.
var payoutFields = []string{"amount", "date", "method", "reference", "memo", "confirm_over_balance", "from", "to"}

func (h *Handler) recordPayout(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "workshop")
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	f := kit.ReadForm(c, payoutFields...)
	in := ledger.PayoutInput{WorkshopID: id, Method: f.V("method"), Reference: f.V("reference"), Memo: f.V("memo"),
		ConfirmOverBalance: f.Checked("confirm_over_balance")}
	in.AmountMinor, _ = money.ParseWholePesos(f.V("amount"))
	if d, ok := day(f.V("date")); ok {
		in.Date = d
	}
	p := h.readPeriod(f.V)
	if _, err := h.Ledger.RecordPayout(ctx, actor(c), in); err != nil {
		failed := &PayoutForm{Form: f}
		if apperr.KeyOf(err) == "ledger.payout.over_balance" {
			balance, berr := h.Ledger.Balance(ctx, id, h.Ledger.Options().Now())
			if berr != nil {
				return berr
			}
			cur := h.Ledger.Options().Currency
			f.Message = h.T(lang, "statements.payout.over_balance",
				money.Format(money.Amount{Minor: in.AmountMinor, Currency: cur}, lang),
				money.Format(money.Amount{Minor: balance, Currency: cur}, lang))
			f.Errors["confirm_over_balance"] = "statements.payout.confirm_needed"
			failed.AskConfirm = true
			return h.renderLedger(c, lang, p, id, failed)
		}
		if status := h.Fail(f, lang, err); status != 0 {
			h.localiseFieldErrors(f, "statements.payout.invalid.")
			failed.AskConfirm = f.Checked("confirm_over_balance")
			return h.renderLedger(c, lang, p, id, failed)
		}
		return err
	}
	h.SetFlash(c, "ok", "statements.payout.recorded")
	kit.Redirect(c, withLang(c, ledgerPath+"?from="+p.fromS+"&to="+p.toS))
	return nil
}

// localiseFieldErrors replaces a field error key the message catalog lacks by
// prefix+field ("statements.payout.invalid.amount"), so the page never shows a key.
func (h *Handler) localiseFieldErrors(f *kit.Form, prefix string) {
	for name, key := range f.Errors {
		if !h.Msgs.Has(key) {
			f.Errors[name] = prefix + name
		}
	}
}

// ledgerNav is the admin navigation (which lists the ledger and public-impact sections
// when the ledger is on).
func (h *Handler) ledgerNav(c *gin.Context, lang, current string) Nav { return h.nav(c, lang, current) }
