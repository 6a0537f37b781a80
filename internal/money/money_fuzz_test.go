package money

import "testing"

// FuzzPesosRoundTrip: an amount the shop shows ("$ 189.000", "COP 189,000") reads back
// as the same amount, and anything ParseWholePesos accepts shows and reads back unchanged.
func FuzzPesosRoundTrip(f *testing.F) {
	f.Add(int64(189000), "189.000")
	f.Add(int64(0), "$ 0")
	f.Add(int64(999999999999), "COP 999,999,999,999")
	f.Add(int64(-5), "-5")
	f.Add(int64(1), "1.2.3")
	f.Fuzz(func(t *testing.T, pesos int64, typed string) {
		if pesos >= 0 && pesos < 1e12 {
			for _, lang := range []string{"es", "en"} {
				shown := Format(COP(pesos), lang)
				if got, ok := ParseWholePesos(shown); !ok || got != pesos*100 {
					t.Fatalf("ParseWholePesos(Format(%d pesos, %s) = %q) = %d, %v", pesos, lang, shown, got, ok)
				}
			}
		}
		minor, ok := ParseWholePesos(typed)
		if !ok {
			return
		}
		if minor < 0 || minor%100 != 0 || minor >= 1e14 {
			t.Fatalf("ParseWholePesos(%q) = %d", typed, minor)
		}
		for _, lang := range []string{"es", "en"} {
			if again, ok := ParseWholePesos(Format(Amount{Minor: minor, Currency: "COP"}, lang)); !ok || again != minor {
				t.Fatalf("ParseWholePesos(%q) = %d does not survive Format(%s): %d, %v", typed, minor, lang, again, ok)
			}
		}
	})
}
