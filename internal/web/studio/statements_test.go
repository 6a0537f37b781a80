package studio

import (
	"testing"
	"time"

	"github.com/libres/storefront/internal/ledger"
)

func TestPercent(t *testing.T) {
	tests := []struct {
		bps        int
		lang, want string
	}{
		{6000, "es", "60\u00a0%"},
		{6000, "en", "60%"},
		{6250, "es", "62,5\u00a0%"},
		{6205, "en", "62.05%"},
		{0, "es", "0\u00a0%"},
		{10000, "en", "100%"},
	}
	for _, tc := range tests {
		if got := Percent(tc.bps, tc.lang); got != tc.want {
			t.Errorf("Percent(%d, %s) = %q, want %q", tc.bps, tc.lang, got, tc.want)
		}
	}
}

func TestParseMonth(t *testing.T) {
	now := time.Date(2026, 3, 31, 23, 30, 0, 0, ledger.Bogota) // already April in UTC
	tests := []struct {
		in string
		ok bool
	}{
		{"2026-03", true}, {"2026-01", true}, {"2025-12", true},
		{"2026-04", false}, {"2026-13", false}, {"1999-12", false}, {"2026-3", false},
		{"2026-03-01", false}, {"", false}, {"marzo", false}, {"+026-03", false},
	}
	for _, tc := range tests {
		m, ok := parseMonth(tc.in, now)
		if ok != tc.ok {
			t.Errorf("parseMonth(%q) ok = %v, want %v", tc.in, ok, tc.ok)
		}
		if ok && (m.Day() != 1 || m.Hour() != 0 || m.Location() != ledger.Bogota) {
			t.Errorf("parseMonth(%q) = %v, want the first instant in Bogotá", tc.in, m)
		}
	}
}
