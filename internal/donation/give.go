package donation

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/payment"
)

// The form's and the service's message keys (web/locales/*/donations.json).
const (
	keyAmount          = "donation.amount_invalid"     // field amount: not a whole amount
	keyAmountRange     = "donation.amount_range"       // field amount: outside the bounds
	keyMethod          = "donation.method_invalid"     // field method
	keyName            = "donation.name_required"      // field name
	keyEmail           = "donation.email_invalid"      // field email
	keyDocType         = "donation.doc_type_invalid"   // field doc_type
	keyDocNumber       = "donation.doc_number_invalid" // field doc_number
	keyConsent         = "donation.consent_required"   // field consent
	keyNotFound        = "donation.not_found"          // not found
	keyNotPending      = "donation.not_pending"        // conflict: mark received a refunded gift
	keyNotReceived     = "donation.not_received"       // conflict: refund of money not received
	keyCardOff         = "donation.card_off"           // conflict: no card payments configured
	keyCardUnavailable = "donation.card_unavailable"   // conflict: the provider cannot be reached
	keyRefused         = "donation.refund_refused"     // conflict: the provider refused the refund
	keyReference       = "donation.reference_too_long" // field reference
)

// Form is the donation page's form as typed: Amount is a suggested amount in whole
// pesos ("50000") or "other", with Other the amount typed (dots and spaces allowed).
type Form struct {
	Amount, Other string
	Method        string
	Name, Email   string
	DocType       string
	DocNumber     string
	Anonymous     bool
	Consent       bool
	Lang          string
	IP            string
}

// gift is a checked form.
type gift struct {
	amount int64
	method payment.Method
	name   string
	email  string
	doc    [2]string
}

// AmountMinor reads the form's amount in minor units ("50000", "50.000", "$ 50.000",
// "50,000"; money.ParseWholePesos); ok is false when it is not a positive whole amount
// of pesos ("50.000,50" has cents).
func (f Form) AmountMinor() (int64, bool) {
	v := strings.TrimSpace(f.Amount)
	if v == "other" || v == "" {
		v = f.Other
	}
	n, ok := money.ParseWholePesos(v)
	if !ok || n <= 0 {
		return 0, false
	}
	return n, true
}

// Validate checks the form against the service's bounds and methods; the errors map
// field names to message keys.
func (s *Service) validate(f Form) (gift, map[string]string) {
	fe := map[string]string{}
	var g gift
	if n, ok := f.AmountMinor(); !ok {
		fe["amount"] = keyAmount
	} else if n < s.opts.Min || n > s.opts.Max {
		fe["amount"] = keyAmountRange
	} else {
		g.amount = n
	}
	g.method = payment.Method(f.Method)
	if g.method != payment.MethodTransfer && (g.method != payment.MethodCard || s.opts.Card == nil) {
		fe["method"] = keyMethod
	}
	g.name = strings.Join(strings.Fields(f.Name), " ")
	if g.name == "" || utf8.RuneCountInString(g.name) > 120 {
		fe["name"] = keyName
	}
	g.email = strings.TrimSpace(f.Email)
	if a, err := mail.ParseAddress(g.email); err != nil || a.Address != g.email || len(g.email) > 254 {
		fe["email"] = keyEmail
	}
	docType, docNumber := strings.TrimSpace(f.DocType), strings.NewReplacer(".", "", " ", "").Replace(strings.TrimSpace(f.DocNumber))
	switch {
	case docNumber == "":
		// no certificate wanted; a type alone is ignored
	case !slices.Contains(DocTypes, docType):
		fe["doc_type"] = keyDocType
	case len(docNumber) < 4 || len(docNumber) > 20 || strings.Trim(docNumber, "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != "":
		fe["doc_number"] = keyDocNumber
	default:
		g.doc = [2]string{docType, strings.ToUpper(docNumber)}
	}
	if !f.Consent {
		fe["consent"] = keyConsent
	}
	return g, fe
}

// Give records a gift from the form. A transfer is created pending and the donor is
// emailed the bank instructions; a card gift is created pending and a hosted checkout
// is opened (Session.URL: where to send the donor), whose webhook marks it received.
// Bad input is an invalid error with field keys; a provider that cannot be reached is
// a conflict donation.card_unavailable (the gift stays pending, unpaid).
func (s *Service) Give(ctx context.Context, f Form) (Donation, payment.Session, error) {
	g, fe := s.validate(f)
	if len(fe) > 0 {
		return Donation{}, payment.Session{}, apperr.Fields(fe)
	}
	lang := "es"
	if f.Lang == "en" {
		lang = "en"
	}
	var d Donation
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		now := s.now()
		// A form sent twice (a double tap, a retry after a slow answer) is one gift: the
		// same donor's pending gift of the same amount and method from the last few
		// minutes is returned instead of a second one. The lock serialises a donor's
		// submissions.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('donation:' || lower($1)))`, g.email); err != nil {
			return fmt.Errorf("lock donor: %w", db.Translate(err))
		}
		sel := `SELECT ` + cols + ` FROM donations WHERE lower(email) = lower($1) AND amount_minor = $2 AND method = $3
			AND status = $4 AND created_at > $5 ORDER BY id DESC LIMIT 1`
		err := tx.GetContext(ctx, &d, sel, g.email, g.amount, g.method, StatusPending, now.Add(-resubmitWindow))
		if err == nil {
			return nil // a card gift sent again opens the same checkout: the idempotency key is the gift's
		}
		if err = db.Translate(err); apperr.CodeOf(err) != apperr.NotFound {
			return fmt.Errorf("recent gifts of the donor: %w", err)
		}
		var seq int64
		if err := tx.GetContext(ctx, &seq, `SELECT nextval('donation_number_seq')`); err != nil {
			return fmt.Errorf("donation number: %w", db.Translate(err))
		}
		number := fmt.Sprintf("DON-%04d-%06d", now.In(colombia).Year(), seq)
		ins := `INSERT INTO donations (number, status, method, amount_minor, currency, name, email, doc_type, doc_number,
				anonymous, consent_version, consent_at, consent_ip, lang, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $12) RETURNING ` + cols
		if err := tx.GetContext(ctx, &d, ins, number, StatusPending, g.method, g.amount, s.opts.Currency, g.name, g.email,
			g.doc[0], g.doc[1], f.Anonymous, s.opts.PolicyVersion, now, f.IP, lang); err != nil {
			return fmt.Errorf("insert donation: %w", db.Translate(err))
		}
		if err := audit.Record(ctx, tx, audit.Entry{Actor: audit.Actor{Email: g.email}, Action: "donation.create",
			Entity: "donation", EntityID: strconv.FormatInt(d.ID, 10),
			Summary: fmt.Sprintf("%s %d %s by %s", d.Number, d.AmountMinor, d.Currency, d.Method)}); err != nil {
			return err
		}
		if d.Method == payment.MethodTransfer {
			return s.send(ctx, tx, d, mailPending)
		}
		return nil
	})
	if err != nil || d.Method != payment.MethodCard {
		return d, payment.Session{}, err
	}
	sess, err := s.checkout(ctx, d)
	return d, sess, err
}

// checkout opens the hosted card checkout of a pending card gift.
func (s *Service) checkout(ctx context.Context, d Donation) (payment.Session, error) {
	if s.opts.Card == nil {
		return payment.Session{}, apperr.New(apperr.Conflict, keyCardOff)
	}
	name := "Donación a la Fundación Libres"
	if d.Lang == "en" {
		name = "Donation to the Libres Foundation"
	}
	link := s.Link(d)
	sess, err := s.opts.Card.CreateCheckout(ctx, payment.CheckoutRequest{
		DonationID: d.ID, OrderNumber: d.Number, Currency: d.Currency, Email: d.Email, Lang: d.Lang,
		Lines:      []payment.Line{{Name: name + " " + d.Number, UnitMinor: d.AmountMinor, Quantity: 1}},
		SuccessURL: link, CancelURL: s.opts.BaseURL + PagePath(d.Lang),
		ExpiresAt:      d.CreatedAt.Add(s.opts.CardExpiry), // closes when ExpireDue would expire the gift
		IdempotencyKey: "donation-" + strconv.FormatInt(d.ID, 10),
	})
	if err != nil {
		if errors.Is(err, payment.ErrUnavailable) {
			return payment.Session{}, apperr.Wrap(err, apperr.Conflict, keyCardUnavailable)
		}
		return payment.Session{}, fmt.Errorf("card checkout for donation %s: %w", d.Number, err)
	}
	const set = `UPDATE donations SET session_id = $2 WHERE id = $1 AND session_id IS NULL`
	if _, err := s.db.ExecContext(ctx, set, d.ID, sess.ID); err != nil {
		return payment.Session{}, fmt.Errorf("session of donation %s: %w", d.Number, db.Translate(err))
	}
	return sess, nil
}

// resubmitWindow is how long a donor's identical pending gift counts as the same form
// sent again.
const resubmitWindow = 10 * time.Minute

// PagePath is the donation page in lang.
func PagePath(lang string) string {
	if lang == "en" {
		return "/en/donate"
	}
	return "/donar"
}

// ReceiptPath is the receipt page in lang (it takes ?token=).
func ReceiptPath(lang string) string {
	if lang == "en" {
		return "/en/donate/receipt"
	}
	return "/donar/recibo"
}

// Token is the secret of d's receipt page link: the id and an HMAC of it and the number.
func (s *Service) Token(d Donation) string {
	return strconv.FormatInt(d.ID, 10) + "." + base64.RawURLEncoding.EncodeToString(s.mac(d.ID, d.Number))
}

func (s *Service) mac(id int64, number string) []byte {
	m := hmac.New(sha256.New, s.opts.LinkKey)
	fmt.Fprintf(m, "libres-donation-link\x00%d\x00%s", id, number)
	return m.Sum(nil)
}

// Link is the absolute URL of d's receipt page in d's language.
func (s *Service) Link(d Donation) string {
	return s.opts.BaseURL + ReceiptPath(d.Lang) + "?token=" + s.Token(d)
}

// ByToken returns the donation of a receipt link token, or NotFound.
func (s *Service) ByToken(ctx context.Context, token string) (Donation, error) {
	idPart, macPart, ok := strings.Cut(token, ".")
	id, err := strconv.ParseInt(idPart, 10, 64)
	sum, err2 := base64.RawURLEncoding.DecodeString(macPart)
	if !ok || err != nil || err2 != nil || id <= 0 {
		return Donation{}, apperr.New(apperr.NotFound, keyNotFound)
	}
	d, err := s.Get(ctx, id)
	if err != nil {
		return Donation{}, err
	}
	if !hmac.Equal(sum, s.mac(d.ID, d.Number)) {
		return Donation{}, apperr.New(apperr.NotFound, keyNotFound)
	}
	return d, nil
}

// Get returns a donation by id, or NotFound.
func (s *Service) Get(ctx context.Context, id int64) (Donation, error) {
	return get(ctx, s.db, id, false)
}

func get(ctx context.Context, q db.Querier, id int64, lock bool) (Donation, error) {
	sel := `SELECT ` + cols + ` FROM donations WHERE id = $1`
	if lock {
		sel += ` FOR UPDATE`
	}
	var d Donation
	if err := sqlx.GetContext(ctx, q, &d, sel, id); err != nil {
		err = db.Translate(err)
		if apperr.CodeOf(err) == apperr.NotFound {
			return Donation{}, apperr.Wrap(err, apperr.NotFound, keyNotFound)
		}
		return Donation{}, fmt.Errorf("donation %d: %w", id, err)
	}
	return d, nil
}
