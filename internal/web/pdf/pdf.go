// Package pdf lays out the back office's printable documents (a workshop's monthly
// statement, its production record) as A4 PDFs. Callers hand it a Document whose
// strings are already in the reader's language and formatted (money, dates); this
// package only places them on the page.
//
// The text uses PDF's core Helvetica with fpdf's cp1252 translator rather than an
// embedded TrueType font: cp1252 has every Spanish letter and sign (á é í ó ú ü ñ ¿ ¡
// and the non-breaking space money.Format puts after "$"), and the files stay a few
// kilobytes. A rune outside cp1252 (an emoji in a product name) prints as "?".
package pdf

import (
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"
)

// Document is one printable document.
type Document struct {
	Title    string  // "Estado de cuenta — Taller X — 2026-03"
	Subtitle string  // facility, city
	Meta     []Field // period, issuer (name, NIT), generated on…
	Sections []Section
	Note     string // a closing paragraph (what the document is, what it is not)
	// Signature, when set, closes the document with a line to sign above this caption
	// ("Firma y sello de la Fundación Libres").
	Signature string
	Footer    string    // every page's foot, before the page number ("Página %d")
	PageFmt   string    // "Página %d de %s" (the second verb is the page count)
	Created   time.Time // the document's creation date (metadata)
	Lang      string    // "es" or "en"
	Author    string    // the foundation's name (metadata)
}

// Field is a label and its value.
type Field struct{ Label, Value string }

// Section is a heading followed by figures and/or a table.
type Section struct {
	Heading string
	Fields  []Field
	Table   *Table
	Empty   string // shown when the table has no rows
}

// Table is a table with a header row; Right marks the columns aligned right
// (numbers), Widths their share of the line (nil: even).
type Table struct {
	Head   []string
	Rows   [][]string
	Right  []bool
	Widths []float64
	Total  []string // a bold last row, nil for none
}

const (
	lineH    = 5.5
	margin   = 15.0
	fontBody = 10.0
)

// Write renders d as an A4 PDF to w.
func Write(w io.Writer, d Document) error {
	// Uncompressed content (see start): a statement is a few kilobytes either way, and
	// the text stays searchable by tools (and tests) that do not inflate streams.
	f, tr := start(d)
	pageW, _ := f.GetPageSize()
	width := pageW - 2*margin

	f.SetFont("Helvetica", "B", 15)
	f.MultiCell(width, 7, tr(d.Title), "", "L", false)
	if d.Subtitle != "" {
		f.SetFont("Helvetica", "", 11)
		f.MultiCell(width, 6, tr(d.Subtitle), "", "L", false)
	}
	f.Ln(2)
	fields(f, tr, width, d.Meta)
	for _, s := range d.Sections {
		section(f, tr, width, s)
	}
	if d.Note != "" {
		f.Ln(4)
		f.SetFont("Helvetica", "I", 8.5)
		f.SetTextColor(60, 60, 60)
		f.MultiCell(width, 4.5, tr(d.Note), "", "L", false)
	}
	if d.Signature != "" {
		f.Ln(18)
		f.SetDrawColor(0, 0, 0)
		y := f.GetY()
		f.Line(margin, y, margin+80, y)
		f.Ln(1.5)
		f.SetFont("Helvetica", "", 9)
		f.SetTextColor(0, 0, 0)
		f.MultiCell(80, 4.5, tr(d.Signature), "", "L", false)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("lay out %q: %w", d.Title, err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("write %q: %w", d.Title, err)
	}
	return nil
}

type translator func(string) string

func fields(f *fpdf.Fpdf, tr translator, width float64, fs []Field) {
	labelW := width * 0.42
	for _, fl := range fs {
		f.SetFont("Helvetica", "B", fontBody)
		f.SetTextColor(0, 0, 0)
		y := f.GetY()
		f.MultiCell(labelW, lineH, tr(fl.Label), "", "L", false)
		after := f.GetY()
		f.SetXY(margin+labelW, y)
		f.SetFont("Helvetica", "", fontBody)
		f.MultiCell(width-labelW, lineH, tr(fl.Value), "", "L", false)
		if f.GetY() < after {
			f.SetY(after)
		}
	}
}

func section(f *fpdf.Fpdf, tr translator, width float64, s Section) {
	f.Ln(4)
	f.SetFont("Helvetica", "B", 12)
	f.SetTextColor(0, 0, 0)
	f.SetDrawColor(163, 68, 28)
	f.CellFormat(width, 7, tr(s.Heading), "B", 1, "L", false, 0, "")
	f.Ln(1.5)
	fields(f, tr, width, s.Fields)
	if s.Table == nil {
		return
	}
	if len(s.Table.Rows) == 0 {
		f.SetFont("Helvetica", "I", fontBody)
		f.MultiCell(width, lineH, tr(s.Empty), "", "L", false)
		return
	}
	table(f, tr, width, *s.Table)
}

func table(f *fpdf.Fpdf, tr translator, width float64, t Table) {
	ws := make([]float64, len(t.Head))
	sum := 0.0
	for i := range ws {
		ws[i] = 1
		if i < len(t.Widths) && t.Widths[i] > 0 {
			ws[i] = t.Widths[i]
		}
		sum += ws[i]
	}
	for i := range ws {
		ws[i] = ws[i] / sum * width
	}
	align := func(i int) string {
		if i < len(t.Right) && t.Right[i] {
			return "R"
		}
		return "L"
	}
	row := func(cells []string, style string, fill bool) {
		f.SetFont("Helvetica", style, 9)
		// A long product name wraps; the row is as tall as its tallest cell.
		lines := 1
		for i, c := range cells {
			if i < len(ws) {
				lines = max(lines, len(f.SplitLines([]byte(tr(c)), ws[i])))
			}
		}
		h := float64(lines) * 4.8
		_, pageH := f.GetPageSize()
		if f.GetY()+h > pageH-margin-5 {
			f.AddPage()
		}
		x, y := f.GetX(), f.GetY()
		for i, c := range cells {
			if i >= len(ws) {
				break
			}
			f.SetXY(x, y)
			if fill {
				f.Rect(x, y, ws[i], h, "F")
			}
			f.MultiCell(ws[i], 4.8, tr(c), "", align(i), false)
			x += ws[i]
		}
		f.SetXY(margin, y+h)
		f.Line(margin, y+h, margin+width, y+h)
	}
	f.SetFillColor(245, 238, 232)
	f.SetDrawColor(200, 200, 200)
	row(t.Head, "B", true)
	for _, r := range t.Rows {
		row(r, "", false)
	}
	if t.Total != nil {
		row(t.Total, "B", true)
	}
}
