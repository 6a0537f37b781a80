package metrics_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jmoiron/sqlx"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/metrics"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/web/pagecache"
	"github.com/libres/storefront/internal/web/site"
	"github.com/libres/storefront/internal/web/webtest"
	"github.com/libres/storefront/web"
)

const (
	baseURL = "http://libres.test"
	token   = "metrics-test-token-0123456789"
	wait    = 20 * time.Second
)

// The tests share one store: the demo catalog, a site with metrics on, the email queue
// working (delivering to Mailpit when `make test` runs it) and every log line kept.
var (
	testDB      *sqlx.DB
	publicURL   string // the store's own listener
	metricsURL  string // the metrics listener (with token)
	testMetrics *metrics.Metrics
	logs        = &logBuffer{}
	delivering  bool // the queue sends to Mailpit
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		if errors.Is(err, dbtest.ErrNoCluster) && os.Getenv("LIBRES_TEST_REQUIRE") != "1" {
			fmt.Println("metrics tests skipped:", err)
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "metrics test setup:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	ctx := context.Background()
	env, cleanup, err := webtest.Setup(ctx, baseURL)
	if err != nil {
		return 0, err
	}
	defer cleanup()
	log := slog.New(slog.NewJSONHandler(logs, nil))
	smtpURL := os.Getenv("LIBRES_TEST_SMTP_URL")
	delivering = smtpURL != ""
	queue, err := notify.NewQueue(env.DB, notify.Options{SMTPURL: smtpURL, From: "Libres <no-reply@libres.test>",
		ShopURL: baseURL, Work: true, PollInterval: 50 * time.Millisecond, Logger: log.With("component", "email")})
	if err != nil {
		return 0, err
	}
	if err := queue.Start(ctx); err != nil {
		return 0, err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = queue.Stop(sctx)
	}()
	mx := metrics.New(metrics.Options{DB: env.DB.DB, Log: log})
	queue.OnSendFailure(mx.EmailFailed)
	pages := pagecache.New(pagecache.Options{MaxBytes: 16 << 20, Standalone: true})
	mx.PageCache(pages)
	orders := order.New(env.DB, queue, order.Options{BaseURL: baseURL, Ledger: env.Ledger,
		LinkKey: []byte("metrics-test-order-link-key-0123456789")})
	s, err := site.New(site.Deps{Log: log, DB: env.DB, Seller: env.Seller, Catalog: catalog.NewStore(env.DB), WebFS: web.FS,
		BaseURL: baseURL, MediaBaseURL: "/media", MediaHandler: env.Photos.Handler(), Demo: true,
		Accounts: env.Accounts, Editor: catalog.NewEditor(env.DB), Photos: env.Photos, Orders: orders, Ledger: env.Ledger,
		Pages: pages, Metrics: mx})
	if err != nil {
		return 0, err
	}
	public := httptest.NewServer(s.Handler())
	defer public.Close()
	private := httptest.NewServer(mx.Handler(token))
	defer private.Close()
	testDB, publicURL, metricsURL, testMetrics = env.DB, public.URL, private.URL, mx
	return m.Run(), nil
}

// logBuffer keeps the JSON log lines written by every goroutine.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// find returns the log records for which match is true.
func (l *logBuffer) find(match func(map[string]any) bool) []map[string]any {
	l.mu.Lock()
	data := bytes.Clone(l.b.Bytes())
	l.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil && match(rec) {
			out = append(out, rec)
		}
	}
	return out
}

// scrape reads the metrics listener as Prometheus does.
func scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, metricsURL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d", res.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	return fams
}

// value is the sample of family name with exactly these labels (counter, gauge or a
// histogram's count); ok is false when there is none.
func value(fams map[string]*dto.MetricFamily, name string, labels map[string]string) (v float64, ok bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		for _, l := range m.GetLabel() {
			if want, has := labels[l.GetName()]; !has || want != l.GetValue() {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// sum adds the samples of name whose labels include these.
func sum(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	total := 0.0
	f := fams[name]
	if f == nil {
		return 0
	}
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if have[k] != v {
				continue next
			}
		}
		total += m.GetGauge().GetValue() + m.GetCounter().GetValue()
	}
	return total
}

// waitFor polls cond until it holds or wait passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, wait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shopper is a visitor with a cookie jar who does not follow redirects.
type shopper struct {
	t *testing.T
	c *http.Client
}

func newShopper(t *testing.T) *shopper {
	jar, _ := cookiejar.New(nil)
	return &shopper{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request (a form when form is not nil) with extra headers and parses the page.
func (s *shopper) do(method, path string, form url.Values, header map[string]string) (*http.Response, *goquery.Document) {
	s.t.Helper()
	body := ""
	if form != nil {
		body = form.Encode()
	}
	req, _ := http.NewRequest(method, publicURL+path, strings.NewReader(body))
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := s.c.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return res, doc
}

// placeOrder adds a variant in stock to the cart and places a bank-transfer order for
// email, the final POST carrying X-Request-ID requestID.
func (s *shopper) placeOrder(email, requestID string) {
	s.t.Helper()
	var variant int64
	if err := testDB.Get(&variant, `SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id
		JOIN workshops w ON w.id = p.workshop_id WHERE p.status = 'active' AND w.active AND v.stock_on_hand >= 1
		ORDER BY v.id LIMIT 1`); err != nil {
		s.t.Fatal(err)
	}
	if res, _ := s.do(http.MethodPost, "/carrito", url.Values{"variant": {fmt.Sprint(variant)}, "quantity": {"1"}}, nil); res.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("add to cart: %d", res.StatusCode)
	}
	form := url.Values{"email": {email}, "name": {"Ana Métrica"}, "phone": {"300 123 4567"}, "department": {"Antioquia"},
		"city": {"Medellín"}, "address_line": {"Calle 10 # 20-30"}, "donation": {"0"}, "payment_method": {"transfer"},
		"accept_policy": {"1"}, "action": {"review"}}
	res, doc := s.do(http.MethodPost, "/pagar", form, nil)
	total, ok := doc.Find(`input[name="quoted_total"]`).Attr("value")
	if res.StatusCode != http.StatusOK || !ok {
		s.t.Fatalf("review: %d, no total", res.StatusCode)
	}
	form.Set("action", "place")
	form.Set("quoted_total", total)
	if res, _ := s.do(http.MethodPost, "/pagar", form, map[string]string{"X-Request-ID": requestID}); res.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("place: %d, want a redirect to the order", res.StatusCode)
	}
}
