package payment_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/payment/stripetest"
)

const whsec = "whsec_libres_test"

// logBuf collects a provider's log lines; stripe-go logs from its own goroutines.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newStripe(t *testing.T, apiURL string, timeout time.Duration) (*payment.Stripe, *logBuf) {
	t.Helper()
	logs := &logBuf{}
	s, err := payment.NewStripe(payment.StripeConfig{SecretKey: stripetest.Key, WebhookSecret: whsec, APIURL: apiURL,
		Timeout: timeout, Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	return s, logs
}

// checkout is an order of COP 145.000 for a shirt, plus COP 12.000 shipping.
func checkout(lang string) payment.CheckoutRequest {
	return payment.CheckoutRequest{
		OrderID: 42, OrderNumber: "LIB-2026-000042", Currency: "COP", Email: "ana@example.co", Lang: lang,
		Lines: []payment.Line{
			{Name: "Camisa de lino", UnitMinor: 14500000, Quantity: 1, Description: "Talla M · Taller La Esperanza"},
			{Name: "Envío", UnitMinor: 1200000, Quantity: 1},
		},
		ExpiresAt:  time.Now().Add(45 * time.Minute).Truncate(time.Second),
		SuccessURL: "https://libres.example.co/es/pedido/LIB-2026-000042/gracias?session={CHECKOUT_SESSION_ID}",
		CancelURL:  "https://libres.example.co/es/pedido/LIB-2026-000042",
		// As the order service derives it from the order id.
		IdempotencyKey: "checkout-order-42",
	}
}

func TestCreateCheckoutSendsTheOrder(t *testing.T) {
	for _, lang := range []string{"es", "en"} {
		t.Run(lang, func(t *testing.T) {
			rec, u := stripetest.NewRecorder(t, stripetest.URL(t))
			s, _ := newStripe(t, u, 0)
			r := checkout(lang)
			sess, err := s.CreateCheckout(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(sess.ID, "cs_") || !strings.HasPrefix(sess.URL, "https://") || !sess.ExpiresAt.Equal(r.ExpiresAt) {
				t.Errorf("session = %+v, want a cs_ id, an https URL and the order's expiry %v", sess, r.ExpiresAt)
			}
			reqs := rec.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if got.Method != http.MethodPost || got.Path != "/v1/checkout/sessions" {
				t.Errorf("request = %s %s, want POST /v1/checkout/sessions", got.Method, got.Path)
			}
			want := map[string]string{
				"mode":                                                 "payment",
				"line_items[0][price_data][currency]":                  "cop",
				"line_items[0][price_data][unit_amount]":               "14500000", // COP 145.000, two decimals for Stripe
				"line_items[0][price_data][product_data][name]":        "Camisa de lino",
				"line_items[0][price_data][product_data][description]": "Talla M · Taller La Esperanza",
				"line_items[0][quantity]":                              "1",
				"line_items[1][price_data][currency]":                  "cop",
				"line_items[1][price_data][unit_amount]":               "1200000",
				"line_items[1][price_data][product_data][name]":        "Envío",
				"line_items[1][quantity]":                              "1",
				"customer_email":                                       "ana@example.co",
				"client_reference_id":                                  "42",
				"metadata[order_id]":                                   "42",
				"metadata[order_number]":                               "LIB-2026-000042",
				"payment_intent_data[metadata][order_id]":              "42",
				"payment_intent_data[metadata][order_number]":          "LIB-2026-000042",
				"locale":      lang,
				"expires_at":  strconv.FormatInt(r.ExpiresAt.Unix(), 10),
				"success_url": r.SuccessURL,
				"cancel_url":  r.CancelURL,
			}
			for k, v := range want {
				if g := got.Form.Get(k); g != v {
					t.Errorf("%s = %q, want %q", k, g, v)
				}
			}
			if _, ok := got.Form["line_items[1][price_data][product_data][description]"]; ok {
				t.Error("an empty description was sent (Stripe refuses empty strings)")
			}
			for h, v := range map[string]string{"Idempotency-Key": "checkout-order-42", "Stripe-Version": "2023-10-16",
				"Authorization": "Bearer " + stripetest.Key} {
				if g := got.Header.Get(h); g != v {
					t.Errorf("header %s = %q, want %q", h, g, v)
				}
			}
		})
	}
}

func TestCreateCheckoutRetriesKeepTheKey(t *testing.T) {
	rec, u := stripetest.NewRecorder(t, stripetest.URL(t))
	s, logs := newStripe(t, u, 0)
	r := checkout("es")
	// The caller retries (a double submit, a crash before saving the session): the same
	// key, the same parameters, so Stripe answers with the first session.
	for range 2 {
		if _, err := s.CreateCheckout(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	// stripe-go retries a 503 by itself, with the same key.
	rec.FailNext(1, http.StatusServiceUnavailable)
	if _, err := s.CreateCheckout(context.Background(), r); err != nil {
		t.Fatalf("after one 503: %v", err)
	}
	reqs := rec.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4 (two calls, then a 503 and its retry)", len(reqs))
	}
	for i, q := range reqs {
		if q.IdempotencyKey() != "checkout-order-42" {
			t.Errorf("request %d: Idempotency-Key %q, want checkout-order-42", i, q.IdempotencyKey())
		}
		if q.Form.Get("expires_at") != reqs[0].Form.Get("expires_at") {
			t.Errorf("request %d: expires_at %s differs from the first's %s", i, q.Form.Get("expires_at"), reqs[0].Form.Get("expires_at"))
		}
	}
	if !strings.Contains(logs.String(), "retry") {
		t.Errorf("stripe-go's retry not logged:\n%s", logs)
	}
}

func TestCreateCheckoutClampsExpiry(t *testing.T) {
	tests := []struct {
		name   string
		in     time.Duration
		lo, hi time.Duration
	}{
		{"too soon", 5 * time.Minute, 31 * time.Minute, 36 * time.Minute},
		{"too late", 48 * time.Hour, 23*time.Hour + 50*time.Minute, 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, u := stripetest.NewRecorder(t, stripetest.URL(t))
			s, logs := newStripe(t, u, 0)
			r := checkout("es")
			now := time.Now()
			r.ExpiresAt = now.Add(tt.in)
			sess, err := s.CreateCheckout(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			sent, _ := strconv.ParseInt(rec.Last().Form.Get("expires_at"), 10, 64)
			at := time.Unix(sent, 0)
			if at.Before(now.Add(tt.lo)) || at.After(now.Add(tt.hi)) {
				t.Errorf("expires_at = now%+v, want within now+%v..now+%v", at.Sub(now).Round(time.Second), tt.lo, tt.hi)
			}
			if !sess.ExpiresAt.Equal(at) {
				t.Errorf("Session.ExpiresAt = %v, want what was sent, %v", sess.ExpiresAt, at)
			}
			if !strings.Contains(logs.String(), "clamped") {
				t.Errorf("clamping not logged:\n%s", logs)
			}
		})
	}
}

func TestCreateCheckoutUnavailable(t *testing.T) {
	tests := []struct {
		name     string
		fault    func(*stripetest.Recorder)
		requests int // how many reached the recorder: stripe-go retries some
	}{
		{"500 (a POST is not retried)", func(r *stripetest.Recorder) { r.FailNext(3, 500) }, 1},
		{"503 after retries", func(r *stripetest.Recorder) { r.FailNext(3, 503) }, 3},
		{"429", func(r *stripetest.Recorder) { r.FailNext(3, 429) }, 1},
		// Not Stripe's JSON: stripe-go retries it like a network error.
		{"HTML 502 from a proxy", func(r *stripetest.Recorder) {
			r.FailNextRaw(3, 502, "text/html", "<html><body>Bad Gateway</body></html>")
		}, 3},
		{"hangs past the timeout", func(r *stripetest.Recorder) { r.HangNext(3) }, 3},
		{"connection closed", func(r *stripetest.Recorder) { r.SetDown(true) }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, u := stripetest.NewRecorder(t, stripetest.URL(t))
			s, _ := newStripe(t, u, 300*time.Millisecond)
			tt.fault(rec)
			_, err := s.CreateCheckout(context.Background(), checkout("es"))
			if !errors.Is(err, payment.ErrUnavailable) {
				t.Fatalf("err = %v, want ErrUnavailable", err)
			}
			if n := len(rec.Requests()); n != tt.requests {
				t.Errorf("%d requests reached Stripe, want %d", n, tt.requests)
			}
			for i, q := range rec.Requests() {
				if q.IdempotencyKey() != "checkout-order-42" {
					t.Errorf("attempt %d: Idempotency-Key %q", i, q.IdempotencyKey())
				}
			}
		})
	}
	t.Run("nothing listening", func(t *testing.T) {
		s, _ := newStripe(t, stripetest.ClosedURL(t), time.Second)
		if _, err := s.CreateCheckout(context.Background(), checkout("es")); !errors.Is(err, payment.ErrUnavailable) {
			t.Fatalf("err = %v, want ErrUnavailable", err)
		}
	})
}

func TestCreateCheckoutOurMistakes(t *testing.T) {
	rec, u := stripetest.NewRecorder(t, stripetest.URL(t))
	s, _ := newStripe(t, u, 0)

	// Stripe refusing the request (4xx) is a bug on our side, not an outage.
	rec.FailNext(1, http.StatusBadRequest)
	_, err := s.CreateCheckout(context.Background(), checkout("es"))
	if err == nil || errors.Is(err, payment.ErrUnavailable) {
		t.Errorf("400: err = %v, want a plain error", err)
	}
	// A shopper who left: the caller's own error, not an outage.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = s.CreateCheckout(ctx, checkout("es"))
	if !errors.Is(err, context.Canceled) || errors.Is(err, payment.ErrUnavailable) {
		t.Errorf("canceled: err = %v, want context.Canceled only", err)
	}

	rec.Reset()
	bad := []func(*payment.CheckoutRequest){
		func(r *payment.CheckoutRequest) { r.IdempotencyKey = "" },
		func(r *payment.CheckoutRequest) { r.IdempotencyKey = strings.Repeat("k", 256) },
		func(r *payment.CheckoutRequest) { r.Lines = nil },
		func(r *payment.CheckoutRequest) { r.Lines[0].Quantity = 0 },
		func(r *payment.CheckoutRequest) { r.Lines[1].UnitMinor = -1 },
		func(r *payment.CheckoutRequest) { r.Currency = "pesos" },
		func(r *payment.CheckoutRequest) { r.SuccessURL = "" },
		func(r *payment.CheckoutRequest) { r.OrderID = 0 },
	}
	for i, mutate := range bad {
		r := checkout("es")
		mutate(&r)
		if _, err := s.CreateCheckout(context.Background(), r); err == nil || errors.Is(err, payment.ErrUnavailable) {
			t.Errorf("bad request %d: err = %v, want a plain error", i, err)
		}
	}
	if n := len(rec.Requests()); n != 0 {
		t.Errorf("%d invalid requests were sent to Stripe", n)
	}
}

func TestRefund(t *testing.T) {
	rec, u := stripetest.NewRecorder(t, stripetest.URL(t))
	s, _ := newStripe(t, u, 0)
	r := payment.RefundRequest{OrderID: 42, PaymentRef: "pi_3Libres", AmountMinor: 5000000, Currency: "COP",
		IdempotencyKey: "refund-42-1"}
	id, err := s.Refund(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id, "re_") {
		t.Errorf("refund id = %q, want re_…", id)
	}
	got := rec.Last()
	if got.Method != http.MethodPost || got.Path != "/v1/refunds" {
		t.Errorf("request = %s %s, want POST /v1/refunds", got.Method, got.Path)
	}
	for k, v := range map[string]string{"payment_intent": "pi_3Libres", "amount": "5000000", "metadata[order_id]": "42"} {
		if g := got.Form.Get(k); g != v {
			t.Errorf("%s = %q, want %q", k, g, v)
		}
	}
	if got.IdempotencyKey() != "refund-42-1" {
		t.Errorf("Idempotency-Key = %q, want refund-42-1", got.IdempotencyKey())
	}

	rec.FailNext(3, http.StatusServiceUnavailable)
	if _, err := s.Refund(context.Background(), r); !errors.Is(err, payment.ErrUnavailable) {
		t.Errorf("503s: err = %v, want ErrUnavailable", err)
	}
	for _, bad := range []payment.RefundRequest{
		{OrderID: 42, PaymentRef: "", AmountMinor: 1, IdempotencyKey: "k"},
		{OrderID: 42, PaymentRef: "pi_1", AmountMinor: 0, IdempotencyKey: "k"},
		{OrderID: 42, PaymentRef: "pi_1", AmountMinor: 1},
	} {
		if _, err := s.Refund(context.Background(), bad); err == nil {
			t.Errorf("Refund(%+v) succeeded", bad)
		}
	}
}

func TestNewStripeNeedsSecrets(t *testing.T) {
	for _, c := range []payment.StripeConfig{{WebhookSecret: whsec}, {SecretKey: stripetest.Key}} {
		if _, err := payment.NewStripe(c); err == nil {
			t.Errorf("NewStripe(%+v) succeeded", c)
		}
	}
}

func TestOff(t *testing.T) {
	var p payment.Provider = payment.Off{}
	if _, err := p.CreateCheckout(context.Background(), checkout("es")); !errors.Is(err, payment.ErrUnavailable) {
		t.Errorf("CreateCheckout: %v, want ErrUnavailable", err)
	}
	if _, err := p.Refund(context.Background(), payment.RefundRequest{OrderID: 1}); !errors.Is(err, payment.ErrUnavailable) {
		t.Errorf("Refund: %v, want ErrUnavailable", err)
	}
}
