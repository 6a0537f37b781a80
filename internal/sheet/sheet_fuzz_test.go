package sheet

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// FuzzRow: a row of untrusted cells written through Cell and NewWriter reads back as
// the same number of cells; no cell starts with a character a spreadsheet takes for a
// formula; and each reads back as the text written (a neutralised cell is the text
// after its leading quote), so neutralising never loses what staff need to see.
func FuzzRow(f *testing.F) {
	f.Add("=HYPERLINK(\"http://x\",\"y\")", "+57 300 123 4567", "-2+3", "@SUM(A1)")
	f.Add("\tfoo", "\r=1", "a,b", "\"quoted\"")
	f.Add("", " =1", "ñandú", "line\nbreak")
	f.Add("\ufeff=1", "'already", "x\r\ny", "\x00")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		in := []string{a, b, c, d}
		var buf bytes.Buffer
		w, err := NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(in))
		for i, s := range in {
			row[i] = Cell(s)
		}
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		body, ok := strings.CutPrefix(buf.String(), "\uFEFF")
		if !ok {
			t.Fatal("no byte order mark")
		}
		rec, err := csv.NewReader(strings.NewReader(body)).Read()
		if err != nil {
			t.Fatalf("written row %q does not read back: %v", row, err)
		}
		if len(rec) != len(in) {
			t.Fatalf("wrote %d cells, read %d: %q", len(in), len(rec), rec)
		}
		for i, got := range rec {
			if got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) {
				t.Fatalf("cell %d %q starts a formula", i, got)
			}
			want := strings.ReplaceAll(in[i], "\r\n", "\n") // CSV readers normalise line ends in quoted cells
			if got != want && got != "'"+want {
				t.Fatalf("cell %d: wrote %q, read %q", i, in[i], got)
			}
		}
	})
}
