package site

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCheckoutWithPickup: the demo's store is offered as a delivery option, a pickup
// pays no shipping and needs no address, a point that does not exist is refused with
// the form as typed, and the order's page shows where to pick it up.
func TestCheckoutWithPickup(t *testing.T) {
	for _, tc := range []struct{ lang, cart, checkout, order, free, bad, heading string }{
		{"es", "/carrito", "/pagar", "/pedido?token=", "Gratis", "Elige un punto de recogida de la lista.", "Recoger en tienda"},
		{"en", "/en/cart", "/en/checkout", "/en/order?token=", "Free", "Choose a pickup point from the list.", "Pickup at the store"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			v, price := inStock(t, 1)
			s := newShopper(t, testURL)
			if res, _ := s.do(http.MethodPost, tc.cart, url.Values{"variant": {fmt.Sprint(v)}, "quantity": {"1"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("add to cart: %d", res.StatusCode)
			}
			_, page := s.do(http.MethodGet, tc.checkout, nil)
			if page.Find(`input[name="delivery"][value="pickup:estudio"]`).Length() != 1 ||
				page.Find(`input[name="delivery"][value="shipping"][checked]`).Length() != 1 {
				t.Fatalf("checkout offers no pickup at the store (or shipping is not the default)")
			}

			form := checkoutForm("transfer")
			for _, f := range []string{"department", "city", "address_line"} {
				form.Del(f)
			}
			form.Set("delivery", "pickup:no-such-store")
			form.Set("action", "review")
			res, doc := s.do(http.MethodPost, tc.checkout, form)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc.Find(".delivery .field-error")), tc.bad) {
				t.Fatalf("unknown point: %d, %q", res.StatusCode, text(doc.Find(".delivery .field-error")))
			}
			if v, _ := doc.Find(`input[name="name"]`).Attr("value"); v != "Ana Compra" {
				t.Errorf("the name typed was lost: %q", v)
			}

			form.Set("delivery", "pickup:estudio")
			res, doc = s.do(http.MethodPost, tc.checkout, form)
			if res.StatusCode != http.StatusOK || doc.Find(`input[name="delivery"][value="pickup:estudio"][checked]`).Length() != 1 {
				t.Fatalf("review with pickup: %d: %s", res.StatusCode, text(doc.Find(".form-alert, .field-error")))
			}
			if got, _ := doc.Find(`input[name="quoted_total"]`).Attr("value"); got != fmt.Sprint(price) {
				t.Errorf("quoted total %s, want the price %d without shipping", got, price)
			}
			if sh := text(doc.Find(".totals-list dd").Eq(2)); sh != tc.free {
				t.Errorf("shipping shown %q, want %q", sh, tc.free)
			}
			res = s.place(tc.checkout, form)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), tc.order) {
				t.Fatalf("place: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			var o struct {
				Delivery string `db:"delivery_method"`
				Point    string `db:"pickup_point"`
				Shipping int64  `db:"shipping_minor"`
				Total    int64  `db:"total_minor"`
			}
			if err := testDB.Get(&o, `SELECT delivery_method, pickup_point, shipping_minor, total_minor FROM orders WHERE email = $1`, form.Get("email")); err != nil {
				t.Fatal(err)
			}
			if o.Delivery != "pickup" || o.Point != "estudio" || o.Shipping != 0 || o.Total != price {
				t.Errorf("order %+v", o)
			}
			_, op := s.do(http.MethodGet, res.Header.Get("Location"), nil)
			if text(op.Find("#pickup-h")) != tc.heading || !strings.Contains(text(op.Find(".pickup .pickup-point")), "Estudio Segundas Oportunidades") ||
				op.Find("#ship-h").Length() != 0 {
				t.Errorf("order page: heading %q, point %q", text(op.Find("#pickup-h")), text(op.Find(".pickup .pickup-point")))
			}
		})
	}
}
