package metrics_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/metrics"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/hooks"
)

// TestRequestsByRoute: a product page (twice: the second from memory), a page that does
// not exist and a form post show in the request series under their route templates,
// never under a path with its slug; durations are counted with them.
func TestRequestsByRoute(t *testing.T) {
	var slug string
	if err := testDB.Get(&slug, `SELECT p.slug FROM products p JOIN workshops w ON w.id = p.workshop_id
		WHERE p.status = 'active' AND w.active ORDER BY p.id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	product := map[string]string{"route": "/producto/:slug", "method": "GET", "code": "2xx"}
	missing := map[string]string{"route": "unmatched", "method": "GET", "code": "4xx"}
	post := map[string]string{"route": "/carrito", "method": "POST", "code": "4xx"}
	before := scrape(t)

	s := newShopper(t)
	for range 2 {
		if res, _ := s.do(http.MethodGet, "/producto/"+slug, nil, nil); res.StatusCode != http.StatusOK {
			t.Fatalf("product page: %d", res.StatusCode)
		}
	}
	if res, _ := s.do(http.MethodGet, "/no-existe/"+slug, nil, nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("missing page: %d", res.StatusCode)
	}
	if res, _ := s.do(http.MethodPost, "/carrito", map[string][]string{"variant": {"1"}, "quantity": {"0"}}, nil); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("refused cart line: %d, want 422", res.StatusCode)
	}

	after := scrape(t)
	for _, tt := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{{"product page", product, 2}, {"missing page", missing, 1}, {"refused form", post, 1}} {
		for _, fam := range []string{"libres_http_requests_total", "libres_http_request_duration_seconds"} {
			b, _ := value(before, fam, tt.labels)
			a, ok := value(after, fam, tt.labels)
			if !ok || a-b < tt.want {
				t.Errorf("%s: %s%v moved by %v, want %v", tt.name, fam, tt.labels, a-b, tt.want)
			}
		}
	}
	for _, m := range after["libres_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if strings.Contains(l.GetValue(), slug) {
				t.Errorf("a label holds the raw path: %s=%q", l.GetName(), l.GetValue())
			}
		}
	}
	if _, ok := value(after, "libres_http_requests_in_flight", nil); !ok {
		t.Error("no libres_http_requests_in_flight")
	}
	hb, _ := value(before, "libres_page_cache_hits_total", nil)
	ha, _ := value(after, "libres_page_cache_hits_total", nil)
	if ha-hb < 1 {
		t.Errorf("page cache hits moved by %v after a page asked for twice, want at least 1", ha-hb)
	}
	if v, ok := value(after, "libres_page_cache_bytes", nil); !ok || v <= 0 {
		t.Errorf("libres_page_cache_bytes = %v (%v), want the page kept", v, ok)
	}
	for _, fam := range []string{"go_sql_open_connections", "go_sql_wait_count_total", "go_goroutines", "process_resident_memory_bytes"} {
		if after[fam] == nil {
			t.Errorf("no %s (pool, Go and process collectors)", fam)
		}
	}
}

// TestMetricsNotPublic: the store's own listener has no /metrics; the metrics listener
// has nothing but /metrics and wants the token.
func TestMetricsNotPublic(t *testing.T) {
	for _, path := range []string{"/metrics", "/metrics/", "/en/metrics"} {
		res, err := http.Get(publicURL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound || bytes.Contains(body, []byte("libres_http_requests_total")) {
			t.Errorf("public GET %s = %d, want 404 without metrics", path, res.StatusCode)
		}
	}
	for _, tt := range []struct {
		name, path, auth string
		want             int
	}{
		{"no token", "/metrics", "", http.StatusUnauthorized},
		{"wrong token", "/metrics", "Bearer " + token + "x", http.StatusUnauthorized},
		{"token without Bearer", "/metrics", token, http.StatusUnauthorized},
		{"token", "/metrics", "Bearer " + token, http.StatusOK},
		{"another path", "/", "Bearer " + token, http.StatusNotFound},
		{"profiles", "/debug/pprof/", "Bearer " + token, http.StatusNotFound},
	} {
		req, _ := http.NewRequest(http.MethodGet, metricsURL+tt.path, nil)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, res.StatusCode, tt.want)
		}
		if tt.want != http.StatusOK && bytes.Contains(body, []byte("libres_")) {
			t.Errorf("%s: metrics shown without the token", tt.name)
		}
	}
	open := httptest.NewServer(testMetrics.Handler(""))
	defer open.Close()
	res, err := http.Get(open.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("without a token configured: %d, want 200", res.StatusCode)
	}
}

// TestRequestIDFollowsOrderToEmail: an order placed by a POST with a request id gives an
// email job carrying that id, the order and its job show in the gauges, the access log
// line has the id with the route, status and duration, and the worker's line for the
// email names the same id.
func TestRequestIDFollowsOrderToEmail(t *testing.T) {
	before := scrape(t)
	rid := fmt.Sprintf("order-%d", time.Now().UnixNano())
	email := rid + "@libres.test"
	newShopper(t).placeOrder(email, rid)

	var jobID int64
	waitFor(t, "the order's email job", func() bool {
		return testDB.Get(&jobID, `SELECT id FROM river_job WHERE kind = 'email' AND args->>'to' = $1`, email) == nil
	})
	var meta string
	if err := testDB.Get(&meta, `SELECT metadata->>'request_id' FROM river_job WHERE id = $1`, jobID); err != nil || meta != rid {
		t.Errorf("job metadata request_id = %q (%v), want %q", meta, err, rid)
	}

	after := scrape(t)
	pb, _ := value(before, "libres_orders", map[string]string{"status": "pending_payment"})
	pa, _ := value(after, "libres_orders", map[string]string{"status": "pending_payment"})
	if pa-pb != 1 {
		t.Errorf("libres_orders{status=pending_payment} moved by %v, want 1", pa-pb)
	}
	if jb, ja := sum(before, "libres_jobs", map[string]string{"queue": notify.QueueName}), sum(after, "libres_jobs", map[string]string{"queue": notify.QueueName}); ja-jb < 1 {
		t.Errorf("libres_jobs{queue=email} summed moved by %v, want the new job", ja-jb)
	}
	for _, fam := range []string{"libres_job_lag_seconds", "libres_email_outbox_rows"} {
		if after[fam] == nil {
			t.Errorf("no %s", fam)
		}
	}

	access := logs.find(func(r map[string]any) bool { return r["msg"] == "request" && r["request_id"] == rid })
	if len(access) != 1 {
		t.Fatalf("%d access log lines with request_id %s, want 1", len(access), rid)
	}
	if a := access[0]; a["route"] != "/pagar" || a["method"] != "POST" || a["status"] != float64(http.StatusSeeOther) || a["duration"] == nil {
		t.Errorf("access log line %v: want route /pagar, method POST, status 303 and a duration", a)
	}
	if !delivering {
		t.Skip("LIBRES_TEST_SMTP_URL not set: the email is queued, not sent")
	}
	waitFor(t, "the worker's line for the email", func() bool {
		return len(logs.find(func(r map[string]any) bool {
			return r["msg"] == "email sent" && r["request_id"] == rid && r["job"] == float64(jobID)
		})) == 1
	})
}

// TestJobsAndEmailFailures, on a database of its own: an email queued by a process that
// does not deliver (a web-only replica) is an available job with the request id in its
// metadata, which the jobs gauge counts and whose age is the lag; once a worker whose
// mail server does not answer takes it, the failed attempt counts as retried and the
// job shows as retryable.
func TestJobsAndEmailFailures(t *testing.T) {
	conn := dbtest.New(t)
	m := metrics.New(metrics.Options{DB: conn.DB})
	srv := httptest.NewServer(m.Handler(""))
	defer srv.Close()
	scrapeOwn := func() map[string]*dto.MetricFamily {
		t.Helper()
		res, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return fams
	}
	email := map[string]string{"queue": notify.QueueName, "state": "available"}
	if v, ok := value(scrapeOwn(), "libres_jobs", email); !ok || v != 0 {
		t.Fatalf("empty store: libres_jobs%v = %v (%v), want 0", email, v, ok)
	}

	only, err := notify.NewQueue(conn, notify.Options{From: "Libres <no-reply@libres.test>", ShopURL: "http://libres.test"})
	if err != nil {
		t.Fatal(err)
	}
	rid := fmt.Sprintf("queued-%d", time.Now().UnixNano())
	ctx := notify.WithRequestID(context.Background(), rid)
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		return only.Enqueue(ctx, tx, notify.Message{To: "ana@libres.test", Template: "account_reset",
			Data: map[string]any{"Name": "Ana", "Link": "http://libres.test/clave?token=x"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	var meta string
	if err := conn.Get(&meta, `SELECT metadata->>'request_id' FROM river_job`); err != nil || meta != rid {
		t.Fatalf("job metadata request_id = %q (%v), want %q", meta, err, rid)
	}
	conn.MustExec(`UPDATE river_job SET scheduled_at = now() - interval '2 minutes'`)
	fams := scrapeOwn()
	if v, _ := value(fams, "libres_jobs", email); v != 1 {
		t.Errorf("libres_jobs%v = %v, want 1", email, v)
	}
	if v, _ := value(fams, "libres_job_lag_seconds", map[string]string{"queue": notify.QueueName}); v < 120 || v > 3600 {
		t.Errorf("libres_job_lag_seconds = %v, want the waiting email's age (about 120)", v)
	}

	q, err := notify.NewQueue(conn, notify.Options{SMTPURL: "smtp://127.0.0.1:1", From: "Libres <no-reply@libres.test>",
		ShopURL: "http://libres.test", Work: true, PollInterval: 50 * time.Millisecond,
		RetryDelay: func(int) time.Duration { return time.Hour }})
	if err != nil {
		t.Fatal(err)
	}
	q.OnSendFailure(m.EmailFailed)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(sctx)
	})
	// The failure is counted when the send fails; River records the job's new state a
	// moment later (its completer writes states in batches), so wait for both.
	waitFor(t, "the failed attempt counted and the job retryable", func() bool {
		fams := scrapeOwn()
		v, _ := value(fams, "libres_email_failures_total", map[string]string{"kind": "retried"})
		r, _ := value(fams, "libres_jobs", map[string]string{"queue": notify.QueueName, "state": "retryable"})
		return v >= 1 && r == 1
	})
	fams = scrapeOwn()
	if v, _ := value(fams, "libres_jobs", map[string]string{"queue": notify.QueueName, "state": "retryable"}); v != 1 {
		t.Errorf("libres_jobs{state=retryable} = %v after a failed attempt, want 1", v)
	}
	if v, _ := value(fams, "libres_email_failures_total", map[string]string{"kind": "permanent"}); v != 0 {
		t.Errorf("permanent failures = %v, want 0", v)
	}
}

// TestFailureCounters: a webhook with a bad signature, card provider calls that fail
// and email deliveries that fail count under their reasons.
func TestFailureCounters(t *testing.T) {
	m := metrics.New(metrics.Options{})
	srv := httptest.NewServer(m.Handler(""))
	defer srv.Close()
	scrapeOwn := func() string {
		res, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	before := scrapeOwn()
	for _, line := range []string{`libres_webhook_failures_total{reason="signature"} 0`, `libres_email_failures_total{kind="permanent"} 0`,
		`libres_payments_failed_total{operation="refund",reason="unavailable"} 0`} {
		if !strings.Contains(before, line) {
			t.Errorf("not exported at 0 from the start: %s", line)
		}
	}

	stripe, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_metrics", WebhookSecret: "whsec_metrics"})
	if err != nil {
		t.Fatal(err)
	}
	h := &hooks.Handler{Log: discard(), Stripe: stripe, OnFailure: m.WebhookFailed}
	e := ginEngine(h)
	req := httptest.NewRequest(http.MethodPost, hooks.Path, strings.NewReader(`{"id":"evt_1"}`))
	req.Header.Set("Stripe-Signature", "t=1,v1=bad")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("bad signature: %d", rec.Code)
	}

	card := m.Payments(failing{})
	_, _ = card.CreateCheckout(context.Background(), payment.CheckoutRequest{})
	_, _ = card.Refund(context.Background(), payment.RefundRequest{})
	m.EmailFailed(false)
	m.EmailFailed(true)

	after := scrapeOwn()
	for _, line := range []string{`libres_webhook_failures_total{reason="signature"} 1`,
		`libres_payments_failed_total{operation="checkout",reason="unavailable"} 1`,
		`libres_payments_failed_total{operation="refund",reason="refused"} 1`,
		`libres_email_failures_total{kind="permanent"} 1`, `libres_email_failures_total{kind="retried"} 1`} {
		if !strings.Contains(after, line) {
			t.Errorf("want %s", line)
		}
	}
}

// failing is a card provider whose checkouts meet an outage and whose refunds are
// refused.
type failing struct{}

func (failing) CreateCheckout(context.Context, payment.CheckoutRequest) (payment.Session, error) {
	return payment.Session{}, fmt.Errorf("create checkout session: %w", payment.ErrUnavailable)
}

func (failing) Refund(context.Context, payment.RefundRequest) (string, error) {
	return "", errors.New("refund: Stripe refused the request, 400")
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func ginEngine(h *hooks.Handler) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	h.Routes(e)
	return e
}

// TestConfig: the metrics listener's address and token are checked at start-up and the
// token is never printed.
func TestConfig(t *testing.T) {
	load := func(env map[string]string) (config.Config, error) {
		return config.Load(func(k string) string { return env[k] })
	}
	c, err := load(map[string]string{"LIBRES_METRICS_ADDR": ":9090", "LIBRES_METRICS_TOKEN": token})
	if err != nil || c.MetricsAddr != ":9090" || c.MetricsToken != token {
		t.Fatalf("Load = %+v, %v", c, err)
	}
	var b bytes.Buffer
	c.Print(&b)
	if strings.Contains(b.String(), token) || !strings.Contains(b.String(), "LIBRES_METRICS_ADDR") {
		t.Errorf("printed configuration shows the token or not the address:\n%s", b.String())
	}
	for _, env := range []map[string]string{
		{"LIBRES_METRICS_ADDR": "9090"},
		{"LIBRES_METRICS_ADDR": "http://x:9090"},
		{"LIBRES_METRICS_ADDR": ":8080"}, // PORT's
		{"LIBRES_METRICS_ADDR": ":9090", "LIBRES_METRICS_TOKEN": "short"},
	} {
		if _, err := load(env); err == nil {
			t.Errorf("%v accepted", env)
		}
	}
	if c, err := load(nil); err != nil || c.MetricsAddr != "" {
		t.Errorf("default: %q, %v; want off", c.MetricsAddr, err)
	}
}
