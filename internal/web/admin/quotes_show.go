package admin

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// QuoteView is /admin/quotes/:id: everything about a quote and what staff may do with it
// now. Only the forms that apply to its status are shown.
type QuoteView struct {
	Nav               Nav
	Quote             quote.Quote
	Company           quote.Company
	Status, Class     string
	Created, Deadline string
	ValidUntil        string
	Accepted          string // when and which version, "" before acceptance
	Delivered         string
	Workshops         string // of the accepted (or latest) version
	Lines             []QuoteLineRow
	Files             []QuoteFileRow // the company's reference files
	Versions          []VersionRow   // newest first; all kept
	Money             MoneyView
	Payments          []PaymentRow
	Messages          []MessageRow
	Progress          []ProgressRow
	Docs              []DocLink
	ListURL, AuditURL string
	CompanyURL        string
	CompaniesURL      string

	// What applies now.
	CanPrice, CanCancel, CanTransfer, CanStart, CanDeliver bool
	InProduction                                           bool
	// CancelRefunds: money was paid, so cancelling offers to give it back.
	CancelRefunds bool

	Price PriceView
	Forms QuoteForms
	// Alert is the message of a refused action whose form is not on the page.
	Alert string
	// Failed names the form whose error is being shown ("" when none).
	Failed string

	PriceAction, CancelAction, MessageAction, TransferAction, StartAction, DeliverAction string
}

// QuoteForms are the page's forms, as typed when one was refused.
type QuoteForms struct {
	Cancel, Message, Transfer, Start, Deliver *kit.Form
}

// QuoteLineRow is a garment of the request with its size breakdown.
type QuoteLineRow struct {
	No                             int
	Garment, Fabric, Colour        string
	Customisation, Position        string
	XS, S, M, L, XL, XXL, Quantity int
}

// QuoteFileRow is a file of the quote, linked through this room (a short-lived link).
type QuoteFileRow struct {
	Name, URL, Type, Size string
}

// VersionRow is a price version.
type VersionRow struct {
	Version                  int
	Created, ValidUntil      string
	Total, SetupFee, Deposit string
	DepositPct, LeadTimeDays int
	Prices                   []string // "1. Polo: $ 35.000 × 35"
	Workshops                string
	Proof                    *QuoteFileRow
	Latest, Accepted         bool
}

// MoneyView is what the quote costs and what has been paid, formatted.
type MoneyView struct {
	Total, Deposit, Paid, DepositDue, BalanceDue string
	Priced                                       bool
}

// PaymentRow is a payment with its refund form.
type PaymentRow struct {
	ID                                int64
	Kind, Method, Status, StatusClass string
	Amount, Refunded, Ref, PaidAt     string
	CanRefund                         bool
	RefundAction                      string
	Form                              *kit.Form
	Failed                            bool
}

// MessageRow is a post of the thread.
type MessageRow struct {
	Author, At, Body string
	Staff            bool
}

// ProgressRow is a line's production in one size.
type ProgressRow struct {
	Line                         int
	Garment, Size                string
	Ordered, Cut, Sewn, Finished int
}

// DocLink is a document of the quote (package docs), on screen and as PDF.
type DocLink struct {
	Label, URL, PDF string
}

func (h *Handler) quoteShow(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	return h.renderQuote(c, lang, http.StatusOK, id, "", nil)
}

// quoteDetail is the quote with everything its page shows.
func (h *Handler) quoteDetail(ctx context.Context, id int64) (quote.Detail, error) {
	return h.Quotes.View(ctx, 0, id)
}

// renderQuote shows the quote page; failed names the refused form ("price", "cancel",
// "message", "transfer", "start", "deliver", "refund-ID") and f is it as typed.
func (h *Handler) renderQuote(c *gin.Context, lang string, status int, id int64, failed string, f *kit.Form) error {
	ctx := c.Request.Context()
	d, err := h.quoteDetail(ctx, id)
	if err != nil {
		return err
	}
	q := d.Quote
	base := quotePath(id)
	v := QuoteView{Nav: h.nav(c, lang, quotesPath), Quote: q, Company: d.Company,
		Status: h.quoteStatus(lang, q.Status), Class: quoteClass(q.Status),
		Created: localTime(q.CreatedAt), Deadline: q.Deadline.Format(time.DateOnly),
		Delivered: localTimeP(q.DeliveredAt), Workshops: h.workshopShares(d.Workshops),
		ListURL: withLang(c, quotesPath), AuditURL: withLang(c, "/admin/audit?entity=quote&entity_id="+itoa(id)),
		CompanyURL: withLang(c, quotesPath+"?company="+itoa(q.CompanyID)), CompaniesURL: withLang(c, companiesPath),
		CanPrice:     q.Status == quote.StatusRequested || q.Status == quote.StatusQuoted,
		CanCancel:    quote.CanMove(q.Status, quote.StatusCancelled),
		CanStart:     q.Status == quote.StatusDepositPaid,
		CanDeliver:   q.Status == quote.StatusReady,
		InProduction: q.Status == quote.StatusInProduction || q.Status == quote.StatusReady,
		Failed:       failed,
		PriceAction:  withLang(c, base+"/price"), CancelAction: withLang(c, base+"/cancel"),
		MessageAction: withLang(c, base+"/messages"), TransferAction: withLang(c, base+"/transfer"),
		StartAction: withLang(c, base+"/start"), DeliverAction: withLang(c, base+"/deliver")}
	if q.ValidUntil != nil {
		v.ValidUntil = q.ValidUntil.Format(time.DateOnly)
	}
	if q.AcceptedVersion != nil && q.AcceptedAt != nil {
		v.Accepted = h.T(lang, "admin.quotes.accepted_at", *q.AcceptedVersion, localTime(*q.AcceptedAt))
	}
	switch q.Status {
	case quote.StatusAccepted, quote.StatusDepositPaid, quote.StatusInProduction, quote.StatusReady, quote.StatusDelivered:
		v.CanTransfer = d.Money.BalanceDue > 0
	}
	garments := map[int]string{}
	for _, l := range q.Lines {
		garments[l.LineNo] = h.garment(lang, l.Garment)
		v.Lines = append(v.Lines, QuoteLineRow{No: l.LineNo, Garment: garments[l.LineNo], Fabric: l.Fabric, Colour: l.Colour,
			Customisation: h.T(lang, "admin.quotes.customisation."+l.Customisation), Position: l.Position,
			XS: l.XS, S: l.S, M: l.M, L: l.L, XL: l.XL, XXL: l.XXL, Quantity: l.Quantity})
	}
	for _, fl := range q.Files {
		if fl.Kind != quote.FileProof {
			v.Files = append(v.Files, h.fileRow(c, id, fl))
		}
	}
	for i := len(q.Versions) - 1; i >= 0; i-- {
		v.Versions = append(v.Versions, h.versionRow(c, lang, q, q.Versions[i], garments, i == len(q.Versions)-1))
	}
	v.Money = h.moneyView(lang, d.Money, len(q.Versions) > 0)
	v.CancelRefunds = d.Money.Paid > 0
	v.Docs = h.docLinks(c, lang, q)
	for _, m := range d.Messages {
		v.Messages = append(v.Messages, MessageRow{Author: m.AuthorName, At: localTime(m.CreatedAt), Body: m.Body, Staff: m.Staff})
	}
	for _, p := range d.Progress {
		v.Progress = append(v.Progress, ProgressRow{Line: p.LineNo, Garment: garments[p.LineNo], Size: h.T(lang, "admin.quotes.size."+p.Size),
			Ordered: p.Ordered, Cut: p.Cut, Sewn: p.Sewn, Finished: p.Finished})
	}
	h.setQuoteForms(c, lang, &v, d, failed, f)
	if v.CanPrice {
		pf := h.priceFormFor(q, failed, f)
		if v.Price, err = h.priceView(ctx, lang, q, pf); err != nil {
			return err
		}
	}
	p := h.page(c, lang, "admin.quotes.quote.title", q.Number)
	p.Data = v
	return h.Render(c, status, "admin/quote", p)
}

// setForms fills the page's forms: empty, or as typed for the refused one, whose message
// goes to the top of the page when its form is not shown.
func (h *Handler) setQuoteForms(c *gin.Context, lang string, v *QuoteView, d quote.Detail, failed string, f *kit.Form) {
	v.Forms = QuoteForms{Cancel: kit.EmptyForm(), Message: kit.EmptyForm(), Transfer: kit.EmptyForm(),
		Start: kit.EmptyForm(), Deliver: kit.EmptyForm()}
	v.Forms.Transfer.Values["kind"] = string(quote.PaymentDeposit)
	if d.Money.DepositDue == 0 {
		v.Forms.Transfer.Values["kind"] = string(quote.PaymentBalance)
	}
	shown := map[string]bool{"price": v.CanPrice, "cancel": v.CanCancel, "message": true, "transfer": v.CanTransfer,
		"start": v.CanStart, "deliver": v.CanDeliver}
	slots := map[string]**kit.Form{"cancel": &v.Forms.Cancel, "message": &v.Forms.Message,
		"transfer": &v.Forms.Transfer, "start": &v.Forms.Start, "deliver": &v.Forms.Deliver}
	if slot, ok := slots[failed]; ok && f != nil {
		*slot = f
	}
	for _, p := range d.Payments {
		row := PaymentRow{ID: p.ID, Kind: h.T(lang, "admin.quotes.payment.kind."+string(p.Kind)),
			Method: h.T(lang, "adminorders.method."+string(p.Method)),
			Status: h.T(lang, "admin.quotes.payment.status."+string(p.Status)), StatusClass: paymentClass(p.Status),
			Amount: amount(p.AmountMinor, p.Currency, lang), Ref: p.PaymentRef, PaidAt: localTimeP(p.PaidAt),
			CanRefund:    p.Status == quote.PaymentPaid && p.RefundedMinor < p.AmountMinor,
			RefundAction: withLang(c, quotePath(d.ID)+"/payments/"+itoa(p.ID)+"/refund"), Form: kit.EmptyForm()}
		if p.RefundedMinor > 0 {
			row.Refunded = amount(p.RefundedMinor, p.Currency, lang)
		}
		if failed == "refund-"+itoa(p.ID) && f != nil {
			row.Form, row.Failed = f, true
			shown[failed] = row.CanRefund
		}
		v.Payments = append(v.Payments, row)
	}
	if f != nil && failed != "" && !shown[failed] {
		v.Alert, v.Failed = f.Message, ""
	}
}

func paymentClass(s quote.PaymentStatus) string {
	switch s {
	case quote.PaymentPaid:
		return "status-ok"
	case quote.PaymentPending:
		return "status-pending"
	}
	return "status-disabled"
}

func (h *Handler) fileRow(c *gin.Context, quoteID int64, fl quote.File) QuoteFileRow {
	return QuoteFileRow{Name: fl.Name, URL: withLang(c, quotePath(quoteID)+"/files/"+itoa(fl.ID)),
		Type: fl.ContentType, Size: fileSize(fl.Size)}
}

// fileSize writes a size in KB or MB.
func fileSize(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	return itoa((n+1023)/1024) + " KB"
}

func (h *Handler) versionRow(c *gin.Context, lang string, q quote.Quote, ver quote.Version, garments map[int]string, latest bool) VersionRow {
	r := VersionRow{Version: ver.Version, Created: localTime(ver.CreatedAt), ValidUntil: ver.ValidUntil.Format(time.DateOnly),
		Total: amount(ver.Total, ver.Currency, lang), SetupFee: amount(ver.SetupFee, ver.Currency, lang),
		Deposit: amount(ver.Deposit(), ver.Currency, lang), DepositPct: ver.DepositPct, LeadTimeDays: ver.LeadTimeDays,
		Workshops: h.workshopShares(ver.Workshops), Latest: latest,
		Accepted: q.AcceptedVersion != nil && *q.AcceptedVersion == ver.Version}
	qty := map[int]int{}
	for _, l := range q.Lines {
		qty[l.LineNo] = l.Quantity
	}
	for _, u := range ver.UnitPrices {
		price := h.T(lang, "admin.quotes.version.price", u.LineNo, garments[u.LineNo],
			amount(u.Applied(qty[u.LineNo]), ver.Currency, lang), qty[u.LineNo])
		if len(u.Tiers) > 0 {
			tiers := make([]string, 0, len(u.Tiers))
			for _, t := range u.Tiers {
				tiers = append(tiers, h.T(lang, "admin.quotes.version.tier", t.MinQty, amount(t.UnitMinor, ver.Currency, lang)))
			}
			price += " · " + h.T(lang, "admin.quotes.version.tiers", amount(u.UnitMinor, ver.Currency, lang), strings.Join(tiers, "; "))
		}
		r.Prices = append(r.Prices, price)
	}
	if ver.Proof != nil {
		pr := h.fileRow(c, q.ID, *ver.Proof)
		r.Proof = &pr
	}
	return r
}

func (h *Handler) moneyView(lang string, m quote.Money, priced bool) MoneyView {
	cur := m.Currency
	if cur == "" {
		cur = "COP"
	}
	return MoneyView{Total: amount(m.Total, cur, lang), Deposit: amount(m.Deposit, cur, lang), Paid: amount(m.Paid, cur, lang),
		DepositDue: amount(m.DepositDue, cur, lang), BalanceDue: amount(m.BalanceDue, cur, lang), Priced: priced}
}

// docLinks are the quote's documents that exist at its status: the quote once priced,
// the deposit proforma once accepted, the delivery note once ready.
func (h *Handler) docLinks(c *gin.Context, lang string, q quote.Quote) []DocLink {
	var out []DocLink
	add := func(key, slug string) {
		u := quotePath(q.ID) + "/" + slug
		out = append(out, DocLink{Label: h.T(lang, key), URL: withLang(c, u), PDF: withLang(c, u+".pdf")})
	}
	if len(q.Versions) > 0 {
		add("admin.quotes.docs.quote", "quote")
	}
	if q.AcceptedVersion != nil {
		add("admin.quotes.docs.proforma", "proforma")
	}
	switch q.Status {
	case quote.StatusReady, quote.StatusDelivered, quote.StatusSettled:
		add("admin.quotes.docs.delivery_note", "delivery-note")
	}
	return out
}

func (h *Handler) garment(lang, g string) string {
	key := "admin.quotes.garment." + g
	if h.Msgs.Has(key) {
		return h.T(lang, key)
	}
	return g
}
