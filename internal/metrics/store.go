package metrics

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river/rivertype"

	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/order"
)

// storeCollector reads the store's state from PostgreSQL when scraped (never per
// request): orders by status, jobs by queue and state, the email backlog's age and the
// outbox. A failed or slow read leaves its series out of that scrape and counts in
// libres_metrics_query_errors_total.
type storeCollector struct {
	db      *sql.DB
	timeout time.Duration
	log     *slog.Logger
	orders  *prometheus.Desc
	jobs    *prometheus.Desc
	lag     *prometheus.Desc
	outbox  *prometheus.Desc
	errs    prometheus.Counter
}

func newStoreCollector(db *sql.DB, timeout time.Duration, log *slog.Logger) *storeCollector {
	return &storeCollector{db: db, timeout: timeout, log: log,
		orders: prometheus.NewDesc("libres_orders", "Orders by status, counted at scrape time.", []string{"status"}, nil),
		jobs:   prometheus.NewDesc("libres_jobs", "Background jobs (river_job) by queue and state, counted at scrape time.", []string{"queue", "state"}, nil),
		lag: prometheus.NewDesc("libres_job_lag_seconds",
			"Age of the oldest email waiting to be sent: the oldest available job of the queue or, for email, the oldest outbox row; 0 when none waits.", []string{"queue"}, nil),
		outbox: prometheus.NewDesc("libres_email_outbox_rows", "Emails written by requests and not yet moved into delivery jobs.", nil, nil),
		errs: prometheus.NewCounter(prometheus.CounterOpts{Name: "libres_metrics_query_errors_total",
			Help: "Scrape-time queries that failed or timed out (their series were left out of that scrape)."}),
	}
}

func (s *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- s.orders
	ch <- s.jobs
	ch <- s.lag
	ch <- s.outbox
	s.errs.Describe(ch)
}

// orderStatuses are exported even without orders, so dashboards and alerts see zeros.
var orderStatuses = []order.Status{order.StatusPending, order.StatusAwaiting, order.StatusPaid, order.StatusShipped,
	order.StatusDelivered, order.StatusCancelled, order.StatusRefunded}

const (
	ordersSQL = `SELECT status::text, count(*) FROM orders GROUP BY status`
	jobsSQL   = `SELECT queue, state::text, count(*) FROM river_job GROUP BY queue, state`
	// The fetch index (state, queue, priority, scheduled_at, id) serves the first part.
	lagSQL = `SELECT greatest(0,
		extract(epoch FROM now() - (SELECT min(scheduled_at) FROM river_job WHERE state = 'available' AND queue = $1)),
		extract(epoch FROM now() - (SELECT min(created_at) FROM email_outbox)))::float8,
		(SELECT count(*) FROM email_outbox)`
)

func (s *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	if counts, err := s.counts(ctx, ordersSQL); err != nil {
		s.failed("orders", err)
	} else {
		for _, st := range orderStatuses {
			n := counts[[2]string{string(st)}]
			delete(counts, [2]string{string(st)})
			ch <- prometheus.MustNewConstMetric(s.orders, prometheus.GaugeValue, n, string(st))
		}
		for k, n := range counts { // a status added later
			ch <- prometheus.MustNewConstMetric(s.orders, prometheus.GaugeValue, n, k[0])
		}
	}
	if counts, err := s.counts(ctx, jobsSQL); err != nil {
		s.failed("jobs", err)
	} else {
		for _, st := range rivertype.JobStates() {
			k := [2]string{notify.QueueName, string(st)}
			if _, ok := counts[k]; !ok {
				counts[k] = 0
			}
		}
		for k, n := range counts {
			ch <- prometheus.MustNewConstMetric(s.jobs, prometheus.GaugeValue, n, k[0], k[1])
		}
	}
	var lag sql.NullFloat64
	var rows float64
	if err := s.db.QueryRowContext(ctx, lagSQL, notify.QueueName).Scan(&lag, &rows); err != nil {
		s.failed("email backlog", err)
	} else {
		ch <- prometheus.MustNewConstMetric(s.lag, prometheus.GaugeValue, lag.Float64, notify.QueueName)
		ch <- prometheus.MustNewConstMetric(s.outbox, prometheus.GaugeValue, rows)
	}
	s.errs.Collect(ch)
}

// counts runs a query of (label, [label,] count) rows.
func (s *storeCollector) counts(ctx context.Context, query string) (map[[2]string]float64, error) {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := map[[2]string]float64{}
	for rows.Next() {
		var k [2]string
		var n float64
		if len(cols) == 2 {
			err = rows.Scan(&k[0], &n)
		} else {
			err = rows.Scan(&k[0], &k[1], &n)
		}
		if err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

func (s *storeCollector) failed(what string, err error) {
	s.errs.Inc()
	s.log.Warn("metrics: scrape-time query failed; its series are left out", "what", what, "err", err)
}
