package pdf

import (
	"bytes"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// TestWriteSpanish: the document is a PDF whose text carries Spanish letters as cp1252
// (what Helvetica's WinAnsi encoding shows), with the A4 media box and every part.
func TestWriteSpanish(t *testing.T) {
	d := Document{Title: "Estado de cuenta — Taller Núñez", Subtitle: "Cárcel de Bellavista · Medellín",
		Meta: []Field{{"Año", "2026"}, {"Emitido por", "Fundación Libres · NIT 900.123.456-7"}},
		Sections: []Section{
			{Heading: "Cifras", Fields: []Field{{"Ventas brutas", "$\u00a0189.000"}}},
			{Heading: "Ventas por producto", Table: &Table{Head: []string{"Producto", "Talla", "Unidades"},
				Rows:  [][]string{{"Mochila wayúu de colores con un nombre muy largo que se parte en varias líneas", "Única", "3"}},
				Right: []bool{false, false, true}, Widths: []float64{3, 1, 1}, Total: []string{"Total", "", "3"}}},
			{Heading: "Pagos", Table: &Table{Head: []string{"Fecha", "Valor"}}, Empty: "Ningún pago este mes."},
		},
		Note: "Cifras del taller; no nombra a ninguna persona.", Signature: "Firma y sello de la Fundación",
		Footer: "Fundación Libres", PageFmt: "Página %d de %s",
		Created: time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC), Lang: "es", Author: "Fundación Libres"}
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("starts %q, want %%PDF-", b[:min(len(b), 8)])
	}
	for _, s := range []string{"Taller Núñez", "Año", "Cárcel de Bellavista", "$\u00a0189.000", "Ningún pago este mes.", "Página 1 de 1"} {
		enc, err := charmap.Windows1252.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(enc)) {
			t.Errorf("PDF lacks %q in cp1252", s)
		}
	}
	if !bytes.Contains(b, []byte("/MediaBox [0 0 595.28 841.89]")) {
		t.Errorf("PDF is not A4")
	}
}
