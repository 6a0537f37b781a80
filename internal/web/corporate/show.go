package corporate

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/kit"
)

// QuoteView is a quote's page.
type QuoteView struct {
	Number, Status, StatusKey   string
	Reason                      string // why it was declined or cancelled
	Created, Deadline, City     string
	Notes                       string
	Lines                       []LineView
	Files                       []FileLink
	Versions                    []VersionView // newest first
	Latest                      *VersionView
	Accepted                    string // "" until accepted: when, and which version
	CanAccept, CanDecline       bool
	NeedsProof                  bool // the latest version has a proof to approve
	Money                       MoneyView
	PayDeposit, PayBalance      bool
	Transfer                    string
	Messages                    []MessageView
	Progress                    []ProgressView
	ShowProgress                bool
	Docs                        []DocLink
	ListURL                     string
	AcceptAction, DeclineAction string
	MessageAction, PayAction    string
	Accept, Decline, Message    *kit.Form
}

// LineView is a garment line with its sizes.
type LineView struct {
	No                      int
	Garment, Fabric, Colour string
	Customisation, Position string
	Sizes                   []SizeQty
	Quantity                int
}

// SizeQty is a size column of a line.
type SizeQty struct {
	Label string
	Qty   int
}

// FileLink is a file of the quote (reference or proof).
type FileLink struct{ Name, URL, Size string }

// VersionView is one price staff gave.
type VersionView struct {
	No                       int
	Latest                   bool
	Prices                   []PriceRow
	SetupFee, Total, Deposit string
	LeadTime, DepositPct     int
	ValidUntil, Created      string
	Proof                    *FileLink
	Workshops                []string
}

// PriceRow is a line's price in a version: the unit price its quantity reaches and,
// when staff gave quantity prices, what ordering more would cost.
type PriceRow struct {
	LineNo       int
	Garment      string
	Quantity     int
	Unit, Amount string
	Tiers        string // "200+ prendas: $ 34.000 c/u; 500+: $ 31.000", "" for none
}

// MoneyView is the money box.
type MoneyView struct {
	Priced                                       bool
	Total, Deposit, Paid, DepositDue, BalanceDue string
	// DepositOwed: the quote waits for (the rest of) its deposit before production.
	DepositOwed bool
}

// MessageView is a post of the thread.
type MessageView struct {
	Author, Body, At string
	Staff            bool
}

// ProgressView is a line's production in one size.
type ProgressView struct {
	LineNo                       int
	Garment, Size                string
	Ordered, Cut, Sewn, Finished int
}

// DocLink is a printable document and its PDF.
type DocLink struct{ Label, URL, PDF string }

func (h *Handler) show(c *gin.Context, lang string) error {
	return h.renderShow(c, lang, http.StatusOK, nil)
}

// renderShow renders the quote's page; forms holds a form re-shown with its errors
// ("accept", "decline" or "message").
func (h *Handler) renderShow(c *gin.Context, lang string, status int, forms map[string]*kit.Form) error {
	u := kit.CurrentUser(c)
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	d, err := h.detail(c, u.CompanyID, id)
	if err != nil {
		return err
	}
	v := h.quoteView(c, lang, d)
	v.Accept, v.Decline, v.Message = kit.EmptyForm(), kit.EmptyForm(), kit.EmptyForm()
	if f := forms["accept"]; f != nil {
		v.Accept = f
	}
	if f := forms["decline"]; f != nil {
		v.Decline = f
	}
	if f := forms["message"]; f != nil {
		v.Message = f
	}
	pg := h.PrivatePage(c, lang, h.T(lang, "corporate.quote.title", d.Number), nil)
	pg.Data = v
	return h.Render(c, status, "corporate/quote", pg)
}

func (h *Handler) quoteView(c *gin.Context, lang string, d quote.Detail) QuoteView {
	base := quotePath(d.ID)
	cur := func(m int64) string { return cop(m, d.Money.Currency, lang) }
	v := QuoteView{Number: d.Number, Status: h.T(lang, "corporate.status."+string(d.Status)), StatusKey: string(d.Status),
		Reason: d.StatusReason, Created: moment(d.CreatedAt, lang), Deadline: day(d.Deadline, lang), City: d.DeliveryCity,
		Notes: d.Notes, ListURL: withLang(c, quotesPath),
		AcceptAction: withLang(c, base+"/accept"), DeclineAction: withLang(c, base+"/decline"),
		MessageAction: withLang(c, base+"/messages"), PayAction: withLang(c, base+"/pay"),
		CanAccept: d.Status == quote.StatusQuoted, CanDecline: d.Status == quote.StatusQuoted}
	garment := map[int]string{}
	for _, l := range d.Lines {
		g := h.T(lang, "corporate.garment."+l.Garment)
		garment[l.LineNo] = g
		v.Lines = append(v.Lines, LineView{No: l.LineNo, Garment: g, Fabric: l.Fabric, Colour: l.Colour,
			Customisation: h.T(lang, "corporate.custom."+l.Customisation), Position: l.Position, Quantity: l.Quantity,
			Sizes: []SizeQty{{"XS", l.XS}, {"S", l.S}, {"M", l.M}, {"L", l.L}, {"XL", l.XL}, {"XXL", l.XXL}}})
	}
	qty := map[int]int{}
	for _, l := range d.Lines {
		qty[l.LineNo] = l.Quantity
	}
	for _, f := range d.Files {
		if f.Kind == quote.FileProof {
			continue
		}
		v.Files = append(v.Files, h.fileLink(c, d.ID, f))
	}
	for _, ver := range slices.Backward(d.Versions) {
		vv := VersionView{No: ver.Version, SetupFee: cur(ver.SetupFee), Total: cur(ver.Total), Deposit: cur(ver.Deposit()),
			LeadTime: ver.LeadTimeDays, DepositPct: ver.DepositPct, ValidUntil: day(ver.ValidUntil, lang),
			Created: moment(ver.CreatedAt, lang), Latest: len(v.Versions) == 0}
		for _, p := range ver.UnitPrices {
			vv.Prices = append(vv.Prices, PriceRow{LineNo: p.LineNo, Garment: garment[p.LineNo], Quantity: qty[p.LineNo],
				Unit: cur(p.Applied(qty[p.LineNo])), Amount: cur(p.Amount(qty[p.LineNo])), Tiers: h.tiers(lang, p.Tiers, cur)})
		}
		if ver.Proof != nil {
			l := h.fileLink(c, d.ID, *ver.Proof)
			vv.Proof = &l
		}
		for _, w := range ver.Workshops {
			vv.Workshops = append(vv.Workshops, w.WorkshopName)
		}
		v.Versions = append(v.Versions, vv)
	}
	if len(v.Versions) > 0 {
		v.Latest = &v.Versions[0]
		v.NeedsProof = v.Latest.Proof != nil
	}
	if d.AcceptedAt != nil && d.AcceptedVersion != nil {
		v.Accepted = h.T(lang, "corporate.quote.accepted_at", moment(*d.AcceptedAt, lang), *d.AcceptedVersion)
	}
	m := d.Money
	v.Money = MoneyView{Priced: len(d.Versions) > 0, Total: cur(m.Total), Deposit: cur(m.Deposit), Paid: cur(m.Paid),
		DepositDue: cur(m.DepositDue), BalanceDue: cur(m.BalanceDue),
		DepositOwed: d.Status == quote.StatusAccepted && m.DepositDue > 0}
	if h.Quotes.Card != nil {
		v.PayDeposit = d.Status == quote.StatusAccepted && m.DepositDue > 0
		v.PayBalance = !v.PayDeposit && m.BalanceDue > 0 && slices.Contains([]quote.Status{quote.StatusDepositPaid,
			quote.StatusInProduction, quote.StatusReady, quote.StatusDelivered}, d.Status)
	}
	if slices.Contains([]quote.Status{quote.StatusAccepted, quote.StatusDepositPaid, quote.StatusInProduction,
		quote.StatusReady, quote.StatusDelivered}, d.Status) && m.BalanceDue > 0 {
		v.Transfer = h.T(lang, "corporate.pay.transfer_generic", d.Number)
		if t := strings.TrimSpace(h.Transfer[lang]); t != "" {
			v.Transfer = t + " " + h.T(lang, "corporate.pay.transfer_reference", d.Number)
		}
	}
	for _, msg := range d.Messages {
		author := msg.AuthorName
		if msg.Staff {
			author = h.T(lang, "corporate.thread.staff")
		}
		v.Messages = append(v.Messages, MessageView{Author: author, Body: msg.Body, At: moment(msg.CreatedAt, lang), Staff: msg.Staff})
	}
	v.ShowProgress = d.Status == quote.StatusInProduction || d.Status == quote.StatusReady
	for _, p := range d.Progress {
		v.Progress = append(v.Progress, ProgressView{LineNo: p.LineNo, Garment: garment[p.LineNo],
			Size: strings.ToUpper(p.Size), Ordered: p.Ordered, Cut: p.Cut, Sewn: p.Sewn, Finished: p.Finished})
	}
	if h.Docs != nil {
		v.Docs = h.docLinks(c, lang, d)
	}
	return v
}

// docLinks are the documents a quote has at its stage: the quote once priced, the
// deposit proforma once accepted, the delivery note once ready.
func (h *Handler) docLinks(c *gin.Context, lang string, d quote.Detail) []DocLink {
	base := quotePath(d.ID)
	link := func(key, slug string) DocLink {
		return DocLink{Label: h.T(lang, key), URL: withLang(c, base+"/"+slug), PDF: withLang(c, base+"/"+slug+".pdf")}
	}
	var out []DocLink
	if len(d.Versions) > 0 {
		out = append(out, link("corporate.docs.quote", "quote"))
	}
	switch d.Status {
	case quote.StatusAccepted, quote.StatusDepositPaid, quote.StatusInProduction, quote.StatusReady,
		quote.StatusDelivered, quote.StatusSettled:
		out = append(out, link("corporate.docs.proforma", "proforma"))
	}
	switch d.Status {
	case quote.StatusReady, quote.StatusDelivered, quote.StatusSettled:
		out = append(out, link("corporate.docs.delivery_note", "delivery-note"))
	}
	return out
}

func (h *Handler) fileLink(c *gin.Context, quoteID int64, f quote.File) FileLink {
	return FileLink{Name: f.Name, Size: fileSize(f.Size),
		URL: quotePath(quoteID) + "/files/" + strconv.FormatInt(f.ID, 10)}
}

// tiers writes a line's quantity prices: "200+ prendas: $ 34.000 c/u; 500+: $ 31.000".
func (h *Handler) tiers(lang string, ts []quote.Tier, cur func(int64) string) string {
	parts := make([]string, 0, len(ts))
	for i, t := range ts {
		key := "corporate.quote.tier_more"
		if i == 0 {
			key = "corporate.quote.tier_first"
		}
		parts = append(parts, h.T(lang, key, t.MinQty, cur(t.UnitMinor)))
	}
	return strings.Join(parts, "; ")
}
