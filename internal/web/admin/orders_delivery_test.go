package admin_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
)

// dashboardCount reads the number at the end of the dashboard link to href ("…: 3").
func dashboardCount(t *testing.T, b *browser, href string) int {
	t.Helper()
	link := b.mustGet("/admin").Find(`main a[href="` + href + `"]`)
	if link.Length() != 1 {
		t.Fatalf("the dashboard has %d links to %s", link.Length(), href)
	}
	s := text(link)
	n, err := strconv.Atoi(s[strings.LastIndex(s, " ")+1:])
	if err != nil {
		t.Fatalf("dashboard link %q: %v", s, err)
	}
	return n
}

// TestDashboardCountsPickupApart: a paid order to ship counts as "to ship"; a paid
// pickup order does not, it counts as "to prepare for pickup" (linked to the list
// filtered to those) until staff mark it ready.
func TestDashboardCountsPickupApart(t *testing.T) {
	b := admin(t)
	ctx := context.Background()
	staff := audit.Actor{Email: "admin@libres.example"}
	const toShip, toPrepare = "/admin/orders?status=paid&delivery=shipping", "/admin/orders?prepare=1"
	shipBefore, prepareBefore := dashboardCount(t, b, toShip), dashboardCount(t, b, toPrepare)

	ws := newWorkshop(t)
	v := newVariant(t, ws, 60000, 5)
	shipped := placeOrder(t, nil, payment.MethodTransfer, item{v, 1})
	pickup := placePickup(t, v)
	for _, o := range []order.Order{shipped, pickup} {
		if _, err := testSite.Deps.Orders.MarkPaid(ctx, staff, o.ID, "TRF-"+o.Number); err != nil {
			t.Fatal(err)
		}
	}
	if got := dashboardCount(t, b, toShip); got != shipBefore+1 {
		t.Errorf("to ship %d, want %d (the shipped order only)", got, shipBefore+1)
	}
	if got := dashboardCount(t, b, toPrepare); got != prepareBefore+1 {
		t.Errorf("to prepare for pickup %d, want %d", got, prepareBefore+1)
	}
	w := "&workshop=" + strconv.FormatInt(ws, 10)
	if got := listed(b.mustGet(toPrepare + w)); strings.Join(got, " ") != pickup.Number {
		t.Errorf("to prepare lists %v, want %s", got, pickup.Number)
	}
	if got := listed(b.mustGet(toShip + w)); strings.Join(got, " ") != shipped.Number {
		t.Errorf("to ship lists %v, want %s", got, shipped.Number)
	}

	b.submit(orderPath(pickup)+"/pickup-ready", nil)
	if got := dashboardCount(t, b, toPrepare); got != prepareBefore {
		t.Errorf("to prepare %d once ready, want %d", got, prepareBefore)
	}
	if got := listed(b.mustGet(toPrepare + w)); len(got) != 0 {
		t.Errorf("to prepare still lists %v once ready", got)
	}
	if en := b.mustGet("/admin?lang=en"); !strings.HasPrefix(text(en.Find(`main a[href="/admin/orders?prepare=1&lang=en"]`)), "Orders to prepare for pickup: ") {
		t.Errorf("English dashboard lacks the to-prepare count")
	}
}

// TestOrderListDeliveryFilter: the list filters by delivery and shows the choice.
func TestOrderListDeliveryFilter(t *testing.T) {
	b := admin(t)
	ws := newWorkshop(t)
	v := newVariant(t, ws, 30000, 5)
	shipped := placeOrder(t, nil, payment.MethodTransfer, item{v, 1})
	pickup := placePickup(t, v)
	w := "&workshop=" + strconv.FormatInt(ws, 10)
	for _, tc := range []struct{ query, want string }{
		{"delivery=pickup", pickup.Number},
		{"delivery=shipping", shipped.Number},
		{"delivery=drone", pickup.Number + " " + shipped.Number}, // not a delivery: no filter
	} {
		p := b.mustGet("/admin/orders?" + tc.query + w)
		if got := strings.Join(listed(p), " "); got != tc.want {
			t.Errorf("%s lists %q, want %q", tc.query, got, tc.want)
		}
	}
	p := b.mustGet("/admin/orders?delivery=pickup" + w)
	if p.Find(`#of-delivery option[value="pickup"][selected]`).Length() != 1 {
		t.Errorf("the delivery filter does not show the choice")
	}
	if href, _ := p.Find(`a[href^="/admin/orders.csv"]`).Attr("href"); !strings.Contains(href, "delivery=pickup") {
		t.Errorf("CSV link %q drops the delivery filter", href)
	}
	if l := text(b.mustGet("/admin/orders?lang=en").Find(`label[for="of-delivery"]`)); l != "Delivery" {
		t.Errorf("English label %q", l)
	}
}

// TestOrdersCSVDelivery: the export ends with the delivery columns (the earlier ones
// keep their places): method, pickup point's name, ready and picked-up times, empty
// where they do not apply.
func TestOrdersCSVDelivery(t *testing.T) {
	b := admin(t)
	ctx := context.Background()
	staff := audit.Actor{Email: "admin@libres.example"}
	ws := newWorkshop(t)
	v := newVariant(t, ws, 45000, 5)
	shipped := placeOrder(t, nil, payment.MethodTransfer, item{v, 1})
	pickup := placePickup(t, v)
	if _, err := testSite.Deps.Orders.MarkPaid(ctx, staff, pickup.ID, "TRF-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := testSite.Deps.Orders.MarkReadyForPickup(ctx, staff, pickup.ID); err != nil {
		t.Fatal(err)
	}
	csvOf := func() map[string][]string {
		t.Helper()
		recs := csvRecords(t, b.get("/admin/orders.csv?workshop="+strconv.FormatInt(ws, 10)).body)
		head := strings.Join(recs[0], ",")
		if !strings.HasPrefix(head, "number,created_at,status,payment_method,flagged,email,name,phone,department,city,line_no,") ||
			!strings.HasSuffix(head, ",refunded,currency,delivery_method,pickup_point,pickup_ready_at,picked_up_at") {
			t.Fatalf("CSV header %q", head)
		}
		rows := map[string][]string{}
		for _, r := range recs[1:] {
			rows[r[0]] = r[len(r)-4:]
		}
		return rows
	}
	rows := csvOf()
	if got := rows[shipped.Number]; strings.Join(got, "|") != "shipping|||" {
		t.Errorf("shipped order's delivery cells %q", got)
	}
	got := rows[pickup.Number]
	if len(got) != 4 || got[0] != "pickup" || got[1] != "Estudio Segundas Oportunidades" || len(got[2]) != len("2006-01-02 15:04:05") || got[3] != "" {
		t.Errorf("pickup order's delivery cells %q (ready, not picked up)", got)
	}
	if _, err := testSite.Deps.Orders.MarkPickedUp(ctx, staff, pickup.ID); err != nil {
		t.Fatal(err)
	}
	if got := csvOf()[pickup.Number]; len(got) != 4 || got[3] < got[2] || got[3] == "" {
		t.Errorf("picked-up order's delivery cells %q", got)
	}
}
