// Package donation owns gifts to the foundation made without a purchase: the donation
// record and its number (DON-2026-000045), the donor's data and consent (Ley 1581), the
// two ways to give (a bank transfer staff mark received, a card through the payment
// provider's hosted checkout), refunds, the donor's emails, and the list and CSV staff
// work from. A received gift posts to the ledger's foundation donations account (never
// to a workshop) in the transaction that records it. Message keys are in
// web/locales/*/donations.json ("donation." and "mail.donation_").
package donation

import (
	"crypto/rand"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/payment"
)

// Status is where a donation stands.
type Status string

// The statuses.
const (
	StatusPending  Status = "pending"  // announced; the money has not arrived
	StatusReceived Status = "received" // the money arrived (staff, or the provider's webhook)
	StatusRefunded Status = "refunded" // given back
	// StatusExpired is a card gift whose hosted checkout was never completed within
	// Options.CardExpiry (ExpireDue); a transfer gift never expires.
	StatusExpired Status = "expired"
)

// Statuses lists every status, for filters.
var Statuses = []Status{StatusPending, StatusReceived, StatusRefunded, StatusExpired}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	return s == StatusPending || s == StatusReceived || s == StatusRefunded || s == StatusExpired
}

// Methods are the ways to give.
var Methods = []payment.Method{payment.MethodTransfer, payment.MethodCard}

// DocTypes are the identity documents a certificate may name: cédula de ciudadanía, de
// extranjería, NIT (a company) and passport.
var DocTypes = []string{"CC", "CE", "NIT", "PA"}

// Donation is one gift.
type Donation struct {
	ID             int64          `db:"id"`
	Number         string         `db:"number"`
	Status         Status         `db:"status"`
	Method         payment.Method `db:"method"`
	AmountMinor    int64          `db:"amount_minor"`
	Currency       string         `db:"currency"`
	Name           string         `db:"name"`
	Email          string         `db:"email"`
	DocType        string         `db:"doc_type"`
	DocNumber      string         `db:"doc_number"`
	Anonymous      bool           `db:"anonymous"`
	ConsentVersion string         `db:"consent_version"`
	ConsentAt      time.Time      `db:"consent_at"`
	ConsentIP      string         `db:"consent_ip"`
	Lang           string         `db:"lang"`
	SessionID      *string        `db:"session_id"`
	PaymentRef     string         `db:"payment_ref"`
	RefundRef      string         `db:"refund_ref"`
	CreatedAt      time.Time      `db:"created_at"`
	ReceivedAt     *time.Time     `db:"received_at"`
	RefundedAt     *time.Time     `db:"refunded_at"`
	ExpiredAt      *time.Time     `db:"expired_at"`
}

// Certifiable reports whether staff may issue a donation certificate: the money arrived
// (and stayed) and the donor gave a document number.
func (d Donation) Certifiable() bool {
	return d.Status == StatusReceived && d.DocNumber != ""
}

// cols are donations' columns in Donation's order.
const cols = `id, number, status, method, amount_minor, currency, name, email, doc_type, doc_number, anonymous,
	consent_version, consent_at, consent_ip, lang, session_id, payment_ref, refund_ref, created_at, received_at, refunded_at, expired_at`

// Options configure a Service; zero fields take the defaults.
type Options struct {
	// BaseURL is the site's origin, for links in emails and the card checkout's return.
	BaseURL string
	// Currency of gifts (default "COP").
	Currency string
	// Suggested are the amounts the page offers, in minor units (default COP 20.000,
	// 50.000 and 100.000).
	Suggested []int64
	// Min and Max bound a gift, in minor units (default COP 5.000 and 20.000.000).
	Min, Max int64
	// PolicyVersion is the data-processing policy the consent box accepts (default
	// "2026-01").
	PolicyVersion string
	// Instructions are the bank-transfer instructions by language ("es", "en"): the
	// orders' transfer instructions.
	Instructions map[string]string
	// Card takes card gifts; nil offers the transfer only.
	Card payment.Provider
	// CardExpiry is how long a card gift waits for its hosted checkout to be paid
	// before ExpireDue expires it; its checkout session is opened to close then too
	// (the provider clamps it to its own window: Stripe 30 min to 24 h). Default 24 h.
	CardExpiry time.Duration
	// Ledger receives the donations account's entries (default: a ledger on the pool).
	Ledger *ledger.Ledger
	// LinkKey signs the receipt page links (default: random per process).
	LinkKey []byte
	// Now is the clock; tests move it.
	Now func() time.Time
}

// Service runs the donation use cases; it is safe for concurrent use.
type Service struct {
	db   *sqlx.DB
	mail notify.Enqueuer
	opts Options
}

// New returns a Service on the pool; mail queues the donor's emails.
func New(conn *sqlx.DB, mail notify.Enqueuer, opts Options) *Service {
	if opts.Currency == "" {
		opts.Currency = "COP"
	}
	if len(opts.Suggested) == 0 {
		opts.Suggested = []int64{20_000_00, 50_000_00, 100_000_00}
	}
	if opts.Min <= 0 {
		opts.Min = 5_000_00
	}
	if opts.Max <= 0 {
		opts.Max = 20_000_000_00
	}
	if opts.CardExpiry <= 0 {
		opts.CardExpiry = 24 * time.Hour
	}
	if opts.PolicyVersion == "" {
		opts.PolicyVersion = "2026-01"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if len(opts.LinkKey) == 0 {
		opts.LinkKey = make([]byte, 32)
		_, _ = rand.Read(opts.LinkKey)
	}
	if opts.Ledger == nil {
		opts.Ledger = ledger.New(conn, ledger.Options{Currency: opts.Currency, Now: opts.Now})
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	return &Service{db: conn, mail: mail, opts: opts}
}

// Options returns the effective options (suggested amounts, bounds, card on or off).
func (s *Service) Options() Options { return s.opts }

// CardEnabled reports whether gifts by card are offered.
func (s *Service) CardEnabled() bool { return s.opts.Card != nil }

func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// colombia is the foundation's time zone (UTC-5 all year).
var colombia = time.FixedZone("COT", -5*60*60)
