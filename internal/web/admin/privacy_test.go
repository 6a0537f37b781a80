package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/seed"
)

// requester signs a customer up who then asks for their data to be deleted.
func requester(t *testing.T, lang string) account.User {
	t.Helper()
	ctx := context.Background()
	email := fmt.Sprintf("borrar-%d@libres.test", seq.Add(1))
	u, err := account.Provision(ctx, testDB, account.NewUser{Email: email, Name: "Rosalba Ñañez Borrable",
		Role: account.RoleCustomer, Lang: lang, Password: seed.DemoPassword}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := testSite.Deps.Accounts.RequestDeletion(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestDeletionRequests(t *testing.T) {
	u := requester(t, "en")
	b := admin(t)
	path := fmt.Sprintf("/admin/privacy/%d", u.ID)

	list := b.mustGet("/admin/privacy")
	checkAdminPage(t, list, "es", "/admin/privacy")
	row := list.Find(fmt.Sprintf("#request-%d", u.ID))
	if text(row.Find(".req-email")) != u.Email || text(row.Find(".req-name")) != u.Name || text(row.Find(".req-at")) == "" {
		t.Fatalf("request row = %q, want who asked and when", text(row))
	}
	if href, _ := row.Find("a.req-action").Attr("href"); href != path {
		t.Errorf("action link = %q, want %s", href, path)
	}

	// The person's page in the users list leads to the request too.
	if href, _ := b.mustGet(fmt.Sprintf("/admin/users/%d", u.ID)).Find(".user-deletion a").Attr("href"); href != path {
		t.Errorf("user page deletion link = %q, want %s", href, path)
	}

	confirm := b.mustGet(path + "?lang=en")
	checkAdminPage(t, confirm, "en", "/admin/privacy")
	if text(confirm.Find(".req-email")) != u.Email || confirm.Find(`form.erase-form input[name="confirm_email"]`).Length() != 1 {
		t.Fatalf("confirmation page lacks the person or the typed confirmation")
	}

	// A wrong email is refused with what was typed kept, and nothing happens.
	bad := b.post(path+"?lang=en", url.Values{"confirm_email": {"otra@libres.test"}})
	if bad.status != http.StatusUnprocessableEntity || bad.Find("#f-confirm-email-err").Length() != 1 ||
		val(bad, "#f-confirm-email") != "otra@libres.test" {
		t.Fatalf("wrong confirmation = %d, error %q", bad.status, text(bad.Find(".field-error")))
	}
	if got := userByEmail(t, u.Email); got.IsErased() {
		t.Fatal("erased on a wrong confirmation")
	}

	done := b.submit(path, url.Values{"confirm_email": {strings.ToUpper(u.Email)}})
	if flash(done) == "" || done.Find(fmt.Sprintf("#request-%d", u.ID)).Length() != 0 {
		t.Fatalf("after deletion: flash %q, request still listed: %v", flash(done), done.Find(fmt.Sprintf("#request-%d", u.ID)).Length() != 0)
	}
	got, err := testSite.Deps.Accounts.UserByID(context.Background(), u.ID)
	if err != nil || !got.IsErased() || got.Name == u.Name || got.HasPassword {
		t.Fatalf("user after deletion = %+v, %v", got, err)
	}
	if n := orderEmails(t, u.Email, "account_deleted"); n != 1 {
		t.Errorf("%d deletion emails queued to %s, want 1", n, u.Email)
	}
	var lang string
	if err := testDB.Get(&lang, `SELECT args->>'lang' FROM river_job WHERE args->>'to' = $1 AND args->>'template' = 'account_deleted'`, u.Email); err != nil || lang != "en" {
		t.Errorf("deletion email language = %q, %v; want en", lang, err)
	}

	// A second click (or another admin) changes nothing and sends nothing.
	again := b.submit(path, url.Values{"confirm_email": {u.Email}})
	if flash(again) == "" {
		t.Errorf("no message on a repeated deletion")
	}
	if n := orderEmails(t, u.Email, "account_deleted"); n != 1 {
		t.Errorf("%d deletion emails after a repeat, want 1", n)
	}
	if b.mustGet(fmt.Sprintf("/admin/users/%d", u.ID)).Find(".user-deletion").Length() != 0 {
		t.Errorf("user page still shows a handled request")
	}
	if p := b.get(path); p.status != http.StatusNotFound {
		t.Errorf("confirmation page of a handled request = %d, want 404", p.status)
	}
}

func TestDeletionRequestsStaffOnly(t *testing.T) {
	u := requester(t, "es")
	path := fmt.Sprintf("/admin/privacy/%d", u.ID)
	for _, who := range []string{"cliente@libres.example", "lead@libres.example", "empresa@libres.example"} {
		b := loginAs(t, who)
		for _, p := range []string{"/admin/privacy", path} {
			if got := b.get(p); got.status != http.StatusForbidden && got.status != http.StatusNotFound {
				t.Errorf("GET %s as %s = %d, want 403 or 404", p, who, got.status)
			}
		}
		if got := b.post(path, url.Values{"confirm_email": {u.Email}}); got.status != http.StatusForbidden && got.status != http.StatusNotFound {
			t.Errorf("POST %s as %s = %d, want 403 or 404", path, who, got.status)
		}
	}
	if got := userByEmail(t, u.Email); got.IsErased() {
		t.Fatal("a non-admin erased a person")
	}
}

func TestDeletionRefusedWithOpenOrder(t *testing.T) {
	u := requester(t, "es")
	ctx := context.Background()
	svc := testSite.Deps.Orders
	_, token, err := svc.Add(ctx, "", u.ID, newVariant(t, newWorkshop(t), 50000, 5), "1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Place(ctx, token, u.ID, order.CheckoutInput{Email: u.Email, Name: u.Name, Phone: "300 765 4321",
		Department: "Antioquia", City: "Medellín", AddressLine: "Calle 10 # 20-30", Donation: "0",
		PaymentMethod: string(payment.MethodTransfer), AcceptPolicy: true, PolicyVersion: "2026-01", Lang: "es", UserID: u.ID}); err != nil {
		t.Fatal(err)
	}
	b := admin(t)
	p := b.post(fmt.Sprintf("/admin/privacy/%d", u.ID), url.Values{"confirm_email": {u.Email}})
	if p.status != http.StatusConflict || text(p.Find(".form-alert")) == "" {
		t.Fatalf("deletion with an unpaid order = %d, alert %q; want 409 with the reason", p.status, text(p.Find(".form-alert")))
	}
	if got := userByEmail(t, u.Email); got.IsErased() {
		t.Fatal("erased while an order is open")
	}
	if n := orderEmails(t, u.Email, "account_deleted"); n != 0 {
		t.Errorf("%d deletion emails after a refusal", n)
	}
}
