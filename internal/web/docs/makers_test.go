package docs_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/tags/qrtest"
)

// TestDeliveryNoteQR: the remisión of a quote carries, for the workshop that made the
// garments, a QR code that opens the workshop's page on the store in the note's
// language, on the printable page and in the PDF; a quote with no workshop assigned
// has none.
func TestDeliveryNoteQR(t *testing.T) {
	co, uid := company(t, 41)
	q := pricedQuote(t, co.ID, uid)
	setStatus(t, q.ID, quote.StatusReady)
	b := loginAs(t, companyURL, uid)
	base := testQuotes.BaseURL // the store's public origin, which links are made of

	for _, tc := range []struct{ query, want, caption string }{
		{"", "/taller/modisteria-buen-pastor", "Escanee el código"},
		{"?lang=en", "/en/workshop/modisteria-buen-pastor", "Scan the code"},
	} {
		p := b.mustGet(quotePath(q.ID, "delivery-note") + tc.query)
		makers := p.Find(".doc-maker")
		if makers.Length() != 1 {
			t.Fatalf("%q: %d workshops with a QR code, want 1", tc.query, makers.Length())
		}
		src, _ := makers.Find("img").Attr("src")
		png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,"))
		if err != nil || !strings.HasPrefix(src, "data:image/png;base64,") {
			t.Fatalf("%q: QR image src %.40q: %v", tc.query, src, err)
		}
		if got := qrtest.PNG(t, png); got != base+tc.want {
			t.Errorf("%q: the page's QR code reads %q, want %q", tc.query, got, base+tc.want)
		}
		if alt, _ := makers.Find("img").Attr("alt"); alt == "" {
			t.Errorf("%q: the QR image has no alt text", tc.query)
		}
		caption := text(makers)
		if !strings.Contains(caption, tc.caption) || !strings.Contains(caption, base+tc.want) {
			t.Errorf("%q: caption %q lacks %q or the link", tc.query, caption, tc.caption)
		}
	}

	f := b.get(quotePath(q.ID, "delivery-note.pdf"))
	if n := bytes.Count(f.body, []byte("/Subtype /Image")); n != 1 {
		t.Fatalf("delivery note PDF has %d images, want the workshop's QR code", n)
	}
	if got, want := qrtest.Image(t, qrtest.PDFImage(t, f.body)), base+"/taller/modisteria-buen-pastor"; got != want {
		t.Errorf("the PDF's QR code reads %q, want %q", got, want)
	}
	if !pdfHas(t, f.body, "Hecho por") || !pdfHas(t, f.body, "Escanee") {
		t.Error("the PDF lacks the QR code's caption")
	}

	// Without a workshop there is nobody to point to.
	if _, err := testDB.Exec(`DELETE FROM quote_workshops WHERE quote_id = $1`, q.ID); err != nil {
		t.Fatal(err)
	}
	if p := b.mustGet(quotePath(q.ID, "delivery-note")); p.Find(".doc-maker, .doc-makers").Length() != 0 {
		t.Error("a note without workshops shows a QR code")
	}
	f = b.get(quotePath(q.ID, "delivery-note.pdf"))
	if !bytes.HasPrefix(f.body, []byte("%PDF-")) || bytes.Contains(f.body, []byte("/Subtype /Image")) {
		t.Error("the PDF of a note without workshops is missing or has an image")
	}
}
