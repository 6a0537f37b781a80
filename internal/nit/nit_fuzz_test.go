package nit

import (
	"errors"
	"strings"
	"testing"
)

// FuzzCheckDigit: for any number of 6 to 15 digits, the NIT written with its own check
// digit parses back to itself in every way people write it (dots and dash, plain, spaced),
// and the same number with any other check digit is refused for the check digit.
func FuzzCheckDigit(f *testing.F) {
	for _, s := range []string{"800197268", "900123456", "860007336", "000000", "999999999999999", "12345678901234567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		number := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
		if len(number) < 6 || len(number) > 15 {
			return
		}
		n := NIT{Number: number, DV: CheckDigit(number)}
		if n.DV < 0 || n.DV > 9 {
			t.Fatalf("CheckDigit(%q) = %d, not a digit", number, n.DV)
		}
		dv := string(rune('0' + n.DV))
		for _, written := range []string{n.String(), number + "-" + dv, number + dv, " " + number + " " + dv + " "} {
			got, err := Parse(written)
			if err != nil || got != n {
				t.Fatalf("Parse(%q) = %v, %v; want %v", written, got, err, n)
			}
		}
		for d := 0; d <= 9; d++ {
			if d == n.DV {
				continue
			}
			if _, err := Parse(number + "-" + string(rune('0'+d))); !errors.Is(err, ErrCheckDigit) {
				t.Fatalf("Parse(%s-%d) with the wrong check digit (want %d): err = %v", number, d, n.DV, err)
			}
		}
	})
}

// FuzzParseAnything: whatever is typed, Parse either refuses it with one of its two errors
// or returns a NIT whose check digit verifies and whose digits are exactly the digits typed.
func FuzzParseAnything(f *testing.F) {
	for _, s := range []string{"800.197.268-4", "800 197 268 4", "8001972684", "1-1", "--", "800.197.268-٤", "\xff", "NIT 800197268-4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrCheckDigit) {
				t.Fatalf("Parse(%q): unexpected error %v", s, err)
			}
			return
		}
		if CheckDigit(n.Number) != n.DV {
			t.Fatalf("Parse(%q) = %v: check digit does not verify", s, n)
		}
		typed := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
		if typed != n.Number+string(rune('0'+n.DV)) {
			t.Fatalf("Parse(%q) = %v: digits differ from those typed (%s)", s, n, typed)
		}
	})
}
