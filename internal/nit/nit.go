// Package nit parses and formats Colombian tax ids (NIT) with their DIAN check digit
// (dígito de verificación).
package nit

import (
	"errors"
	"strconv"
	"strings"
)

// Errors a user can be told about.
var (
	ErrFormat     = errors.New("a NIT has 6 to 15 digits, optionally with dots, spaces and a dash before the check digit")
	ErrCheckDigit = errors.New("the check digit does not match the NIT")
)

// NIT is a validated tax id: Number without the check digit, and the check digit.
type NIT struct {
	Number string
	DV     int
}

// weights are DIAN's multipliers, applied from the rightmost digit leftwards.
var weights = []int{3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71}

// CheckDigit computes the DV of a NIT's digits (no check digit included).
func CheckDigit(number string) int {
	sum := 0
	for i := 0; i < len(number) && i < len(weights); i++ {
		sum += int(number[len(number)-1-i]-'0') * weights[i]
	}
	r := sum % 11
	if r <= 1 {
		return r
	}
	return 11 - r
}

// Parse reads "800.197.268-4", "800197268-4" or "800 197 268 4". A dash or a last
// separate group marks the check digit; without one, the last digit is taken as it, as
// forms usually ask for the whole NIT with its DV.
func Parse(s string) (NIT, error) {
	s = strings.TrimSpace(s)
	var digits strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '.' || r == ' ' || r == '-':
		default:
			return NIT{}, ErrFormat
		}
	}
	d := digits.String()
	if len(d) < 7 || len(d) > 16 {
		return NIT{}, ErrFormat
	}
	n := NIT{Number: d[:len(d)-1], DV: int(d[len(d)-1] - '0')}
	if CheckDigit(n.Number) != n.DV {
		return NIT{}, ErrCheckDigit
	}
	return n, nil
}

// String formats as DIAN writes it: "800.197.268-4".
func (n NIT) String() string {
	var b strings.Builder
	lead := len(n.Number) % 3
	if lead > 0 {
		b.WriteString(n.Number[:lead])
	}
	for i := lead; i < len(n.Number); i += 3 {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(n.Number[i : i+3])
	}
	return b.String() + "-" + strconv.Itoa(n.DV)
}
