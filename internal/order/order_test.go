package order

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/payment"
)

var staff = audit.Actor{ID: 0, Email: "staff@prueba.example"}

func TestCanMove(t *testing.T) {
	for _, tt := range []struct {
		from, to Status
		want     bool
	}{
		{StatusPending, StatusPaid, true}, {StatusPending, StatusAwaiting, true}, {StatusAwaiting, StatusPaid, true},
		{StatusPaid, StatusShipped, true}, {StatusShipped, StatusDelivered, true}, {StatusDelivered, StatusRefunded, true},
		{StatusPaid, StatusPending, false}, {StatusCancelled, StatusPaid, true} /* Reinstate only */, {StatusRefunded, StatusPaid, false},
		{StatusShipped, StatusCancelled, false}, {StatusPaid, StatusCancelled, false}, {StatusDelivered, StatusShipped, false},
	} {
		if got := CanMove(tt.from, tt.to); got != tt.want {
			t.Errorf("CanMove(%s, %s) = %v", tt.from, tt.to, got)
		}
	}
}

func TestInvalidTransitionsChangeNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 10_000_00, 5, "standard")
	o := f.place(t, f.cart(t, "1", v), payment.MethodCard)
	events := f.count(t, `SELECT count(*) FROM order_events`)
	_, err := f.svc.MarkDelivered(ctx, staff, o.ID)
	wantErr(t, err, apperr.Conflict, keyTransition)
	if apperr.Status(apperr.CodeOf(err)) != 409 {
		t.Fatalf("status %d, want 409", apperr.Status(apperr.CodeOf(err)))
	}
	_, err = f.svc.Ship(ctx, staff, o.ID, "Servientrega", "123")
	wantErr(t, err, apperr.Conflict, keyCODOnly)
	_, err = f.svc.MarkPaid(ctx, staff, o.ID, "x")
	wantErr(t, err, apperr.Conflict, keyNotManual)
	if n := f.count(t, `SELECT count(*) FROM order_events`); n != events {
		t.Fatalf("refused moves wrote %d timeline events", n-events)
	}
	if _, err := f.svc.Cancel(ctx, staff, o.ID, "sin pago"); err != nil {
		t.Fatal(err)
	}
	events = f.count(t, `SELECT count(*) FROM order_events`)
	_, err = f.svc.Cancel(ctx, staff, o.ID, "otra vez")
	wantErr(t, err, apperr.Conflict, keyTransition)
	_, err = f.svc.MarkDelivered(ctx, staff, o.ID)
	wantErr(t, err, apperr.Conflict, keyTransition)
	got, _ := f.svc.Order(ctx, o.ID)
	if got.Status != StatusCancelled || f.count(t, `SELECT count(*) FROM order_events`) != events || f.stock(t, v) != 5 {
		t.Fatalf("a refused move changed something: %s, stock %d", got.Status, f.stock(t, v))
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'order.cancel'`); n != 1 {
		t.Fatalf("%d cancel audit entries, want 1", n)
	}
}

func TestCartQuantitiesAndVariants(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 10_000_00, 5, "standard")
	for _, q := range []string{"0", "-1", "999999", "abc", "", "1.5"} {
		_, tok, err := f.svc.Add(ctx, "", 0, v, q)
		wantErr(t, err, apperr.Invalid, keyQuantity)
		if apperr.FieldsOf(err)["quantity"] == "" || tok != "" {
			t.Fatalf("Add %q: %v, token %q", q, err, tok)
		}
	}
	_, _, err := f.svc.Add(ctx, "", 0, 999999, "1")
	wantErr(t, err, apperr.NotFound, keyVariantUnknown)
	archived := f.variant(t, 10_000_00, 5, "standard")
	f.db.MustExec(`UPDATE products SET status = 'archived' WHERE id = (SELECT product_id FROM variants WHERE id = $1)`, archived)
	_, _, err = f.svc.Add(ctx, "", 0, archived, "1")
	wantErr(t, err, apperr.NotFound, keyVariantUnknown)
	if n := f.count(t, `SELECT count(*) FROM carts`); n != 0 {
		t.Fatalf("%d carts written by refused adds", n)
	}
	// Capped at the stock, saved, and said.
	c, tok, err := f.svc.Add(ctx, "", 0, v, "7")
	wantErr(t, err, apperr.Conflict, keyCapped)
	if tok == "" || len(c.Lines) != 1 || c.Lines[0].Quantity != 5 {
		t.Fatalf("capped add: token %q, cart %+v", tok, c)
	}
	if n, _ := f.svc.Count(ctx, tok, 0); n != 5 {
		t.Fatalf("Count = %d, want 5", n)
	}
	c, err = f.svc.SetQuantity(ctx, tok, 0, v, "2")
	if err != nil || c.Count() != 2 {
		t.Fatalf("SetQuantity 2: %v %+v", err, c)
	}
	_, err = f.svc.SetQuantity(ctx, tok, 0, v, "abc")
	wantErr(t, err, apperr.Invalid, keyQuantity)
	c, err = f.svc.SetQuantity(ctx, tok, 0, v, "0")
	if err != nil || len(c.Lines) != 0 {
		t.Fatalf("SetQuantity 0: %v %+v", err, c)
	}
	// No cart: empty, nothing written.
	c, err = f.svc.Cart(ctx, "unknown-token", 0)
	if err != nil || c.ID != 0 || len(c.Lines) != 0 {
		t.Fatalf("unknown cart: %v %+v", err, c)
	}
	f.db.MustExec(`UPDATE variants SET stock_on_hand = 0 WHERE id = $1`, v)
	_, _, err = f.svc.Add(ctx, tok, 0, v, "1")
	wantErr(t, err, apperr.Conflict, keySoldOut)
}

func TestCartFlagsAndCatalogPrices(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 100_000_00, 5, "standard")
	tok := f.cart(t, "3", v)
	// The price goes up and the stock down after the line was added.
	f.db.MustExec(`UPDATE products SET price_minor = 12000000 WHERE id = (SELECT product_id FROM variants WHERE id = $1)`, v)
	f.db.MustExec(`UPDATE variants SET stock_on_hand = 2 WHERE id = $1`, v)
	c, err := f.svc.Cart(ctx, tok, 0)
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lines[0]
	if !l.PriceChanged || l.AddedMinor != 100_000_00 || l.UnitMinor != 120_000_00 || !l.Short || l.Available != 2 ||
		l.TotalMinor != 360_000_00 || l.WorkshopName != "Taller Buen Pastor" || l.Title("en") != "Boot 1" {
		t.Fatalf("line %+v", l)
	}
	_, err = f.svc.Place(ctx, tok, 0, input(payment.MethodTransfer))
	wantErr(t, err, apperr.Conflict, keySoldOutLine)
	if apperr.FieldsOf(err)["line."+itoa(v)] != keySoldOutLine {
		t.Fatalf("sold out does not name the line: %v", apperr.FieldsOf(err))
	}
	if f.count(t, `SELECT count(*) FROM orders`) != 0 || f.stock(t, v) != 2 {
		t.Fatal("a refused checkout wrote something")
	}
	// Fixed: the order is at today's catalog price, whatever the line was added at.
	if _, err := f.svc.SetQuantity(ctx, tok, 0, v, "2"); err != nil {
		t.Fatal(err)
	}
	o := f.place(t, tok, payment.MethodTransfer)
	if o.Lines[0].UnitMinor != 120_000_00 || o.Subtotal != 240_000_00 || o.Lines[0].WorkshopID != f.ws {
		t.Fatalf("order line %+v subtotal %d", o.Lines[0], o.Subtotal)
	}
}

func itoa(n int64) string { return fmtInt(n) }

func fmtInt(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func TestCheckoutValidation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 10_000_00, 5, "standard")
	tok := f.cart(t, "1", v)
	in := CheckoutInput{Email: "ana@", Phone: "12", Department: "Texas", Donation: "abc", PaymentMethod: "bitcoin",
		PolicyVersion: "2026-01"}
	_, err := f.svc.Place(ctx, tok, 0, in)
	wantErr(t, err, apperr.Invalid, "")
	want := map[string]string{"email": keyEmailInvalid, "name": keyNameRequired, "phone": keyPhoneInvalid,
		"department": keyDepartmentInvalid, "city": keyCityRequired, "address_line": keyAddressRequired,
		"donation": keyDonationInvalid, "payment_method": keyMethodInvalid, "accept_policy": keyPolicyRequired}
	got := apperr.FieldsOf(err)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("field %s = %q, want %q", k, got[k], v)
		}
	}
	if f.count(t, `SELECT count(*) FROM orders`) != 0 || f.stock(t, v) != 5 || f.count(t, `SELECT count(*) FROM cart_lines`) != 1 {
		t.Fatal("an invalid checkout wrote something")
	}
	// A method the shop does not offer.
	svc := New(f.db, f.svc.mail, Options{Now: f.clock.Now})
	_, err = svc.Place(ctx, tok, 0, input(payment.MethodCard))
	wantErr(t, err, apperr.Invalid, keyMethodInvalid)
	// Empty cart.
	_, err = f.svc.Place(ctx, "", 0, input(payment.MethodCard))
	wantErr(t, err, apperr.Conflict, keyEmptyCart)
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{"300 123 4567": "3001234567", "+57 300-123-4567": "3001234567",
		"573001234567": "3001234567", "(601) 234 5678": "6012345678", "2345678": "2345678", "+57 601 2345678": "6012345678"} {
		if got, ok := NormalizePhone(in); !ok || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "12", "30012345", "300 123 45678", "+1 300 123 4567", "abc", "0123456", "300123456a"} {
		if got, ok := NormalizePhone(in); ok {
			t.Errorf("NormalizePhone(%q) = %q, want refused", in, got)
		}
	}
}

func TestTaxAndTotals(t *testing.T) {
	for _, tt := range []struct {
		class catalog.TaxClass
		total int64
		want  int64
	}{
		{catalog.TaxStandard, 119_00, 19_00},         // exact
		{catalog.TaxStandard, 189_000_00, 3_017_647}, // 3017647.06 -> down
		{catalog.TaxStandard, 10_000_00, 159_664},    // 159663.87 -> up
		{catalog.TaxStandard, 1, 0},                  // 0.16 -> 0
		{catalog.TaxStandard, 3, 0},                  // 0.479 -> 0
		{catalog.TaxStandard, 313, 50},               // 49.975... -> 50
		{catalog.TaxExempt, 189_000_00, 0},
	} {
		if got := LineTax(tt.class, tt.total); got != tt.want {
			t.Errorf("LineTax(%s, %d) = %d, want %d", tt.class, tt.total, got, tt.want)
		}
	}
	f := newFixture(t)
	ctx := context.Background()
	std := f.variant(t, 100_000_00, 10, "standard")
	ex := f.variant(t, 50_000_00, 10, "exempt")
	tok := f.cart(t, "1", std, ex)
	c, _ := f.svc.Cart(ctx, tok, 0)
	in := input(payment.MethodTransfer)
	in.Donation, in.DonationOther = "other", "12.000"
	q, err := f.svc.Quote(ctx, c, in)
	if err != nil {
		t.Fatal(err)
	}
	want := Totals{Currency: "COP", Subtotal: 150_000_00, Tax: LineTax("standard", 100_000_00), Shipping: 8_000_00,
		Donation: 12_000_00, Total: 170_000_00}
	if q != want {
		t.Fatalf("Quote = %+v, want %+v", q, want)
	}
	in.Department = "Amazonas" // not in the table: default rate
	if q, _ := f.svc.Quote(ctx, c, in); q.Shipping != 15_000_00 {
		t.Fatalf("default shipping = %d", q.Shipping)
	}
	in.DonationOther = "-5"
	_, err = f.svc.Quote(ctx, c, in)
	wantErr(t, err, apperr.Invalid, keyDonationInvalid)
	// Free shipping from 300.000.
	if _, err := f.svc.SetQuantity(ctx, tok, 0, std, "3"); err != nil {
		t.Fatal(err)
	}
	in = input(payment.MethodTransfer)
	in.Donation = "5000"
	o, err := f.svc.Place(ctx, tok, 0, in)
	if err != nil {
		t.Fatal(err)
	}
	if o.Subtotal != 350_000_00 || o.Shipping != 0 || o.Donation != 5_000_00 || o.Total != 355_000_00 ||
		o.Tax != LineTax("standard", 300_000_00) || o.Lines[1].TaxMinor != 0 || o.Lines[1].TaxClass != catalog.TaxExempt {
		t.Fatalf("order totals %+v lines %+v", o.Totals, o.Lines)
	}
	r := f.svc.CheckoutRequest(o, baseURL+"/ok", baseURL+"/cancel")
	var sum int64
	for _, l := range r.Lines {
		sum += l.UnitMinor * int64(l.Quantity)
	}
	if sum != o.Total || r.IdempotencyKey == "" || r.OrderID != o.ID {
		t.Fatalf("checkout request lines sum to %d, want %d (%+v)", sum, o.Total, r)
	}
}

func TestOrderNumbersAndDoubleSubmit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 10_000_00, 50, "standard")
	var last string
	for range 5 {
		o := f.place(t, f.cart(t, "1", v), payment.MethodTransfer)
		if !strings.HasPrefix(o.Number, "LIB-2026-") || len(o.Number) != len("LIB-2026-000001") || o.Number <= last {
			t.Fatalf("number %q after %q", o.Number, last)
		}
		last = o.Number
	}
	tok := f.cart(t, "2", v)
	o1 := f.place(t, tok, payment.MethodTransfer)
	o2, err := f.svc.Place(ctx, tok, 0, input(payment.MethodTransfer))
	if err != nil || o2.ID != o1.ID {
		t.Fatalf("second submit: %v, order %d, want the same order %d", err, o2.ID, o1.ID)
	}
	f.clock.Add(replayWindow + time.Second)
	_, err = f.svc.Place(ctx, tok, 0, input(payment.MethodTransfer))
	wantErr(t, err, apperr.Conflict, keyEmptyCart)
	if n := f.count(t, `SELECT count(*) FROM orders`); n != 6 {
		t.Fatalf("%d orders, want 6", n)
	}
}

func TestMergeAtLogin(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var uid int64
	if err := f.db.Get(&uid, `INSERT INTO users (email, name, role) VALUES ('ana@example.co', 'Ana', 'customer') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	a := f.variant(t, 10_000_00, 4, "standard")
	b := f.variant(t, 20_000_00, 4, "standard")
	if _, tok, err := f.svc.Add(ctx, "", uid, a, "3"); err != nil || tok != "" {
		t.Fatalf("user add: %v token %q", err, tok)
	}
	anon := f.cart(t, "2", a, b)
	if err := f.svc.Merge(ctx, anon, uid); err != nil {
		t.Fatal(err)
	}
	c, _ := f.svc.Cart(ctx, "", uid)
	qty := map[int64]int{}
	for _, l := range c.Lines {
		qty[l.VariantID] = l.Quantity
	}
	if qty[a] != 4 || qty[b] != 2 {
		t.Fatalf("merged quantities %v, want a capped at 4 and b 2", qty)
	}
	if c, _ := f.svc.Cart(ctx, anon, 0); len(c.Lines) != 0 {
		t.Fatal("the anonymous cart survived the merge")
	}
	// A logged-in checkout records the consent in the user's consents.
	in := input(payment.MethodCOD)
	in.UserID = uid
	o, err := f.svc.Place(ctx, "", uid, in)
	if err != nil {
		t.Fatal(err)
	}
	if o.UserID == nil || *o.UserID != uid || o.ExpiresAt != nil {
		t.Fatalf("order %+v", o)
	}
	if n := f.count(t, `SELECT count(*) FROM consents WHERE user_id = $1 AND what = 'data_policy'`, uid); n != 1 {
		t.Fatalf("%d consents", n)
	}
	os, err := f.svc.OrdersOf(ctx, uid)
	if err != nil || len(os) != 1 {
		t.Fatalf("OrdersOf: %v %d", err, len(os))
	}
}

func TestLookupsAndLinks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 10_000_00, 5, "standard")
	o := f.place(t, f.cart(t, "1", v), payment.MethodTransfer)
	if got, err := f.svc.OrderByNumber(ctx, strings.ToLower(o.Number), "ANA@example.co"); err != nil || got.ID != o.ID {
		t.Fatalf("OrderByNumber: %v", err)
	}
	for _, tt := range [][2]string{{o.Number, "eve@example.co"}, {"LIB-2026-999999", "ana@example.co"}} {
		_, err := f.svc.OrderByNumber(ctx, tt[0], tt[1])
		wantErr(t, err, apperr.NotFound, keyNotFound)
	}
	tok := f.svc.GuestLinkToken(o)
	if got, err := f.svc.OrderByGuestToken(ctx, tok); err != nil || got.ID != o.ID || len(got.Lines) != 1 {
		t.Fatalf("OrderByGuestToken: %v", err)
	}
	for _, bad := range []string{"", "x", itoa(o.ID) + ".AAAA", tok + "x", "99." + strings.SplitN(tok, ".", 2)[1]} {
		_, err := f.svc.OrderByGuestToken(ctx, bad)
		wantErr(t, err, apperr.NotFound, "")
	}
	var data string
	if err := f.db.Get(&data, `SELECT data->>'Link' FROM test_outbox WHERE template = 'order_received'`); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(data, baseURL+LinkPath("es")+"?token=") {
		t.Fatalf("emailed link %s", data)
	}
	var body string
	if err := f.db.Get(&body, `SELECT body FROM test_outbox WHERE template = 'order_received'`); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{o.Number, "Bancolombia 123", "Calle 1 # 2-3", "$\u00a018.000"} {
		if !strings.Contains(body, w) {
			t.Errorf("order-received email lacks %q:\n%s", w, body)
		}
	}
}

func TestManualPaymentShipRefund(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 100_000_00, 5, "standard")
	o := f.place(t, f.cart(t, "2", v), payment.MethodTransfer)
	// Reminder 24 h before the 72 h hold lapses, once.
	f.clock.Add(47 * time.Hour)
	if n, _ := f.svc.SendReminders(ctx); n != 0 {
		t.Fatalf("reminder sent %d too early", n)
	}
	f.clock.Add(2 * time.Hour)
	for want := 1; want >= 0; want-- {
		if n, err := f.svc.SendReminders(ctx); err != nil || n != want {
			t.Fatalf("SendReminders = %d, %v; want %d", n, err, want)
		}
	}
	o, err := f.svc.MarkPaid(ctx, staff, o.ID, "Bancolombia 555")
	if err != nil || o.Status != StatusPaid || f.mails(t, mailPaid) != 1 {
		t.Fatalf("MarkPaid: %v %s", err, o.Status)
	}
	_, err = f.svc.Cancel(ctx, staff, o.ID, "cambio")
	wantErr(t, err, apperr.Conflict, keyRefundFirst)
	_, err = f.svc.Ship(ctx, staff, o.ID, "", "")
	wantErr(t, err, apperr.Invalid, keyCarrierRequired)
	o, err = f.svc.Ship(ctx, staff, o.ID, "Servientrega", "G-123")
	if err != nil || o.Status != StatusShipped || o.Carrier != "Servientrega" {
		t.Fatalf("Ship: %v %+v", err, o)
	}
	var shipped string
	_ = f.db.Get(&shipped, `SELECT body FROM test_outbox WHERE template = 'order_shipped'`)
	if !strings.Contains(shipped, "G-123") {
		t.Fatalf("shipped email lacks the tracking number:\n%s", shipped)
	}
	// Withdrawal: shipped Monday 2 March; 5 business days end with Monday 9 March.
	f.clock.Add(6 * 24 * time.Hour) // Sunday 8 or so
	if err := f.svc.RequestWithdrawal(ctx, o.ID, "No me quedó"); err != nil {
		t.Fatal(err)
	}
	if f.mails(t, mailRequest) != 1 || f.mails(t, mailStaff) != 1 {
		t.Fatal("request emails not queued")
	}
	f.clock.Add(5 * 24 * time.Hour)
	err = f.svc.RequestWithdrawal(ctx, o.ID, "tarde")
	wantErr(t, err, apperr.Conflict, keyWithdrawalLate)
	err = f.svc.RequestReversal(ctx, o.ID, "fraude")
	wantErr(t, err, apperr.Conflict, keyReversalCard)
	_, err = f.svc.RecordRefund(ctx, staff, o.ID, o.Total+1, "x", nil)
	wantErr(t, err, apperr.Invalid, keyRefundAmount)
	o, err = f.svc.RecordRefund(ctx, staff, o.ID, 50_000_00, "parcial", []int{1})
	if err != nil || o.Status != StatusShipped || o.RefundedMinor != 50_000_00 {
		t.Fatalf("partial refund: %v %+v", err, o)
	}
	o, err = f.svc.RecordRefund(ctx, staff, o.ID, o.Total-o.RefundedMinor, "resto", nil)
	if err != nil || o.Status != StatusRefunded {
		t.Fatalf("full refund: %v %s", err, o.Status)
	}
	if f.stock(t, v) != 3 {
		t.Fatalf("stock %d: a shipped order's refund does not restock", f.stock(t, v))
	}
	if err := f.svc.AddNote(ctx, staff, o.ID, "Devolución recibida"); err != nil {
		t.Fatal(err)
	}
	evs, err := f.svc.Events(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[EventKind]int{}
	for _, e := range evs {
		kinds[e.Kind]++
	}
	for _, k := range []EventKind{EventPlaced, EventReminder, EventPaid, EventShipped, EventWithdrawal, EventRefunded, EventNote, EventEmailQueued} {
		if kinds[k] == 0 {
			t.Errorf("timeline lacks %s: %v", k, kinds)
		}
	}
}

func TestWithdrawalDeadline(t *testing.T) {
	at := func(s string) *time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", s, colombia)
		return &t
	}
	for _, tt := range []struct{ delivered, end string }{
		{"2026-03-02 10:00", "2026-03-10 00:00"}, // Monday -> Monday 9 inclusive
		{"2026-03-06 23:00", "2026-03-14 00:00"}, // Friday -> Friday 13 inclusive
		{"2026-03-07 09:00", "2026-03-14 00:00"}, // Saturday -> Friday 13 inclusive
	} {
		end, ok := WithdrawalDeadline(Order{DeliveredAt: at(tt.delivered)})
		if !ok || !end.Equal(*at(tt.end)) {
			t.Errorf("delivered %s: deadline %v, want %s", tt.delivered, end, tt.end)
		}
	}
	if _, ok := WithdrawalDeadline(Order{}); ok {
		t.Error("an order not shipped has a deadline")
	}
}

func TestAsyncAndRefundEvents(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 100_000_00, 5, "standard")
	o := f.place(t, f.cart(t, "1", v), payment.MethodCard)
	if err := f.svc.AttachSession(ctx, o.ID, "cs_9"); err != nil {
		t.Fatal(err)
	}
	ev := completed("evt_a", o.ID)
	ev.Paid = false
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.svc.ApplyEvent(ctx, ev))
	got, _ := f.svc.Order(ctx, o.ID)
	if got.Status != StatusAwaiting || got.SessionID != "cs_9" {
		t.Fatalf("after unpaid completion: %s", got.Status)
	}
	must(f.svc.ApplyEvent(ctx, payment.Event{ID: "evt_b", Type: payment.EventAsyncSucceeded, OrderID: o.ID, PaymentRef: "pi_9"}))
	// A refund event found through its payment alone (the charge carries no order id).
	must(f.svc.ApplyEvent(ctx, payment.Event{ID: "evt_c", Type: payment.EventRefunded, PaymentRef: "pi_9", AmountMinor: 40_000_00}))
	must(f.svc.ApplyEvent(ctx, payment.Event{ID: "evt_c", Type: payment.EventRefunded, PaymentRef: "pi_9", AmountMinor: 40_000_00}))
	got, _ = f.svc.Order(ctx, o.ID)
	if got.Status != StatusPaid || got.RefundedMinor != 40_000_00 {
		t.Fatalf("partial refund event: %s %d", got.Status, got.RefundedMinor)
	}
	must(f.svc.ApplyEvent(ctx, payment.Event{ID: "evt_d", Type: payment.EventRefunded, OrderID: o.ID, AmountMinor: got.Total}))
	got, _ = f.svc.Order(ctx, o.ID)
	if got.Status != StatusRefunded || got.RefundedMinor != got.Total || f.stock(t, v) != 5 {
		t.Fatalf("full refund event: %s %d stock %d", got.Status, got.RefundedMinor, f.stock(t, v))
	}
	if f.mails(t, mailRefunded) != 2 {
		t.Fatalf("%d refund emails, want 2", f.mails(t, mailRefunded))
	}
	// An async failure cancels an open order and gives its stock back.
	o2 := f.place(t, f.cart(t, "2", v), payment.MethodCard)
	must(f.svc.ApplyEvent(ctx, payment.Event{ID: "evt_e", Type: payment.EventAsyncFailed, OrderID: o2.ID}))
	got, _ = f.svc.Order(ctx, o2.ID)
	if got.Status != StatusCancelled || f.stock(t, v) != 5 {
		t.Fatalf("async failure: %s stock %d", got.Status, f.stock(t, v))
	}
	// Unknown order: recorded, nothing else.
	must(f.svc.ApplyEvent(ctx, payment.Event{ID: "evt_f", Type: payment.EventCheckoutCompleted, OrderID: 424242, Paid: true}))
	if err := f.svc.ApplyEvent(ctx, payment.Event{}); err == nil || errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("event without id: %v", err)
	}
}

func TestListAndCSV(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 10_000_00, 50, "standard")
	for range 3 {
		f.place(t, f.cart(t, "1", v), payment.MethodTransfer)
	}
	in := input(payment.MethodCOD)
	in.Name = "=HYPERLINK(\"http://x\")"
	if _, err := f.svc.Place(ctx, f.cart(t, "1", v), 0, in); err != nil {
		t.Fatal(err)
	}
	os, total, err := f.svc.List(ctx, Filter{Method: payment.MethodTransfer, WorkshopID: f.ws, PerPage: 2})
	if err != nil || total != 3 || len(os) != 2 {
		t.Fatalf("List: %v total %d len %d", err, total, len(os))
	}
	if _, total, _ := f.svc.List(ctx, Filter{Query: "hyperlink"}); total != 1 {
		t.Fatalf("query matched %d", total)
	}
	var buf bytes.Buffer
	if err := f.svc.WriteCSV(ctx, Filter{}, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\uFEFF") {
		t.Fatal("no BOM")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil || len(recs) != 5 {
		t.Fatalf("csv: %v, %d rows", err, len(recs))
	}
	if got := recs[1][6]; !strings.HasPrefix(got, "'=") {
		t.Fatalf("formula not neutralised: %q", got)
	}
}

// TestDeleteStaleCarts: anonymous carts nobody touched for a month go; a recent one and
// a customer's cart stay.
func TestDeleteStaleCarts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 50_000_00, 5, "standard")
	old := f.cart(t, "1", v)
	f.clock.Add(StaleCartAge + time.Hour)
	recent := f.cart(t, "1", v)
	n, err := f.svc.DeleteStaleCarts(ctx)
	if err != nil || n != 1 {
		t.Fatalf("DeleteStaleCarts = %d, %v; want the one old cart", n, err)
	}
	if c, _ := f.svc.Cart(ctx, old, 0); len(c.Lines) != 0 {
		t.Errorf("the old cart still has %d lines", len(c.Lines))
	}
	if c, _ := f.svc.Cart(ctx, recent, 0); len(c.Lines) != 1 {
		t.Errorf("the recent cart lost its line")
	}
}

// TestDeleteStaleCartsSkipsCartsBeingCheckedOut: a stale cart locked by a checkout in
// progress is left for the next sweep (the sweep neither waits for it nor deletes it);
// the other stale carts go.
func TestDeleteStaleCartsSkipsCartsBeingCheckedOut(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 50_000_00, 5, "standard")
	busy, idle := f.cart(t, "1", v), f.cart(t, "1", v)
	f.clock.Add(StaleCartAge + time.Hour)
	tx, err := f.db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.Exec(`SELECT id FROM carts WHERE token_hash = $1 FOR UPDATE`, hashToken(busy)); err != nil {
		t.Fatal(err)
	}
	// Waiting for the lock would last until the transaction ends: the deadline only
	// turns that wait into a failure.
	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	n, err := f.svc.DeleteStaleCarts(dctx)
	if err != nil || n != 1 {
		t.Fatalf("DeleteStaleCarts = %d, %v; want the idle cart only", n, err)
	}
	_ = tx.Rollback()
	if c, _ := f.svc.Cart(ctx, idle, 0); len(c.Lines) != 0 {
		t.Errorf("the idle stale cart still has %d lines", len(c.Lines))
	}
	if c, _ := f.svc.Cart(ctx, busy, 0); len(c.Lines) != 1 {
		t.Errorf("the cart being checked out lost its line")
	}
}

// TestPlaceChecksTheTotalShown: a total other than the one the shopper confirmed places
// nothing and takes no stock; the right one places the order, and the order Place returns
// is the one stored (lines, number, consent written with it).
func TestPlaceChecksTheTotalShown(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, b := f.variant(t, 10_000_00, 5, "standard"), f.variant(t, 7_500_00, 5, "exempt")
	tok := f.cart(t, "2", a, b)
	c, err := f.svc.Cart(ctx, tok, 0)
	if err != nil {
		t.Fatal(err)
	}
	in := input(payment.MethodTransfer)
	totals, err := f.svc.Quote(ctx, c, in)
	if err != nil {
		t.Fatal(err)
	}
	in.QuotedTotal = totals.Total - 1
	_, err = f.svc.Place(ctx, tok, 0, in)
	if !errors.Is(err, ErrTotalChanged) {
		t.Fatalf("place with another total: %v, want ErrTotalChanged", err)
	}
	if n := f.count(t, `SELECT count(*) FROM orders`); n != 0 || f.stock(t, a) != 5 {
		t.Fatalf("%d orders, stock %d after a refused total, want 0 and 5", n, f.stock(t, a))
	}
	in.QuotedTotal = totals.Total
	o, err := f.svc.Place(ctx, tok, 0, in)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := getOrder(ctx, f.db, o.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o, stored) {
		t.Errorf("Place returned\n%+v\nstored\n%+v", o, stored)
	}
	if o.Total != totals.Total || len(o.Lines) != 2 || f.stock(t, a) != 3 || f.stock(t, b) != 3 {
		t.Errorf("order total %d lines %d, stock %d/%d; want %d, 2, 3/3", o.Total, len(o.Lines), f.stock(t, a), f.stock(t, b), totals.Total)
	}
	if n := f.count(t, `SELECT count(*) FROM stock_reservations WHERE order_id = $1 AND expires_at = $2`, o.ID, o.ExpiresAt); n != 2 {
		t.Errorf("%d reservations expiring with the order, want 2", n)
	}
	if n := f.count(t, `SELECT count(*) FROM orders WHERE id = $1 AND policy_version = $2 AND policy_accepted_at IS NOT NULL`, o.ID, in.PolicyVersion); n != 1 {
		t.Error("the guest's consent is not on the order")
	}
	if n := f.count(t, `SELECT count(*) FROM order_events WHERE order_id = $1 AND kind = $2`, o.ID, EventPlaced); n != 1 {
		t.Errorf("%d placed events, want 1", n)
	}
}
