package money

import "testing"

func TestFormat(t *testing.T) {
	tests := []struct {
		a    Amount
		lang string
		want string
	}{
		{COP(189000), "es", "$\u00a0189.000"},
		{COP(189000), "en", "COP\u00a0189,000"},
		{COP(1250000), "es", "$\u00a01.250.000"},
		{COP(999), "es", "$\u00a0999"},
		{COP(0), "en", "COP\u00a00"},
		{Amount{Minor: 18900050, Currency: "COP"}, "es", "$\u00a0189.001"},
		{Amount{Minor: -500000, Currency: "COP"}, "es", "-$\u00a05.000"},
		{Amount{Minor: 123456, Currency: "USD"}, "en", "USD\u00a01,234.56"},
		{Amount{Minor: 123405, Currency: "USD"}, "es", "USD\u00a01.234,05"},
	}
	for _, tt := range tests {
		if got := Format(tt.a, tt.lang); got != tt.want {
			t.Errorf("Format(%+v, %s) = %q, want %q", tt.a, tt.lang, got, tt.want)
		}
	}
}

func TestParseWholePesos(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"189000", 18900000, true},
		{"189.000", 18900000, true},
		{"$ 189.000", 18900000, true},
		{"COP 189,000", 18900000, true},
		{"0", 0, true},
		{"abc", 0, false},
		{"-5", 0, false},
		{"1e6", 0, false},
		{"", 0, false},
		{"99999999999999999999", 0, false},
		{"1.250.000", 125000000, true},
		{"50.000,50", 0, false}, // a decimal part: not 5.000.050 pesos
		{"189.000,00", 0, false},
		{"1.5", 0, false},
		{"18.90", 0, false},
		{"1.234,567", 0, false},
		{"1234.567", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseWholePesos(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseWholePesos(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseWholePesos(f *testing.F) {
	for _, s := range []string{"189.000", "$ 1", "abc", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := ParseWholePesos(s); ok && (n < 0 || n%100 != 0) {
			t.Fatalf("ParseWholePesos(%q) = %d", s, n)
		}
	})
}

func TestDecimal(t *testing.T) {
	for minor, want := range map[int64]string{18900000: "189000.00", 5: "0.05", -5: "-0.05", 0: "0.00", -123456: "-1234.56"} {
		if got := Decimal(minor); got != want {
			t.Errorf("Decimal(%d) = %q, want %q", minor, got, want)
		}
	}
}
