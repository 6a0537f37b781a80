// Package money holds amounts as integer minor units with an ISO 4217 currency and
// formats them for the shop's locales. Floats never touch money.
package money

import (
	"fmt"
	"strconv"
	"strings"
)

// Amount is an amount of money in minor units (COP 189.000 is 18900000: Stripe treats
// COP as a two-decimal currency, so the store does too).
type Amount struct {
	Minor    int64
	Currency string
}

// COP builds an amount from whole pesos.
func COP(pesos int64) Amount { return Amount{Minor: pesos * 100, Currency: "COP"} }

// ParseWholePesos parses a user-typed whole-peso amount ("189000", "189.000", "$ 189.000",
// "189,000") into minor units. ok is false for anything else (a decimal part such as
// "50.000,50" or "1.5", mixed or misplaced separators), negatives, or absurd sizes.
func ParseWholePesos(s string) (minor int64, ok bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "$")
	s = strings.TrimSpace(strings.TrimPrefix(strings.ToUpper(s), "COP"))
	s = strings.NewReplacer(" ", "", "\u00a0", "").Replace(s)
	digits, ok := GroupedDigits(s)
	if !ok || len(digits) > 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, false
	}
	return n * 100, true
}

// GroupedDigits accepts "189000" or thousands grouped with one kind of separator
// ("189.000", "1.250.000", "189,000") and returns the digits. "18.90" or "1.5" (a decimal
// part: prices are whole pesos) is refused.
func GroupedDigits(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	sep := byte(0)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '.' || c == ',' {
			if sep != 0 && c != sep {
				return "", false
			}
			sep = c
		} else if c < '0' || c > '9' {
			return "", false
		}
	}
	if sep == 0 {
		return s, true
	}
	groups := strings.Split(s, string(sep))
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

// Decimal writes minor units as a plain decimal amount for files people import into
// spreadsheets and accounting tools: 18900000 → "189000.00", -5 → "-0.05".
func Decimal(minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%02d", sign, minor/100, minor%100)
}

// Format renders an amount for a language: es gives "$ 189.000", en gives "COP 189,000".
// Pesos are shown without cents, as Colombian shops do; cents are rounded half away
// from zero. Other currencies show two decimals.
func Format(a Amount, lang string) string {
	minor := a.Minor
	neg := minor < 0
	if neg {
		minor = -minor
	}
	whole, cents := minor/100, minor%100
	var num string
	if a.Currency == "COP" {
		if cents >= 50 {
			whole++
		}
		num = group(whole, sep(lang))
	} else {
		dec := "."
		if lang == "es" {
			dec = ","
		}
		num = group(whole, sep(lang)) + dec + twoDigits(cents)
	}
	sign := ""
	if neg {
		sign = "-"
	}
	if lang == "es" && a.Currency == "COP" {
		return sign + "$\u00a0" + num
	}
	return sign + a.Currency + "\u00a0" + num
}

func sep(lang string) byte {
	if lang == "es" {
		return '.'
	}
	return ','
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

func group(n int64, sep byte) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(sep)
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
