package quote

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/nit"
)

// FuzzRequestForm: a corporate quote request with one line as typed. An accepted request
// stores only text PostgreSQL takes (valid UTF-8, no NUL or control characters beyond
// line breaks and tabs in the notes), known garments and customisations, and size counts
// within bounds that add up to the line's quantity (and to the total typed, if any).
func FuzzRequestForm(f *testing.F) {
	f.Add("2026-12-01", "Bogotá", "Logo al pecho", "polo", "piqué", "azul", "10", "20", "", "30", "embroidery", "pecho")
	f.Add("2026-02-30", "", "", "gown", "", "", "-1", "x", "1e3", "", "lasers", "")
	f.Add("2026-12-01", "Cali\x00", "n\xff", "Polo", "seda\x00", "rojo", "1", "", "", "1", "print", "espalda")
	f.Fuzz(func(t *testing.T, deadline, city, notes, garment, fabric, colour, xs, m, xxl, total, custom, position string) {
		form := RequestForm{Deadline: deadline, DeliveryCity: city, Notes: notes, Lines: []LineForm{{Garment: garment,
			Fabric: fabric, Colour: colour, XS: xs, M: m, XXL: xxl, Total: total, Customisation: custom, Position: position}}}
		_, lines, err := form.parse()
		if err != nil {
			if apperr.CodeOf(err) != apperr.Invalid || len(apperr.FieldsOf(err)) == 0 {
				t.Fatalf("parse: %v, want field errors", err)
			}
			return
		}
		// What Request stores besides the lines.
		for _, s := range []string{clean(form.DeliveryCity), strings.TrimSpace(plainText(form.Notes))} {
			mustStore(t, s)
		}
		l := lines[0]
		for _, s := range []string{l.Garment, l.Fabric, l.Colour, l.Customisation, l.Position} {
			mustStore(t, s)
		}
		sum := 0
		for _, n := range []int{l.XS, l.S, l.M, l.L, l.XL, l.XXL} {
			if n < 0 || n > maxPerSize {
				t.Fatalf("size count %d accepted", n)
			}
			sum += n
		}
		if sum != l.Quantity || sum == 0 {
			t.Fatalf("sizes add to %d, quantity %d", sum, l.Quantity)
		}
		if tt := strings.TrimSpace(total); tt != "" && tt != strconv.Itoa(sum) && strings.TrimLeft(tt, "+0") != strconv.Itoa(sum) {
			t.Fatalf("total %q accepted for %d garments", total, sum)
		}
	})
}

// FuzzSignUpForm: a company's sign-up. An accepted one stores only text PostgreSQL takes,
// on one line each, and its NIT's check digit verifies.
func FuzzSignUpForm(f *testing.F) {
	f.Add("Acme S.A.S.", "800.197.268-4", "Calle 1 # 2-3", "Bogotá", "Ana Pérez", "+57 300 123 4567", "ana@acme.co")
	f.Add("", "800.197.268-5", "", "", "", "12", "no-at")
	f.Add("Acme\x00", "8001972684", "Calle\xff", "Cali", "Ana", "3001234567", "")
	f.Fuzz(func(t *testing.T, name, nitText, addr, city, contact, phone, email string) {
		form := SignUpForm{Name: name, NIT: nitText, BillingAddress: addr, City: city, ContactName: contact,
			ContactPhone: phone, ContactEmail: email}
		n, err := form.parse()
		if err != nil {
			if apperr.CodeOf(err) != apperr.Invalid || len(apperr.FieldsOf(err)) == 0 {
				t.Fatalf("parse: %v, want field errors", err)
			}
			return
		}
		for _, s := range []string{form.Name, form.BillingAddress, form.City, form.ContactName, form.ContactPhone, form.ContactEmail} {
			mustStore(t, s)
			if strings.ContainsAny(s, "\n\r\t") {
				t.Fatalf("%q is not one line", s)
			}
		}
		if nit.CheckDigit(n.Number) != n.DV {
			t.Fatalf("NIT %v accepted with a wrong check digit", n)
		}
	})
}

// mustStore fails unless PostgreSQL can store s as text (valid UTF-8, no NUL: otherwise
// the insert fails and the form answers 500 instead of a field error) and s carries no
// control characters other than line breaks and tabs.
func mustStore(t *testing.T, s string) {
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
