package studio

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/sheet"
	"github.com/libres/storefront/internal/web/kit"
	"github.com/libres/storefront/internal/web/pdf"
)

// statementEntriesCSV downloads the month's entries of the workshop, one row each.
func (h *Handler) statementEntriesCSV(c *gin.Context, _ string) error {
	t, err := h.readTarget(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := h.Ledger.WriteEntriesCSV(c.Request.Context(), &buf, t.Workshop.ID, t.Month, t.Month.AddDate(0, 1, 0)); err != nil {
		return err
	}
	sendFile(c, fileName(t, "movimientos", "csv"), "text/csv; charset=utf-8", buf.Bytes())
	return nil
}

// summaryHeader names the columns of the statement's summary CSV: one row per product
// and size, then a TOTAL row that also carries the share, payouts and balances.
// Amounts are in currency units with two decimals, as in the other CSV files.
var summaryHeader = []string{"workshop_id", "workshop", "month", "product_id", "product", "size", "units_sold",
	"units_refunded", "gross", "refunds", "net", "share_bps", "share", "adjustments", "payouts",
	"opening_balance", "closing_balance", "currency"}

// statementSummaryCSV downloads the month's figures: the statement, as a spreadsheet.
func (h *Handler) statementSummaryCSV(c *gin.Context, _ string) error {
	return h.statementCSV(c, "resumen", writeSummaryCSV)
}

// statementCSV sends a CSV file that write makes of the month's statement, named
// fileName(t, what, "csv").
func (h *Handler) statementCSV(c *gin.Context, what string, write func(*bytes.Buffer, target, ledger.Statement) error) error {
	t, err := h.readTarget(c)
	if err != nil {
		return err
	}
	st, err := h.Ledger.Statement(c.Request.Context(), t.Workshop.ID, t.Month)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := write(&buf, t, st); err != nil {
		return fmt.Errorf("statement %s of workshop %d: %w", what, t.Workshop.ID, err)
	}
	sendFile(c, fileName(t, what, "csv"), "text/csv; charset=utf-8", buf.Bytes())
	return nil
}

func writeSummaryCSV(buf *bytes.Buffer, t target, st ledger.Statement) error {
	cw, err := sheet.NewWriter(buf)
	if err != nil {
		return err
	}
	if err := cw.Write(summaryHeader); err != nil {
		return err
	}
	id, month := strconv.FormatInt(t.Workshop.ID, 10), t.Month.Format(monthLayout)
	for _, u := range st.Units {
		rec := []string{id, sheet.Cell(t.Workshop.Name), month, strconv.FormatInt(u.ProductID, 10), sheet.Cell(u.Title),
			sheet.Cell(u.Size), strconv.Itoa(u.Sold), strconv.Itoa(u.Refunded), money.Decimal(u.GrossMinor), money.Decimal(u.RefundsMinor),
			money.Decimal(u.GrossMinor - u.RefundsMinor), "", "", "", "", "", "", st.Currency}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	var sold, refunded int
	for _, u := range st.Units {
		sold, refunded = sold+u.Sold, refunded+u.Refunded
	}
	total := []string{id, sheet.Cell(t.Workshop.Name), month, "", "TOTAL", "", strconv.Itoa(sold), strconv.Itoa(refunded),
		money.Decimal(st.Gross), money.Decimal(st.Refunds), money.Decimal(st.Net), strconv.Itoa(st.ShareBps), money.Decimal(st.Share),
		money.Decimal(st.Adjustments), money.Decimal(st.Payouts), money.Decimal(st.OpeningBalance), money.Decimal(st.ClosingBalance), st.Currency}
	if err := cw.Write(total); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// statementPDF is the statement as an A4 PDF for the facility.
func (h *Handler) statementPDF(c *gin.Context, lang string) error {
	t, err := h.readTarget(c)
	if err != nil {
		return err
	}
	st, err := h.Ledger.Statement(c.Request.Context(), t.Workshop.ID, t.Month)
	if err != nil {
		return err
	}
	d := h.document(lang, t, "statements.statement.title")
	var figs []pdf.Field
	for _, f := range h.statementFigures(lang, st) {
		figs = append(figs, pdf.Field{Label: f.Label, Value: f.Value})
	}
	rows, total := h.unitRows(lang, st)
	ut := &pdf.Table{Head: []string{h.T(lang, "statements.col.product"), h.T(lang, "statements.col.size"),
		h.T(lang, "statements.col.sold"), h.T(lang, "statements.col.refunded"), h.T(lang, "statements.col.gross"),
		h.T(lang, "statements.col.refunds"), h.T(lang, "statements.col.net")},
		Right: []bool{false, false, true, true, true, true, true}, Widths: []float64{3.2, 1, 1, 1.1, 1.6, 1.6, 1.6},
		Total: []string{total.Title, "", strconv.Itoa(total.Sold), strconv.Itoa(total.Refunded), total.Gross, total.Refunds, total.Net}}
	for _, r := range rows {
		ut.Rows = append(ut.Rows, []string{r.Title, r.Size, strconv.Itoa(r.Sold), strconv.Itoa(r.Refunded), r.Gross, r.Refunds, r.Net})
	}
	et := &pdf.Table{Head: []string{h.T(lang, "statements.col.date"), h.T(lang, "statements.col.kind"),
		h.T(lang, "statements.col.ref"), h.T(lang, "statements.col.item"), h.T(lang, "statements.col.qty"),
		h.T(lang, "statements.col.amount"), h.T(lang, "statements.col.share")},
		Right: []bool{false, false, false, false, true, true, true}, Widths: []float64{1.5, 1.2, 1.8, 2.8, 0.7, 1.5, 1.5}}
	for _, e := range h.entryRows(lang, st) {
		et.Rows = append(et.Rows, []string{e.Date, e.Kind, e.Ref, e.Item, e.Quantity, e.Amount, e.Share})
	}
	d.Sections = []pdf.Section{
		{Heading: h.T(lang, "statements.figures"), Fields: figs},
		{Heading: h.T(lang, "statements.units.title"), Table: ut, Empty: h.T(lang, "statements.units.none")},
		{Heading: h.T(lang, "statements.entries.title"), Table: et, Empty: h.T(lang, "statements.entries.none")},
		h.scansSection(lang, st),
	}
	d.Note = h.T(lang, "statements.statement.note")
	return h.sendPDF(c, d, fileName(t, "estado-de-cuenta", "pdf"))
}

// productionPDF is the month's production record as an A4 PDF for the facility.
func (h *Handler) productionPDF(c *gin.Context, lang string) error {
	t, err := h.readTarget(c)
	if err != nil {
		return err
	}
	pr, err := h.Ledger.Production(c.Request.Context(), t.Workshop.ID, t.Month)
	if err != nil {
		return err
	}
	v := h.productionView(lang, t, pr)
	d := h.document(lang, t, "statements.production.title")
	tb := &pdf.Table{Head: []string{h.T(lang, "statements.col.product"), h.T(lang, "statements.col.made"),
		h.T(lang, "statements.col.sold"), h.T(lang, "statements.col.refunded")},
		Right: []bool{false, true, true, true}, Widths: []float64{4, 1.2, 1.2, 1.2},
		Total: []string{h.T(lang, "statements.total"), strconv.Itoa(v.Made), strconv.Itoa(v.Sold), strconv.Itoa(v.Refunded)}}
	for _, r := range v.Rows {
		tb.Rows = append(tb.Rows, []string{r.Title, strconv.Itoa(r.Made), strconv.Itoa(r.Sold), strconv.Itoa(r.Refunded)})
	}
	d.Sections = []pdf.Section{
		{Heading: h.T(lang, "statements.production.summary"), Fields: []pdf.Field{
			{Label: h.T(lang, "statements.production.made"), Value: strconv.Itoa(v.Made)},
			{Label: h.T(lang, "statements.production.sold"), Value: strconv.Itoa(v.Sold)},
		}},
		{Heading: h.T(lang, "statements.production.by_product"), Table: tb, Empty: h.T(lang, "statements.production.none")},
	}
	d.Note = h.T(lang, "statements.production.note")
	d.Signature = h.T(lang, "statements.production.signature", h.Seller.Name)
	return h.sendPDF(c, d, fileName(t, "registro-de-produccion", "pdf"))
}

// document is the common part of a workshop's PDF: title, workshop, facility, period,
// who issues it (the foundation, with its NIT) and when.
func (h *Handler) document(lang string, t target, titleKey string) pdf.Document {
	period := h.monthLabel(lang, t.Month)
	issuer := h.Seller.Name
	if h.Seller.NIT != "" {
		issuer += " · " + h.T(lang, "statements.nit", h.Seller.NIT)
	}
	return pdf.Document{Title: h.T(lang, titleKey, t.Workshop.Name, period), Subtitle: place(t.Workshop),
		Meta: []pdf.Field{
			{Label: h.T(lang, "statements.meta.workshop"), Value: t.Workshop.Name},
			{Label: h.T(lang, "statements.meta.facility"), Value: place(t.Workshop)},
			{Label: h.T(lang, "statements.meta.period"), Value: h.T(lang, "statements.period_range",
				bogotaDate(t.Month), bogotaDate(t.Month.AddDate(0, 1, -1)))},
			{Label: h.T(lang, "statements.meta.issuer"), Value: issuer},
			{Label: h.T(lang, "statements.meta.generated"), Value: h.generated()},
		},
		Footer: issuer, PageFmt: h.T(lang, "statements.pdf.page"), Created: h.Ledger.Options().Now(),
		Lang: lang, Author: h.Seller.Name}
}

func (h *Handler) sendPDF(c *gin.Context, d pdf.Document, name string) error {
	var buf bytes.Buffer
	if err := pdf.Write(&buf, d); err != nil {
		return err
	}
	sendFile(c, name, "application/pdf", buf.Bytes())
	return nil
}

// fileName is "libres-<workshop slug>-<what>-2026-03.<ext>".
func fileName(t target, what, ext string) string {
	return "libres-" + t.Workshop.Slug + "-" + what + "-" + t.Month.Format(monthLayout) + "." + ext
}

// sendFile sends a download that is the user's alone (never cached on the way).
func sendFile(c *gin.Context, name, contentType string, body []byte) {
	c.Header("Cache-Control", "private, no-store")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	kit.WriteCompressed(c, http.StatusOK, contentType, body)
}
