package donation_test

import (
	"testing"

	"github.com/libres/storefront/internal/donation"
)

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		pesos int64
		lang  string
		want  string
	}{
		{50_000, "es", "cincuenta mil pesos"},
		{20_000, "es", "veinte mil pesos"},
		{21_000, "es", "veintiún mil pesos"},
		{100_000, "es", "cien mil pesos"},
		{101_500, "es", "ciento un mil quinientos pesos"},
		{1_000_000, "es", "un millón de pesos"},
		{2_345_678, "es", "dos millones trescientos cuarenta y cinco mil seiscientos setenta y ocho pesos"},
		{15_000_000, "es", "quince millones de pesos"},
		{1_001, "es", "mil un pesos"},
		{50_000, "en", "fifty thousand pesos"},
		{2_345_678, "en", "two million three hundred forty-five thousand six hundred seventy-eight pesos"},
	} {
		if got := donation.Words(tc.pesos, tc.lang); got != tc.want {
			t.Errorf("Words(%d, %s) = %q, want %q", tc.pesos, tc.lang, got, tc.want)
		}
	}
}
