package docs_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/libres/storefront/internal/quote"
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
		if got := decodePNG(t, png); got != base+tc.want {
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
	if got, want := decodeImage(t, pdfImage(t, f.body)), base+"/taller/modisteria-buen-pastor"; got != want {
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

func decodePNG(t *testing.T, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode PNG: %v", err)
	}
	return decodeImage(t, img)
}

func decodeImage(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR code: %v", err)
	}
	return res.GetText()
}

// pdfImage is the first image of an (uncompressed) PDF made by fpdf from a paletted
// PNG, as internal/tags' test reads it: the stream is the PNG's own zlib data, so
// wrapping it in PNG chunks with the dictionary's size and palette gives it back.
func pdfImage(t *testing.T, pdf []byte) image.Image {
	t.Helper()
	m := regexp.MustCompile(`(?s)/Subtype /Image\n/Width (\d+)\n/Height (\d+)\n/ColorSpace \[/Indexed /DeviceRGB \d+ (\d+) 0 R\]\n/BitsPerComponent (\d+)\n.*?/Length (\d+)>>\nstream\n`).FindSubmatchIndex(pdf)
	if m == nil {
		t.Fatal("no paletted image in the PDF")
	}
	num := func(i int) int { n, _ := strconv.Atoi(string(pdf[m[2*i]:m[2*i+1]])); return n }
	w, h, paletteObj, depth, length := num(1), num(2), num(3), num(4), num(5)
	data := pdf[m[1] : m[1]+length]
	pm := regexp.MustCompile(fmt.Sprintf(`\n%d 0 obj\n<</Length (\d+)>>\nstream\n`, paletteObj)).FindSubmatchIndex(pdf)
	if pm == nil {
		t.Fatal("no palette object in the PDF")
	}
	plen, _ := strconv.Atoi(string(pdf[pm[2]:pm[3]]))
	palette := pdf[pm[1] : pm[1]+plen]
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, body []byte) {
		_ = binary.Write(&out, binary.BigEndian, uint32(len(body)))
		c := crc32.NewIEEE()
		c.Write([]byte(kind))
		c.Write(body)
		out.WriteString(kind)
		out.Write(body)
		_ = binary.Write(&out, binary.BigEndian, c.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = byte(depth), 3 // paletted
	chunk("IHDR", ihdr)
	chunk("PLTE", palette)
	chunk("IDAT", data)
	chunk("IEND", nil)
	img, err := png.Decode(&out)
	if err != nil {
		t.Fatalf("the PDF's image: %v", err)
	}
	return img
}
