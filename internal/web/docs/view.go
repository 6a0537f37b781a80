package docs

import (
	"strconv"
	"strings"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/web/pdf"
)

// quoteDoc is the price of the quote's current version (the accepted one, else the
// latest): both parties, each line with its sizes and prices, setup fee and total.
func (h *Handler) quoteDoc(lang string, d quote.Detail) (*View, error) {
	v := version(d.Quote)
	if v == nil {
		return nil, apperr.New(apperr.Conflict, "docs.quote.not_priced")
	}
	view := h.common(lang, d, "quote", "docs.quote.title", d.Number)
	view.Meta = []pdf.Field{
		{Label: h.T(lang, "docs.meta.date"), Value: h.date(lang, v.CreatedAt.In(ledger.Bogota))},
		{Label: h.T(lang, "docs.meta.version"), Value: strconv.Itoa(v.Version)},
		{Label: h.T(lang, "docs.meta.valid_until"), Value: h.day(lang, v.ValidUntil)},
		{Label: h.T(lang, "docs.meta.lead_time"), Value: h.T(lang, "docs.days", v.LeadTimeDays)},
		{Label: h.T(lang, "docs.meta.deposit"), Value: h.T(lang, "docs.deposit_value", v.DepositPct, h.money(lang, v.Currency, v.Deposit()))},
		{Label: h.T(lang, "docs.meta.deadline"), Value: h.day(lang, d.Deadline)},
		{Label: h.T(lang, "docs.meta.delivery_city"), Value: d.DeliveryCity},
	}
	t := &pdf.Table{Head: []string{"#", h.T(lang, "docs.col.garment"), h.T(lang, "docs.col.customisation"),
		h.T(lang, "docs.col.sizes"), h.T(lang, "docs.col.quantity"), h.T(lang, "docs.col.unit_price"), h.T(lang, "docs.col.line_total")},
		Right: []bool{true, false, false, false, true, true, true}, Widths: []float64{0.5, 2.7, 2.2, 2.2, 1.3, 1.6, 1.7}}
	var subtotal int64
	var tiers []pdf.Field
	for _, l := range d.Lines {
		p, _ := v.Price(l.LineNo)
		unit, total := p.Applied(l.Quantity), p.Amount(l.Quantity)
		subtotal += total
		t.Rows = append(t.Rows, []string{strconv.Itoa(l.LineNo), h.garment(lang, l), h.customisation(lang, l), sizes(l),
			h.count(lang, l.Quantity), h.money(lang, v.Currency, unit), h.money(lang, v.Currency, total)})
		if len(p.Tiers) > 0 {
			tiers = append(tiers, pdf.Field{Label: strconv.Itoa(l.LineNo) + ". " + h.garment(lang, l), Value: h.tiers(lang, v.Currency, p.Tiers)})
		}
	}
	view.Sections = []pdf.Section{{Heading: h.T(lang, "docs.quote.lines"), Table: t}}
	if len(tiers) > 0 {
		// What ordering more would cost, so the company can weigh it.
		view.Sections = append(view.Sections, pdf.Section{Heading: h.T(lang, "docs.quote.tiers"), Fields: tiers})
	}
	view.Totals = []pdf.Field{
		{Label: h.T(lang, "docs.total.garments"), Value: h.money(lang, v.Currency, subtotal)},
		{Label: h.T(lang, "docs.total.setup_fee"), Value: h.money(lang, v.Currency, v.SetupFee)},
		{Label: h.T(lang, "docs.total.total"), Value: h.money(lang, v.Currency, v.Total)},
	}
	view.Note = strings.Join([]string{h.T(lang, "docs.iva_note"), h.T(lang, "docs.quote.deposit_note", v.DepositPct),
		h.T(lang, "docs.quote.validity_note", h.day(lang, v.ValidUntil)), h.T(lang, "docs.custom_made_note")}, " ")
	return view, nil
}

// proformaDoc asks for the deposit of the current version: what it is, what is still
// due and how to pay it by bank transfer. It is not a tax invoice.
func (h *Handler) proformaDoc(lang string, d quote.Detail) (*View, error) {
	v := version(d.Quote)
	switch {
	case v == nil:
		return nil, apperr.New(apperr.Conflict, "docs.quote.not_priced")
	case d.Status == quote.StatusDeclined || d.Status == quote.StatusExpired || d.Status == quote.StatusCancelled:
		return nil, apperr.New(apperr.Conflict, "docs.proforma.closed")
	}
	m := d.Money
	if m.Currency == "" {
		m.Currency = v.Currency
	}
	if m.Total == 0 {
		// Before acceptance nothing is owed yet: the proforma shows what would be.
		m.Total, m.Deposit, m.DepositDue = v.Total, v.Deposit(), v.Deposit()
	}
	number := "PRO-" + d.Number
	view := h.common(lang, d, "proforma", "docs.proforma.title", number)
	view.Meta = []pdf.Field{
		{Label: h.T(lang, "docs.meta.date"), Value: h.date(lang, time.Now().In(ledger.Bogota))},
		{Label: h.T(lang, "docs.meta.quote"), Value: h.T(lang, "docs.quote_version", d.Number, v.Version)},
		{Label: h.T(lang, "docs.meta.amount_due"), Value: h.money(lang, m.Currency, m.DepositDue)},
	}
	concept := h.T(lang, "docs.proforma.concept", v.DepositPct, d.Number)
	view.Sections = []pdf.Section{
		{Heading: h.T(lang, "docs.proforma.concept_heading"), Table: &pdf.Table{
			Head:  []string{h.T(lang, "docs.col.concept"), h.T(lang, "docs.col.amount")},
			Rows:  [][]string{{concept, h.money(lang, m.Currency, m.Deposit)}},
			Right: []bool{false, true}, Widths: []float64{4, 1.4}}},
		{Heading: h.T(lang, "docs.proforma.how_to_pay"), Fields: []pdf.Field{
			{Label: h.T(lang, "docs.proforma.transfer"), Value: h.transfer(lang)},
			{Label: h.T(lang, "docs.proforma.reference"), Value: number},
		}},
	}
	view.Totals = []pdf.Field{
		{Label: h.T(lang, "docs.total.quote_total"), Value: h.money(lang, m.Currency, m.Total)},
		{Label: h.T(lang, "docs.total.deposit", v.DepositPct), Value: h.money(lang, m.Currency, m.Deposit)},
		{Label: h.T(lang, "docs.total.paid"), Value: h.money(lang, m.Currency, m.Deposit-m.DepositDue)},
		{Label: h.T(lang, "docs.total.amount_due"), Value: h.money(lang, m.Currency, m.DepositDue)},
	}
	view.Note = h.T(lang, "docs.proforma.not_invoice") + " " + h.T(lang, "docs.iva_note")
	return view, nil
}

// deliveryNoteDoc is the remisión that goes with the garments: every line with its
// sizes, the delivery city, date and note, and boxes for both sides to sign. There is
// none before the garments are ready.
func (h *Handler) deliveryNoteDoc(lang string, d quote.Detail) (*View, error) {
	switch d.Status {
	case quote.StatusReady, quote.StatusDelivered, quote.StatusSettled:
	default:
		return nil, apperr.New(apperr.Conflict, "docs.delivery.not_ready")
	}
	view := h.common(lang, d, "delivery-note", "docs.delivery.title", "REM-"+d.Number)
	delivered := h.T(lang, "docs.delivery.pending")
	if d.DeliveredAt != nil {
		delivered = h.date(lang, d.DeliveredAt.In(ledger.Bogota))
	}
	view.Meta = []pdf.Field{
		{Label: h.T(lang, "docs.meta.quote"), Value: d.Number},
		{Label: h.T(lang, "docs.meta.delivery_city"), Value: d.DeliveryCity},
		{Label: h.T(lang, "docs.meta.delivery_date"), Value: delivered},
	}
	if d.DeliveryNote != "" {
		view.Meta = append(view.Meta, pdf.Field{Label: h.T(lang, "docs.meta.delivery_note"), Value: d.DeliveryNote})
	}
	head := []string{"#", h.T(lang, "docs.col.garment"), h.T(lang, "docs.col.customisation")}
	right := []bool{true, false, false}
	for _, s := range quote.Sizes {
		head, right = append(head, strings.ToUpper(s)), append(right, true)
	}
	head, right = append(head, h.T(lang, "docs.col.quantity")), append(right, true)
	t := &pdf.Table{Head: head, Right: right, Widths: []float64{0.5, 3, 2.4, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 1.1}}
	sum := make([]int, len(quote.Sizes)+1)
	for _, l := range d.Lines {
		row := []string{strconv.Itoa(l.LineNo), h.garment(lang, l), h.customisation(lang, l)}
		for i, n := range perSize(l) {
			row, sum[i] = append(row, h.count(lang, n)), sum[i]+n
		}
		row, sum[len(sum)-1] = append(row, h.count(lang, l.Quantity)), sum[len(sum)-1]+l.Quantity
		t.Rows = append(t.Rows, row)
	}
	t.Total = []string{"", h.T(lang, "docs.total.total"), ""}
	for _, n := range sum {
		t.Total = append(t.Total, h.count(lang, n))
	}
	view.Sections = []pdf.Section{{Heading: h.T(lang, "docs.delivery.lines"), Table: t}}
	view.Signatures = []string{h.T(lang, "docs.delivery.delivered_by", h.Seller.Name), h.T(lang, "docs.delivery.received_by", d.Company.Name)}
	view.Note = h.T(lang, "docs.delivery.note")
	// Who made the garments, so whoever receives them can meet the workshop.
	makers, codes, err := h.makers(lang, d.Workshops)
	if err != nil {
		return nil, err
	}
	view.Makers, view.QRCodes = makers, codes
	return view, nil
}

// common is what every document has: title and number, both parties, the footer.
func (h *Handler) common(lang string, d quote.Detail, kind, titleKey, number string) *View {
	seller := []string{h.Seller.Name, h.T(lang, "docs.nit", h.Seller.NIT)}
	seller = appendSome(seller, h.Seller.Address, h.Seller.Phone, h.Seller.Email)
	co := d.Company
	place := co.BillingAddress
	if co.City != "" {
		place = strings.TrimPrefix(place+", "+co.City, ", ")
	}
	client := []string{co.Name, h.T(lang, "docs.nit", co.NIT)}
	client = appendSome(client, place)
	if co.ContactName != "" {
		client = append(client, h.T(lang, "docs.contact", co.ContactName))
	}
	client = appendSome(client, co.ContactPhone, co.ContactEmail)
	footer := h.Seller.Name
	if h.Seller.NIT != "" {
		footer += " · " + h.T(lang, "docs.nit", h.Seller.NIT)
	}
	title := h.T(lang, titleKey)
	return &View{Kind: kind, FileName: number + ".pdf", Trade: pdf.Trade{
		Document: pdf.Document{Title: title, Footer: footer, PageFmt: h.T(lang, "docs.page"), Created: time.Now(),
			Lang: lang, Author: h.Seller.Name},
		Number:  number,
		Parties: []pdf.Party{{Heading: h.T(lang, "docs.party.seller"), Lines: seller}, {Heading: h.T(lang, "docs.party.client"), Lines: client}},
	}}
}

// version is the quote's current version: the accepted one, else the latest; nil
// before staff priced it.
func version(q quote.Quote) *quote.Version {
	if q.AcceptedVersion != nil {
		for i := range q.Versions {
			if q.Versions[i].Version == *q.AcceptedVersion {
				return &q.Versions[i]
			}
		}
	}
	if len(q.Versions) == 0 {
		return nil
	}
	latest := &q.Versions[0]
	for i := range q.Versions {
		if q.Versions[i].Version > latest.Version {
			latest = &q.Versions[i]
		}
	}
	return latest
}

func appendSome(to []string, ss ...string) []string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			to = append(to, s)
		}
	}
	return to
}

// perSize is a line's quantities in the order of quote.Sizes.
func perSize(l quote.Line) []int { return []int{l.XS, l.S, l.M, l.L, l.XL, l.XXL} }

// sizes writes a line's size breakdown: "S 10 · M 20 · L 5".
func sizes(l quote.Line) string {
	var parts []string
	for i, n := range perSize(l) {
		if n > 0 {
			parts = append(parts, strings.ToUpper(quote.Sizes[i])+" "+strconv.Itoa(n))
		}
	}
	return strings.Join(parts, " · ")
}

// garment is "Polo · piqué · azul".
func (h *Handler) garment(lang string, l quote.Line) string {
	return strings.Join(appendSome([]string{h.T(lang, "docs.garment."+l.Garment)}, l.Fabric, l.Colour), " · ")
}

// customisation is "Bordado · pecho izquierdo".
func (h *Handler) customisation(lang string, l quote.Line) string {
	var how []string
	if l.Customisation != "" {
		how = append(how, h.T(lang, "docs.customisation."+l.Customisation))
	}
	return strings.Join(appendSome(how, l.Position), " · ")
}

func (h *Handler) money(lang, currency string, minor int64) string {
	if currency == "" {
		currency = "COP"
	}
	return money.Format(money.Amount{Minor: minor, Currency: currency}, lang)
}

// tiers writes a line's quantity prices: "200+ prendas: $ 34.000 c/u; 500+: $ 31.000".
func (h *Handler) tiers(lang, currency string, ts []quote.Tier) string {
	parts := make([]string, 0, len(ts))
	for i, t := range ts {
		key := "docs.quote.tier_more"
		if i == 0 {
			key = "docs.quote.tier_first"
		}
		parts = append(parts, h.T(lang, key, h.count(lang, t.MinQty), h.money(lang, currency, t.UnitMinor)))
	}
	return strings.Join(parts, "; ")
}

// count writes a number of garments with the language's thousands separator.
func (h *Handler) count(lang string, n int) string {
	s := strconv.Itoa(n)
	sep := ","
	if lang == "es" {
		sep = "."
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

// date writes a moment's day as Colombians read it (10/03/2026) or in English (10 Mar 2026).
func (h *Handler) date(lang string, t time.Time) string {
	if lang == "es" {
		return t.Format("02/01/2006")
	}
	return t.Format("2 Jan 2006")
}

// day writes a date column (a day, scanned as midnight UTC).
func (h *Handler) day(lang string, t time.Time) string { return h.date(lang, t.UTC()) }

func (h *Handler) transfer(lang string) string {
	if s := strings.TrimSpace(h.Transfer[lang]); s != "" {
		return s
	}
	return h.T(lang, "docs.proforma.transfer_ask", h.Seller.Email)
}
