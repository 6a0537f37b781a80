package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
)

// guestOrder places an order without an account for email and cancels it (an order in
// progress would stop the erasure), returning its id.
func guestOrder(t *testing.T, email, name string) int64 {
	t.Helper()
	ctx := context.Background()
	svc := testSite.Deps.Orders
	_, token, err := svc.Add(ctx, "", 0, newVariant(t, newWorkshop(t), 50000, 5), "1")
	if err != nil {
		t.Fatal(err)
	}
	o, err := svc.Place(ctx, token, 0, order.CheckoutInput{Email: email, Name: name, Phone: "310 555 0199",
		Department: "Bolívar", City: "Cartagena", AddressLine: "Calle del Arsenal 8B-12", Donation: "0",
		PaymentMethod: string(payment.MethodTransfer), AcceptPolicy: true, PolicyVersion: "2026-01", Lang: "es"})
	if err != nil {
		t.Fatal(err)
	}
	staff := audit.Actor{ID: testSrv.UserID(t, "admin@libres.example"), Email: "admin@libres.example"}
	if _, err := svc.Cancel(ctx, staff, o.ID, "prueba de borrado"); err != nil {
		t.Fatal(err)
	}
	return o.ID
}

// mailedLink is the link of the newest email of a template queued for an address.
func mailedLink(t *testing.T, to, template string) string {
	t.Helper()
	var link string
	const q = `SELECT (args->>'data')::jsonb->>'Link' FROM river_job WHERE kind = 'email' AND args->>'to' = $1 AND args->>'template' = $2
		ORDER BY id DESC LIMIT 1`
	if err := testDB.Get(&link, q, to, template); err != nil {
		t.Fatalf("no %s email to %s: %v", template, to, err)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// TestGuestDeletionPages: a guest asks on the public form, follows the emailed link and
// confirms; staff see the request beside the account requests and carry it out; the
// link then works no more. Every step is repeated once.
func TestGuestDeletionPages(t *testing.T) {
	n := seq.Add(1)
	email := fmt.Sprintf("invitada-%d@libres.test", n)
	unknown := fmt.Sprintf("nadie-%d@libres.test", n)
	const name = "Dora Palenque Herrera"
	orderID := guestOrder(t, email, name)
	guest := testSrv.Visitor(t)

	form := pageOf(guest.MustGet(account.GuestRequestPath("es")))
	if form.Find(`form.guest-privacy-form input[name="email"]`).Length() != 1 {
		t.Fatal("the request page has no email field")
	}
	if href, _ := form.Find(`a[href="/privacidad"]`).Attr("href"); href == "" {
		t.Error("the request page does not link the data policy")
	}
	bad := pageOf(guest.Post(account.GuestRequestPath("es"), url.Values{"email": {"dora en gmail"}}))
	if bad.status != http.StatusUnprocessableEntity || val(bad, `input[name="email"]`) != "dora en gmail" || bad.Find(".field-error").Length() == 0 {
		t.Fatalf("malformed address = %d, value %q", bad.status, val(bad, `input[name="email"]`))
	}

	// The same answer for an address the store knows and one it does not.
	answers := map[string]string{}
	for _, e := range []string{unknown, email} {
		p := pageOf(guest.Post(account.GuestRequestPath("es"), url.Values{"email": {e}}))
		if p.status != http.StatusOK || p.Find(".flash-ok").Length() != 1 {
			t.Fatalf("request for %s = %d, no neutral answer", e, p.status)
		}
		answers[e] = text(p.Find("main"))
	}
	if answers[unknown] != answers[email] {
		t.Errorf("the answers differ:\n%s\n%s", answers[unknown], answers[email])
	}
	if n := orderEmails(t, unknown, "privacy_guest_link"); n != 0 {
		t.Errorf("%d links mailed to an address the store does not know", n)
	}
	link := mailedLink(t, email, "privacy_guest_link")
	if !strings.HasPrefix(link, account.GuestConfirmPath("es")+"?token=") {
		t.Fatalf("emailed link %q", link)
	}

	confirm := pageOf(guest.MustGet(link))
	if text(confirm.Find(".guest-privacy-email dd")) != email || confirm.Find(`form.guest-privacy-confirm input[name="token"]`).Length() != 1 {
		t.Fatalf("confirmation page lacks the address or the button: %q", text(confirm.Find("main")))
	}
	token := strings.TrimPrefix(link, account.GuestConfirmPath("es")+"?token=")
	en := pageOf(guest.MustGet(account.GuestConfirmPath("en") + "?token=" + token))
	if l, _ := en.Find("html").Attr("lang"); l != "en" || en.Find("form.guest-privacy-confirm").Length() != 1 {
		t.Errorf("the English confirmation page: lang %q", l)
	}
	for i := 0; i < 2; i++ { // a double click
		done := pageOf(guest.Submit(account.GuestConfirmPath("es"), url.Values{"token": {token}}))
		if done.Find(".flash-ok").Length() != 1 || done.Find("form.guest-privacy-confirm").Length() != 0 {
			t.Fatalf("after confirming (%d): %q", i+1, text(done.Find("main")))
		}
	}

	b := admin(t)
	list := b.mustGet("/admin/privacy")
	var reqID int64
	if err := testDB.Get(&reqID, `SELECT id FROM deletion_requests WHERE email = $1 AND handled_at IS NULL`, email); err != nil {
		t.Fatalf("no open request for %s: %v", email, err)
	}
	row := list.Find(fmt.Sprintf("#guest-request-%d", reqID))
	path := fmt.Sprintf("/admin/privacy/guests/%d", reqID)
	if text(row.Find(".req-email")) != email || text(row.Find(".req-name")) != name {
		t.Fatalf("request row = %q", text(row))
	}
	if href, _ := row.Find("a.req-action").Attr("href"); href != path {
		t.Errorf("action link = %q, want %s", href, path)
	}
	staffPage := b.mustGet(path + "?lang=en")
	checkAdminPage(t, staffPage, "en", "/admin/privacy")
	if text(staffPage.Find(".req-email")) != email || !strings.Contains(text(staffPage.Find(".req-orders")), "(1)") {
		t.Errorf("confirmation page: %q", text(staffPage.Find("main")))
	}
	wrong := b.post(path, url.Values{"confirm_email": {unknown}})
	if wrong.status != http.StatusUnprocessableEntity || val(wrong, "#f-confirm-email") != unknown {
		t.Fatalf("wrong confirmation = %d", wrong.status)
	}
	for i := 0; i < 2; i++ { // a second click, or another admin
		done := b.submit(path, url.Values{"confirm_email": {strings.ToUpper(email)}})
		if flash(done) == "" || done.Find(fmt.Sprintf("#guest-request-%d", reqID)).Length() != 0 {
			t.Fatalf("after erasing (%d): flash %q", i+1, flash(done))
		}
	}
	var o struct {
		Email, Name, Phone, Address string
		Total                       int64
	}
	if err := testDB.QueryRow(`SELECT email, name, phone, address_line, total_minor FROM orders WHERE id = $1`, orderID).
		Scan(&o.Email, &o.Name, &o.Phone, &o.Address, &o.Total); err != nil {
		t.Fatal(err)
	}
	if o.Email != account.ErasedGuestEmail(reqID) || strings.Contains(o.Name, "Dora") || o.Phone != "" || o.Address != "" || o.Total == 0 {
		t.Errorf("order after erasure = %+v", o)
	}
	if n := orderEmails(t, email, "privacy_guest_deleted"); n != 1 {
		t.Errorf("%d deletion emails, want 1", n)
	}

	// The link no longer works, and says where to ask again.
	used := pageOf(guest.Get(link))
	if used.status != http.StatusNotFound || used.Find(".flash-error").Length() != 1 {
		t.Fatalf("used link = %d", used.status)
	}
	if href, _ := used.Find(`a[href="` + account.GuestRequestPath("es") + `"]`).Attr("href"); href == "" {
		t.Error("the refused link's page does not lead to a new request")
	}
	if p := pageOf(guest.Post(account.GuestConfirmPath("es"), url.Values{"token": {"basura"}})); p.status != http.StatusNotFound {
		t.Errorf("POST with a made-up token = %d, want 404", p.status)
	}

	// One client address: a burst of requests, then 429 with the form kept.
	var last page
	for i := 0; i < 6 && last.status != http.StatusTooManyRequests; i++ {
		last = pageOf(guest.Post(account.GuestRequestPath("en"), url.Values{"email": {unknown}}))
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" || val(last, `input[name="email"]`) != unknown {
		t.Errorf("flood of requests: last answer %d, Retry-After %q", last.status, last.header.Get("Retry-After"))
	}
}
