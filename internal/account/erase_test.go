package account

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/notify/mailpittest"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
)

// leaks lists the table.column cells of the public schema whose text holds needle
// (case-insensitively): every text, citext, json and array column of every table, so
// a table added later is searched too. The confirmation email itself, in the job
// queue until the queue's retention removes it, is the one copy allowed.
func leaks(t *testing.T, conn *sqlx.DB, needle string) []string {
	t.Helper()
	var cols []struct {
		Table  string `db:"table_name"`
		Column string `db:"column_name"`
	}
	const sel = `SELECT c.table_name, c.column_name FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
		  AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY') OR c.udt_name = 'citext')
		ORDER BY 1, 2`
	if err := conn.Select(&cols, sel); err != nil {
		t.Fatal(err)
	}
	if len(cols) < 50 {
		t.Fatalf("only %d text columns found: is the query right?", len(cols))
	}
	var out []string
	for _, c := range cols {
		q := fmt.Sprintf(`SELECT count(*) FROM %q WHERE strpos(lower(%q::text), lower($1)) > 0`, c.Table, c.Column)
		switch c.Table {
		case "test_outbox": // this package's stand-in queue (helpers_test.go)
			continue
		case "river_job":
			q += ` AND args->>'template' IS DISTINCT FROM 'account_deleted'`
		case "email_outbox":
			q += ` AND message->>'template' IS DISTINCT FROM 'account_deleted'`
		}
		var n int
		if err := conn.Get(&n, q, needle); err != nil {
			t.Fatalf("%s.%s: %v", c.Table, c.Column, err)
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("%s.%s (%d rows)", c.Table, c.Column, n))
		}
	}
	return out
}

// shop is what a test needs to sell: a queue delivering to Mailpit, the order
// service and the ledger, on the fixture's database.
type shop struct {
	svc    *Service
	orders *order.Service
	led    *ledger.Ledger
	admin  audit.Actor
}

func newShop(t *testing.T, f *fixture) *shop {
	t.Helper()
	q, err := notify.NewQueue(f.db, notify.Options{SMTPURL: mailpittest.SMTPURL(t), From: "Libres <no-reply@libres.test>",
		Seller: notify.Seller{Name: "Fundación Prueba", NIT: "800.197.268-4", Address: "Calle 1 # 2-3, Bogotá",
			Phone: "+57 300 000 0000", Email: "hola@prueba.example"},
		ShopURL: baseURL, Work: true, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(ctx)
	})
	led := ledger.New(f.db, ledger.Options{})
	s := &shop{svc: New(f.db, q, Options{BaseURL: baseURL, Now: f.clock.Now}), led: led,
		orders: order.New(f.db, q, order.Options{BaseURL: baseURL, Ledger: led,
			LinkKey: []byte("erase-test-order-link-key-0123456789abcdef")})}
	staff, err := s.svc.CreateUser(context.Background(), "staff-"+mailpittest.Address(t), "Personal Fundación", RoleAdmin, strongPassword)
	if err != nil {
		t.Fatal(err)
	}
	s.admin = audit.Actor{ID: staff.ID, Email: staff.Email}
	return s
}

// variant puts a product of a new workshop on sale and returns the variant's id.
func (s *shop) variant(t *testing.T, f *fixture, slug string) int64 {
	t.Helper()
	ws := f.workshop(t, slug)
	var cat, pid, vid int64
	if err := f.db.Get(&cat, `INSERT INTO categories (key, slug_es, slug_en, name_es, name_en)
		VALUES ($1, $1, $1, 'Bolsos', 'Bags') RETURNING id`, "cat-"+slug); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Get(&pid, `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, status, price_minor, tax_class)
		VALUES ($1, $2, $3, 'Mochila', 'Bag', 'active', 8900000, 'standard') RETURNING id`, "p-"+slug, ws, cat); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Get(&vid, `INSERT INTO variants (product_id, sku, size, stock_on_hand) VALUES ($1, $2, 'U', 50) RETURNING id`,
		pid, "SKU-"+slug); err != nil {
		t.Fatal(err)
	}
	return vid
}

// place orders one unit of the variant as userID (0: a guest) with the person's details.
func (s *shop) place(t *testing.T, userID, variant int64, email, name, phone string) order.Order {
	t.Helper()
	ctx := context.Background()
	_, token, err := s.orders.Add(ctx, "", userID, variant, "1")
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.orders.Place(ctx, token, userID, order.CheckoutInput{Email: email, Name: name, Phone: phone,
		Department: "Antioquia", City: "Medellín", AddressLine: "Carrera 45 # 12-34 apto 501",
		Notes: "Dejar con el portero, preguntar por " + name, Donation: "0", PaymentMethod: string(payment.MethodTransfer),
		AcceptPolicy: true, PolicyVersion: "2026-01", Lang: "es", IP: "198.51.100.77", UserID: userID})
	if err != nil {
		t.Fatalf("place: %v", err)
	}
	return o
}

// complete pays, ships and delivers an order.
func (s *shop) complete(t *testing.T, id int64) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.orders.MarkPaid(ctx, s.admin, id, fmt.Sprintf("TRF-%d", id)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.orders.Ship(ctx, s.admin, id, "Servientrega", fmt.Sprintf("GUIA-%d", id)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.orders.MarkDelivered(ctx, s.admin, id); err != nil {
		t.Fatal(err)
	}
}

// books is what accounting reads: every order's money and dates, its lines, refunds
// and the ledger, as text to compare before and after.
func books(t *testing.T, conn *sqlx.DB) string {
	t.Helper()
	var parts []string
	for _, q := range []string{
		`SELECT coalesce(string_agg(concat_ws('|', id, number, status, payment_method, user_id, city, department, currency,
			subtotal_minor, tax_minor, shipping_minor, donation_minor, total_minor, refunded_minor, payment_ref,
			created_at, paid_at, shipped_at, delivered_at, cancelled_at, carrier, tracking, policy_version, policy_accepted_at), E'\n' ORDER BY id), '') FROM orders`,
		`SELECT coalesce(string_agg(concat_ws('|', order_id, line_no, variant_id, workshop_id, workshop_name, sku, title_es,
			unit_minor, quantity, tax_class, tax_minor, line_total_minor), E'\n' ORDER BY order_id, line_no), '') FROM order_lines`,
		`SELECT coalesce(string_agg(concat_ws('|', order_id, amount_minor, lines, reference, actor, at), E'\n' ORDER BY id), '') FROM order_refunds`,
		`SELECT coalesce(string_agg(concat_ws('|', id, account, workshop_id, kind, source_ref, order_id, amount_minor, share_minor, occurred_at, created_by, memo), E'\n' ORDER BY id), '') FROM ledger_entries`,
	} {
		var s string
		if err := conn.Get(&s, q); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n--\n")
}

// waitDelivered waits until every queued email has been delivered, so the copies the
// queue keeps of sent emails are all there for the deletion to drop.
func waitDelivered(t *testing.T, conn *sqlx.DB) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var n int
		if err := conn.Get(&n, `SELECT (SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded'))
			+ (SELECT count(*) FROM email_outbox)`); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d emails still waiting", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func wantReconciled(t *testing.T, led *ledger.Ledger) {
	t.Helper()
	r, err := led.Reconcile(context.Background(), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Orders == 0 {
		t.Fatalf("reconcile: ok %v, %d orders, problems %v, rows %+v", r.OK(), r.Orders, r.Problems, r.Rows)
	}
}

func TestDeletePersonalData(t *testing.T) {
	f := newFixture(t)
	s := newShop(t, f)
	ctx := context.Background()
	email := mailpittest.Address(t)
	const name, phone = "Xiomara Quintero Erazo", "3157654321"
	variant := s.variant(t, f, "taller-borrado")

	// A guest order before signing up, with the same email: it is the person's too.
	guest := s.place(t, 0, variant, email, name, phone)
	s.complete(t, guest.ID)
	u, err := s.svc.Register(ctx, RegisterInput{Email: email, Name: name, Password: strongPassword, Lang: "en",
		AcceptPolicy: true, PolicyVersion: "2026-01", IP: "198.51.100.23"})
	if err != nil {
		t.Fatal(err)
	}
	own := s.place(t, u.ID, variant, strings.ToUpper(email), name, phone)
	s.complete(t, own.ID)
	if _, err := s.orders.RecordRefund(ctx, s.admin, own.ID, 1000000, "DEV-0001", nil); err != nil {
		t.Fatalf("refund: %v", err)
	}
	if _, err := s.svc.CreateSession(ctx, u.ID, "198.51.100.24", "Firefox de "+name); err != nil {
		t.Fatal(err)
	}
	if err := s.svc.RequestReset(ctx, email, "en"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.orders.Add(ctx, "", u.ID, variant, "2"); err != nil {
		t.Fatal(err)
	}
	if err := s.svc.RequestDeletion(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	ps, err := s.svc.PendingDeletions(ctx)
	if err != nil || !slices.ContainsFunc(ps, func(p PendingDeletion) bool { return p.UserID == u.ID && p.Email == email && p.Name == name }) {
		t.Fatalf("pending deletions = %+v, %v; want the request of %s", ps, err, email)
	}

	// An order still in progress needs the address: refused, nothing written.
	open := s.place(t, u.ID, variant, email, name, phone)
	_, err = s.svc.DeletePersonalData(ctx, s.admin, u.ID)
	wantErr(t, err, apperr.Conflict, keyEraseOpenOrders)
	if got, _ := s.svc.UserByID(ctx, u.ID); got.Email != email {
		t.Fatalf("refused deletion changed the user: %+v", got)
	}
	if _, err := s.orders.Cancel(ctx, s.admin, open.ID, "pedido de prueba"); err != nil {
		t.Fatal(err)
	}
	wantReconciled(t, s.led)
	waitDelivered(t, f.db)
	before := books(t, f.db)
	var consentsBefore string
	if err := f.db.Get(&consentsBefore, `SELECT string_agg(concat_ws('|', what, policy_version, accepted_at), ',') FROM consents WHERE user_id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}

	res, err := s.svc.DeletePersonalData(ctx, s.admin, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Already || res.Orders != 3 {
		t.Fatalf("erasure = %+v, want 3 orders anonymised", res)
	}

	for _, needle := range []string{email, name, phone, "Carrera 45 # 12-34", "198.51.100.23", "198.51.100.24", "198.51.100.77"} {
		if l := leaks(t, f.db, needle); len(l) > 0 {
			t.Errorf("%q still in %v", needle, l)
		}
	}
	if after := books(t, f.db); after != before {
		t.Errorf("accounting records changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	wantReconciled(t, s.led)
	var consentsAfter string
	if err := f.db.Get(&consentsAfter, `SELECT string_agg(concat_ws('|', what, policy_version, accepted_at), ',') FROM consents WHERE user_id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if consentsAfter != consentsBefore || consentsAfter == "" {
		t.Errorf("consents = %q, want %q kept", consentsAfter, consentsBefore)
	}
	for table, n := range map[string]int{
		"sessions":       f.count(t, `SELECT count(*) FROM sessions WHERE user_id = $1`, u.ID),
		"account_tokens": f.count(t, `SELECT count(*) FROM account_tokens WHERE user_id = $1`, u.ID),
		"carts":          f.count(t, `SELECT count(*) FROM carts WHERE user_id = $1`, u.ID),
		"open requests":  f.count(t, `SELECT count(*) FROM deletion_requests WHERE user_id = $1 AND handled_at IS NULL`, u.ID),
	} {
		if n != 0 {
			t.Errorf("%s: %d rows left", table, n)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM orders WHERE user_id = $1 AND email = $2`, u.ID, ErasedEmail(u.ID)); n != 2 {
		t.Errorf("%d orders of the user with the placeholder email, want 2", n)
	}
	ps, _ = s.svc.PendingDeletions(ctx)
	if slices.ContainsFunc(ps, func(p PendingDeletion) bool { return p.UserID == u.ID }) {
		t.Errorf("request still pending: %+v", ps)
	}

	// The person cannot log in, by the old address or the placeholder.
	for _, e := range []string{email, ErasedEmail(u.ID)} {
		_, err := s.svc.Authenticate(ctx, e, strongPassword, "203.0.113.5")
		wantErr(t, err, apperr.Unauthorized, "")
	}

	// Again: nothing changes, no second email, no second audit entry.
	res, err = s.svc.DeletePersonalData(ctx, s.admin, u.ID)
	if err != nil || !res.Already {
		t.Fatalf("repeat = %+v, %v; want already done", res, err)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'user.erase' AND entity_id = $1`, fmt.Sprint(u.ID)); n != 1 {
		t.Errorf("%d user.erase audit entries, want 1", n)
	}
	m := mailpittest.WaitFor(t, email, 15*time.Second)
	if n := f.count(t, `SELECT (SELECT count(*) FROM river_job WHERE args->>'template' = 'account_deleted')
		+ (SELECT count(*) FROM email_outbox WHERE message->>'template' = 'account_deleted')`); n != 1 {
		t.Errorf("%d deletion emails queued, want 1", n)
	}
	deleted := 0
	for _, id := range mailpittest.IDs(t, email) {
		if mm := mailpittest.Get(t, id); mm.Subject == "Your account and personal data are deleted" {
			deleted++
			m = mm
		}
	}
	if deleted != 1 {
		t.Fatalf("%d deletion emails delivered to %s, want 1 (in English)", deleted, email)
	}
	if !strings.Contains(m.Text, baseURL+"/en/privacy") || !strings.Contains(m.Text, "Xiomara") {
		t.Errorf("deletion email text:\n%s", m.Text)
	}
}

func TestDeletePersonalDataLeadAndCorporate(t *testing.T) {
	f := newFixture(t)
	s := newShop(t, f)
	ctx := context.Background()

	// A workshop lead: the workshop stays, the person goes.
	lead := f.register(t, "lider-borrar@example.org")
	ws := f.workshop(t, "taller-del-lider")
	if err := s.svc.SetRole(ctx, s.admin, lead.ID, RoleLead, []int64{ws}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.DeletePersonalData(ctx, s.admin, lead.ID); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM workshops WHERE id = $1 AND name = 'taller-del-lider'`, ws); n != 1 {
		t.Errorf("workshop gone or renamed")
	}
	if n := f.count(t, `SELECT count(*) FROM workshop_members WHERE user_id = $1`, lead.ID); n != 0 {
		t.Errorf("lead still a member of %d workshops", n)
	}
	if l := leaks(t, f.db, "lider-borrar@example.org"); len(l) > 0 {
		t.Errorf("lead's email still in %v", l)
	}

	// A corporate client who is their company's contact: the company and its quote stay.
	corp := f.register(t, "compras-borrar@example.org")
	var company, quoteID int64
	if err := f.db.Get(&company, `INSERT INTO companies (name, nit, status, city, contact_name, contact_phone, contact_email)
		VALUES ('Textiles Borrables S.A.S.', '900123456-8', 'approved', 'Cali', 'Ana Pérez', '3201112233', 'Compras-Borrar@example.org') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := s.svc.SetRole(ctx, s.admin, corp.ID, RoleCorporate, nil, company); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Get(&quoteID, `INSERT INTO quotes (number, company_id, requested_by, deadline, delivery_city, notes)
		VALUES ('COT-2026-00901', $1, $2, '2026-06-01', 'Cali', 'Llamar a Ana Pérez al 3201112233') RETURNING id`, company, corp.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`INSERT INTO quote_messages (quote_id, author_id, staff, body) VALUES ($1, $2, false, 'Soy Ana Pérez, escríbanme a compras-borrar@example.org')`,
		quoteID, corp.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.DeletePersonalData(ctx, s.admin, corp.ID); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM quotes WHERE id = $1 AND company_id = $2 AND requested_by = $3 AND number = 'COT-2026-00901'`,
		quoteID, company, corp.ID); n != 1 {
		t.Errorf("the company's quote changed hands or is gone")
	}
	if n := f.count(t, `SELECT count(*) FROM companies WHERE id = $1 AND name = 'Textiles Borrables S.A.S.' AND contact_email = ''`, company); n != 1 {
		t.Errorf("company gone, renamed or still holding the contact")
	}
	for _, needle := range []string{"compras-borrar@example.org", "Ana Pérez", "3201112233"} {
		if l := leaks(t, f.db, needle); len(l) > 0 {
			t.Errorf("%q still in %v", needle, l)
		}
	}

	// Staff accounts and one's own account are refused.
	_, err := s.svc.DeletePersonalData(ctx, s.admin, s.admin.ID)
	wantErr(t, err, apperr.Invalid, keyEraseSelf)
	other, err := s.svc.CreateUser(ctx, "otra-admin@example.org", "Otra Admin", RoleAdmin, strongPassword)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.svc.DeletePersonalData(ctx, s.admin, other.ID)
	wantErr(t, err, apperr.Conflict, keyEraseStaff)
}
