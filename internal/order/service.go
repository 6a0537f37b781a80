package order

import (
	"crypto/rand"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/payment"
)

// ShippingTable prices shipping by department, in minor units.
type ShippingTable struct {
	ByDepartment map[string]int64 // department (as in Departments) -> price
	Default      int64            // any other department
	FreeFrom     int64            // subtotal from which shipping is free; 0: never
}

// Options configure a Service; zero fields take the defaults.
type Options struct {
	// BaseURL is the site's origin, for links in emails.
	BaseURL string
	// CardHold is how long stock stays reserved for a card payment (default 35 minutes:
	// a Stripe Checkout session lives at least 30).
	CardHold time.Duration
	// ManualHold is how long stock stays reserved for a manual payment (default 72 hours).
	ManualHold time.Duration
	// ReminderBefore: a manual-payment order gets one reminder this long before its
	// reservation lapses (default 24 hours).
	ReminderBefore time.Duration
	Shipping       ShippingTable
	// DonationChoices are the amounts offered on the checkout form, in minor units.
	DonationChoices []int64
	// MaxDonation caps a typed donation, in minor units (default COP 5.000.000).
	MaxDonation int64
	// Methods are the payment methods offered (default transfer and cash on delivery;
	// main adds card when a provider is configured).
	Methods []payment.Method
	// ManualInstructions are the payment instructions of manual methods by language
	// ("es", "en"), written into the order-received email and shown on the order page.
	ManualInstructions map[string]string
	// StaffEmail receives the shoppers' Ley 1480 requests (the seller's address).
	StaffEmail string
	// Currency of the catalog's prices (default "COP").
	Currency string
	// LinkKey signs the order page links sent by email (GuestLinkToken); at least 32
	// random bytes, the same for every replica. Empty: a random key per process (links
	// stop working at restart — for tests and demos only).
	LinkKey []byte
	// Ledger receives the sale and refund entries, in the transaction that pays or
	// refunds an order (default: a ledger on the same pool with its default options and
	// this clock).
	Ledger *ledger.Ledger
	// PickupPoints are where shoppers may collect their orders (none: shipping only).
	PickupPoints []PickupPoint
	// PickupUncollectedAfter: a pickup order ready this long and not picked up is
	// flagged for staff (default 14 days).
	PickupUncollectedAfter time.Duration
	// Now is the clock; tests move it.
	Now func() time.Time
}

// Service runs the cart and order use cases; it is safe for concurrent use.
type Service struct {
	db     *sqlx.DB
	mail   notify.Enqueuer
	opts   Options
	stmts  *db.Statements // the cart's and checkout's hot statements, prepared per connection
	notify *notifier      // the checkout's notifications, sent after its commit
	placer *placer        // writes the checkouts of this process, together under load
}

// New returns a Service on the pool.
func New(conn *sqlx.DB, mail notify.Enqueuer, opts Options) *Service {
	if opts.CardHold <= 0 {
		opts.CardHold = 35 * time.Minute
	}
	if opts.ManualHold <= 0 {
		opts.ManualHold = 72 * time.Hour
	}
	if opts.ReminderBefore <= 0 {
		opts.ReminderBefore = 24 * time.Hour
	}
	if opts.MaxDonation <= 0 {
		opts.MaxDonation = 5_000_000 * 100
	}
	if len(opts.Methods) == 0 {
		opts.Methods = []payment.Method{payment.MethodTransfer, payment.MethodCOD}
	}
	if opts.PickupUncollectedAfter <= 0 {
		opts.PickupUncollectedAfter = defaultUncollectedAfter
	}
	if opts.Currency == "" {
		opts.Currency = "COP"
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
	s := &Service{db: conn, mail: mail, opts: opts, stmts: db.NewStatements(conn), notify: &notifier{db: conn}}
	s.placer = &placer{s: s}
	return s
}

// Options returns the effective options (donation choices, methods, shipping table).
func (s *Service) Options() Options { return s.opts }

// now is the clock, truncated to what PostgreSQL stores.
func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }
