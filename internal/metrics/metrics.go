// Package metrics owns the store's Prometheus metrics: HTTP requests by route, orders
// by status, job queue depth and lag, payment, webhook and email failures, the page
// cache, the database pool and the Go runtime. They live on a registry of the store's
// own (never the global default, so tests build several servers) and are served on a
// listener of their own (LIBRES_METRICS_ADDR), optionally behind a bearer token; the
// public listener never routes /metrics. docs/operations.md lists every metric with the
// alerts it allows.
package metrics

import (
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/libres/storefront/internal/web/pagecache"
)

// Options configure Metrics.
type Options struct {
	// DB is the store's pool: its statistics, and the orders, jobs and outbox counted at
	// scrape time. nil leaves those out.
	DB *sql.DB
	// QueryTimeout bounds the queries of one scrape (default 2 s): a slow database
	// gives a scrape without those series, not a scrape that hangs.
	QueryTimeout time.Duration
	Log          *slog.Logger // nil: discard
}

// Metrics holds the store's collectors. A nil *Metrics is valid and records nothing, so
// a process without LIBRES_METRICS_ADDR pays nothing.
type Metrics struct {
	reg      *prometheus.Registry
	log      *slog.Logger
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	payments *prometheus.CounterVec
	webhooks *prometheus.CounterVec
	emails   *prometheus.CounterVec
}

// Label values of the failure counters, all exported from the start at 0 so that an
// alert on their increase sees the first failure.
var (
	// WebhookReasons: the signature did not verify, the body was too large or
	// unreadable, the database was unreachable (503), anything else (500).
	WebhookReasons = []string{"signature", "body", "database_unavailable", "internal"}
	// PaymentOperations and PaymentReasons label libres_payments_failed_total.
	PaymentOperations = []string{"checkout", "refund"}
	PaymentReasons    = []string{"unavailable", "refused", "canceled"}
	// EmailKinds: the server refused an email for good (not retried), or an attempt
	// failed and is retried.
	EmailKinds = []string{"permanent", "retried"}
)

// durationBuckets reach down to the millisecond: pages kept rendered are answered in
// well under one.
var durationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// New builds the registry with every collector.
func New(o Options) *Metrics {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.QueryTimeout <= 0 {
		o.QueryTimeout = 2 * time.Second
	}
	m := &Metrics{reg: prometheus.NewRegistry(), log: o.Log}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "libres_http_requests_total",
		Help: "HTTP requests answered, by route template (\"unmatched\" when no route matched), method and status class."},
		[]string{"route", "method", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "libres_http_request_duration_seconds",
		Help: "Time from the request reaching the router to its answer, by route template, method and status class.", Buckets: durationBuckets},
		[]string{"route", "method", "code"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{Name: "libres_http_requests_in_flight",
		Help: "HTTP requests being answered now."})
	m.payments = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "libres_payments_failed_total",
		Help: "Card payment provider calls that failed, by operation (checkout session, refund) and reason (unavailable: network, 5xx, 429; refused: a 4xx, our request was wrong; canceled: the caller gave up)."},
		[]string{"operation", "reason"})
	m.webhooks = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "libres_webhook_failures_total",
		Help: "Payment webhook deliveries not applied, by reason (signature, body, database_unavailable, internal); the provider delivers them again."},
		[]string{"reason"})
	m.emails = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "libres_email_failures_total",
		Help: "Email delivery attempts that failed, by kind (permanent: refused for good, not retried; retried: tried again later)."},
		[]string{"kind"})
	for _, r := range WebhookReasons {
		m.webhooks.WithLabelValues(r)
	}
	for _, op := range PaymentOperations {
		for _, r := range PaymentReasons {
			m.payments.WithLabelValues(op, r)
		}
	}
	for _, k := range EmailKinds {
		m.emails.WithLabelValues(k)
	}
	m.reg.MustRegister(m.requests, m.duration, m.inFlight, m.payments, m.webhooks, m.emails,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if o.DB != nil {
		m.reg.MustRegister(collectors.NewDBStatsCollector(o.DB, "libres"), newStoreCollector(o.DB, o.QueryTimeout, o.Log))
	}
	return m
}

// Registry is the store's registry (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Observe is the Gin middleware that counts and times every request by its route
// template (c.FullPath(): "/producto/:slug", never the path with its ids), so the
// series stay as many as the routes. Mount it early: what it times includes the
// middleware after it.
func (m *Metrics) Observe(c *gin.Context) {
	if m == nil {
		c.Next()
		return
	}
	start := time.Now()
	m.inFlight.Inc()
	defer m.inFlight.Dec()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	labels := []string{route, method(c.Request.Method), class(c.Writer.Status())}
	m.requests.WithLabelValues(labels...).Inc()
	m.duration.WithLabelValues(labels...).Observe(time.Since(start).Seconds())
}

// method keeps the method label to the methods the store routes.
func method(s string) string {
	switch s {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return s
	}
	return "other"
}

// class is a status's class: "2xx", "4xx"…
func class(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// WebhookFailed counts a webhook delivery not applied (reason: one of WebhookReasons).
func (m *Metrics) WebhookFailed(reason string) {
	if m == nil {
		return
	}
	m.webhooks.WithLabelValues(reason).Inc()
}

// EmailFailed counts a failed delivery attempt (notify.Queue.OnSendFailure).
func (m *Metrics) EmailFailed(permanent bool) {
	if m == nil {
		return
	}
	kind := "retried"
	if permanent {
		kind = "permanent"
	}
	m.emails.WithLabelValues(kind).Inc()
}

// PageCache exports the page cache's hits, misses and bytes kept; a nil cache (caching
// off) exports nothing.
func (m *Metrics) PageCache(c *pagecache.Cache) {
	if m == nil || c == nil {
		return
	}
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "libres_page_cache_hits_total",
			Help: "Catalog pages answered from memory."}, func() float64 { h, _ := c.Stats(); return float64(h) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "libres_page_cache_misses_total",
			Help: "Catalog pages rendered and then kept (or not, when too big or changed meanwhile)."}, func() float64 { _, mi := c.Stats(); return float64(mi) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "libres_page_cache_bytes",
			Help: "Bytes of rendered pages kept now (bounded by LIBRES_PAGE_CACHE_MB)."}, func() float64 { return float64(c.Size()) }),
	)
}

// Handler serves /metrics and nothing else. With a token, a request without
// "Authorization: Bearer <token>" gets 401 (compared in constant time).
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: errorLog{m.log}, ErrorHandling: promhttp.ContinueOnError})
	want := sha256.Sum256([]byte("Bearer " + token))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		if token != "" {
			// Hashes, so the comparison takes as long whatever the length sent.
			got := sha256.Sum256([]byte(r.Header.Get("Authorization")))
			if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
	return mux
}

// Server is the metrics listener's server on addr (LIBRES_METRICS_ADDR).
func (m *Metrics) Server(addr, token string) *http.Server {
	return &http.Server{Addr: addr, Handler: m.Handler(token), ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 16 << 10,
		ErrorLog: slog.NewLogLogger(m.log.Handler(), slog.LevelWarn)}
}

// errorLog passes promhttp's errors (a collector that failed) to the log.
type errorLog struct{ log *slog.Logger }

func (l errorLog) Println(v ...any) { l.log.Warn("metrics", "err", fmt.Sprint(v...)) }
