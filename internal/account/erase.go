package account

// Carrying out a deletion request (Ley 1581 de 2012, art. 8 e) and 15: the right to
// have one's data deleted). What goes and what stays:
//
// Erased: the person's name, email (replaced by deleted-<id>@invalid, unique and
// undeliverable: .invalid is reserved by RFC 2606), password hash, email verification,
// sessions, single-use tokens, cart, workshop memberships, counted login failures, the
// IP of each consent, and every copy of their email, name or phone in the audit log,
// in order events and staff flags, in the quotes they wrote (messages, notes) and in a
// company's contact when they were that contact. Already-delivered emails to them are
// dropped from the job queue.
//
// Kept, anonymised: the users row (id, role, company, dates) so the foreign keys of
// orders, quotes and audit entries hold; their orders with what accounting needs:
// number, dates, status, lines, amounts, taxes, payment method and references,
// refunds and ledger entries (untouched: append-only). The shopper's name, email, phone,
// street address, notes and consent IP on those orders are anonymised; the city and
// department stay, because the place of sale decides the municipal tax (ICA) and the
// shipping charged, and they identify nobody on their own. Why orders are kept at all:
// Colombian law makes merchants keep their books and supporting documents for ten
// years (Código de Comercio art. 60, Ley 962 de 2005 art. 28); a sale to a consumer
// needs no buyer identity to be documented (DIAN lets an invoice name the "consumidor
// final"), so the amounts stay and the person goes. This is the foundation's decision
// to confirm with its accountant (COLOMBIA.md: the lawyer has the last word); an
// electronic invoice already issued through DIAN's provider lives outside this store.
//
// Consent records stay (what, policy version, when) as proof that processing had an
// authorization while it lasted; their IP is cleared. A corporate client's quotes
// belong to the company and stay; a workshop lead's workshop stays.
//
// Refused: erasing staff (admins' names are in append-only accounting records as the
// people who made payouts and refunds; demote the account first) and erasing a person
// with orders still open (unpaid, paid or shipped: the address is needed to deliver or
// to cancel; finish or cancel them first).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/notify"
)

// Message keys of erasure.
const (
	keyEraseStaff      = "account.erase.staff"
	keyEraseOpenOrders = "account.erase.open_orders"
	keyEraseSelf       = "account.erase.self"
)

// openOrderStatuses are the order statuses (package order) of an order still in
// progress: its address is needed until it is delivered, cancelled or refunded.
var openOrderStatuses = pq.StringArray{"pending_payment", "awaiting_payment", "paid", "shipped"}

// ErasedEmail is the placeholder that replaces an erased user's email: unique per user
// and undeliverable.
func ErasedEmail(userID int64) string { return "deleted-" + strconv.FormatInt(userID, 10) + "@invalid" }

// erasedName replaces the name on the user and their orders.
func erasedName(userID int64) string { return "deleted-" + strconv.FormatInt(userID, 10) }

// IsErased reports whether u's personal data has been deleted.
func (u User) IsErased() bool { return u.Email == ErasedEmail(u.ID) }

// PendingDeletion is an open deletion request with who asked.
type PendingDeletion struct {
	UserID      int64     `db:"user_id"`
	Email       string    `db:"email"`
	Name        string    `db:"name"`
	Role        Role      `db:"role"`
	RequestedAt time.Time `db:"requested_at"`
}

// PendingDeletions lists the open deletion requests, oldest first (Ley 1581 gives the
// store 15 business days to answer).
func (s *Service) PendingDeletions(ctx context.Context) ([]PendingDeletion, error) {
	const sel = `SELECT d.user_id, u.email, u.name, u.role, d.requested_at
		FROM deletion_requests d JOIN users u ON u.id = d.user_id
		WHERE d.handled_at IS NULL ORDER BY d.requested_at, d.id`
	out := []PendingDeletion{}
	if err := sqlx.SelectContext(ctx, s.db, &out, sel); err != nil {
		return nil, fmt.Errorf("pending deletion requests: %w", db.Translate(err))
	}
	return out, nil
}

// PendingDeletion returns the open deletion request of a user (not found when there is
// none).
func (s *Service) PendingDeletion(ctx context.Context, userID int64) (PendingDeletion, error) {
	const sel = `SELECT d.user_id, u.email, u.name, u.role, d.requested_at
		FROM deletion_requests d JOIN users u ON u.id = d.user_id
		WHERE d.handled_at IS NULL AND d.user_id = $1`
	var p PendingDeletion
	if err := sqlx.GetContext(ctx, s.db, &p, sel, userID); err != nil {
		return PendingDeletion{}, fmt.Errorf("deletion request of user %d: %w", userID, db.Translate(err))
	}
	return p, nil
}

// Erasure says what DeletePersonalData did.
type Erasure struct {
	// Already is true when the person's data had been deleted before: nothing changed
	// and no email was sent.
	Already bool
	// Orders is how many orders were anonymised.
	Orders int
}

// DeletePersonalData carries out a person's deletion (see the comment at the top of
// this file for what goes and what stays), in one transaction with an audit entry: it
// marks their open deletion request handled and emails them, at the address being
// erased and in their language, that it is done. Repeating it changes nothing.
func (s *Service) DeletePersonalData(ctx context.Context, actor audit.Actor, userID int64) (Erasure, error) {
	if actor.ID == userID {
		return Erasure{}, apperr.New(apperr.Invalid, keyEraseSelf)
	}
	if s.mail == nil {
		return Erasure{}, errNoMailer
	}
	var res Erasure
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		r, err := userByID(ctx, tx, userID, true)
		if err != nil {
			return err
		}
		if r.user().IsErased() {
			res.Already = true
			return nil
		}
		if r.Role == RoleAdmin {
			return apperr.New(apperr.Conflict, keyEraseStaff)
		}
		var open int
		const openSQL = `SELECT count(*) FROM orders
			WHERE (user_id = $1 OR lower(email) = lower($2)) AND status::text = ANY($3)`
		if err := tx.GetContext(ctx, &open, openSQL, userID, r.Email, openOrderStatuses); err != nil {
			return fmt.Errorf("open orders: %w", db.Translate(err))
		}
		if open > 0 {
			return apperr.New(apperr.Conflict, keyEraseOpenOrders)
		}
		n, err := s.erase(ctx, tx, r)
		if err != nil {
			return err
		}
		res.Orders = n
		lang := normLang(r.Lang)
		m := notify.Message{To: r.Email, Lang: lang, Template: "account_deleted",
			Data: map[string]any{"Name": r.Name, "Link": s.opts.BaseURL + privacyPath(lang)}}
		if err := s.mail.Enqueue(ctx, tx, m); err != nil {
			return fmt.Errorf("enqueue account_deleted: %w", err)
		}
		// The entry names the person by id only: it must not bring back what it records
		// the deletion of.
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "user.erase", Entity: "user",
			EntityID: idStr(userID), Summary: fmt.Sprintf("%s: personal data deleted, %d orders anonymised", ErasedEmail(userID), n)})
	})
	if err != nil {
		return Erasure{}, fmt.Errorf("delete personal data of user %d: %w", userID, err)
	}
	return res, nil
}

// privacyPath is the data policy's page (package accounts' paths).
func privacyPath(lang string) string {
	if lang == "en" {
		return "/en/privacy"
	}
	return "/privacidad"
}

// erase runs the statements of a deletion on the locked user r and returns how many
// orders it anonymised.
func (s *Service) erase(ctx context.Context, tx *sqlx.Tx, r userRow) (int, error) {
	id, now := r.ID, s.now()
	email, name := ErasedEmail(id), erasedName(id)
	// The orders' phones, collected before they are erased, so copies elsewhere go too.
	var phones []string
	const phonesSQL = `SELECT DISTINCT phone FROM orders
		WHERE (user_id = $1 OR lower(email) = lower($2)) AND length(phone) >= 6`
	if err := tx.SelectContext(ctx, &phones, phonesSQL, id, r.Email); err != nil {
		return 0, fmt.Errorf("phones: %w", db.Translate(err))
	}
	// Companies whose contact is the person: their contact fields go, and so do copies
	// of the contact's phone.
	var contacts []struct {
		ID    int64  `db:"id"`
		Phone string `db:"contact_phone"`
	}
	const contactsSQL = `SELECT id, contact_phone FROM companies WHERE lower(contact_email) = lower($1)`
	if err := tx.SelectContext(ctx, &contacts, contactsSQL, r.Email); err != nil {
		return 0, fmt.Errorf("company contacts: %w", db.Translate(err))
	}
	related := pq.StringArray{}
	for _, c := range contacts {
		related = append(related, "company:"+strconv.FormatInt(c.ID, 10))
		if len(c.Phone) >= 6 {
			phones = append(phones, c.Phone)
		}
	}
	var orderIDs pq.Int64Array
	const ordersSQL = `UPDATE orders SET email = $3, name = $4, phone = '', address_line = '', notes = '', policy_ip = ''
		WHERE user_id = $1 OR lower(email) = lower($2) RETURNING id`
	if err := tx.SelectContext(ctx, &orderIDs, ordersSQL, id, r.Email, email, name); err != nil {
		return 0, fmt.Errorf("anonymise orders: %w", db.Translate(err))
	}
	stmts := []struct {
		what string
		sql  string
		args []any
	}{
		{"user", `UPDATE users SET email = $2, name = $3, password_hash = NULL, email_verified_at = NULL,
			disabled_at = coalesce(disabled_at, $4) WHERE id = $1`, []any{id, email, name, now}},
		{"sessions", `DELETE FROM sessions WHERE user_id = $1`, []any{id}},
		{"tokens", `DELETE FROM account_tokens WHERE user_id = $1`, []any{id}},
		{"cart", `DELETE FROM carts WHERE user_id = $1`, []any{id}},
		{"memberships", `DELETE FROM workshop_members WHERE user_id = $1`, []any{id}},
		{"login failures", `DELETE FROM login_failures WHERE key = $1`, []any{"email:" + strings.ToLower(r.Email)}},
		{"consents", `UPDATE consents SET ip = '' WHERE user_id = $1`, []any{id}},
		{"deletion request", `UPDATE deletion_requests SET handled_at = $2 WHERE user_id = $1 AND handled_at IS NULL`, []any{id, now}},
		// Asked by email as well (guest_privacy.go): the links and a guest request of the address.
		{"deletion links", `DELETE FROM guest_tokens WHERE email = $1`, []any{r.Email}},
		{"guest request", `UPDATE deletion_requests SET handled_at = coalesce(handled_at, $2), email = $3
			WHERE user_id IS NULL AND email = $1`, []any{r.Email, now, email}},
		{"company contact", `UPDATE companies SET contact_name = '', contact_email = '', contact_phone = ''
			WHERE lower(contact_email) = lower($1)`, []any{r.Email}},
		// Emails already delivered to the person: the queue keeps them a day.
		{"sent emails", `DELETE FROM river_job WHERE kind = 'email' AND state IN ('completed', 'cancelled', 'discarded')
			AND lower(args->>'to') = lower($1)`, []any{r.Email}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return 0, fmt.Errorf("erase %s: %w", st.what, db.Translate(err))
		}
	}
	for _, o := range orderIDs {
		related = append(related, "order:"+strconv.FormatInt(o, 10))
	}
	if err := scrubCopies(ctx, tx, r.ID, r.Email, []string{r.Name}, email, name, phones, orderIDs, related); err != nil {
		return 0, err
	}
	return len(orderIDs), nil
}

// scrubCopies replaces copies of the person's email (oldEmail), names and phones in
// free text: the email wherever it appears in the audit log (it is distinctive), the
// names and phones only in the rows about the person (a short name like "Ana" would
// damage others' text). id is the person's user id (-1 for a guest: no user).
// related names the audit entities about the person besides their user ("order:12",
// "company:3").
func scrubCopies(ctx context.Context, tx *sqlx.Tx, id int64, oldEmail string, oldNames []string, email, name string, phones []string, orderIDs pq.Int64Array, related pq.StringArray) error {
	type pair struct{ old, new string }
	pairs := []pair{{oldEmail, email}}
	for _, n := range oldNames {
		if len(strings.TrimSpace(n)) >= 3 {
			pairs = append(pairs, pair{n, name})
		}
	}
	for _, p := range phones {
		pairs = append(pairs, pair{p, ""})
	}
	idText := idStr(id)
	for _, p := range pairs {
		// Case-insensitive literal patterns: an email is the same address in any case.
		pat, jpat := regexp.QuoteMeta(p.old), regexp.QuoteMeta(jsonText(p.old))
		jn := jsonText(p.new)
		isEmail := strings.EqualFold(p.old, oldEmail)
		// Audit entries: by or about the person or their orders, or (for the email)
		// any entry holding it.
		const auditSQL = `UPDATE audit_log SET actor_email = regexp_replace(actor_email, $1, $2, 'gi'),
				summary = regexp_replace(summary, $1, $2, 'gi'),
				before = regexp_replace(before::text, $3, $4, 'gi')::jsonb, after = regexp_replace(after::text, $3, $4, 'gi')::jsonb
			WHERE ($8 OR actor_id = $5 OR (entity = 'user' AND entity_id = $6) OR entity || ':' || entity_id = ANY($7))
			  AND (actor_email ~* $1 OR summary ~* $1 OR coalesce(before::text ~* $3, false) OR coalesce(after::text ~* $3, false))`
		if _, err := tx.ExecContext(ctx, auditSQL, pat, p.new, jpat, jn, id, idText, related, isEmail); err != nil {
			return fmt.Errorf("scrub audit log: %w", db.Translate(err))
		}
		byOrder := []struct{ what, sql string }{
			{"order events", `UPDATE order_events SET actor = regexp_replace(actor, $1, $2, 'gi'), detail = regexp_replace(detail, $1, $2, 'gi')
				WHERE order_id = ANY($3) AND (actor ~* $1 OR detail ~* $1)`},
			{"order flags", `UPDATE orders SET flag_reason = regexp_replace(flag_reason, $1, $2, 'gi')
				WHERE id = ANY($3) AND flag_reason ~* $1`},
		}
		for _, st := range byOrder {
			if _, err := tx.ExecContext(ctx, st.sql, pat, p.new, orderIDs); err != nil {
				return fmt.Errorf("scrub %s: %w", st.what, db.Translate(err))
			}
		}
		byAuthor := []struct{ what, sql string }{
			{"quote messages", `UPDATE quote_messages SET body = regexp_replace(body, $1, $2, 'gi')
				WHERE author_id = $3 AND body ~* $1`},
			{"quote notes", `UPDATE quotes SET notes = regexp_replace(notes, $1, $2, 'gi'), delivery_note = regexp_replace(delivery_note, $1, $2, 'gi')
				WHERE requested_by = $3 AND (notes ~* $1 OR delivery_note ~* $1)`},
		}
		for _, st := range byAuthor {
			if _, err := tx.ExecContext(ctx, st.sql, pat, p.new, id); err != nil {
				return fmt.Errorf("scrub %s: %w", st.what, db.Translate(err))
			}
		}
	}
	return nil
}

// jsonText is s as it appears inside a JSON string that PostgreSQL prints (no HTML
// escaping), so a replace on jsonb's text finds it.
func jsonText(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	out := strings.TrimSpace(b.String())
	return out[1 : len(out)-1]
}
