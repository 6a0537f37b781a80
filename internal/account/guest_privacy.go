package account

// Deletion requests from guests (Ley 1581 de 2012: every data subject may ask for their
// data to be deleted, not only people with an account). A guest who ordered without an
// account has their name, email, phone and address in their orders; they ask by email:
//
//  1. RequestGuestDeletion: the form answers the same whatever the address, so nobody
//     learns who bought here; when the store holds data for the address (an order or an
//     account) it mails a single-use link there, valid GuestLinkTTL. Throttled per client
//     address (in this process) and per email (in the database).
//  2. ConfirmGuestDeletion: following the link and pressing the button records a
//     deletion request for the address. The link proves the person reads that inbox.
//     An address with an account gets an account request (the same as /cuenta/eliminar);
//     any other a guest request, listed to staff beside the account requests.
//  3. DeleteGuestData: staff carry a guest request out with the same statements as an
//     account's (erase.go): the orders of the address are anonymised, their accounting
//     and the ledger stay, and the person gets a last email saying it is done.
//
// Every step is safe to repeat: a second request while a link is fresh sends another
// (up to the limit), a second press on a used link shows the request already recorded,
// a second erasure changes nothing.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"golang.org/x/time/rate"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/notify"
)

// GuestLinkTTL is how long an emailed deletion link works.
const GuestLinkTTL = 24 * time.Hour

// Limits on asking for deletion links: per email address, counted in the database
// (an inbox cannot be flooded through the form); per client address, in this process
// (a burst, then one a minute).
const (
	maxGuestLinksPerHour = 3
	guestRequestRate     = rate.Limit(1.0 / 60)
	guestRequestBurst    = 5
)

// Message keys of guest requests.
const (
	keyGuestThrottled  = "privacy.request.throttled"
	keyGuestHasAccount = "account.erase.guest_has_account"
	keyGuestNotFound   = "account.erase.request_not_found"
)

// guestPaths are the pages of a guest's request, {es, en}; the web package registers
// its routes from these so the emailed link and the route cannot drift apart.
var guestPaths = map[string][2]string{
	"request": {"/privacidad/solicitud", "/en/privacy/request"},
	"confirm": {"/privacidad/solicitud/confirmar", "/en/privacy/request/confirm"},
}

func guestPath(page, lang string) string {
	if lang == "en" {
		return guestPaths[page][1]
	}
	return guestPaths[page][0]
}

// GuestRequestPath is the page where anyone asks for their data to be deleted, in lang.
func GuestRequestPath(lang string) string { return guestPath("request", lang) }

// GuestConfirmPath is the page the emailed link opens, in lang.
func GuestConfirmPath(lang string) string { return guestPath("confirm", lang) }

// ErasedGuestEmail replaces the email of a guest whose deletion request id was carried
// out: unique per request and undeliverable (.invalid is reserved).
func ErasedGuestEmail(requestID int64) string {
	return "deleted-request-" + strconv.FormatInt(requestID, 10) + "@invalid"
}

func erasedGuestName(requestID int64) string {
	return "deleted-request-" + strconv.FormatInt(requestID, 10)
}

// RequestGuestDeletion mails a deletion link to email, in lang, when the store holds
// data for it, and returns nil whether or not it does (nor whether the per-email limit
// held the mail back). A malformed address is a field error; too many requests from ip
// a TooMany error.
func (s *Service) RequestGuestDeletion(ctx context.Context, email, lang, ip string) error {
	f := fieldErrs{}
	email = checkEmail(f, email)
	if err := f.err(); err != nil {
		return err
	}
	if ip != "" {
		if wait := s.guestRequests.reserve(ip, s.now()); wait > 0 {
			minutes := max(1, int(wait.Round(time.Minute)/time.Minute))
			return &apperr.Error{Code: apperr.TooMany, Key: keyGuestThrottled, Args: []any{minutes}, Err: &throttled{wait}}
		}
	}
	if s.mail == nil {
		return errNoMailer
	}
	lang = normLang(lang)
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		// One request at a time per address, so the per-email count holds under races.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('guest_tokens:' || lower($1)))`, email); err != nil {
			return fmt.Errorf("lock: %w", db.Translate(err))
		}
		var known bool
		const knownSQL = `SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)
			OR EXISTS (SELECT 1 FROM orders WHERE lower(email) = lower($1))`
		if err := tx.GetContext(ctx, &known, knownSQL, email); err != nil {
			return fmt.Errorf("known address: %w", db.Translate(err))
		}
		if !known {
			return nil
		}
		now := s.now()
		var recent int
		const cnt = `SELECT count(*) FROM guest_tokens WHERE email = $1 AND created_at > $2`
		if err := tx.GetContext(ctx, &recent, cnt, email, now.Add(-time.Hour)); err != nil {
			return fmt.Errorf("count links: %w", db.Translate(err))
		}
		if recent >= maxGuestLinksPerHour {
			return nil
		}
		token, hash := newToken()
		const ins = `INSERT INTO guest_tokens (token_hash, email, lang, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`
		if _, err := tx.ExecContext(ctx, ins, hash, email, lang, now, now.Add(GuestLinkTTL)); err != nil {
			return fmt.Errorf("insert link: %w", db.Translate(err))
		}
		m := notify.Message{To: email, Lang: lang, Template: "privacy_guest_link",
			Data: map[string]any{"Link": s.opts.BaseURL + GuestConfirmPath(lang) + "?token=" + token}}
		if err := s.mail.Enqueue(ctx, tx, m); err != nil {
			return fmt.Errorf("enqueue privacy_guest_link: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("request guest deletion link: %w", err)
	}
	return nil
}

// GuestLink is what a deletion link stands for.
type GuestLink struct {
	Email string
	// Recorded is true once the link was used and the request it recorded is still
	// open (a second press, a reload): the page says so instead of refusing the link.
	Recorded bool
	lang     string // the language the link was asked for in
}

// GuestLinkOf checks a deletion link without using it (the confirmation page). An
// unknown, expired or used link whose request is no longer open is not found.
func (s *Service) GuestLinkOf(ctx context.Context, token string) (GuestLink, error) {
	return s.guestLink(ctx, s.db, token, false)
}

// guestLink reads the link's row (locked with lock) and decides what it stands for.
func (s *Service) guestLink(ctx context.Context, q db.Querier, token string, lock bool) (GuestLink, error) {
	invalid := apperr.New(apperr.NotFound, keyTokenInvalid)
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 64 {
		return GuestLink{}, invalid
	}
	sel := `SELECT email, lang, expires_at, used_at FROM guest_tokens WHERE token_hash = $1`
	if lock {
		sel += ` FOR UPDATE`
	}
	var row struct {
		Email     string     `db:"email"`
		Lang      string     `db:"lang"`
		ExpiresAt time.Time  `db:"expires_at"`
		UsedAt    *time.Time `db:"used_at"`
	}
	if err := sqlx.GetContext(ctx, q, &row, sel, hashToken(token)); err != nil {
		if err = db.Translate(err); apperr.CodeOf(err) == apperr.NotFound {
			return GuestLink{}, invalid
		}
		return GuestLink{}, fmt.Errorf("deletion link: %w", err)
	}
	if row.UsedAt == nil {
		if !row.ExpiresAt.After(s.now()) {
			return GuestLink{}, invalid
		}
		return GuestLink{Email: row.Email, lang: row.Lang}, nil
	}
	var open bool
	const openSQL = `SELECT EXISTS (SELECT 1 FROM deletion_requests d LEFT JOIN users u ON u.id = d.user_id
		WHERE d.handled_at IS NULL AND (d.email = $1 OR u.email = $1))`
	if err := sqlx.GetContext(ctx, q, &open, openSQL, row.Email); err != nil {
		return GuestLink{}, fmt.Errorf("open request: %w", db.Translate(err))
	}
	if !open {
		return GuestLink{}, invalid
	}
	return GuestLink{Email: row.Email, Recorded: true, lang: row.Lang}, nil
}

// ConfirmGuestDeletion uses a deletion link and records the request for its address,
// with an audit entry, in one transaction: an account's request when the address has an
// account, a guest request otherwise. Using the link again while the request is open
// records nothing more and reports it recorded.
func (s *Service) ConfirmGuestDeletion(ctx context.Context, token string) (GuestLink, error) {
	var l GuestLink
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		if l, err = s.guestLink(ctx, tx, token, true); err != nil || l.Recorded {
			return err
		}
		now := s.now()
		// Every link of the address is used up: one request, whichever link made it.
		const use = `UPDATE guest_tokens SET used_at = $2 WHERE email = $1 AND used_at IS NULL`
		if _, err := tx.ExecContext(ctx, use, l.Email, now); err != nil {
			return fmt.Errorf("use links: %w", db.Translate(err))
		}
		l.Recorded = true
		r, err := getUserRow(ctx, tx, `u.email = $1`, l.Email, false)
		switch {
		case err == nil:
			const ins = `INSERT INTO deletion_requests (user_id, requested_at, lang) VALUES ($1, $2, $3)
				ON CONFLICT (user_id) WHERE handled_at IS NULL DO NOTHING RETURNING id`
			return recordRequest(ctx, tx, ins, audit.Entry{Actor: audit.Actor{ID: r.ID, Email: r.Email},
				Action: "user.request_deletion", Entity: "user", EntityID: idStr(r.ID), Summary: r.Email + " (by emailed link)"},
				r.ID, now, normLang(r.Lang))
		case apperr.CodeOf(err) == apperr.NotFound:
			const ins = `INSERT INTO deletion_requests (email, requested_at, lang) VALUES ($1, $2, $3)
				ON CONFLICT (email) WHERE handled_at IS NULL AND email IS NOT NULL DO NOTHING RETURNING id`
			return recordRequest(ctx, tx, ins, audit.Entry{Actor: audit.Actor{Email: l.Email},
				Action: "guest.request_deletion", Entity: "deletion_request", Summary: l.Email},
				l.Email, now, l.lang)
		default:
			return err
		}
	})
	if err != nil {
		return GuestLink{}, fmt.Errorf("confirm guest deletion: %w", err)
	}
	return l, nil
}

// recordRequest runs ins (an INSERT … ON CONFLICT DO NOTHING RETURNING id) and, when it
// inserted, records e with the request's id when e has no entity id.
func recordRequest(ctx context.Context, tx *sqlx.Tx, ins string, e audit.Entry, args ...any) error {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, ins, args...); err != nil {
		return fmt.Errorf("insert deletion request: %w", db.Translate(err))
	}
	if len(ids) == 0 {
		return nil // already open
	}
	if e.EntityID == "" {
		e.EntityID = idStr(ids[0])
	}
	return audit.Record(ctx, tx, e)
}

// GuestDeletion is an open deletion request of a guest, with what the store holds for
// its address.
type GuestDeletion struct {
	ID          int64     `db:"id"`
	Email       string    `db:"email"`
	Name        string    `db:"name"` // on the newest order of the address ("" with none)
	Lang        string    `db:"lang"`
	Orders      int       `db:"orders"`
	RequestedAt time.Time `db:"requested_at"`
}

const guestDeletionSQL = `SELECT d.id, d.email, d.lang, d.requested_at,
		coalesce((SELECT o.name FROM orders o WHERE lower(o.email) = lower(d.email) ORDER BY o.created_at DESC, o.id DESC LIMIT 1), '') AS name,
		(SELECT count(*) FROM orders o WHERE lower(o.email) = lower(d.email)) AS orders
	FROM deletion_requests d WHERE d.user_id IS NULL AND d.handled_at IS NULL`

// PendingGuestDeletions lists the open requests of guests, oldest first.
func (s *Service) PendingGuestDeletions(ctx context.Context) ([]GuestDeletion, error) {
	out := []GuestDeletion{}
	if err := sqlx.SelectContext(ctx, s.db, &out, guestDeletionSQL+` ORDER BY d.requested_at, d.id`); err != nil {
		return nil, fmt.Errorf("pending guest deletion requests: %w", db.Translate(err))
	}
	return out, nil
}

// PendingGuestDeletion returns an open guest request (not found when there is none).
func (s *Service) PendingGuestDeletion(ctx context.Context, id int64) (GuestDeletion, error) {
	var g GuestDeletion
	if err := sqlx.GetContext(ctx, s.db, &g, guestDeletionSQL+` AND d.id = $1`, id); err != nil {
		err = db.Translate(err)
		if apperr.CodeOf(err) == apperr.NotFound {
			return GuestDeletion{}, apperr.New(apperr.NotFound, keyGuestNotFound)
		}
		return GuestDeletion{}, fmt.Errorf("guest deletion request %d: %w", id, err)
	}
	return g, nil
}

// DeleteGuestData carries out a guest's deletion request: the orders of the address are
// anonymised like an account's (erase.go says what goes and what stays), in one
// transaction with an audit entry and a last email to the address. Refused while an
// order of the address is in progress, and when the address has an account by now (its
// own request erases the account too). Repeating it changes nothing.
func (s *Service) DeleteGuestData(ctx context.Context, actor audit.Actor, requestID int64) (Erasure, error) {
	if s.mail == nil {
		return Erasure{}, errNoMailer
	}
	var res Erasure
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var d struct {
			Email     *string    `db:"email"`
			Lang      string     `db:"lang"`
			HandledAt *time.Time `db:"handled_at"`
		}
		const sel = `SELECT email, lang, handled_at FROM deletion_requests WHERE id = $1 AND user_id IS NULL FOR UPDATE`
		if err := tx.GetContext(ctx, &d, sel, requestID); err != nil {
			if err = db.Translate(err); apperr.CodeOf(err) == apperr.NotFound {
				return apperr.New(apperr.NotFound, keyGuestNotFound)
			}
			return fmt.Errorf("lock request: %w", err)
		}
		if d.HandledAt != nil || d.Email == nil {
			res.Already = true
			return nil
		}
		email := *d.Email
		var account, open int
		if err := tx.GetContext(ctx, &account, `SELECT count(*) FROM users WHERE email = $1`, email); err != nil {
			return fmt.Errorf("account of the address: %w", db.Translate(err))
		}
		if account > 0 {
			return apperr.New(apperr.Conflict, keyGuestHasAccount)
		}
		const openSQL = `SELECT count(*) FROM orders WHERE lower(email) = lower($1) AND status::text = ANY($2)`
		if err := tx.GetContext(ctx, &open, openSQL, email, openOrderStatuses); err != nil {
			return fmt.Errorf("open orders: %w", db.Translate(err))
		}
		if open > 0 {
			return apperr.New(apperr.Conflict, keyEraseOpenOrders)
		}
		n, err := s.eraseGuest(ctx, tx, requestID, email)
		if err != nil {
			return err
		}
		res.Orders = n
		m := notify.Message{To: email, Lang: normLang(d.Lang), Template: "privacy_guest_deleted",
			Data: map[string]any{"Link": s.opts.BaseURL + privacyPath(normLang(d.Lang))}}
		if err := s.mail.Enqueue(ctx, tx, m); err != nil {
			return fmt.Errorf("enqueue privacy_guest_deleted: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "guest.erase", Entity: "deletion_request",
			EntityID: idStr(requestID), Summary: fmt.Sprintf("%s: personal data deleted, %d orders anonymised", ErasedGuestEmail(requestID), n)})
	})
	if err != nil {
		return Erasure{}, fmt.Errorf("delete personal data of guest request %d: %w", requestID, err)
	}
	return res, nil
}

// eraseGuest runs the statements of a guest's deletion and returns how many orders it
// anonymised. It mirrors erase (erase.go) without the account's own rows.
func (s *Service) eraseGuest(ctx context.Context, tx *sqlx.Tx, requestID int64, oldEmail string) (int, error) {
	email, name := ErasedGuestEmail(requestID), erasedGuestName(requestID)
	var people []struct {
		Name  string `db:"name"`
		Phone string `db:"phone"`
	}
	const peopleSQL = `SELECT DISTINCT name, phone FROM orders WHERE lower(email) = lower($1)`
	if err := tx.SelectContext(ctx, &people, peopleSQL, oldEmail); err != nil {
		return 0, fmt.Errorf("names and phones: %w", db.Translate(err))
	}
	var names, phones []string
	for _, p := range people {
		names = append(names, p.Name)
		if len(p.Phone) >= 6 {
			phones = append(phones, p.Phone)
		}
	}
	var contacts []struct {
		ID    int64  `db:"id"`
		Phone string `db:"contact_phone"`
	}
	const contactsSQL = `SELECT id, contact_phone FROM companies WHERE lower(contact_email) = lower($1)`
	if err := tx.SelectContext(ctx, &contacts, contactsSQL, oldEmail); err != nil {
		return 0, fmt.Errorf("company contacts: %w", db.Translate(err))
	}
	related := pq.StringArray{"deletion_request:" + idStr(requestID)}
	for _, c := range contacts {
		related = append(related, "company:"+idStr(c.ID))
		if len(c.Phone) >= 6 {
			phones = append(phones, c.Phone)
		}
	}
	var orderIDs pq.Int64Array
	const ordersSQL = `UPDATE orders SET email = $2, name = $3, phone = '', address_line = '', notes = '', policy_ip = ''
		WHERE lower(email) = lower($1) RETURNING id`
	if err := tx.SelectContext(ctx, &orderIDs, ordersSQL, oldEmail, email, name); err != nil {
		return 0, fmt.Errorf("anonymise orders: %w", db.Translate(err))
	}
	stmts := []struct {
		what string
		sql  string
		args []any
	}{
		{"links", `DELETE FROM guest_tokens WHERE email = $1`, []any{oldEmail}},
		{"login failures", `DELETE FROM login_failures WHERE key = $1`, []any{emailKey(oldEmail)}},
		{"request", `UPDATE deletion_requests SET handled_at = $2, email = $3 WHERE id = $1`, []any{requestID, s.now(), email}},
		{"company contact", `UPDATE companies SET contact_name = '', contact_email = '', contact_phone = ''
			WHERE lower(contact_email) = lower($1)`, []any{oldEmail}},
		{"sent emails", `DELETE FROM river_job WHERE kind = 'email' AND state IN ('completed', 'cancelled', 'discarded')
			AND lower(args->>'to') = lower($1)`, []any{oldEmail}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return 0, fmt.Errorf("erase %s: %w", st.what, db.Translate(err))
		}
	}
	for _, o := range orderIDs {
		related = append(related, "order:"+idStr(o))
	}
	// -1: no user, so no audit entry is "by" or "about" the person as a user.
	if err := scrubCopies(ctx, tx, -1, oldEmail, names, email, name, phones, orderIDs, related); err != nil {
		return 0, err
	}
	return len(orderIDs), nil
}
