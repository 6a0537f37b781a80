package studio

// The statement's hang-tag scans: how often the QR codes on the workshop's tags were
// scanned in the month, by product (tags counts them per product and day, nothing about
// who scanned), on the page, in the PDF and as a CSV file of their own, so the summary
// CSV keeps its columns and rows for the spreadsheets already reading it.

import (
	"bytes"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/sheet"
	"github.com/libres/storefront/internal/web/pdf"
)

// scansHeader names the columns of scans.csv: one row per product, then a TOTAL row.
var scansHeader = []string{"workshop_id", "workshop", "month", "product_id", "product", "scans"}

// statementScansCSV downloads the month's tag scans of the workshop.
func (h *Handler) statementScansCSV(c *gin.Context, _ string) error {
	return h.statementCSV(c, "escaneos", writeScansCSV)
}

func writeScansCSV(buf *bytes.Buffer, t target, st ledger.Statement) error {
	cw, err := sheet.NewWriter(buf)
	if err != nil {
		return err
	}
	if err := cw.Write(scansHeader); err != nil {
		return err
	}
	id, month, name := strconv.FormatInt(t.Workshop.ID, 10), t.Month.Format(monthLayout), sheet.Cell(t.Workshop.Name)
	for _, s := range st.TagScans {
		rec := []string{id, name, month, strconv.FormatInt(s.ProductID, 10), sheet.Cell(s.Title("es")), strconv.Itoa(s.Scans)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if err := cw.Write([]string{id, name, month, "", "TOTAL", strconv.Itoa(st.TagScansTotal)}); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// scansSection is the PDF's table of the month's tag scans.
func (h *Handler) scansSection(lang string, st ledger.Statement) pdf.Section {
	tb := &pdf.Table{Head: []string{h.T(lang, "statements.col.product"), h.T(lang, "tags.statement.col_scans")},
		Right: []bool{false, true}, Widths: []float64{5, 1.2},
		Total: []string{h.T(lang, "statements.total"), strconv.Itoa(st.TagScansTotal)}}
	for _, r := range scanRows(lang, st) {
		tb.Rows = append(tb.Rows, []string{r.Title, strconv.Itoa(r.Scans)})
	}
	return pdf.Section{Heading: h.T(lang, "tags.statement.heading"), Table: tb, Empty: h.T(lang, "tags.statement.none")}
}
