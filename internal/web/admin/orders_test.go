package admin_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
)

var (
	staff  = audit.Actor{Email: "admin@libres.example"}
	bogota = time.FixedZone("COT", -5*60*60)
)

// checkOrderPage is checkAdminPage for the orders area, whose keys start otherwise.
func checkOrderPage(t *testing.T, p page, lang string) {
	t.Helper()
	checkAdminPage(t, p, lang, "/admin/orders")
	if m := text(p.Find("main")); strings.Contains(m, "adminorders.") || strings.Contains(m, "orderpage.") {
		t.Errorf("untranslated key in page: %q", m)
	}
}

// listed is the order numbers of a list page.
func listed(p page) []string {
	var out []string
	p.Find("table.orders-table tbody tr th a").Each(func(_ int, s *goquery.Selection) { out = append(out, text(s)) })
	return out
}

func csvRecords(t *testing.T, body string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestOrderListFiltersAndCSV(t *testing.T) {
	b := admin(t)
	ctx := context.Background()
	wsA, wsB := newWorkshop(t), newWorkshop(t)
	va, vb := newVariant(t, wsA, 50_000, 10), newVariant(t, wsB, 80_000, 10)
	paid := placeOrder(t, nil, payment.MethodTransfer, item{va, 1}, item{vb, 1}) // both workshops
	cod := placeOrder(t, nil, payment.MethodCOD, item{vb, 2})
	if _, err := testSite.Deps.Orders.MarkPaid(ctx, staff, paid.ID, "TRF-1"); err != nil {
		t.Fatal(err)
	}
	ws := func(id int64) string { return strconv.FormatInt(id, 10) }

	p := b.mustGet("/admin/orders?workshop=" + ws(wsA))
	checkOrderPage(t, p, "es")
	if got := listed(p); len(got) != 1 || got[0] != paid.Number {
		t.Errorf("workshop A lists %v, want [%s]", got, paid.Number)
	}
	if got := listed(b.mustGet("/admin/orders?workshop=" + ws(wsB))); len(got) != 2 || got[0] != cod.Number {
		t.Errorf("workshop B lists %v, want both, newest first", got)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"status=paid&workshop=" + ws(wsB), []string{paid.Number}},
		{"status=pending_payment&workshop=" + ws(wsB), []string{cod.Number}},
		{"method=cod&workshop=" + ws(wsB), []string{cod.Number}},
		{"method=transfer&workshop=" + ws(wsB), []string{paid.Number}},
		{"method=card&workshop=" + ws(wsB), nil},
		{"q=" + url.QueryEscape(cod.Email), []string{cod.Number}},
		{"q=" + paid.Number, []string{paid.Number}},
		{"q=" + paid.Number + "&from=" + time.Now().In(bogota).Format(time.DateOnly), []string{paid.Number}},
		{"q=" + paid.Number + "&to=" + time.Now().In(bogota).AddDate(0, 0, -1).Format(time.DateOnly), nil},
		{"q=" + paid.Number + "&flagged=1", nil},
	} {
		if got := listed(b.mustGet("/admin/orders?" + tc.query)); strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s lists %v, want %v", tc.query, got, tc.want)
		}
	}
	filtered := b.mustGet("/admin/orders?method=cod&workshop=" + ws(wsB))
	if filtered.Find(`#of-method option[value="cod"][selected]`).Length() != 1 || filtered.Find(`#of-workshop option[value="`+ws(wsB)+`"][selected]`).Length() != 1 {
		t.Errorf("the filters do not show what was chosen")
	}
	if s := text(filtered.Find("table.orders-table tbody td.order-method")); s != "Contra entrega" {
		t.Errorf("method shown %q", s)
	}
	if bad := b.get("/admin/orders?from=ayer"); bad.status != http.StatusUnprocessableEntity || bad.Find("#of-from-err").Length() != 1 {
		t.Errorf("bad date = %d", bad.status)
	}
	en := b.mustGet("/admin/orders?lang=en&workshop=" + ws(wsA))
	checkOrderPage(t, en, "en")
	if text(en.Find("h1")) != "Orders" || !strings.Contains(text(en.Find("td")), "Bank transfer") {
		t.Errorf("English list: h1 %q, cells %q", text(en.Find("h1")), text(en.Find("td")))
	}

	// The export has the list's filters: one row per line of the orders shown.
	href, _ := p.Find(`a[href^="/admin/orders.csv"]`).Attr("href")
	if href != "/admin/orders.csv?workshop="+ws(wsA) {
		t.Errorf("CSV link = %q, want the same filters", href)
	}
	res := b.get(href)
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(res.header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("CSV = %d %q", res.status, res.header.Get("Content-Type"))
	}
	recs := csvRecords(t, res.body)
	if len(recs) != 3 || recs[0][0] != "number" || recs[1][0] != paid.Number || recs[2][0] != paid.Number {
		t.Errorf("CSV of workshop A = %v, want the header and the two lines of %s", recs, paid.Number)
	}
	if recs := csvRecords(t, b.get("/admin/orders.csv?method=cod&workshop="+ws(wsB)).body); len(recs) != 2 || recs[1][0] != cod.Number {
		t.Errorf("CSV of cash on delivery = %v", recs)
	}
}

// A payment that arrives after the order was cancelled flags it: the list highlights it
// and filters it, the export too, and its page says what to do and offers the refund.
func TestFlaggedOrder(t *testing.T) {
	b := admin(t)
	ctx := context.Background()
	v := newVariant(t, newWorkshop(t), 30_000, 5)
	o := placeOrder(t, nil, payment.MethodTransfer, item{v, 1})
	if _, err := testSite.Deps.Orders.Cancel(ctx, staff, o.ID, "sin pago"); err != nil {
		t.Fatal(err)
	}
	if err := testSite.Deps.Orders.ApplyEvent(ctx, payment.Event{ID: "evt_late_" + o.Number, Type: payment.EventCheckoutCompleted,
		Paid: true, OrderID: o.ID, PaymentRef: "pi_late"}); err != nil {
		t.Fatal(err)
	}
	if !loadOrder(t, o.ID).Flagged {
		t.Fatal("the late payment did not flag the order")
	}
	other := placeOrder(t, nil, payment.MethodTransfer, item{v, 1})

	p := b.mustGet("/admin/orders?flagged=1")
	checkOrderPage(t, p, "es")
	got := listed(p)
	if len(got) == 0 || got[0] != o.Number || strings.Contains(strings.Join(got, " "), other.Number) {
		t.Errorf("flagged list = %v, want %s and not %s", got, o.Number, other.Number)
	}
	if p.Find("#of-flagged[checked]").Length() != 1 {
		t.Errorf("the flagged box is not ticked")
	}
	all := b.mustGet("/admin/orders?q=" + o.Number)
	if all.Find("tr.order-flagged .order-flag").Length() != 1 {
		t.Errorf("the flagged order is not highlighted in the list")
	}
	for _, r := range csvRecords(t, b.get("/admin/orders.csv?flagged=1").body)[1:] {
		if r[4] != "true" {
			t.Errorf("flagged export has an order not flagged: %v", r)
		}
	}

	page := b.mustGet(orderPath(o))
	checkOrderPage(t, page, "es")
	if !strings.Contains(text(page.Find(".order-flag .flag-reason")), "paid after cancellation") ||
		page.Find("form.refund-form").Length() != 1 || page.Find(`form[action$="/ship"]`).Length() != 0 {
		t.Errorf("flagged page: reason %q, refund forms %d", text(page.Find(".order-flag")), page.Find("form.refund-form").Length())
	}
	// The refund settles it; the order stays cancelled.
	done := b.submit(orderPath(o)+"/refund", url.Values{"mode": {"full"}, "refund_reference": {"DEV-77"}, "refunded_before": {"0"}})
	if got := loadOrder(t, o.ID); got.RefundedMinor != got.Total || got.Status != order.StatusCancelled {
		t.Errorf("after the refund: refunded %d of %d, status %s", got.RefundedMinor, got.Total, got.Status)
	}
	// Settled: no longer flagged (nor counted on the dashboard), the timeline keeps why.
	if done.Find(".order-flag").Length() != 0 || !strings.Contains(text(done.Find(`section[aria-labelledby="h-timeline"]`)), "paid after cancellation") {
		t.Errorf("after the refund: flag box %q, timeline %q", text(done.Find(".order-flag")), text(done.Find(`section[aria-labelledby="h-timeline"]`)))
	}
}

func TestOrderMarkPaidShipDeliver(t *testing.T) {
	b := admin(t)
	v := newVariant(t, newWorkshop(t), 120_000, 5)
	o := placeOrder(t, nil, payment.MethodTransfer, item{v, 2})
	path := orderPath(o)

	p := b.mustGet(path)
	checkOrderPage(t, p, "es")
	if text(p.Find("h1")) != "Pedido "+o.Number || text(p.Find(".order-status").First()) != "Esperando el pago" {
		t.Errorf("h1 %q, status %q", text(p.Find("h1")), text(p.Find(".order-status").First()))
	}
	if !strings.Contains(text(p.Find(".order-lines .line-workshop")), "Taller Pedidos") || text(p.Find(".order-total")) != "$ 240.000" {
		t.Errorf("lines %q, total %q", text(p.Find(".order-lines")), text(p.Find(".order-total")))
	}
	if p.Find(`form[action$="/ship"]`).Length() != 0 || p.Find(`form[action$="/paid"]`).Length() != 1 {
		t.Errorf("an unpaid transfer order offers shipping, or not the payment")
	}
	if first := text(p.Find(".order-timeline tbody tr").First().Find(".event-kind")); first != "Correo enviado" {
		t.Errorf("newest event %q, want the order-received email", first)
	}

	paid := b.submit(path+"/paid", url.Values{"paid_reference": {"TRF-2026-555"}})
	if flash(paid) != "Pago registrado." || text(paid.Find(".order-status").First()) != "Pagado" ||
		text(paid.Find(".payment-ref")) != "TRF-2026-555" {
		t.Errorf("after paid: flash %q, status %q, ref %q", flash(paid), text(paid.Find(".order-status").First()), text(paid.Find(".payment-ref")))
	}
	row := paid.Find(".order-timeline tr.event-paid")
	if text(row.Find(".event-actor")) != "admin@libres.example" || text(row.Find(".event-detail")) != "TRF-2026-555" {
		t.Errorf("paid event: %q", text(row))
	}
	if orderEmails(t, o.Email, "order_paid") != 1 {
		t.Errorf("no payment confirmation queued")
	}

	// A missing tracking number keeps the carrier typed.
	bad := b.post(path+"/ship", url.Values{"carrier": {"Servientrega"}})
	if bad.status != http.StatusUnprocessableEntity || bad.Find("#f-tracking-err").Length() != 1 || val(bad, "#f-carrier") != "Servientrega" {
		t.Errorf("ship without tracking = %d, %q", bad.status, text(bad.Find(".field-error")))
	}
	checkOrderPage(t, bad, "es")
	shipped := b.submit(path+"/ship", url.Values{"carrier": {"Servientrega"}, "tracking": {"SV-123456"}})
	if text(shipped.Find(".order-status").First()) != "Enviado" || text(shipped.Find(".shipment")) != "Servientrega · SV-123456" {
		t.Errorf("after ship: %q %q", text(shipped.Find(".order-status").First()), text(shipped.Find(".shipment")))
	}
	if orderEmails(t, o.Email, "order_shipped") != 1 {
		t.Errorf("no shipping email queued")
	}
	delivered := b.submit(path+"/deliver", nil)
	if text(delivered.Find(".order-status").First()) != "Entregado" || delivered.Find(`form[action$="/deliver"]`).Length() != 0 {
		t.Errorf("after deliver: %q", text(delivered.Find(".order-status").First()))
	}

	// A note goes on the timeline, newest first.
	if bad := b.post(path+"/note", url.Values{"note": {"  "}}); bad.status != http.StatusUnprocessableEntity || bad.Find("#f-note-err").Length() != 1 {
		t.Errorf("empty note = %d", bad.status)
	}
	noted := b.submit(path+"/note", url.Values{"note": {"Cliente pidió empaque de regalo"}})
	first := noted.Find(".order-timeline tbody tr").First()
	if text(first.Find(".event-kind")) != "Nota" || text(first.Find(".event-detail")) != "Cliente pidió empaque de regalo" {
		t.Errorf("newest event %q", text(first))
	}
	en := b.mustGet(path + "?lang=en")
	checkOrderPage(t, en, "en")
	if text(en.Find(".order-status").First()) != "Delivered" {
		t.Errorf("English status %q", text(en.Find(".order-status").First()))
	}
}

// Cancelling an unpaid order gives its stock back; shipping it afterwards is refused
// with the reason (409) and changes nothing.
func TestOrderCancelAndInvalidTransition(t *testing.T) {
	b := admin(t)
	v := newVariant(t, newWorkshop(t), 45_000, 6)
	o := placeOrder(t, nil, payment.MethodCOD, item{v, 4})
	path := orderPath(o)
	if s := stockOf(t, v); s != 2 {
		t.Fatalf("stock after the order = %d, want 2", s)
	}
	if bad := b.post(path+"/cancel", url.Values{"reason": {""}}); bad.status != http.StatusUnprocessableEntity || bad.Find("#f-reason-err").Length() != 1 {
		t.Errorf("cancel without reason = %d", bad.status)
	}
	c := b.submit(path+"/cancel", url.Values{"reason": {"El cliente ya no lo quiere"}})
	if text(c.Find(".order-status").First()) != "Cancelado" || stockOf(t, v) != 6 {
		t.Errorf("after cancel: status %q, stock %d, want 6", text(c.Find(".order-status").First()), stockOf(t, v))
	}
	if orderEmails(t, o.Email, "order_cancelled") != 1 {
		t.Errorf("no cancellation email queued")
	}
	if c.Find(`form[action$="/ship"], form[action$="/cancel"], form.refund-form`).Length() != 0 {
		t.Errorf("a cancelled unpaid order still offers actions")
	}

	before := loadOrder(t, o.ID)
	events := eventCount(t, o.ID, order.EventShipped)
	res := b.post(path+"/ship", url.Values{"carrier": {"Envía"}, "tracking": {"E-1"}})
	if res.status != http.StatusConflict || !strings.Contains(text(res.Find(".form-alert")), "ya cambió de estado") {
		t.Errorf("ship a cancelled order = %d, alert %q", res.status, text(res.Find(".form-alert")))
	}
	checkOrderPage(t, res, "es")
	after := loadOrder(t, o.ID)
	if after.Status != order.StatusCancelled || after.Carrier != "" || !after.UpdatedAt.Equal(before.UpdatedAt) ||
		eventCount(t, o.ID, order.EventShipped) != events || orderEmails(t, o.Email, "order_shipped") != 0 || stockOf(t, v) != 6 {
		t.Errorf("the refused ship changed the order: %+v", after)
	}
	if res := b.post(path+"/paid", nil); res.status != http.StatusConflict {
		t.Errorf("mark a cancelled order paid = %d, want 409", res.status)
	}
}

// A paid transfer order is refunded, not cancelled: by an amount, by lines, then the
// rest; the last refund leaves it refunded with its stock back.
func TestOrderRefundTransfer(t *testing.T) {
	b := admin(t)
	ctx := context.Background()
	ws := newWorkshop(t)
	v1, v2 := newVariant(t, ws, 100_000, 5), newVariant(t, ws, 40_000, 5)
	o := placeOrder(t, nil, payment.MethodTransfer, item{v1, 1}, item{v2, 2})
	if _, err := testSite.Deps.Orders.MarkPaid(ctx, staff, o.ID, "TRF-9"); err != nil {
		t.Fatal(err)
	}
	path := orderPath(o)

	page := b.mustGet(path)
	if page.Find(".refund-first").Length() != 1 || page.Find(`form[action$="/cancel"]`).Length() != 0 {
		t.Errorf("a paid order offers cancelling instead of explaining the refund")
	}
	if before, _ := page.Find(`form.refund-form input[name="refunded_before"]`).Attr("value"); before != "0" {
		t.Errorf("refunded_before = %q", before)
	}
	if res := b.post(path+"/cancel", url.Values{"reason": {"no"}}); res.status != http.StatusConflict ||
		!strings.Contains(text(res.Find(".form-alert")), "primero devuelve el dinero") {
		t.Errorf("cancel a paid order = %d, %q", res.status, text(res.Find(".form-alert")))
	}

	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
	}{
		{"no reference", url.Values{"mode": {"amount"}, "amount": {"10.000"}}, "#f-refund_reference-err"},
		{"bad amount", url.Values{"mode": {"amount"}, "amount": {"diez"}, "refund_reference": {"R"}}, "#f-amount-err"},
		{"too much", url.Values{"mode": {"amount"}, "amount": {"999.999"}, "refund_reference": {"R"}}, "#f-amount-err"},
		{"no lines", url.Values{"mode": {"lines"}, "refund_reference": {"R"}}, "#f-lines-err"},
		{"unknown line", url.Values{"mode": {"lines"}, "lines": {"7"}, "refund_reference": {"R"}}, "#f-lines-err"},
		{"no mode", url.Values{"refund_reference": {"R"}}, "#f-mode-err"},
	} {
		tc.form.Set("refunded_before", "0")
		res := b.post(path+"/refund", tc.form)
		if res.status != http.StatusUnprocessableEntity || res.Find(tc.field).Length() != 1 {
			t.Errorf("%s: %d, errors %q", tc.name, res.status, text(res.Find(".field-error")))
		}
		if tc.name == "bad amount" && val(res, "#f-amount") != "diez" {
			t.Errorf("typed amount lost")
		}
	}
	if got := loadOrder(t, o.ID).RefundedMinor; got != 0 {
		t.Fatalf("refused refunds recorded %d", got)
	}

	amt := b.submit(path+"/refund", url.Values{"mode": {"amount"}, "amount": {"10.000"}, "refund_reference": {"DEV-1"}, "refunded_before": {"0"}})
	if flash(amt) == "" || text(amt.Find(".order-refunded")) != "$ 10.000" || text(amt.Find(".order-status").First()) != "Pagado" {
		t.Errorf("after 10.000: flash %q, refunded %q, status %q", flash(amt), text(amt.Find(".order-refunded")), text(amt.Find(".order-status").First()))
	}
	if !strings.Contains(text(amt.Find(".order-timeline tr.event-refunded .event-detail")), "DEV-1") || orderEmails(t, o.Email, "order_refunded") != 1 {
		t.Errorf("refund event %q", text(amt.Find(".order-timeline tr.event-refunded")))
	}
	// The same form sent again (double click, back button) is refused.
	again := b.post(path+"/refund", url.Values{"mode": {"amount"}, "amount": {"10.000"}, "refund_reference": {"DEV-1"}, "refunded_before": {"0"}})
	if again.status != http.StatusConflict || !strings.Contains(text(again.Find(".form-alert")), "cambiaron") ||
		loadOrder(t, o.ID).RefundedMinor != 10_000_00 {
		t.Errorf("second submit = %d, refunded %d", again.status, loadOrder(t, o.ID).RefundedMinor)
	}

	lines := b.submit(path+"/refund", url.Values{"mode": {"lines"}, "lines": {"2"}, "refund_reference": {"DEV-2"}, "refunded_before": {"1000000"}})
	got := loadOrder(t, o.ID)
	if got.RefundedMinor != 10_000_00+80_000_00 || got.Status != order.StatusPaid {
		t.Errorf("after line 2: refunded %d, status %s", got.RefundedMinor, got.Status)
	}
	if !strings.Contains(text(lines.Find(".order-timeline tr.event-refunded").First().Find(".event-detail")), "[2]") {
		t.Errorf("line refund detail %q", text(lines.Find(".order-timeline tr.event-refunded").First()))
	}
	stock1, stock2 := stockOf(t, v1), stockOf(t, v2)
	b.submit(path+"/refund", url.Values{"mode": {"full"}, "refund_reference": {"DEV-3"}, "refunded_before": {strconv.FormatInt(got.RefundedMinor, 10)}})
	got = loadOrder(t, o.ID)
	if got.RefundedMinor != got.Total || got.Status != order.StatusRefunded || stockOf(t, v1) != stock1+1 || stockOf(t, v2) != stock2+2 {
		t.Errorf("after the full refund: refunded %d of %d, status %s, stock %d %d", got.RefundedMinor, got.Total, got.Status, stockOf(t, v1), stockOf(t, v2))
	}
	if page := b.mustGet(path); page.Find("form.refund-form").Length() != 0 {
		t.Errorf("a refunded order still offers a refund")
	}
}

func TestOrdersAreStaffOnly(t *testing.T) {
	o := placeOrder(t, nil, payment.MethodTransfer, item{newVariant(t, newWorkshop(t), 10_000, 2), 1})
	for _, email := range []string{"lead@libres.example", "cliente@libres.example"} {
		b := loginAs(t, email)
		for _, path := range []string{"/admin/orders", "/admin/orders.csv", orderPath(o)} {
			if p := b.get(path); p.status != http.StatusForbidden {
				t.Errorf("GET %s as %s = %d, want 403", path, email, p.status)
			}
		}
		if p := b.post(orderPath(o)+"/paid", nil); p.status != http.StatusForbidden {
			t.Errorf("mark paid as %s = %d, want 403", email, p.status)
		}
	}
	if loadOrder(t, o.ID).Status != order.StatusPending {
		t.Errorf("someone who is not staff changed the order")
	}
	if p := admin(t).get("/admin/orders/999999999"); p.status != http.StatusNotFound {
		t.Errorf("unknown order = %d, want 404", p.status)
	}
}

func TestDashboardCountsOrders(t *testing.T) {
	b := admin(t)
	placeOrder(t, nil, payment.MethodTransfer, item{newVariant(t, newWorkshop(t), 10_000, 2), 1})
	p := b.mustGet("/admin")
	link := p.Find(`a[href="/admin/orders?status=pending_payment"]`)
	n, err := strconv.Atoi(strings.TrimPrefix(text(link), "Pedidos esperando el pago: "))
	if err != nil || n < 1 {
		t.Errorf("dashboard awaiting link %q", text(link))
	}
	if p.Find(`a[href="/admin/orders?flagged=1"]`).Length() != 1 || p.Find(`.bo-nav a[href="/admin/orders"]`).Length() != 1 {
		t.Errorf("dashboard has no flagged link or the navigation no orders")
	}
}
