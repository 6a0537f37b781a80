package account

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/notify/mailpittest"
)

// guestLink waits for the deletion link mailed to addr in lang (through the real queue
// and Mailpit; the address has order emails too) and returns its token.
func guestLink(t *testing.T, addr, lang string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		for _, id := range mailpittest.IDs(t, addr) {
			m := mailpittest.Get(t, id)
			for _, l := range mailpittest.Links(m.Text) {
				u, err := url.Parse(l)
				if err == nil && u.Path == GuestConfirmPath(lang) && strings.HasPrefix(l, baseURL) {
					return u.Query().Get("token")
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s link mailed to %s", GuestConfirmPath(lang), addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// guestLeaks is leaks without the one copy allowed: the last email, saying the data
// are deleted, in the job queue until its retention removes it.
func guestLeaks(t *testing.T, f *fixture, needle string) []string {
	t.Helper()
	var out []string
	for _, l := range leaks(t, f.db, needle) {
		if !strings.HasPrefix(l, "river_job.args ") && !strings.HasPrefix(l, "email_outbox.message ") {
			out = append(out, l)
		}
	}
	if n := f.count(t, `SELECT (SELECT count(*) FROM river_job WHERE strpos(lower(args::text), lower($1)) > 0
			AND args->>'template' IS DISTINCT FROM 'privacy_guest_deleted')
		+ (SELECT count(*) FROM email_outbox WHERE strpos(lower(message::text), lower($1)) > 0
			AND message->>'template' IS DISTINCT FROM 'privacy_guest_deleted')`, needle); n > 0 {
		out = append(out, fmt.Sprintf("emails in the queue (%d)", n))
	}
	return out
}

// TestGuestDeletion is a guest's request from the form to staff's erasure: the link
// mailed through the real queue, the request listed, the orders anonymised with the
// accounting untouched, and every step repeated.
func TestGuestDeletion(t *testing.T) {
	f := newFixture(t)
	s := newShop(t, f)
	ctx := context.Background()
	email := mailpittest.Address(t)
	const name, phone = "Yolanda Restrepo Ibargüen", "3204567788"
	variant := s.variant(t, f, "taller-invitada")

	// Two orders without an account (the second typed in capitals), and someone else's.
	for _, e := range []string{email, strings.ToUpper(email)} {
		o := s.place(t, 0, variant, e, name, phone)
		s.complete(t, o.ID)
	}
	other := mailpittest.Address(t)
	otherOrder := s.place(t, 0, variant, other, "Otra Persona Distinta", "3001112233")
	s.complete(t, otherOrder.ID)

	// An address the store knows nothing of gets the same answer and no email.
	unknown := mailpittest.Address(t)
	if err := s.svc.RequestGuestDeletion(ctx, unknown, "es", "198.51.100.30"); err != nil {
		t.Fatalf("unknown address: %v", err)
	}
	err := s.svc.RequestGuestDeletion(ctx, "no es un correo", "es", "198.51.100.30")
	wantErr(t, err, apperr.Invalid, "")
	if apperr.FieldsOf(err)["email"] == "" {
		t.Fatalf("malformed address: %v, want a field error on email", err)
	}

	if err := s.svc.RequestGuestDeletion(ctx, " "+email+" ", "es", "198.51.100.31"); err != nil {
		t.Fatal(err)
	}
	token := guestLink(t, email, "es")
	if m := mailpittest.Get(t, mailpittest.IDs(t, email)[0]); m.Subject != "Confirma tu solicitud de borrado de datos" {
		t.Errorf("newest email's subject %q, want the link's", m.Subject)
	}
	waitDelivered(t, f.db)
	if n := mailpittest.Count(t, unknown); n != 0 {
		t.Errorf("%d emails to an address the store does not know, want 0", n)
	}
	if n := f.count(t, `SELECT count(*) FROM guest_tokens WHERE email = $1`, unknown); n != 0 {
		t.Errorf("%d links stored for an unknown address", n)
	}

	l, err := s.svc.GuestLinkOf(ctx, token)
	if err != nil || l.Email != email || l.Recorded {
		t.Fatalf("link = %+v, %v; want unused, for %s", l, err, email)
	}
	// Pressing twice (a double click, a reload): one request, one audit entry.
	for i := 0; i < 2; i++ {
		if l, err = s.svc.ConfirmGuestDeletion(ctx, token); err != nil || !l.Recorded {
			t.Fatalf("confirm %d = %+v, %v", i+1, l, err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM deletion_requests WHERE email = $1 AND handled_at IS NULL`, email); n != 1 {
		t.Fatalf("%d open requests for %s, want 1", n, email)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'guest.request_deletion'`); n != 1 {
		t.Errorf("%d audit entries of the request, want 1", n)
	}
	gs, err := s.svc.PendingGuestDeletions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(gs, func(g GuestDeletion) bool { return g.Email == email })
	if i < 0 || gs[i].Name != name || gs[i].Orders != 2 {
		t.Fatalf("pending guest requests = %+v, want %s (%s, 2 orders)", gs, email, name)
	}
	req := gs[i].ID

	before := books(t, f.db)
	wantReconciled(t, s.led)
	res, err := s.svc.DeleteGuestData(ctx, s.admin, req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Already || res.Orders != 2 {
		t.Fatalf("erasure = %+v, want 2 orders anonymised", res)
	}
	// (The street address and consent IP of the test orders are everyone's: checked on
	// the guest's orders below.)
	for _, needle := range []string{email, name, phone} {
		if l := guestLeaks(t, f, needle); len(l) > 0 {
			t.Errorf("%q still in %v", needle, l)
		}
	}
	if after := books(t, f.db); after != before {
		t.Errorf("accounting records changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	wantReconciled(t, s.led)
	if n := f.count(t, `SELECT count(*) FROM orders WHERE email = $1 AND name = $2 AND phone = '' AND address_line = '' AND notes = '' AND policy_ip = ''`,
		ErasedGuestEmail(req), erasedGuestName(req)); n != 2 {
		t.Errorf("%d anonymised orders, want 2", n)
	}
	if n := f.count(t, `SELECT count(*) FROM orders WHERE id = $1 AND email = $2 AND phone = '3001112233'`, otherOrder.ID, other); n != 1 {
		t.Errorf("someone else's order changed")
	}
	if gs, _ := s.svc.PendingGuestDeletions(ctx); slices.ContainsFunc(gs, func(g GuestDeletion) bool { return g.ID == req }) {
		t.Errorf("request still pending: %+v", gs)
	}

	// Again: nothing changes, no second email or audit entry; the used link is refused.
	if res, err := s.svc.DeleteGuestData(ctx, s.admin, req); err != nil || !res.Already {
		t.Fatalf("repeat = %+v, %v; want already done", res, err)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'guest.erase' AND entity_id = $1`, fmt.Sprint(req)); n != 1 {
		t.Errorf("%d guest.erase audit entries, want 1", n)
	}
	_, err = s.svc.GuestLinkOf(ctx, token)
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)
	_, err = s.svc.ConfirmGuestDeletion(ctx, token)
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)

	waitDelivered(t, f.db)
	done := 0
	for _, id := range mailpittest.IDs(t, email) {
		if m := mailpittest.Get(t, id); m.Subject == "Borramos tus datos personales" {
			done++
			if !strings.Contains(m.Text, baseURL+"/privacidad") {
				t.Errorf("deletion email text:\n%s", m.Text)
			}
		}
	}
	if done != 1 {
		t.Errorf("%d deletion emails delivered to %s, want 1", done, email)
	}
	// After the erasure the store holds nothing for the address: no new link.
	before2 := mailpittest.Count(t, email)
	if err := s.svc.RequestGuestDeletion(ctx, email, "es", "198.51.100.32"); err != nil {
		t.Fatal(err)
	}
	waitDelivered(t, f.db)
	if n := mailpittest.Count(t, email); n != before2 {
		t.Errorf("a link was sent to an erased address (%d emails, had %d)", n, before2)
	}
}

// TestGuestDeletionLinks: an expired link is refused, an address with an account gets
// an account request, open orders stop the erasure, and the limits hold.
func TestGuestDeletionLinks(t *testing.T) {
	f := newFixture(t)
	s := newShop(t, f)
	ctx := context.Background()
	variant := s.variant(t, f, "taller-enlaces")

	// Expired: a day and a minute later the link opens nothing and records nothing.
	late := mailpittest.Address(t)
	s.complete(t, s.place(t, 0, variant, late, "Persona Tardía", "3109998877").ID)
	if err := s.svc.RequestGuestDeletion(ctx, late, "en", "198.51.100.40"); err != nil {
		t.Fatal(err)
	}
	token := guestLink(t, late, "en")
	f.clock.Add(GuestLinkTTL + time.Minute)
	_, err := s.svc.GuestLinkOf(ctx, token)
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)
	_, err = s.svc.ConfirmGuestDeletion(ctx, token)
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)
	if n := f.count(t, `SELECT count(*) FROM deletion_requests WHERE email = $1`, late); n != 0 {
		t.Errorf("an expired link recorded %d requests", n)
	}
	_, err = s.svc.GuestLinkOf(ctx, "no-such-token")
	wantErr(t, err, apperr.NotFound, keyTokenInvalid)

	// Per address: three links an hour, then the same answer and no email.
	for i := 0; i < 4; i++ {
		if err := s.svc.RequestGuestDeletion(ctx, late, "es", fmt.Sprintf("198.51.100.%d", 50+i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM guest_tokens WHERE email = $1 AND created_at > $2`, late, f.clock.Now().Add(-time.Hour)); n != maxGuestLinksPerHour {
		t.Errorf("%d links in the hour, want %d", n, maxGuestLinksPerHour)
	}
	// Per client address: a burst, then 429 with nothing written.
	before := f.count(t, `SELECT count(*) FROM guest_tokens`)
	for i := 0; i < guestRequestBurst; i++ {
		if err := s.svc.RequestGuestDeletion(ctx, mailpittest.Address(t), "es", "203.0.113.9"); err != nil {
			t.Fatal(err)
		}
	}
	err = s.svc.RequestGuestDeletion(ctx, late, "es", "203.0.113.9")
	wantErr(t, err, apperr.TooMany, keyGuestThrottled)
	if RetryAfter(err) <= 0 {
		t.Errorf("throttled without a wait: %v", err)
	}
	if n := f.count(t, `SELECT count(*) FROM guest_tokens`); n != before {
		t.Errorf("a throttled request wrote %d links", n-before)
	}

	// An address with an account: the link records the account's request.
	acct := mailpittest.Address(t)
	u, err := s.svc.Register(ctx, RegisterInput{Email: acct, Name: "Cuenta Con Correo", Password: strongPassword, Lang: "es",
		AcceptPolicy: true, PolicyVersion: "2026-01", IP: "198.51.100.60"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.svc.RequestGuestDeletion(ctx, acct, "es", "198.51.100.61"); err != nil {
		t.Fatal(err)
	}
	acctToken := guestLink(t, acct, "es")
	if l, err := s.svc.ConfirmGuestDeletion(ctx, acctToken); err != nil || !l.Recorded {
		t.Fatalf("confirm = %+v, %v", l, err)
	}
	if _, err := s.svc.PendingDeletion(ctx, u.ID); err != nil {
		t.Fatalf("the account's request is not listed: %v", err)
	}
	if gs, _ := s.svc.PendingGuestDeletions(ctx); slices.ContainsFunc(gs, func(g GuestDeletion) bool { return g.Email == acct }) {
		t.Errorf("an account's address listed as a guest request")
	}
	// The account's erasure takes the links asked by email too.
	waitDelivered(t, f.db)
	if _, err := s.svc.DeletePersonalData(ctx, s.admin, u.ID); err != nil {
		t.Fatal(err)
	}
	if l := leaks(t, f.db, acct); len(l) > 0 {
		t.Errorf("%s still in %v after the account's erasure", acct, l)
	}

	// An order still in progress: staff's erasure is refused and changes nothing.
	busy := mailpittest.Address(t)
	open := s.place(t, 0, variant, busy, "Pedido Abierto", "3151234567")
	if err := s.svc.RequestGuestDeletion(ctx, busy, "es", "198.51.100.62"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.ConfirmGuestDeletion(ctx, guestLink(t, busy, "es")); err != nil {
		t.Fatal(err)
	}
	gs, err := s.svc.PendingGuestDeletions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(gs, func(g GuestDeletion) bool { return g.Email == busy })
	if i < 0 {
		t.Fatalf("request of %s not listed: %+v", busy, gs)
	}
	_, err = s.svc.DeleteGuestData(ctx, s.admin, gs[i].ID)
	wantErr(t, err, apperr.Conflict, keyEraseOpenOrders)
	if n := f.count(t, `SELECT count(*) FROM orders WHERE id = $1 AND email = $2`, open.ID, busy); n != 1 {
		t.Errorf("a refused erasure changed the open order")
	}
	_, err = s.svc.DeleteGuestData(ctx, s.admin, 987654)
	wantErr(t, err, apperr.NotFound, keyGuestNotFound)
}
