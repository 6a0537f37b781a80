package payment

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
)

// StripeConfig configures the Stripe provider.
type StripeConfig struct {
	SecretKey     string // sk_test_… / sk_live_…
	WebhookSecret string // whsec_…: verifies the events ParseEvent accepts
	APIURL        string // empty: Stripe's own API; stripe-mock's URL in tests
	// HTTPClient carries the API calls; nil gets a client with Timeout. A client without
	// a timeout of its own is given Timeout (a copy: the caller's is not changed).
	HTTPClient *http.Client
	Timeout    time.Duration // per attempt; 0 means 10 s
	Log        *slog.Logger  // nil discards
}

// Stripe takes card payments through Stripe Checkout (stripe-go v76, API version
// 2023-10-16). It holds its own client and backends: stripe-go's package-level key and
// backend are never set, so several values (tests, a second account) can coexist.
type Stripe struct {
	api           *client.API
	webhookSecret string
	log           *slog.Logger
}

var _ Provider = (*Stripe)(nil)

const (
	stripeTimeout = 10 * time.Second
	// stripeRetries is how often stripe-go retries a request that failed on the network,
	// with a 503 or a 409 (it never retries a POST that answered 500). With the
	// idempotency key a retry cannot create a second session or refund.
	stripeRetries = 2
	// Stripe keeps a Checkout Session open from 30 minutes to 24 hours after creation.
	// The margins absorb clock skew, the request's time in flight and stripe-go's retries.
	minSessionLife = 31 * time.Minute
	maxSessionLife = 24*time.Hour - 2*time.Minute
	// expiryStep rounds a clamped expiry, so that a caller's retry with the same
	// idempotency key a little later sends the same expires_at: Stripe refuses a key
	// reused with different parameters.
	expiryStep = 5 * time.Minute
	// maxIdempotencyKey is Stripe's limit on the Idempotency-Key header.
	maxIdempotencyKey = 255
)

// NewStripe builds the provider. It makes no request: a wrong key shows on first use.
func NewStripe(c StripeConfig) (*Stripe, error) {
	if c.SecretKey == "" {
		return nil, errors.New("payment: Stripe needs a secret key")
	}
	if c.WebhookSecret == "" {
		return nil, errors.New("payment: Stripe needs the webhook signing secret (whsec_…)")
	}
	log := c.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = stripeTimeout
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: timeout}
	} else if hc.Timeout == 0 {
		cp := *hc
		cp.Timeout = timeout
		hc = &cp
	}
	// One config per backend: stripe-go fills in a config's URL, so a shared one would
	// send Connect and Uploads calls to the API's host. With APIURL set (stripe-mock)
	// every backend goes there, so nothing in a test can reach the real Stripe.
	backend := func(t stripe.SupportedBackend) stripe.Backend {
		bc := &stripe.BackendConfig{
			HTTPClient:        hc,
			LeveledLogger:     stripeLog{log},
			MaxNetworkRetries: stripe.Int64(stripeRetries),
			EnableTelemetry:   stripe.Bool(false),
		}
		if c.APIURL != "" {
			bc.URL = stripe.String(c.APIURL)
		}
		return stripe.GetBackendWithConfig(t, bc)
	}
	backends := &stripe.Backends{
		API:     backend(stripe.APIBackend),
		Connect: backend(stripe.ConnectBackend),
		Uploads: backend(stripe.UploadsBackend),
	}
	return &Stripe{api: client.New(c.SecretKey, backends), webhookSecret: c.WebhookSecret, log: log}, nil
}

// CreateCheckout creates a Checkout Session in payment mode for the order. Line amounts
// go as price_data in minor units (COP is a two-decimal currency for Stripe: COP 145.000
// is 14500000). The order id is the session's client_reference_id and, with the order
// number, the metadata of the session and of its PaymentIntent (so charges and refunds
// name the order too). ExpiresAt outside Stripe's window (30 min to 24 h from now) is
// clamped, logged, and the value sent is returned in Session.ExpiresAt; a zero
// ExpiresAt leaves Stripe's default (24 h).
func (s *Stripe) CreateCheckout(ctx context.Context, r CheckoutRequest) (Session, error) {
	if err := r.validate(); err != nil {
		return Session{}, err
	}
	ref, meta := r.reference()
	p := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String(ref),
		Locale:            stripe.String(stripeLocale(r.Lang)),
		SuccessURL:        stripe.String(r.SuccessURL),
		CancelURL:         stripe.String(r.CancelURL),
		Metadata:          meta,
		PaymentIntentData: &stripe.CheckoutSessionPaymentIntentDataParams{
			Metadata:    meta,
			Description: stripe.String(r.OrderNumber),
		},
	}
	if r.Email != "" {
		p.CustomerEmail = stripe.String(r.Email)
	}
	currency := strings.ToLower(r.Currency)
	for _, l := range r.Lines {
		pd := &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(l.Name)}
		if l.Description != "" { // Stripe refuses an empty string here
			pd.Description = stripe.String(l.Description)
		}
		p.LineItems = append(p.LineItems, &stripe.CheckoutSessionLineItemParams{
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(currency),
				UnitAmount:  stripe.Int64(l.UnitMinor),
				ProductData: pd,
			},
			Quantity: stripe.Int64(int64(l.Quantity)),
		})
	}
	expires, clamped := sessionExpiry(r.ExpiresAt, time.Now())
	if !expires.IsZero() {
		p.ExpiresAt = stripe.Int64(expires.Unix())
	}
	if clamped {
		s.log.Warn("checkout expiry outside Stripe's window of 30 min to 24 h: clamped, so the session and the reservation expire at different times",
			"order_id", r.OrderID, "quote_payment_id", r.QuotePaymentID, "wanted", r.ExpiresAt.UTC().Format(time.RFC3339), "sent", expires.UTC().Format(time.RFC3339))
	}
	p.Context = ctx
	p.SetIdempotencyKey(r.IdempotencyKey)
	cs, err := s.api.CheckoutSessions.New(p)
	if err != nil {
		return Session{}, classify("create checkout session for "+r.what(), err)
	}
	return Session{ID: cs.ID, URL: cs.URL, ExpiresAt: expires}, nil
}

// Refund returns AmountMinor of the PaymentIntent's payment.
func (s *Stripe) Refund(ctx context.Context, r RefundRequest) (string, error) {
	if err := r.validate(); err != nil {
		return "", err
	}
	p := &stripe.RefundParams{
		PaymentIntent: stripe.String(r.PaymentRef),
		Amount:        stripe.Int64(r.AmountMinor),
		Metadata:      map[string]string{"order_id": strconv.FormatInt(r.OrderID, 10)},
	}
	if r.QuotePaymentID != 0 {
		p.Metadata = map[string]string{"quote_payment_id": strconv.FormatInt(r.QuotePaymentID, 10)}
	}
	if r.DonationID != 0 {
		p.Metadata = map[string]string{"donation_id": strconv.FormatInt(r.DonationID, 10)}
	}
	p.Context = ctx
	p.SetIdempotencyKey(r.IdempotencyKey)
	rf, err := s.api.Refunds.New(p)
	if err != nil {
		return "", classify(fmt.Sprintf("refund %d of %s for %s", r.AmountMinor, r.PaymentRef, r.what()), err)
	}
	return rf.ID, nil
}

// classify wraps ErrUnavailable around what the shopper can only wait out: network
// errors and timeouts, 5xx, 429 and 409 answers (after stripe-go's retries), and
// answers that are not Stripe's JSON (an HTML 502 from a proxy). Other 4xx mean our
// request was wrong: a plain error, a bug to fix. A caller that gave up (context
// canceled) gets its own error back.
func classify(op string, err error) error {
	var se *stripe.Error
	if errors.As(err, &se) {
		code := se.HTTPStatusCode
		if code >= 500 || code == http.StatusTooManyRequests || code == http.StatusConflict {
			return fmt.Errorf("%s: %w: Stripe answered %d (request %s): %s", op, ErrUnavailable, code, se.RequestID, se.Msg)
		}
		return fmt.Errorf("%s: Stripe refused the request, %d %s (%s, request %s): %w", op, code, se.Type, se.Code, se.RequestID, err)
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %w", op, ErrUnavailable, err)
}

// quoteRefPrefix starts the client_reference_id of a quote payment's session
// ("quote-payment-42"), which no order id (a bare number) can be mistaken for.
const quoteRefPrefix = "quote-payment-"

// donationRefPrefix starts the client_reference_id of a donation's session
// ("donation-42").
const donationRefPrefix = "donation-"

// reference is the session's client_reference_id and the metadata of the session and of
// its PaymentIntent (copied to its charges and named by refunds): the order, or the
// quote payment.
func (r CheckoutRequest) reference() (string, map[string]string) {
	if r.DonationID != 0 {
		id := strconv.FormatInt(r.DonationID, 10)
		return donationRefPrefix + id, map[string]string{"donation_id": id, "donation_number": r.OrderNumber}
	}
	if r.QuotePaymentID != 0 {
		id := strconv.FormatInt(r.QuotePaymentID, 10)
		return quoteRefPrefix + id, map[string]string{"quote_payment_id": id, "quote_number": r.OrderNumber}
	}
	id := strconv.FormatInt(r.OrderID, 10)
	return id, map[string]string{"order_id": id, "order_number": r.OrderNumber}
}

// what names the request's order or quote payment in errors and logs.
func (r CheckoutRequest) what() string {
	if r.DonationID != 0 {
		return fmt.Sprintf("donation %d", r.DonationID)
	}
	if r.QuotePaymentID != 0 {
		return fmt.Sprintf("quote payment %d", r.QuotePaymentID)
	}
	return fmt.Sprintf("order %d", r.OrderID)
}

func (r RefundRequest) what() string {
	if r.DonationID != 0 {
		return fmt.Sprintf("donation %d", r.DonationID)
	}
	if r.QuotePaymentID != 0 {
		return fmt.Sprintf("quote payment %d", r.QuotePaymentID)
	}
	return fmt.Sprintf("order %d", r.OrderID)
}

func (r CheckoutRequest) validate() error {
	bad := func(why string) error { return fmt.Errorf("payment: checkout for %s: %s", r.what(), why) }
	switch {
	case btoi(r.OrderID > 0)+btoi(r.QuotePaymentID > 0)+btoi(r.DonationID > 0) != 1:
		return bad("want one of an order id, a quote payment id or a donation id")
	case len(r.Currency) != 3:
		return bad(fmt.Sprintf("currency %q is not an ISO code", r.Currency))
	case len(r.Lines) == 0:
		return bad("no lines")
	case r.SuccessURL == "" || r.CancelURL == "":
		return bad("success and cancel URLs are required")
	case r.IdempotencyKey == "" || len(r.IdempotencyKey) > maxIdempotencyKey:
		return bad("an idempotency key of 1 to 255 characters is required")
	}
	for i, l := range r.Lines {
		if l.Name == "" || l.Quantity < 1 || l.UnitMinor < 0 {
			return bad(fmt.Sprintf("line %d (%q): want a name, a quantity of at least 1 and a unit amount of at least 0", i, l.Name))
		}
	}
	return nil
}

func (r RefundRequest) validate() error {
	bad := func(why string) error { return fmt.Errorf("payment: refund for %s: %s", r.what(), why) }
	switch {
	case r.PaymentRef == "":
		return bad("no payment reference")
	case r.AmountMinor <= 0:
		return bad(fmt.Sprintf("amount %d is not positive", r.AmountMinor))
	case r.IdempotencyKey == "" || len(r.IdempotencyKey) > maxIdempotencyKey:
		return bad("an idempotency key of 1 to 255 characters is required")
	}
	return nil
}

// sessionExpiry fits want into Stripe's window from now. A clamped value is rounded
// to expiryStep (up when too soon, down when too late) so that it stays the same for a
// few minutes of retries.
func sessionExpiry(want, now time.Time) (t time.Time, clamped bool) {
	if want.IsZero() {
		return time.Time{}, false
	}
	lo, hi := now.Add(minSessionLife), now.Add(maxSessionLife)
	switch {
	case want.Before(lo):
		t = lo.Truncate(expiryStep)
		if t.Before(lo) {
			t = t.Add(expiryStep)
		}
		return t, true
	case want.After(hi):
		return hi.Truncate(expiryStep), true
	}
	return want.Truncate(time.Second), false
}

// stripeLocale is Checkout's language for the shopper's: Spanish unless English.
func stripeLocale(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "es"
}

// stripeLog passes stripe-go's messages to slog: retries and errors as warnings,
// request lines as debug. Its debug output (whole response bodies, with shoppers'
// emails) is dropped.
type stripeLog struct{ l *slog.Logger }

func (s stripeLog) Debugf(string, ...any) {}
func (s stripeLog) Infof(format string, v ...any) {
	s.l.Debug("stripe-go: " + fmt.Sprintf(format, v...))
}
func (s stripeLog) Warnf(format string, v ...any) {
	s.l.Warn("stripe-go: " + fmt.Sprintf(format, v...))
}
func (s stripeLog) Errorf(format string, v ...any) {
	s.l.Warn("stripe-go: " + fmt.Sprintf(format, v...))
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
