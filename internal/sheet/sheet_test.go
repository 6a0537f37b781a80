package sheet

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestCellNeutralisesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+57 300 123 4567":         "'+57 300 123 4567",
		"-2+3":                     "'-2+3",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\tcmd":                    "'\tcmd",
		"Bota Chelsea":             "Bota Chelsea",
		"":                         "",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCell: whatever a user typed, the cell never starts a formula and reads back whole.
func FuzzCell(f *testing.F) {
	for _, s := range []string{"=1+1", "+", "-", "@", "plain", "\r\n", "\"quoted\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		w, err := NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		_ = w.Write([]string{Cell(s)})
		w.Flush()
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF")))
		rec, err := r.Read()
		if err != nil {
			return // csv cannot carry some control bytes; nothing is executed either way
		}
		if c := rec[0]; c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			t.Fatalf("cell %q starts a formula", c)
		}
	})
}
