// Package sheet writes the CSV files staff open in a spreadsheet: UTF-8 with a byte
// order mark (so Excel reads accents right) and every text cell neutralised against
// formula injection.
package sheet

import (
	"encoding/csv"
	"io"
)

// NewWriter starts a CSV file on w with the byte order mark.
func NewWriter(w io.Writer) (*csv.Writer, error) {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, err
	}
	return csv.NewWriter(w), nil
}

// Cell neutralises text a spreadsheet would take for a formula (CSV injection: a cell
// starting with = + - @, a tab or a carriage return) by starting it with a quote, which
// spreadsheets show as text and hide.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
