package pdf

import (
	"bytes"
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"
)

// Trade is a commercial document of a corporate quote (the quote itself, the proforma
// for the deposit, the delivery note): a Document with its number beside the title, the
// two parties side by side, a block of totals after the sections and boxes to sign.
type Trade struct {
	Document
	Number     string   // "COT-2026-00042", printed at the right of the title
	Parties    []Party  // who sells and who buys, side by side under the title
	Totals     []Field  // right-aligned figures after the sections; the last one is bold
	Signatures []string // captions of the boxes to sign, side by side ("Entregó", "Recibió")
	// QR codes printed before the boxes to sign, two to a row, each with its caption to
	// the right (the delivery note's workshops: "Hecho por el taller …").
	QRCodes []QRCode
}

// QRCode is a QR code as a PNG (tags.QRPNG) and the words printed beside it.
type QRCode struct {
	PNG     []byte
	Caption string
}

// Party is one side of a trade: a heading and its lines (name, NIT, address, contact).
type Party struct {
	Heading string
	Lines   []string
}

// WriteTrade renders d as an A4 PDF to w.
func WriteTrade(w io.Writer, d Trade) error {
	f, tr := start(d.Document)
	pageW, _ := f.GetPageSize()
	width := pageW - 2*margin

	f.SetFont("Helvetica", "B", 15)
	y := f.GetY()
	if d.Number != "" {
		f.CellFormat(width, 7, tr(d.Number), "", 0, "R", false, 0, "")
		f.SetXY(margin, y)
	}
	numW := f.GetStringWidth(tr(d.Number)) + 4
	f.MultiCell(width-numW, 7, tr(d.Title), "", "L", false)
	if d.Subtitle != "" {
		f.SetFont("Helvetica", "", 11)
		f.MultiCell(width, 6, tr(d.Subtitle), "", "L", false)
	}
	f.Ln(2)
	fields(f, tr, width, d.Meta)
	parties(f, tr, width, d.Parties)
	for _, s := range d.Sections {
		section(f, tr, width, s)
	}
	totals(f, tr, width, d.Totals)
	if d.Note != "" {
		f.Ln(4)
		f.SetFont("Helvetica", "I", 8.5)
		f.SetTextColor(60, 60, 60)
		f.MultiCell(width, 4.5, tr(d.Note), "", "L", false)
	}
	qrCodes(f, tr, width, d.QRCodes)
	signatures(f, tr, width, d.Signatures)
	if err := f.Error(); err != nil {
		return fmt.Errorf("lay out %q: %w", d.Title, err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("write %q: %w", d.Title, err)
	}
	return nil
}

// start is the page set-up every document shares (see Write): A4, metadata, cp1252 text,
// uncompressed content and the footer with page numbers.
func start(d Document) (*fpdf.Fpdf, translator) {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin+5)
	tr := f.UnicodeTranslatorFromDescriptor("cp1252")
	f.SetTitle(d.Title, true)
	f.SetAuthor(d.Author, true)
	f.SetCreator("Libres", true)
	f.SetLang(d.Lang)
	if !d.Created.IsZero() {
		f.SetCreationDate(d.Created)
		f.SetModificationDate(d.Created)
	}
	f.SetCompression(false)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-margin)
		f.SetFont("Helvetica", "", 8)
		f.SetTextColor(90, 90, 90)
		foot := d.Footer
		if d.PageFmt != "" {
			foot += "   " + fmt.Sprintf(d.PageFmt, f.PageNo(), "{nb}")
		}
		f.CellFormat(0, 4, tr(foot), "", 0, "C", false, 0, "")
	})
	f.AddPage()
	return f, tr
}

// roomFor starts a new page unless h millimetres still fit on this one.
func roomFor(f *fpdf.Fpdf, h float64) {
	_, pageH := f.GetPageSize()
	if f.GetY()+h > pageH-margin-5 {
		f.AddPage()
	}
}

// parties draws the parties as framed boxes side by side, as tall as the tallest.
func parties(f *fpdf.Fpdf, tr translator, width float64, ps []Party) {
	if len(ps) == 0 {
		return
	}
	const gap, pad = 4.0, 2.0
	boxW := (width - gap*float64(len(ps)-1)) / float64(len(ps))
	f.Ln(3)
	roomFor(f, 40)
	top, bottom := f.GetY(), f.GetY()
	for i, p := range ps {
		x := margin + float64(i)*(boxW+gap)
		f.SetXY(x+pad, top+pad)
		f.SetFont("Helvetica", "B", fontBody)
		f.SetTextColor(0, 0, 0)
		f.MultiCell(boxW-2*pad, lineH, tr(p.Heading), "", "L", false)
		f.SetFont("Helvetica", "", 9)
		for _, l := range p.Lines {
			f.SetX(x + pad)
			f.MultiCell(boxW-2*pad, 4.6, tr(l), "", "L", false)
		}
		bottom = max(bottom, f.GetY()+pad)
	}
	f.SetDrawColor(200, 200, 200)
	for i := range ps {
		f.Rect(margin+float64(i)*(boxW+gap), top, boxW, bottom-top, "D")
	}
	f.SetXY(margin, bottom)
}

// totals draws label and value pairs aligned right, the last one bold over a rule.
func totals(f *fpdf.Fpdf, tr translator, width float64, ts []Field) {
	if len(ts) == 0 {
		return
	}
	f.Ln(3)
	roomFor(f, float64(len(ts))*6+2)
	labelW, valueW := width*0.65, width*0.35
	f.SetTextColor(0, 0, 0)
	for i, t := range ts {
		style := ""
		if i == len(ts)-1 {
			style = "B"
			f.SetDrawColor(0, 0, 0)
			f.Line(margin+labelW, f.GetY(), margin+width, f.GetY())
		}
		f.SetFont("Helvetica", style, fontBody)
		f.CellFormat(labelW, 6, tr(t.Label), "", 0, "R", false, 0, "")
		f.CellFormat(valueW, 6, tr(t.Value), "", 1, "R", false, 0, "")
	}
}

// qrCodes draws each code 24 mm wide (readable by a phone at arm's length) with its
// caption beside it, two to a row.
func qrCodes(f *fpdf.Fpdf, tr translator, width float64, qs []QRCode) {
	const side, gap, perRow = 24.0, 6.0, 2
	if len(qs) == 0 {
		return
	}
	f.Ln(4)
	boxW := (width - gap*(perRow-1)) / perRow
	f.SetFont("Helvetica", "", 9)
	f.SetTextColor(0, 0, 0)
	for i, q := range qs {
		if i%perRow == 0 {
			if i > 0 {
				f.SetXY(margin, f.GetY()+side+2)
			}
			roomFor(f, side+2)
		}
		x, top := margin+float64(i%perRow)*(boxW+gap), f.GetY()
		name := fmt.Sprintf("qr-%d", i)
		f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(q.PNG))
		f.ImageOptions(name, x, top, side, side, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		f.SetXY(x+side+3, top+side/2-6)
		f.MultiCell(boxW-side-3, 4, tr(q.Caption), "", "L", false)
		f.SetXY(margin, top)
	}
	f.SetXY(margin, f.GetY()+side+2)
}

// signatures draws a box to sign for each caption, side by side, with the caption under
// a line (name, id and date are written by hand).
func signatures(f *fpdf.Fpdf, tr translator, width float64, caps []string) {
	if len(caps) == 0 {
		return
	}
	const gap, boxH = 6.0, 28.0
	f.Ln(6)
	roomFor(f, boxH+4)
	boxW := (width - gap*float64(len(caps)-1)) / float64(len(caps))
	top := f.GetY()
	f.SetDrawColor(120, 120, 120)
	f.SetTextColor(0, 0, 0)
	f.SetFont("Helvetica", "", 9)
	for i, c := range caps {
		x := margin + float64(i)*(boxW+gap)
		f.Rect(x, top, boxW, boxH, "D")
		f.Line(x+3, top+boxH-9, x+boxW-3, top+boxH-9)
		f.SetXY(x+3, top+boxH-8)
		f.MultiCell(boxW-6, 4, tr(c), "", "L", false)
	}
	f.SetXY(margin, top+boxH+2)
}
