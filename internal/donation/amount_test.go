package donation

import "testing"

// What a donor types as the amount: the suggested choices, or "other" with the free field.
func TestFormAmountMinor(t *testing.T) {
	for _, c := range []struct {
		amount, other string
		want          int64
		ok            bool
	}{
		{"50000", "", 5000000, true},
		{"other", "75.000", 7500000, true},
		{"other", "$ 1.250.000", 125000000, true},
		{"other", "50 000", 5000000, true},
		{"", "20,000", 2000000, true},
		{"other", "50.000,50", 0, false}, // cents: a gift is whole pesos
		{"other", "1.5", 0, false},
		{"other", "50.000,000", 0, false}, // mixed separators
		{"other", "0", 0, false},
		{"other", "-5000", 0, false},
		{"other", "", 0, false},
	} {
		got, ok := Form{Amount: c.amount, Other: c.other}.AmountMinor()
		if got != c.want || ok != c.ok {
			t.Errorf("AmountMinor(%q, %q) = %d, %v; want %d, %v", c.amount, c.other, got, ok, c.want, c.ok)
		}
	}
}
