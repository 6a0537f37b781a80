package hooks_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/payment/stripetest"
	"github.com/libres/storefront/internal/web/hooks"
	"github.com/libres/storefront/internal/web/kit"
	"github.com/libres/storefront/web"
)

const whsec = "whsec_hooks_test"

// sink records the events it is given; fail makes it refuse them.
type sink struct {
	mu     sync.Mutex
	events []payment.Event
	fail   error
}

func (s *sink) ApplyEvent(_ context.Context, e payment.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, e)
	return s.fail
}

func (s *sink) got() []payment.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]payment.Event(nil), s.events...)
}

// parser counts the deliveries that reach the real parser.
type parser struct {
	*payment.Stripe
	mu    sync.Mutex
	calls int
}

func (p *parser) ParseEvent(payload []byte, sig string) (payment.Event, error) {
	p.mu.Lock()
	p.calls++
	p.mu.Unlock()
	return p.Stripe.ParseEvent(payload, sig)
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

type fixture struct {
	url    string
	sink   *sink
	parser *parser
	logs   *syncBuf
}

// serve runs the hooks room behind the site's own middleware (request id, logging,
// recovery, security headers, cross-origin protection, the body limit), as site.go
// mounts it, on a real server.
func serve(t *testing.T) fixture {
	t.Helper()
	logs := &syncBuf{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	k, err := kit.New(kit.Options{Log: log, WebFS: web.FS, BaseURL: "https://libres.example.co"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := payment.NewStripe(payment.StripeConfig{SecretKey: stripetest.Key, WebhookSecret: whsec, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{sink: &sink{}, parser: &parser{Stripe: st}, logs: logs}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(k.RequestID, k.LogRequests, k.Recover, k.SecurityHeaders(), k.CrossOrigin(), k.LimitBody(kit.BodyLimit{Method: http.MethodPost, Path: hooks.Path, Max: hooks.MaxBody, Raw: true}))
	h := &hooks.Handler{Log: log, Stripe: f.parser, Sink: f.sink}
	h.Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	f.url = srv.URL + hooks.Path
	return f
}

// post delivers body as Stripe does: JSON, a Stripe-Signature header, no Origin, no
// Sec-Fetch-* (it is not a browser), no cookie.
func post(t *testing.T, url string, body io.Reader, size int64, sig string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
	if sig != "" {
		req.Header.Set("Stripe-Signature", sig)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func completed() map[string]any {
	return map[string]any{"id": "cs_test_a1", "object": "checkout.session", "client_reference_id": "42",
		"metadata": map[string]any{"order_id": "42"}, "payment_intent": "pi_3Libres", "payment_status": "paid",
		"amount_total": 15700000, "currency": "cop"}
}

func TestWebhookAppliesEachDelivery(t *testing.T) {
	f := serve(t)
	payload, sig := stripetest.SignedEvent(t, whsec, "checkout.session.completed", completed())
	for i := range 2 { // Stripe delivers at least once: the sink dedupes, not the handler
		if code, body := post(t, f.url, bytes.NewReader(payload), int64(len(payload)), sig, nil); code != http.StatusOK {
			t.Fatalf("delivery %d: %d %s, want 200", i+1, code, body)
		}
	}
	got := f.sink.got()
	if len(got) != 2 {
		t.Fatalf("sink called %d times for two deliveries, want once per delivery", len(got))
	}
	e := got[0]
	if e.Type != payment.EventCheckoutCompleted || e.OrderID != 42 || !e.Paid || e.PaymentRef != "pi_3Libres" ||
		e.AmountMinor != 15700000 || e.Currency != "COP" || !strings.HasPrefix(e.ID, "evt_") || got[1].ID != e.ID {
		t.Errorf("sink got %+v", got)
	}
}

func TestWebhookRefusals(t *testing.T) {
	payload, sig := stripetest.SignedEvent(t, whsec, "checkout.session.completed", completed())
	huge := bytes.Repeat([]byte("x"), 2<<20)
	tests := []struct {
		name    string
		body    func() io.Reader
		size    int64 // -1: chunked, no Content-Length
		sig     string
		status  int
		parsed  bool // the body reached the parser
		warning string
	}{
		{"2 MB body", func() io.Reader { return bytes.NewReader(huge) }, int64(len(huge)), stripetest.Sign(whsec, huge),
			http.StatusRequestEntityTooLarge, false, "too large"},
		{"2 MB body, chunked", func() io.Reader { return io.MultiReader(bytes.NewReader(huge)) }, -1, stripetest.Sign(whsec, huge),
			http.StatusRequestEntityTooLarge, false, "too large"},
		{"unsigned", func() io.Reader { return bytes.NewReader(payload) }, int64(len(payload)), "",
			http.StatusBadRequest, true, "not a verified Stripe event"},
		{"signed with another secret", func() io.Reader { return bytes.NewReader(payload) }, int64(len(payload)),
			stripetest.Sign("whsec_other", payload), http.StatusBadRequest, true, "not a verified Stripe event"},
		{"tampered", func() io.Reader { return strings.NewReader(strings.Replace(string(payload), `"paid"`, `"unpaid"`, 1)) },
			int64(len(payload)) + 2, sig, http.StatusBadRequest, true, "not a verified Stripe event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := serve(t)
			code, body := post(t, f.url, tt.body(), tt.size, tt.sig, nil)
			if code != tt.status {
				t.Errorf("status = %d %q, want %d", code, body, tt.status)
			}
			if parsed := f.parser.calls > 0; parsed != tt.parsed {
				t.Errorf("body reached the parser: %v, want %v", parsed, tt.parsed)
			}
			if n := len(f.sink.got()); n != 0 {
				t.Errorf("sink called %d times", n)
			}
			if logs := f.logs.String(); !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, tt.warning) {
				t.Errorf("no warning %q logged:\n%s", tt.warning, logs)
			}
		})
	}
}

func TestWebhookIgnoresOtherTypes(t *testing.T) {
	f := serve(t)
	payload, sig := stripetest.SignedEvent(t, whsec, "customer.created", map[string]any{"id": "cus_1", "object": "customer"})
	if code, body := post(t, f.url, bytes.NewReader(payload), int64(len(payload)), sig, nil); code != http.StatusOK {
		t.Errorf("status = %d %q, want 200", code, body)
	}
	if n := len(f.sink.got()); n != 0 {
		t.Errorf("sink called %d times for an ignored type", n)
	}
}

func TestWebhookSinkFailureAsksForRetry(t *testing.T) {
	f := serve(t)
	f.sink.fail = errors.New("database unreachable")
	payload, sig := stripetest.SignedEvent(t, whsec, "charge.refunded", map[string]any{"id": "ch_1", "object": "charge",
		"payment_intent": "pi_3Libres", "amount_refunded": 5000000, "currency": "cop", "metadata": map[string]any{"order_id": "42"}})
	if code, body := post(t, f.url, bytes.NewReader(payload), int64(len(payload)), sig, nil); code != http.StatusInternalServerError {
		t.Errorf("status = %d %q, want 500 so that Stripe delivers again", code, body)
	}
	if logs := f.logs.String(); !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "database unreachable") {
		t.Errorf("sink failure not logged as an error:\n%s", logs)
	}
}

// While the database restarts, a delivery is refused with a 503 (the store is not
// broken, the event comes again later) and no error is logged.
func TestWebhookDatabaseDownAsksForRetryLater(t *testing.T) {
	f := serve(t)
	f.sink.fail = fmt.Errorf("apply payment event: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
	payload, sig := stripetest.SignedEvent(t, whsec, "checkout.session.completed", completed())
	req, err := http.NewRequest(http.MethodPost, f.url, bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Stripe-Signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("status = %d, Retry-After %q; want 503 with Retry-After so that Stripe delivers again", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if logs := f.logs.String(); strings.Contains(logs, "msg=\"webhook event not applied;") {
		t.Errorf("database outage logged as the store's own failure:\n%s", logs)
	}
}

// The site's cross-origin protection stands in front of every POST. Stripe's POST is
// not a browser's (no Origin, no Sec-Fetch-Site), so it passes; a browser's
// cross-site POST to the same URL is still refused, which shows the check is there.
func TestWebhookPassesCrossOriginProtection(t *testing.T) {
	f := serve(t)
	payload, sig := stripetest.SignedEvent(t, whsec, "checkout.session.completed", completed())
	if code, body := post(t, f.url, bytes.NewReader(payload), int64(len(payload)), sig, nil); code != http.StatusOK {
		t.Fatalf("Stripe's POST: %d %q, want 200", code, body)
	}
	code, _ := post(t, f.url, bytes.NewReader(payload), int64(len(payload)), sig,
		map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if code != http.StatusForbidden {
		t.Errorf("a browser's cross-site POST: %d, want 403", code)
	}
	if n := len(f.sink.got()); n != 1 {
		t.Errorf("sink called %d times, want 1 (only Stripe's)", n)
	}
}
