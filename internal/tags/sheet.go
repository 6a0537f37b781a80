package tags

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// Label is one hang-tag, its strings already in the reader's language and formatted.
type Label struct {
	Title    string // product title
	Size     string // "M", "38", "Azul / M"; "" for a one-size item
	Price    string // money.Format: "$ 189.000"
	Workshop string
	Story    string // one short line of the workshop's story
	URL      string // the QR code's link: BaseURL + /t/{code}
}

// Layout is a sheet of die-cut labels: the paper, and where each label sits on it (all
// in millimetres, from the sheet's top left corner).
type Layout struct {
	Name       string // "a4", "letter": the form's value
	Model      string // the label sheet it matches, printed in the form
	Paper      string // fpdf's page size name
	Cols, Rows int
	W, H       float64 // a label
	Left, Top  float64 // the first label's corner
	PitchX     float64 // from one label's left edge to the next one's
	PitchY     float64
}

// PerSheet is how many labels a sheet holds.
func (l Layout) PerSheet() int { return l.Cols * l.Rows }

// Sheets is how many sheets n labels take.
func (l Layout) Sheets(n int) int { return (n + l.PerSheet() - 1) / l.PerSheet() }

// Layouts are the sheets the store prints on: A4 with 3×8 labels of 63.5×33.9 mm
// (Avery L7159 and compatibles, common in Colombian stationers) and US letter with 3×10
// labels of 66.7×25.4 mm (Avery 5160 and compatibles).
var Layouts = []Layout{
	{Name: "a4", Model: "A4 3×8 · 63,5×33,9 mm (Avery L7159)", Paper: "A4", Cols: 3, Rows: 8,
		W: 63.5, H: 33.9, Left: 7.25, Top: 12.9, PitchX: 66.0, PitchY: 33.9},
	{Name: "letter", Model: "Letter 3×10 · 66,7×25,4 mm (Avery 5160)", Paper: "Letter", Cols: 3, Rows: 10,
		W: 66.675, H: 25.4, Left: 4.7625, Top: 12.7, PitchX: 69.85, PitchY: 25.4},
}

// LayoutNamed returns the layout of a form's value; ok is false for an unknown one.
func LayoutNamed(name string) (Layout, bool) {
	for _, l := range Layouts {
		if l.Name == name {
			return l, true
		}
	}
	return Layout{}, false
}

// MaxLabels bounds one print: 20 A4 sheets. More is a print shop's job, and the
// request must stay a few seconds' work.
const MaxLabels = 480

// QRPNG is the QR code of url as a PNG of px×px pixels with its quiet zone, at error
// correction level M (a tag gets creased and worn).
func QRPNG(url string, px int) ([]byte, error) {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("QR code of %s: %w", url, err)
	}
	b, err := q.PNG(px)
	if err != nil {
		return nil, fmt.Errorf("QR code of %s: %w", url, err)
	}
	return b, nil
}

// Meta is the PDF's metadata.
type Meta struct {
	Title, Author, Lang string
	Created             time.Time
}

// WritePDF lays labels out on sheets of layout l, in order, and writes the PDF to w. Each
// label has its QR code on the left and the texts on the right; a light outline shows
// where to cut on plain paper and falls on the die-cut edge of a label sheet.
func WritePDF(w io.Writer, l Layout, labels []Label, m Meta) error {
	f := fpdf.New("P", "mm", l.Paper, "")
	f.SetMargins(0, 0, 0)
	f.SetAutoPageBreak(false, 0)
	f.SetTitle(m.Title, true)
	f.SetAuthor(m.Author, true)
	f.SetCreator("Libres", true)
	f.SetLang(m.Lang)
	if !m.Created.IsZero() {
		f.SetCreationDate(m.Created)
		f.SetModificationDate(m.Created)
	}
	f.SetCompression(false)
	tr := f.UnicodeTranslatorFromDescriptor("cp1252")
	images := map[string]string{} // URL -> registered image name
	for i, lb := range labels {
		if i%l.PerSheet() == 0 {
			f.AddPage()
		}
		n := i % l.PerSheet()
		x := l.Left + float64(n%l.Cols)*l.PitchX
		y := l.Top + float64(n/l.Cols)*l.PitchY
		name, ok := images[lb.URL]
		if !ok {
			png, err := QRPNG(lb.URL, 256)
			if err != nil {
				return err
			}
			name = fmt.Sprintf("qr%d", len(images))
			f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
			images[lb.URL] = name
		}
		label(f, tr, l, x, y, name, lb)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("lay out tags: %w", err)
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("write tags: %w", err)
	}
	return nil
}

func label(f *fpdf.Fpdf, tr func(string) string, l Layout, x, y float64, img string, lb Label) {
	f.SetDrawColor(200, 200, 200)
	f.SetLineWidth(0.1)
	f.Rect(x, y, l.W, l.H, "D")
	pad := 1.5
	qr := l.H - 2*pad
	if qr > 26 {
		qr = 26
	}
	f.ImageOptions(img, x+pad, y+(l.H-qr)/2, qr, qr, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	tx := x + pad + qr + 1
	tw := x + l.W - pad - tx
	lines := []struct {
		style string
		size  float64
		text  string
	}{
		{"B", 8, lb.Title},
		{"", 7.5, strings.TrimSpace(lb.Size + "   " + lb.Price)},
		{"B", 6.5, lb.Workshop},
		{"I", 6, lb.Story},
	}
	lineH := (l.H - 2*pad) / 5
	ty := y + pad + lineH/2
	f.SetTextColor(0, 0, 0)
	for _, ln := range lines {
		if ln.text == "" {
			continue
		}
		f.SetFont("Helvetica", ln.style, ln.size)
		f.SetXY(tx, ty)
		f.CellFormat(tw, lineH, fit(f, tr(ln.text), tw), "", 0, "L", false, 0, "")
		ty += lineH
	}
}

// fit cuts s (already cp1252) to width w at the current font, ending it with "…".
func fit(f *fpdf.Fpdf, s string, w float64) string {
	if f.GetStringWidth(s) <= w {
		return s
	}
	const ellipsis = "\x85" // "…" in cp1252
	b := []byte(s)
	for len(b) > 0 && f.GetStringWidth(string(b)+ellipsis) > w {
		b = b[:len(b)-1]
	}
	return strings.TrimRight(string(b), " ") + ellipsis
}
