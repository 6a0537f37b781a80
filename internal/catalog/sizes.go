package catalog

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/libres/storefront/internal/apperr"
)

// MaxSizeRun is the most sizes one run may produce.
const MaxSizeRun = 40

// letterRun is the order of letter sizes, smallest first.
var letterRun = []string{"XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"}

// ExpandSizeRun turns what a lead types into the sizes of a new product's variants:
// "35-44" (every shoe size from 35 to 44), "35-38.5" (half sizes too, because an end has
// one), "XS-XXL", a list "S,M,L" or "36, 38-40", or one size "38". Repeated sizes are
// kept once. Reversed or unknown ranges and runs of more than MaxSizeRun sizes are
// refused with an Invalid error carrying a "sizes.*" key.
func ExpandSizeRun(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		sizes, key := expandPart(part)
		if key != "" {
			return nil, apperr.New(apperr.Invalid, key)
		}
		for _, sz := range sizes {
			if !seen[sz] {
				seen[sz] = true
				out = append(out, sz)
			}
			if len(out) > MaxSizeRun {
				return nil, apperr.New(apperr.Invalid, "sizes.too_many")
			}
		}
	}
	if len(out) == 0 {
		return nil, apperr.New(apperr.Invalid, "sizes.empty")
	}
	return out, nil
}

func expandPart(part string) ([]string, string) {
	lo, hi, isRange := strings.Cut(part, "-")
	if !isRange {
		if _, ok := halfSteps(part); ok || letterIndex(part) >= 0 {
			return []string{strings.ToUpper(part)}, ""
		}
		if tooLong(part, maxSizeRunes) || !validFreeSize(part) {
			return nil, "sizes.unknown"
		}
		return []string{part}, "" // "Única", "4T": a size of its own
	}
	lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
	if a, ok := halfSteps(lo); ok {
		b, ok := halfSteps(hi)
		if !ok {
			return nil, "sizes.unknown"
		}
		if b < a {
			return nil, "sizes.reversed"
		}
		step := 2 // whole sizes, unless an end is a half size
		if a%2 == 1 || b%2 == 1 {
			step = 1
		}
		if (b-a)/step+1 > MaxSizeRun {
			return nil, "sizes.too_many"
		}
		var out []string
		for h := a; h <= b; h += step {
			out = append(out, formatHalf(h))
		}
		return out, ""
	}
	i, j := letterIndex(lo), letterIndex(hi)
	if i < 0 || j < 0 {
		return nil, "sizes.unknown"
	}
	if j < i {
		return nil, "sizes.reversed"
	}
	return append([]string(nil), letterRun[i:j+1]...), ""
}

// halfSteps parses a shoe size ("38", "38.5") as a count of half sizes.
func halfSteps(s string) (int, bool) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 4 || strings.TrimLeft(whole, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(whole)
	if err != nil {
		return 0, false
	}
	switch {
	case !hasFrac:
		return 2 * n, true
	case frac == "5":
		return 2*n + 1, true
	}
	return 0, false
}

func formatHalf(h int) string {
	if h%2 == 0 {
		return strconv.Itoa(h / 2)
	}
	return strconv.Itoa(h/2) + ".5"
}

func letterIndex(s string) int {
	s = strings.ToUpper(s)
	for i, l := range letterRun {
		if l == s {
			return i
		}
	}
	return -1
}

// validFreeSize accepts a single size that is not a number or a letter size, like
// "Única", "4T" or "T.U.": letters, digits, spaces, '/' and '.', with a letter.
func validFreeSize(s string) bool {
	letter := false
	for _, r := range s {
		if !(r == ' ' || r == '/' || r == '.' || isLetterOrDigit(r)) {
			return false
		}
		letter = letter || unicode.IsLetter(r)
	}
	return letter
}
