package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
)

// placePickup places a transfer order to pick up at the demo's store ("estudio").
func placePickup(t *testing.T, variant int64) order.Order {
	t.Helper()
	svc := testSite.Deps.Orders
	ctx := context.Background()
	_, token, err := svc.Add(ctx, "", 0, variant, "1")
	if err != nil {
		t.Fatal(err)
	}
	o, err := svc.Place(ctx, token, 0, order.CheckoutInput{Email: fmt.Sprintf("recoge-%d@libres.test", seq.Add(1)),
		Name: "Rita Recoge", Phone: "300 123 4567", Delivery: "pickup", PickupPoint: "estudio", Donation: "0",
		PaymentMethod: string(payment.MethodTransfer), AcceptPolicy: true, PolicyVersion: "2026-01", Lang: "es"})
	if err != nil {
		t.Fatalf("place pickup order: %v", err)
	}
	return o
}

func TestAdminPickupReadyAndPickedUp(t *testing.T) {
	b := admin(t)
	o := placePickup(t, newVariant(t, newWorkshop(t), 80000, 3))
	path := orderPath(o)

	unpaid := b.mustGet(path)
	checkOrderPage(t, unpaid, "es")
	if unpaid.Find(".order-pickup").Length() != 1 || unpaid.Find(`form[action$="/pickup-ready"]`).Length() != 0 ||
		unpaid.Find(`form[action$="/ship"]`).Length() != 0 {
		t.Fatalf("unpaid pickup order: panel %d, ready button %d, ship button %d (want 1, 0, 0)",
			unpaid.Find(".order-pickup").Length(), unpaid.Find(`form[action$="/pickup-ready"]`).Length(), unpaid.Find(`form[action$="/ship"]`).Length())
	}
	if !strings.Contains(text(unpaid.Find(".order-pickup .pickup-point")), "Estudio Segundas Oportunidades") {
		t.Errorf("pickup point %q", text(unpaid.Find(".order-pickup .pickup-point")))
	}
	// Too early: refused with the reason, nothing sent.
	if early := b.post(path+"/pickup-ready", nil); early.status != http.StatusConflict {
		t.Errorf("ready before payment = %d, want 409", early.status)
	}
	b.submit(path+"/paid", url.Values{"paid_reference": {"TRF-77"}})
	for range 2 { // a double click sends one email
		ready := b.submit(path+"/pickup-ready", nil)
		if flash(ready) != "Pedido listo para recoger; se envió el correo al comprador." || ready.Find(".pickup-ready").Length() != 1 {
			t.Fatalf("after ready: flash %q", flash(ready))
		}
	}
	if n := orderEmails(t, o.Email, "order_pickup_ready"); n != 1 {
		t.Errorf("%d ready emails, want 1", n)
	}
	page := b.mustGet(path)
	if page.Find(".order-timeline tr.event-ready_for_pickup").Length() != 1 || page.Find(`form[action$="/picked-up"]`).Length() != 1 {
		t.Errorf("timeline or picked-up button missing")
	}
	if k := text(page.Find(".order-timeline tr.event-ready_for_pickup .event-kind")); k != "Listo para recoger" {
		t.Errorf("event kind %q", k)
	}

	// Ready for long: the list's filter and badge find it.
	if _, err := testDB.Exec(`UPDATE orders SET pickup_ready_at = now() - interval '30 days' WHERE id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	list := b.mustGet("/admin/orders?uncollected=1&q=" + url.QueryEscape(o.Number))
	row := list.Find(".orders-table tbody tr")
	if row.Length() != 1 || row.Find(".pickup-uncollected").Length() != 1 {
		t.Errorf("uncollected list: %d rows, badge %d", row.Length(), row.Find(".pickup-uncollected").Length())
	}

	dash := b.mustGet("/admin")
	if link := dash.Find(`main a[href="/admin/orders?uncollected=1"]`); !strings.HasPrefix(text(link), "Pedidos sin recoger a tiempo: ") ||
		strings.HasSuffix(text(link), ": 0") {
		t.Errorf("dashboard's not-collected count %q", text(link))
	}

	done := b.submit(path+"/picked-up", nil)
	if flash(done) != "Pedido recogido." || text(done.Find(".order-status").First()) != "Entregado" || done.Find(".pickup-picked-up").Length() != 1 {
		t.Errorf("after picked up: flash %q, status %q", flash(done), text(done.Find(".order-status").First()))
	}
	if n := orderEmails(t, o.Email, "order_picked_up"); n != 1 {
		t.Errorf("%d picked-up emails, want 1", n)
	}
	if list := b.mustGet("/admin/orders?uncollected=1&q=" + url.QueryEscape(o.Number)); list.Find(".orders-table tbody tr").Length() != 0 {
		t.Errorf("still listed as uncollected once picked up")
	}
	en := b.mustGet(path + "?lang=en")
	checkOrderPage(t, en, "en")
	if !strings.Contains(text(en.Find(".order-pickup h3")), "Pickup at the store") {
		t.Errorf("en panel %q", text(en.Find(".order-pickup h3")))
	}
}
