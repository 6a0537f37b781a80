package nit

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"800.197.268-4", "800.197.268-4", nil}, // DIAN's own NIT
		{"8001972684", "800.197.268-4", nil},
		{" 800 197 268 4 ", "800.197.268-4", nil},
		{"900.123.456-8", "900.123.456-8", nil},
		{"800.197.268-5", "", ErrCheckDigit},
		{"80O.197.268-4", "", ErrFormat},
		{"12", "", ErrFormat},
		{"", "", ErrFormat},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if !errors.Is(err, tt.err) || (err == nil && n.String() != tt.want) {
			t.Errorf("Parse(%q) = %v, %v; want %q, %v", tt.in, n, err, tt.want, tt.err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"800.197.268-4", "1-1", "\xff", "99999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(n.String())
		if err != nil || again != n {
			t.Fatalf("Parse(%q) = %v; reparse of %q = %v, %v", s, n, n.String(), again, err)
		}
	})
}
