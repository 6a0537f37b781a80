package order

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/payment"
)

// FuzzParseQty: a quantity typed in the cart is a whole number from min (1 to add, 0 to
// set) to MaxQuantity, which reads back from its decimal form; anything else is the
// quantity field's error.
func FuzzParseQty(f *testing.F) {
	for _, s := range []string{"1", " 3 ", "0", "99", "100", "-1", "+2", "1e2", "", "٣", "9223372036854775808"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, adding bool) {
		min := 0
		if adding {
			min = 1
		}
		n, err := parseQty(s, min)
		if err != nil {
			if apperr.CodeOf(err) != apperr.Invalid || apperr.FieldsOf(err)["quantity"] != keyQuantity {
				t.Fatalf("parseQty(%q): %v", s, err)
			}
			return
		}
		if n < min || n > MaxQuantity {
			t.Fatalf("parseQty(%q, %d) = %d", s, min, n)
		}
		if again, err := parseQty(strconv.Itoa(n), min); err != nil || again != n {
			t.Fatalf("parseQty(%q) = %d; reparse %d, %v", s, n, again, err)
		}
	})
}

// FuzzCheckoutForm: the checkout form as typed. An accepted form holds only text
// PostgreSQL stores (valid UTF-8, no NUL or control characters; one line where one line
// is asked for), a plain email address, a phone of national digits, a known department
// and a donation in whole pesos within the cap; cleaning the cleaned form changes nothing.
func FuzzCheckoutForm(f *testing.F) {
	f.Add("ana@example.co", "Ana Pérez", "+57 300 123 4567", "Bogotá D.C.", "Bogotá", "Calle 1 # 2-3", "Timbre 2", "5000", "", "card")
	f.Add("Ana <ana@example.co>", "  ", "(601) 234 5678", "Narnia", "", "", "", "other", "12.000", "cod")
	f.Add("a@b", "Ana\x00", "3001234567", "Antioquia", "Medellín\r\nx", "Cra 1", "\xff", "other", "", "transfer")
	f.Add("ana@example.co", "Ana", "573001234567", "Cauca", "Popayán", "Calle\t5", "n\x00", "-1", "", "bitcoin")
	f.Fuzz(func(t *testing.T, email, name, phone, dept, city, addr, notes, donation, other, method string) {
		in := CheckoutInput{Email: email, Name: name, Phone: phone, Department: dept, City: city, AddressLine: addr,
			Notes: notes, Donation: donation, DonationOther: other, PaymentMethod: method, AcceptPolicy: true, Lang: "es"}
		const maxDonation = 5_000_000 * 100
		c, err := in.clean(maxDonation)
		if err != nil {
			if apperr.CodeOf(err) != apperr.Invalid || len(apperr.FieldsOf(err)) == 0 {
				t.Fatalf("clean: %v, want field errors", err)
			}
			return
		}
		for _, s := range []string{c.Email, c.Name, c.Phone, c.Department, c.City, c.Address} {
			if !storableLine(s) {
				t.Fatalf("accepted %q: not one line of storable text", s)
			}
		}
		if !storableText(c.Notes) {
			t.Fatalf("accepted notes %q: not storable text", c.Notes)
		}
		if strings.Trim(c.Phone, "0123456789") != "" || len(c.Phone) < 7 || len(c.Phone) > 10 {
			t.Fatalf("accepted phone %q", c.Phone)
		}
		if c.Donation < 0 || c.Donation > maxDonation || c.Donation%100 != 0 {
			t.Fatalf("accepted donation %d", c.Donation)
		}
		again, err := CheckoutInput{Email: c.Email, Name: c.Name, Phone: c.Phone, Department: c.Department, City: c.City,
			AddressLine: c.Address, Notes: c.Notes, Donation: DonationChoice(c.Donation), PaymentMethod: string(c.Method),
			AcceptPolicy: true, Lang: c.Lang}.clean(maxDonation)
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("cleaned form %+v cleans to %+v, %v", c, again, err)
		}
	})
}

// storableText: valid UTF-8 without NUL or control characters other than line breaks and
// tabs (PostgreSQL refuses invalid UTF-8 and NUL in text: a 500 instead of a form error).
func storableText(s string) bool {
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

func storableLine(s string) bool { return storableText(s) && !strings.ContainsAny(s, "\n\r\t") }

// FuzzGuestToken: the order page link's token. Whatever is presented, the answer is the
// order or NotFound; and the order opens only for a token carrying its id and its MAC.
func FuzzGuestToken(f *testing.F) {
	fx := newFuzzFixture(f)
	o := fx.placed
	good := fx.svc.GuestLinkToken(o)
	id, mac, _ := strings.Cut(good, ".")
	f.Add(good)
	f.Add(id + "." + mac[:len(mac)-1])
	f.Add(id + "." + mac + "A")
	f.Add(strconv.FormatInt(o.ID+1, 10) + "." + mac)
	f.Add("0" + id + "." + mac)
	f.Add("+" + id + "." + mac)
	f.Add(id + ".")
	f.Add("." + mac)
	f.Add("9223372036854775807." + mac)
	f.Add("")
	want := fx.svc.linkMAC(o.ID, o.Number)
	f.Fuzz(func(t *testing.T, token string) {
		got, err := fx.svc.OrderByGuestToken(context.Background(), token)
		if err != nil {
			if apperr.CodeOf(err) != apperr.NotFound {
				t.Fatalf("OrderByGuestToken(%q): %v, want NotFound", token, err)
			}
			return
		}
		idPart, macPart, _ := strings.Cut(token, ".")
		n, _ := strconv.ParseInt(idPart, 10, 64)
		m, _ := base64.RawURLEncoding.DecodeString(macPart)
		if got.ID != o.ID || n != o.ID || !hmac.Equal(m, want) {
			t.Fatalf("token %q opened order %d", token, got.ID)
		}
	})
}

// fuzzFixture is a database with one placed order, for fuzz targets (newFixture's
// helpers take a *testing.T; a fuzz target sets up with its *testing.F).
type fuzzFixture struct {
	svc    *Service
	placed Order
}

// dropMail is an Enqueuer that sends nothing: the fuzz targets look at links, not emails.
type dropMail struct{}

func (dropMail) Enqueue(context.Context, *sqlx.Tx, notify.Message) error { return nil }

func newFuzzFixture(f *testing.F) fuzzFixture {
	conn := dbtest.New(f)
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC) }
	svc := New(conn, dropMail{}, Options{BaseURL: baseURL, Now: now, LinkKey: []byte("0123456789abcdef0123456789abcdef"),
		Methods:  []payment.Method{payment.MethodTransfer},
		Shipping: ShippingTable{Default: 15_000_00}, ManualInstructions: map[string]string{"es": "Banco", "en": "Bank"}})
	var ws, cat, pid, vid int64
	steps := []struct {
		dst   *int64
		query string
		args  []any
	}{
		{&ws, `INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
			VALUES ('taller', 'Taller', 'El Buen Pastor', 'prison', 'Bogotá', 'Bogotá D.C.', 'Calzado', 'Shoes') RETURNING id`, nil},
		{&cat, `INSERT INTO categories (key, slug_es, slug_en, name_es, name_en)
			VALUES ('shoes', 'calzado', 'shoes', 'Calzado', 'Shoes') RETURNING id`, nil},
		{&pid, `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, status, price_minor, tax_class)
			VALUES ('bota', $1, $2, 'Bota', 'Boot', 'active', 18900000, 'standard') RETURNING id`, []any{&ws, &cat}},
		{&vid, `INSERT INTO variants (product_id, sku, size, color_es, color_en, stock_on_hand)
			VALUES ($1, 'BOT-1', '38', 'Negro', 'Black', 5) RETURNING id`, []any{&pid}},
	}
	for _, st := range steps {
		args := make([]any, len(st.args))
		for i, a := range st.args {
			args[i] = *a.(*int64)
		}
		if err := conn.Get(st.dst, st.query, args...); err != nil {
			f.Fatal(err)
		}
	}
	_, token, err := svc.Add(ctx, "", 0, vid, "1")
	if err != nil {
		f.Fatal(err)
	}
	o, err := svc.Place(ctx, token, 0, input(payment.MethodTransfer))
	if err != nil {
		f.Fatal(err)
	}
	return fuzzFixture{svc: svc, placed: o}
}
