package catalog

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/libres/storefront/internal/money"
)

// Limits on variant fields.
const (
	maxSizeRunes  = 20
	maxColorRunes = 60
	maxSKULen     = 64
)

// ProductForm is the product editor's form as typed. Prices are whole pesos, written
// the way people write them ("189000", "189.000", "$ 189.000").
type ProductForm struct {
	TitleES, TitleEN string
	DescES, DescEN   string
	CategoryID       string
	WorkshopID       string
	TaxClass         string
	Price            string
	Version          string // the version the editor loaded; required to update
	Variants         []VariantForm
}

// VariantForm is one variant row of the form. ID is empty for a new row.
type VariantForm struct {
	ID      string
	SKU     string
	Size    string
	ColorES string
	ColorEN string
	Price   string // optional: this variant's own price, whole pesos
	Stock   string
	// Was is the stock the form showed when it was loaded. With it, a save applies the
	// change the lead made (Stock - Was) to the stock as it is now, so units sold while
	// the form was open are not put back on sale. Empty for a new row.
	Was string
}

// productInput is a validated ProductForm.
type productInput struct {
	TitleES, TitleEN, DescES, DescEN string
	CategoryID, WorkshopID           int64
	TaxClass                         TaxClass
	PriceMinor                       int64
	Version                          int
	Variants                         []variantInput
}

type variantInput struct {
	ID            int64 // 0 for a new variant
	SKU           string
	Size          string
	ColorES       string
	ColorEN       string
	PriceOverride *int64
	Stock         int
	Was           *int   // the stock the form showed; nil: set Stock as is
	field         string // "variants.2", for field errors
}

// Validate checks the form on its own (not against the database) and returns an
// Invalid error with a message key per field, variant fields named "variants.N.sku".
func (f ProductForm) Validate() error {
	if _, fields := f.parse(); len(fields) > 0 {
		return invalidFields(fields)
	}
	return nil
}

func (f ProductForm) parse() (productInput, map[string]string) {
	fields := map[string]string{}
	in := productInput{
		TitleES: strings.TrimSpace(f.TitleES), TitleEN: strings.TrimSpace(f.TitleEN),
		DescES: strings.TrimSpace(f.DescES), DescEN: strings.TrimSpace(f.DescEN),
	}
	textField(fields, "title_es", in.TitleES, MaxTitleRunes, true, "product.title.required", "product.title.too_long")
	textField(fields, "title_en", in.TitleEN, MaxTitleRunes, false, "", "product.title.too_long")
	textField(fields, "description_es", in.DescES, MaxDescriptionRunes, false, "", "product.description.too_long")
	textField(fields, "description_en", in.DescEN, MaxDescriptionRunes, false, "", "product.description.too_long")

	var key string
	if in.CategoryID, key = parseID(f.CategoryID, "product.category.required", "product.category.unknown"); key != "" {
		fields["category_id"] = key
	}
	if in.WorkshopID, key = parseID(f.WorkshopID, "product.workshop.required", "product.workshop.unknown"); key != "" {
		fields["workshop_id"] = key
	}
	in.TaxClass = TaxClass(strings.TrimSpace(f.TaxClass))
	if in.TaxClass == "" {
		in.TaxClass = TaxStandard
	}
	if !slices.Contains(TaxClasses, in.TaxClass) {
		fields["tax_class"] = "product.tax_class.invalid"
	}
	if strings.TrimSpace(f.Price) == "" {
		fields["price"] = "price.required"
	} else if in.PriceMinor, key = ParsePesos(f.Price); key != "" {
		fields["price"] = key
	}
	if v := strings.TrimSpace(f.Version); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fields["version"] = "product.version.invalid"
		}
		in.Version = n
	}
	in.Variants = parseVariants(fields, f.Variants)
	return in, fields
}

func parseVariants(fields map[string]string, rows []VariantForm) []variantInput {
	switch {
	case len(rows) == 0:
		fields["variants"] = "variant.required"
		return nil
	case len(rows) > MaxVariants:
		fields["variants"] = "variant.too_many"
		return nil
	}
	out := make([]variantInput, 0, len(rows))
	skus := map[string]bool{}
	combos := map[[2]string]bool{}
	ids := map[int64]bool{}
	for i, r := range rows {
		name := "variants." + strconv.Itoa(i) + "."
		v := variantInput{
			SKU: strings.TrimSpace(r.SKU), Size: strings.TrimSpace(r.Size),
			ColorES: strings.TrimSpace(r.ColorES), ColorEN: strings.TrimSpace(r.ColorEN),
			field: strings.TrimSuffix(name, "."),
		}
		if id := strings.TrimSpace(r.ID); id != "" {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil || n <= 0 || ids[n] {
				fields[name+"id"] = "variant.unknown"
			}
			v.ID = n
			ids[n] = true
		}
		switch {
		case v.SKU == "":
			fields[name+"sku"] = "variant.sku.required"
		case !validSKU(v.SKU):
			fields[name+"sku"] = "variant.sku.invalid"
		case skus[strings.ToUpper(v.SKU)]:
			fields[name+"sku"] = "variant.sku.duplicate"
		}
		skus[strings.ToUpper(v.SKU)] = true
		textField(fields, name+"size", v.Size, maxSizeRunes, false, "", "variant.size.too_long")
		textField(fields, name+"color_es", v.ColorES, maxColorRunes, false, "", "variant.color.too_long")
		textField(fields, name+"color_en", v.ColorEN, maxColorRunes, false, "", "variant.color.too_long")
		combo := [2]string{strings.ToLower(v.Size), strings.ToLower(v.ColorES)}
		if combos[combo] {
			if _, ok := fields[name+"size"]; !ok {
				fields[name+"size"] = "variant.duplicate"
			}
		}
		combos[combo] = true
		if strings.TrimSpace(r.Price) != "" {
			p, key := ParsePesos(r.Price)
			if key != "" {
				fields[name+"price"] = key
			}
			v.PriceOverride = &p
		}
		var key string
		if v.Stock, key = ParseStock(r.Stock); key != "" {
			fields[name+"stock"] = key
		}
		if w, err := strconv.Atoi(strings.TrimSpace(r.Was)); err == nil && w >= 0 && v.ID != 0 {
			v.Was = &w
		}
		out = append(out, v)
	}
	return out
}

// ParsePesos reads a price in whole pesos as people type it ("189000", "189.000",
// "$ 189.000", "189,000", "COP 5.000") and returns minor units (centavos). On failure it
// returns a message key: "price.invalid", "price.negative", "price.too_high".
func ParsePesos(s string) (int64, string) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "COP"), "cop")
	s = strings.Map(func(r rune) rune {
		if r == '$' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if strings.HasPrefix(s, "-") {
		return 0, "price.negative"
	}
	digits, ok := money.GroupedDigits(s)
	if !ok {
		return 0, "price.invalid"
	}
	if len(digits) > 12 {
		return 0, "price.too_high"
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, "price.invalid"
	}
	if n > MaxPricePesos {
		return 0, "price.too_high"
	}
	return n * 100, ""
}

// ParseStock reads a stock count: empty is 0; otherwise a whole number from 0 to
// MaxStock. On failure it returns "stock.invalid", "stock.negative" or "stock.too_high".
func ParseStock(s string) (int, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ""
	}
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, "stock.invalid"
	}
	if neg {
		return 0, "stock.negative"
	}
	if len(digits) > 7 {
		return 0, "stock.too_high"
	}
	n, _ := strconv.Atoi(digits)
	if n > MaxStock {
		return 0, "stock.too_high"
	}
	return n, ""
}

func parseID(s, requiredKey, badKey string) (int64, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, requiredKey
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, badKey
	}
	return n, ""
}

// textField checks a trimmed text: required, at most max characters, valid UTF-8
// without control characters (other than new lines and tabs in long texts).
func textField(fields map[string]string, name, s string, max int, required bool, requiredKey, tooLongKey string) {
	switch {
	case s == "" && required:
		fields[name] = requiredKey
	case tooLong(s, max):
		fields[name] = tooLongKey
	case !cleanText(s):
		fields[name] = "text.invalid"
	}
}

func tooLong(s string, max int) bool {
	// Count no further than needed: a 1 MB title is refused after max+1 runes.
	n := 0
	for range s {
		n++
		if n > max {
			return true
		}
	}
	return false
}

func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}

func validSKU(s string) bool {
	if len(s) < 1 || len(s) > maxSKULen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
