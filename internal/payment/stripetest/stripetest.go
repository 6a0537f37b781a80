// Package stripetest lets tests run the payment code against stripe-mock, Stripe's
// official API mock, which `make test` starts (LIBRES_TEST_STRIPE_URL). stripe-mock is
// stateless: it validates each request against Stripe's API description and answers
// with fixtures. So tests put a Recorder in front of it to assert what was sent (and
// to inject faults), and drive state with signed webhook events (SignedEvent).
package stripetest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
)

// Key is a secret key stripe-mock accepts (any sk_test_… does).
const Key = "sk_test_libres"

// URL returns stripe-mock's origin, or skips the test when it is not configured
// (fails under LIBRES_TEST_REQUIRE=1, as in `make test`).
func URL(t testing.TB) string {
	t.Helper()
	v := os.Getenv("LIBRES_TEST_STRIPE_URL")
	if v == "" {
		if os.Getenv("LIBRES_TEST_REQUIRE") == "1" {
			t.Fatal("LIBRES_TEST_STRIPE_URL is not set")
		}
		t.Skip("LIBRES_TEST_STRIPE_URL not set: stripe-mock not configured (run `make test`, or deploy/stripe-mock.sh start DIR)")
	}
	return strings.TrimRight(v, "/")
}

// ClosedURL returns a loopback URL where nothing listens: a provider that is down.
func ClosedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// Request is one request the Recorder saw.
type Request struct {
	Method string
	Path   string
	Form   url.Values // the form-encoded body, as stripe-go sends parameters
	Header http.Header
}

// IdempotencyKey is the request's Idempotency-Key header.
func (r Request) IdempotencyKey() string { return r.Header.Get("Idempotency-Key") }

// fault is what the Recorder does instead of forwarding a request.
type fault struct {
	status      int // answer with this status and body
	contentType string
	body        string
	hang        bool // hold the request until the client gives up
}

// Recorder is a reverse proxy in front of stripe-mock that records every request and
// can fail some instead of forwarding them. Faulted requests are recorded too, so a
// test sees stripe-go's retries.
type Recorder struct {
	t      testing.TB
	proxy  *httputil.ReverseProxy
	stop   chan struct{}
	mu     sync.Mutex
	reqs   []Request
	faults []fault
	down   bool
}

// NewRecorder starts a recording proxy to target (usually URL(t)) and returns it with
// its URL, the provider's APIURL. It stops when the test ends.
func NewRecorder(t testing.TB, target string) (*Recorder, string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		t.Fatalf("stripetest: bad target %q", target)
	}
	r := &Recorder{t: t, proxy: httputil.NewSingleHostReverseProxy(u), stop: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	// Cleanups run last-registered first: release hanging requests, then close.
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(r.stop) })
	return r, srv.URL
}

func (r *Recorder) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	if req.URL.RawQuery != "" { // GET parameters
		q, _ := url.ParseQuery(req.URL.RawQuery)
		for k, v := range q {
			form[k] = append(form[k], v...)
		}
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, Request{Method: req.Method, Path: req.URL.Path, Form: form, Header: req.Header.Clone()})
	down := r.down
	var f *fault
	if !down && len(r.faults) > 0 {
		f = &r.faults[0]
		r.faults = r.faults[1:]
	}
	r.mu.Unlock()

	switch {
	case down:
		// Close the connection without an answer, as a crashed server or a reset would.
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case f != nil && f.hang:
		select {
		case <-req.Context().Done():
		case <-r.stop:
		}
	case f != nil:
		w.Header().Set("Content-Type", f.contentType)
		w.Header().Set("Request-Id", "req_stripetest")
		w.WriteHeader(f.status)
		io.WriteString(w, f.body)
	default:
		r.proxy.ServeHTTP(w, req)
	}
}

// Requests returns the requests seen so far, oldest first.
func (r *Recorder) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.reqs...)
}

// Last returns the latest request, failing the test when there was none.
func (r *Recorder) Last() Request {
	r.t.Helper()
	reqs := r.Requests()
	if len(reqs) == 0 {
		r.t.Fatal("stripetest: no request reached the recorder")
	}
	return reqs[len(reqs)-1]
}

// Reset forgets the recorded requests and pending faults, and brings the backend up.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs, r.faults, r.down = nil, nil, false
}

// FailNext answers the next n requests with status and a Stripe-shaped JSON error
// (type api_error for 5xx, rate_limit_error for 429, invalid_request_error otherwise).
func (r *Recorder) FailNext(n, status int) {
	typ := "invalid_request_error"
	switch {
	case status >= 500:
		typ = "api_error"
	case status == http.StatusTooManyRequests:
		typ = "rate_limit_error"
	}
	body, _ := json.Marshal(map[string]any{"error": map[string]any{
		"type": typ, "message": "stripetest: injected " + http.StatusText(status)}})
	r.FailNextRaw(n, status, "application/json", string(body))
}

// FailNextRaw answers the next n requests with status, contentType and body as given
// (an HTML 502 page from a proxy, say).
func (r *Recorder) FailNextRaw(n, status int, contentType, body string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for range n {
		r.faults = append(r.faults, fault{status: status, contentType: contentType, body: body})
	}
}

// HangNext holds the next n requests without answering until the client gives up
// (its timeout or context) or the test ends.
func (r *Recorder) HangNext(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for range n {
		r.faults = append(r.faults, fault{hang: true})
	}
}

// SetDown makes every request fail on the network (the connection is closed without
// an answer) until SetDown(false) or Reset.
func (r *Recorder) SetDown(down bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down = down
}

// Event builds a Stripe event of type typ around object, in the API version stripe-go
// v76 speaks; tests may change fields before signing it.
func Event(typ string, object map[string]any) map[string]any {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return map[string]any{
		"id":               "evt_test_" + hex.EncodeToString(b[:]),
		"object":           "event",
		"api_version":      stripe.APIVersion,
		"created":          time.Now().Unix(),
		"livemode":         false,
		"pending_webhooks": 1,
		"request":          map[string]any{"id": nil, "idempotency_key": nil},
		"type":             typ,
		"data":             map[string]any{"object": object},
	}
}

// Sign returns the Stripe-Signature header for payload, signed now with secret
// (webhook.GenerateTestSignedPayload).
func Sign(secret string, payload []byte) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret}).Header
}

// SignedEvent returns the body and Stripe-Signature header of a webhook delivery of an
// event of type typ around object, signed with secret.
func SignedEvent(t testing.TB, secret, typ string, object map[string]any) (payload []byte, header string) {
	t.Helper()
	payload, err := json.Marshal(Event(typ, object))
	if err != nil {
		t.Fatal(err)
	}
	return payload, Sign(secret, payload)
}
