// Package qrtest reads QR codes back in tests: from a PNG, an image, or the first
// image of a PDF that go-pdf/fpdf made from a paletted PNG (hang-tags, delivery notes).
package qrtest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"regexp"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// PNG decodes the QR code of a PNG and returns its text.
func PNG(t testing.TB, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode PNG: %v", err)
	}
	return Image(t, img)
}

// Image decodes the QR code of img and returns its text.
func Image(t testing.TB, img image.Image) string {
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

// PDFImage is the first image of an (uncompressed) PDF made by fpdf from a paletted
// PNG: its dictionary gives the size, bit depth and palette object, and its stream is
// the PNG's own zlib data with PNG row filters (Predictor 15), so wrapping it in PNG
// chunks again gives back the picture the PDF shows.
func PDFImage(t testing.TB, pdf []byte) image.Image {
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
