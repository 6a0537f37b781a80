package pdf

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/text/encoding/charmap"
)

// TestWriteTrade: a delivery note carries its number, both parties with their NITs, the
// lines, the totals and the captions of the boxes to sign, over more than one page when
// the lines do not fit on one.
func TestWriteTrade(t *testing.T) {
	rows := [][]string{}
	for i := 0; i < 60; i++ {
		rows = append(rows, []string{"Polo piqué azul, bordado", "S 10 · M 20", "30"})
	}
	d := Trade{Document: Document{Title: "Remisión", Meta: []Field{{"Fecha", "2026-03-10"}},
		Sections: []Section{{Heading: "Prendas entregadas", Table: &Table{Head: []string{"Prenda", "Tallas", "Cantidad"},
			Rows: rows, Right: []bool{false, false, true}}}},
		Note: "Documento de entrega; no es una factura.", Footer: "Fundación Libres", PageFmt: "Página %d de %s",
		Created: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC), Lang: "es", Author: "Fundación Libres"},
		Number:     "REM-COT-2026-00042",
		Parties:    []Party{{"Vendedor", []string{"Fundación Libres", "NIT 900.123.456-8"}}, {"Cliente", []string{"Confecciones Núñez S.A.S.", "NIT 800.197.268-4", "Calle 10 # 5-20, Bogotá"}}},
		Totals:     []Field{{"Prendas", "1.800"}},
		Signatures: []string{"Entregó: nombre, firma y fecha", "Recibió: nombre, cédula, firma y fecha"}}
	var buf bytes.Buffer
	if err := WriteTrade(&buf, d); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("starts %q, want %%PDF-", b[:min(len(b), 8)])
	}
	for _, s := range []string{"REM-COT-2026-00042", "NIT 900.123.456-8", "NIT 800.197.268-4", "Confecciones Núñez S.A.S.",
		"Polo piqué azul, bordado", "1.800", "Recibió: nombre, cédula, firma y fecha", "no es una factura", "Página 2 de 2"} {
		enc, err := charmap.Windows1252.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(enc)) {
			t.Errorf("PDF lacks %q in cp1252", s)
		}
	}
}

// TestWriteTradeQRCodes: each QR code of a trade document is drawn once with its
// caption, the boxes to sign still after them; a document without any has no
// image at all.
func TestWriteTradeQRCodes(t *testing.T) {
	rows := [][]string{}
	for i := 0; i < 40; i++ {
		rows = append(rows, []string{"Polo", "30"})
	}
	for _, n := range []int{0, 1, 3} {
		d := Trade{Document: Document{Title: "Remisión", Lang: "es",
			Sections: []Section{{Heading: "Prendas", Table: &Table{Head: []string{"Prenda", "Cantidad"}, Rows: rows, Right: []bool{false, true}}}}},
			Signatures: []string{"Entregó", "Recibió"}}
		for i := 0; i < n; i++ {
			png, err := qrcode.Encode(fmt.Sprintf("https://libres.example/taller/taller-%d", i+1), qrcode.Medium, 256)
			if err != nil {
				t.Fatal(err)
			}
			d.QRCodes = append(d.QRCodes, QRCode{PNG: png, Caption: fmt.Sprintf("Taller %d", i+1)})
		}
		var buf bytes.Buffer
		if err := WriteTrade(&buf, d); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if got := bytes.Count(b, []byte("/Subtype /Image")); got != n {
			t.Errorf("%d QR codes: %d images in the PDF", n, got)
		}
		for i := 0; i < n; i++ {
			if !bytes.Contains(b, []byte(fmt.Sprintf("(Taller %d)", i+1))) {
				t.Errorf("%d QR codes: caption %d missing", n, i+1)
			}
		}
		if !bytes.Contains(b, []byte("(Recibi\xf3)")) {
			t.Errorf("%d QR codes: the boxes to sign are missing", n)
		}
	}
}
