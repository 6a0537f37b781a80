package order

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/payment"
)

// pickupFixture is the order fixture with one pickup point that keeps only the
// fixture's workshop ("taller"), and a second workshop whose items it does not keep.
func pickupFixture(t *testing.T) (*fixture, int64) {
	t.Helper()
	f := newFixture(t)
	opts := f.svc.Options()
	opts.PickupPoints = []PickupPoint{{ID: "estudio", Name: "Estudio Segundas Oportunidades", Address: "Local 201",
		City: "Bogotá", Department: "Bogotá D.C.", HoursES: "lunes a sábado 10:00–19:00", HoursEN: "Mon–Sat 10am–7pm",
		InstructionsES: "Pregunta en la caja", InstructionsEN: "Ask at the till", Workshops: []string{"taller"}}}
	opts.PickupUncollectedAfter = 7 * 24 * time.Hour
	f.svc = New(f.db, f.svc.mail, opts)
	var other int64
	if err := f.db.Get(&other, `INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
		VALUES ('lejos', 'Taller Lejano', 'Otra', 'prison', 'Cali', 'Valle del Cauca', 'Cerámica', 'Pottery') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	return f, other
}

func pickupInput(method payment.Method, point string) CheckoutInput {
	in := input(method)
	in.Department, in.City, in.AddressLine = "", "", ""
	in.Delivery, in.PickupPoint = "pickup", point
	return in
}

func TestPickupOfferedOnlyWhenThePointKeepsEveryLine(t *testing.T) {
	f, other := pickupFixture(t)
	ctx := context.Background()
	mine := f.variant(t, 50_000_00, 5, "standard")
	f.ws = other
	theirs := f.variant(t, 40_000_00, 5, "standard")

	for _, tc := range []struct {
		name     string
		variants []int64
		offered  bool
	}{
		{"the point's workshop", []int64{mine}, true},
		{"another workshop", []int64{theirs}, false},
		{"both", []int64{mine, theirs}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := f.cart(t, "1", tc.variants...)
			c, err := f.svc.Cart(ctx, tok, 0)
			if err != nil {
				t.Fatal(err)
			}
			pts, err := f.svc.PickupOffered(ctx, c.Lines)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(pts) == 1; got != tc.offered {
				t.Fatalf("offered %v, want %v", pts, tc.offered)
			}
			_, err = f.svc.Place(ctx, tok, 0, pickupInput(payment.MethodTransfer, "estudio"))
			if tc.offered && err != nil {
				t.Fatalf("place: %v", err)
			}
			if !tc.offered {
				wantErr(t, err, apperr.Invalid, keyPickupUnavailable)
			}
		})
	}
}

func TestPickupRefusesAnUnknownPoint(t *testing.T) {
	f, _ := pickupFixture(t)
	tok := f.cart(t, "1", f.variant(t, 50_000_00, 5, "standard"))
	c, err := f.svc.Cart(context.Background(), tok, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Quote(context.Background(), c, pickupInput(payment.MethodTransfer, "no-such-store"))
	wantErr(t, err, apperr.Invalid, keyPickupPointInvalid)
	_, err = f.svc.Place(context.Background(), tok, 0, pickupInput(payment.MethodTransfer, "no-such-store"))
	wantErr(t, err, apperr.Invalid, keyPickupPointInvalid)
	if n := f.count(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Fatalf("%d orders written", n)
	}
}

func TestPickupOrderHasNoShippingAndKeepsThePoint(t *testing.T) {
	f, _ := pickupFixture(t)
	ctx := context.Background()
	tok := f.cart(t, "2", f.variant(t, 50_000_00, 5, "standard")) // 100.000: Bogotá shipping would be 8.000
	c, err := f.svc.Cart(ctx, tok, 0)
	if err != nil {
		t.Fatal(err)
	}
	ship, err := f.svc.Quote(ctx, c, input(payment.MethodTransfer))
	if err != nil || ship.Shipping != 8_000_00 {
		t.Fatalf("shipping quote %+v, %v", ship, err)
	}
	in := pickupInput(payment.MethodTransfer, "estudio")
	q, err := f.svc.Quote(ctx, c, in)
	if err != nil || q.Shipping != 0 || q.Total != 100_000_00 {
		t.Fatalf("pickup quote %+v, %v: want no shipping, total 100.000", q, err)
	}
	in.QuotedTotal = q.Total
	o, err := f.svc.Place(ctx, tok, 0, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Order(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Delivery != DeliveryPickup || got.PickupPoint != "estudio" || got.Shipping != 0 || got.Total != 100_000_00 ||
		got.City != "Bogotá" || got.Department != "Bogotá D.C." {
		t.Fatalf("order %+v", got)
	}
	var body string
	if err := f.db.Get(&body, `SELECT body FROM test_outbox WHERE template = $1`, mailReceived); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "Recoger en: Estudio Segundas Oportunidades, Local 201") {
		t.Errorf("the order-received email does not say where to pick it up:\n%s", body)
	}
}

func TestPickupReadyAndPickedUpEmailOnce(t *testing.T) {
	f, _ := pickupFixture(t)
	ctx := context.Background()
	tok := f.cart(t, "1", f.variant(t, 50_000_00, 5, "standard"))
	o, err := f.svc.Place(ctx, tok, 0, pickupInput(payment.MethodTransfer, "estudio"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.MarkReadyForPickup(ctx, staff, o.ID)
	wantErr(t, err, apperr.Conflict, keyPickupNotPaid)
	_, err = f.svc.MarkPickedUp(ctx, staff, o.ID)
	wantErr(t, err, apperr.Conflict, keyPickupNotReady)
	if _, err := f.svc.MarkPaid(ctx, staff, o.ID, "T-1"); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a retried click changes nothing
		if _, err := f.svc.MarkReadyForPickup(ctx, staff, o.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.mails(t, mailPickupReady); n != 1 {
		t.Fatalf("%d ready emails, want 1", n)
	}
	var body string
	if err := f.db.Get(&body, `SELECT body FROM test_outbox WHERE template = $1`, mailPickupReady); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Estudio Segundas Oportunidades", "Local 201", "lunes a sábado 10:00–19:00", o.Number} {
		if !strings.Contains(body, want) {
			t.Fatalf("ready email lacks %q:\n%s", want, body)
		}
	}
	for range 2 {
		got, err := f.svc.MarkPickedUp(ctx, staff, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusDelivered || got.PickedUpAt == nil {
			t.Fatalf("after pickup: %s, picked up %v", got.Status, got.PickedUpAt)
		}
	}
	if n := f.mails(t, mailPickedUp); n != 1 {
		t.Fatalf("%d picked-up emails, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM order_events WHERE order_id = $1 AND kind IN ('ready_for_pickup', 'picked_up')`, o.ID); n != 2 {
		t.Fatalf("%d pickup events, want 2", n)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action IN ('order.pickup_ready', 'order.picked_up')`); n != 4 {
		t.Fatalf("%d audit entries, want one per action (4)", n)
	}
}

func TestPickupOrderIsNotShipped(t *testing.T) {
	f, _ := pickupFixture(t)
	ctx := context.Background()
	o, err := f.svc.Place(ctx, f.cart(t, "1", f.variant(t, 50_000_00, 5, "standard")), 0, pickupInput(payment.MethodTransfer, "estudio"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.MarkPaid(ctx, staff, o.ID, "T-1"); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Ship(ctx, staff, o.ID, "Servientrega", "SV-1")
	wantErr(t, err, apperr.Conflict, keyPickupNotShipped)
	if n := f.mails(t, mailShipped); n != 0 {
		t.Fatalf("%d shipping emails for a pickup order", n)
	}
}

func TestPickupShippingOrderRefusesPickupActions(t *testing.T) {
	f, _ := pickupFixture(t)
	o := f.place(t, f.cart(t, "1", f.variant(t, 50_000_00, 5, "standard")), payment.MethodTransfer)
	_, err := f.svc.MarkReadyForPickup(context.Background(), staff, o.ID)
	wantErr(t, err, apperr.Conflict, keyPickupOnly)
}

func TestPickupUncollectedIsFlaggedAfterTheConfiguredDays(t *testing.T) {
	f, _ := pickupFixture(t)
	ctx := context.Background()
	v := f.variant(t, 50_000_00, 5, "standard")
	o, err := f.svc.Place(ctx, f.cart(t, "1", v), 0, pickupInput(payment.MethodTransfer, "estudio"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.MarkPaid(ctx, staff, o.ID, "T-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.MarkReadyForPickup(ctx, staff, o.ID); err != nil {
		t.Fatal(err)
	}
	uncollected := func() []Order {
		t.Helper()
		os, _, err := f.svc.List(ctx, Filter{Uncollected: true})
		if err != nil {
			t.Fatal(err)
		}
		return os
	}
	f.clock.Add(6 * 24 * time.Hour)
	if os := uncollected(); len(os) != 0 {
		t.Fatalf("flagged after 6 days of 7: %v", os)
	}
	f.clock.Add(2 * 24 * time.Hour)
	os := uncollected()
	if len(os) != 1 || os[0].ID != o.ID || !f.svc.Uncollected(os[0]) {
		t.Fatalf("after 8 days: %+v, want the order flagged", os)
	}
	if _, err := f.svc.MarkPickedUp(ctx, staff, o.ID); err != nil {
		t.Fatal(err)
	}
	if os := uncollected(); len(os) != 0 {
		t.Fatalf("still flagged once picked up: %v", os)
	}
}
