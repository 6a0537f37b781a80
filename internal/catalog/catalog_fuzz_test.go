package catalog

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/libres/storefront/internal/money"
)

// FuzzParsePesos: a price is accepted only within (0..MaxPricePesos) whole pesos, and the
// shop's own way of showing an accepted price reads back as the same price.
func FuzzParsePesos(f *testing.F) {
	for _, s := range []string{"189000", "189.000", "$ 189.000", "189,000", "COP 5.000", "18.90", "1.5", "-1", "1.000,000", "$\u00a01.250.000", "999999999999", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		minor, key := ParsePesos(s)
		if key != "" {
			if minor != 0 || !strings.HasPrefix(key, "price.") {
				t.Fatalf("ParsePesos(%q) = %d, %q", s, minor, key)
			}
			return
		}
		if minor < 0 || minor%100 != 0 || minor > MaxPricePesos*100 {
			t.Fatalf("ParsePesos(%q) = %d out of range", s, minor)
		}
		for _, shown := range []string{strconv.FormatInt(minor/100, 10), money.Format(money.Amount{Minor: minor, Currency: "COP"}, "es"),
			money.Format(money.Amount{Minor: minor, Currency: "COP"}, "en")} {
			if again, key := ParsePesos(shown); key != "" || again != minor {
				t.Fatalf("ParsePesos(%q) = %d, but its display %q reads %d, %q", s, minor, shown, again, key)
			}
		}
	})
}

// FuzzParseStock: an accepted stock is a whole number from 0 to MaxStock and reads back
// from its decimal form; anything else is one of the stock message keys.
func FuzzParseStock(f *testing.F) {
	for _, s := range []string{"", "0", "12", " 7 ", "-3", "+3", "1e3", "100000", "100001", "00000000012", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, key := ParseStock(s)
		if key != "" {
			if n != 0 || !strings.HasPrefix(key, "stock.") {
				t.Fatalf("ParseStock(%q) = %d, %q", s, n, key)
			}
			return
		}
		if n < 0 || n > MaxStock {
			t.Fatalf("ParseStock(%q) = %d out of range", s, n)
		}
		if again, key := ParseStock(strconv.Itoa(n)); key != "" || again != n {
			t.Fatalf("ParseStock(%q) = %d, reparse %d, %q", s, n, again, key)
		}
	})
}

// FuzzProductForm: the studio's product form as typed (two variant rows). An accepted
// form holds only text PostgreSQL stores (valid UTF-8, no NUL or other control characters
// beyond line breaks and tabs), prices and stock in range, SKUs that are unique; and
// writing the accepted values back into the form reads the same values again.
func FuzzProductForm(f *testing.F) {
	f.Add("Camisa de lino", "Tejida a mano", "189.000", "1", "CAM-M", "M", "Azul", "", "3", "CAM-L", "L", "200.000", "0", "")
	f.Add("", "", "18.90", "x", "bad sku", "", "", "-1", "-2", "cam-m", "", "", "", "2")
	f.Add("T\x00", "d\xff", "$ 1", "1", "A", "38", "N", "", "100000", "a", "38", "", "1", "1")
	f.Fuzz(func(t *testing.T, title, desc, price, version, sku1, size1, color1, price1, stock1, sku2, size2, price2, stock2, was2 string) {
		form := ProductForm{TitleES: title, DescES: desc, CategoryID: "1", WorkshopID: "2", Price: price, Version: version,
			Variants: []VariantForm{
				{SKU: sku1, Size: size1, ColorES: color1, Price: price1, Stock: stock1},
				{ID: "9", SKU: sku2, Size: size2, Price: price2, Stock: stock2, Was: was2},
			}}
		in, fields := form.parse()
		if (len(fields) == 0) != (form.Validate() == nil) {
			t.Fatalf("Validate disagrees with parse: %v", fields)
		}
		if len(fields) > 0 {
			return
		}
		for _, s := range []string{in.TitleES, in.TitleEN, in.DescES, in.DescEN} {
			storable(t, s)
		}
		if in.PriceMinor < 0 || in.PriceMinor > MaxPricePesos*100 {
			t.Fatalf("price %d out of range", in.PriceMinor)
		}
		skus := map[string]bool{}
		for _, v := range in.Variants {
			for _, s := range []string{v.SKU, v.Size, v.ColorES, v.ColorEN} {
				storable(t, s)
			}
			if !validSKU(v.SKU) || skus[strings.ToUpper(v.SKU)] {
				t.Fatalf("SKU %q accepted (invalid or repeated)", v.SKU)
			}
			skus[strings.ToUpper(v.SKU)] = true
			if v.Stock < 0 || v.Stock > MaxStock || (v.PriceOverride != nil && (*v.PriceOverride < 0 || *v.PriceOverride > MaxPricePesos*100)) {
				t.Fatalf("variant %+v out of range", v)
			}
		}
		again, fields := rewrite(in).parse()
		if len(fields) > 0 || !reflect.DeepEqual(again, in) {
			t.Fatalf("accepted form %+v\nwritten back reads %+v (%v)", in, again, fields)
		}
	})
}

// rewrite is a form carrying the values of a parsed one, written as the editor shows them.
func rewrite(in productInput) ProductForm {
	f := ProductForm{TitleES: in.TitleES, TitleEN: in.TitleEN, DescES: in.DescES, DescEN: in.DescEN,
		CategoryID: strconv.FormatInt(in.CategoryID, 10), WorkshopID: strconv.FormatInt(in.WorkshopID, 10),
		TaxClass: string(in.TaxClass), Price: money.Format(money.Amount{Minor: in.PriceMinor, Currency: "COP"}, "es")}
	if in.Version > 0 {
		f.Version = strconv.Itoa(in.Version)
	}
	for _, v := range in.Variants {
		vf := VariantForm{SKU: v.SKU, Size: v.Size, ColorES: v.ColorES, ColorEN: v.ColorEN, Stock: strconv.Itoa(v.Stock)}
		if v.ID != 0 {
			vf.ID = strconv.FormatInt(v.ID, 10)
		}
		if v.PriceOverride != nil {
			vf.Price = strconv.FormatInt(*v.PriceOverride/100, 10)
		}
		if v.Was != nil {
			vf.Was = strconv.Itoa(*v.Was)
		}
		f.Variants = append(f.Variants, vf)
	}
	return f
}

// storable fails unless PostgreSQL can store s as text and it carries no control
// characters other than line breaks and tabs.
func storable(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%q is not valid UTF-8", s)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			t.Fatalf("%q carries control character %U", s, r)
		}
	}
}
