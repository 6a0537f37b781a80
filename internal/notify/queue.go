package notify

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/mail"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/web"
)

// QueueName is the River queue emails go through, apart from other kinds of work.
const QueueName = "email"

// Options configure a Queue. Only From is required.
type Options struct {
	// SMTPURL is smtp://[user:pass@]host:port[?starttls=required] or
	// smtps://[user:pass@]host:port. Empty: this process delivers nothing and
	// queued emails wait for one that can.
	SMTPURL string
	// From is the From header, e.g. "Libres <no-reply@libres.example.co>".
	From string
	// Seller is named in every footer; replies go to Seller.Email.
	Seller Seller
	// ShopURL is the shop's public origin (LIBRES_BASE_URL).
	ShopURL string
	// Work starts the delivery worker in this process (LIBRES_WORKERS). Without it,
	// or without SMTPURL, the Queue only enqueues. With it (even without SMTPURL),
	// Enqueue writes to the email outbox and this process moves the outbox into jobs.
	Work bool
	// Workers is how many emails one process sends at once (default 4).
	Workers int
	// PollInterval is how often an idle worker looks for new jobs, and an idle mover
	// at the outbox (default 200 ms): River's LISTEN/NOTIFY needs pgx, and the store's
	// pool is lib/pq.
	PollInterval time.Duration
	// MaxAttempts is how many times delivery is tried before the job is discarded
	// (default 25: with River's backoff, attempt⁴ seconds, about three weeks).
	MaxAttempts int
	// RetryDelay, when set, replaces River's backoff (tests use a short one).
	RetryDelay func(attempt int) time.Duration
	// FS holds templates/mail and locales (default web.FS).
	FS fs.FS
	// Logger receives the queue's warnings and delivery log lines (default: discard).
	Logger *slog.Logger
}

// Queue enqueues emails in the caller's transaction and, when working, delivers them.
// It implements Enqueuer. Several processes may run workers on the same database: River
// locks each job for one of them (FOR UPDATE SKIP LOCKED), and each outbox row is moved
// by one of them.
type Queue struct {
	client      *river.Client[*sql.Tx]
	db          *sqlx.DB
	stmts       *db.Statements
	render      *Renderer
	maxAttempts int
	working     bool
	outbox      *mover // nil: Enqueue inserts River jobs directly
	log         *slog.Logger
	failed      *failureHook // shared with the deliverer
}

// failureHook is what OnSendFailure sets; nil until then.
type failureHook struct {
	f atomic.Pointer[func(permanent bool)]
}

func (h *failureHook) call(permanent bool) {
	if h == nil {
		return
	}
	if f := h.f.Load(); f != nil {
		(*f)(permanent)
	}
}

// OnSendFailure has f told of every failed delivery attempt (metrics): permanent when
// the email is not tried again (the server refused it for good), else it is retried.
// It may be called while the worker runs.
func (q *Queue) OnSendFailure(f func(permanent bool)) { q.failed.f.Store(&f) }

var _ Enqueuer = (*Queue)(nil)

// emailArgs is the job's payload: the message itself, rendered when it is worked
// (so a job enqueued just before a deploy is sent with the new templates).
//
// Its data travels as one JSON string ({"to", "lang", "template", "data": "{…}"}):
// River indexes every job's args with a GIN index, an entry per key and per value, and
// an order receipt's data has about sixty of them; as a string it is one. Inserting a
// batch of receipts cost about eight times more with the data as an object. Jobs
// written before, with the data as an object, still decode.
type emailArgs struct {
	Message
	data json.RawMessage // Message.Data already encoded (an outbox row's), or nil
}

func (emailArgs) Kind() string { return "email" }

// emailWire is emailArgs as stored: Data a JSON string holding the data's JSON (or,
// in jobs from before, the object itself).
type emailWire struct {
	To       string          `json:"to"`
	Lang     string          `json:"lang"`
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data"`
	// RequestID is read from outbox rows (a Message); a job keeps it in its metadata.
	RequestID string `json:"request_id,omitempty"`
}

// jobMeta is an email job's River metadata.
type jobMeta struct {
	RequestID string `json:"request_id,omitempty"`
}

func (a emailArgs) MarshalJSON() ([]byte, error) {
	data := a.data
	if data == nil {
		var err error
		if data, err = json.Marshal(a.Data); err != nil {
			return nil, err
		}
	}
	s, err := json.Marshal(string(data))
	if err != nil {
		return nil, err
	}
	return json.Marshal(emailWire{To: a.To, Lang: a.Lang, Template: a.Template, Data: s})
}

func (a *emailArgs) UnmarshalJSON(b []byte) error {
	var w emailWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	a.Message, a.data = Message{To: w.To, Lang: w.Lang, Template: w.Template}, nil
	return a.decodeData(w.Data)
}

// decodeData sets a.Data from raw: a JSON string holding the data, or the data itself.
func (a *emailArgs) decodeData(raw json.RawMessage) error {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
		raw = json.RawMessage(s)
	}
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, &a.Data)
}

// NewQueue builds the queue on the store's pool. Call Start to begin delivering and
// Stop to end; a Queue that does not work needs neither.
func NewQueue(conn *sqlx.DB, opts Options) (*Queue, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	fsys := opts.FS
	if fsys == nil {
		fsys = web.FS
	}
	from, err := mail.ParseAddress(opts.From)
	if err != nil {
		return nil, fmt.Errorf("mail From %q: %w", opts.From, err)
	}
	r, err := NewRenderer(fsys, opts.Seller, opts.ShopURL)
	if err != nil {
		return nil, err
	}
	q := &Queue{db: conn, render: r, maxAttempts: cmp.Or(opts.MaxAttempts, 25), log: log, failed: &failureHook{}}
	if opts.Work {
		q.stmts = db.NewStatements(conn)
		q.outbox = &mover{q: q, every: cmp.Or(opts.PollInterval, 200*time.Millisecond)}
	}
	workers := river.NewWorkers()
	cfg := &river.Config{
		Workers: workers,
		// River logs every step at info (each failed attempt too, which the worker
		// logs itself with the job's id); its warnings and errors still come through.
		Logger:            slog.New(minLevel{log.Handler(), slog.LevelWarn}),
		MaxAttempts:       q.maxAttempts,
		FetchPollInterval: cmp.Or(opts.PollInterval, 200*time.Millisecond),
		FetchCooldown:     min(cmp.Or(opts.PollInterval, 200*time.Millisecond), 100*time.Millisecond),
		JobTimeout:        2 * time.Minute,
		// An email claimed by a process that died is handed to another after this (River's
		// default is an hour, long for an order confirmation); above JobTimeout, so a
		// send still under way is never taken twice.
		RescueStuckJobsAfter: 5 * time.Minute,
		// A stop waits this long for emails being sent, then cancels them (they are
		// retried by whichever process runs next).
		SoftStopTimeout: 10 * time.Second,
	}
	if opts.RetryDelay != nil {
		cfg.RetryPolicy = retryDelay(opts.RetryDelay)
	}
	switch {
	case opts.Work && opts.SMTPURL == "":
		log.Warn("SMTP_URL is not set: emails are queued and wait until a process with SMTP_URL delivers them")
	case opts.Work:
		srv, err := parseSMTPURL(opts.SMTPURL)
		if err != nil {
			return nil, err
		}
		river.AddWorker(workers, &deliverer{render: r, smtp: srv, from: from, replyTo: opts.Seller.Email, log: log, db: conn.DB, failed: q.failed})
		cfg.Queues = map[string]river.QueueConfig{QueueName: {MaxWorkers: cmp.Or(opts.Workers, 4)}}
		q.working = true
	default:
		log.Info("email worker off in this process (LIBRES_WORKERS=false): emails are only queued")
	}
	if !q.working {
		// An inserting-only client needs no workers; Enqueue checks the message.
		cfg.Workers = nil
	}
	q.client, err = river.NewClient(riverdatabasesql.New(conn.DB), cfg)
	if err != nil {
		return nil, fmt.Errorf("job queue client: %w", err)
	}
	return q, nil
}

// Working reports whether this process delivers emails.
func (q *Queue) Working() bool { return q.working }

// Renderer returns the queue's renderer (previews, tests).
func (q *Queue) Renderer() *Renderer { return q.render }

// Enqueue checks m (rendering it when its shape is new: Renderer.Validate), so a bad
// message fails the caller's transaction, not a job three weeks later, then writes it in tx: it exists only if tx commits. A
// working queue (Options.Work) writes it to the email outbox, which its process moves
// into delivery jobs within a poll interval; otherwise it inserts the job itself. An
// empty Lang means the shop's default language.
func (q *Queue) Enqueue(ctx context.Context, tx *sqlx.Tx, m Message) error {
	if Undeliverable(m.To) {
		return nil // a person whose data was deleted (deleted-<id>@invalid): nothing to send
	}
	m.RequestID = cmp.Or(m.RequestID, RequestID(ctx))
	m, err := q.check(m)
	if err != nil {
		return err
	}
	if q.outbox != nil {
		return q.outbox.put(ctx, tx, m)
	}
	_, err = q.client.InsertTx(ctx, tx.Tx, emailArgs{Message: m}, q.insertOpts(m.RequestID))
	if err != nil {
		return fmt.Errorf("enqueue email %s: %w", m.Template, err)
	}
	return nil
}

// Undeliverable reports whether to is an address no email can reach: the reserved
// ".invalid" domain (RFC 2606), which the store gives people whose data it deleted.
// Such emails are not queued at all, rather than retried until they are discarded.
func Undeliverable(to string) bool {
	to = strings.ToLower(strings.TrimSpace(to))
	domain := to[strings.LastIndexByte(to, '@')+1:]
	return domain == "invalid" || strings.HasSuffix(domain, ".invalid")
}

// check fills in the default language and validates m (Renderer.Validate: rendered
// when its shape is new), so a bad message fails the caller, not a job three weeks
// later.
func (q *Queue) check(m Message) (Message, error) {
	if m.Lang == "" {
		m.Lang = i18n.Default
	}
	if err := q.render.Validate(m); err != nil {
		return m, fmt.Errorf("enqueue email: %w", err)
	}
	return m, nil
}

// insertOpts are an email job's options; requestID (may be empty) goes in its metadata.
func (q *Queue) insertOpts(requestID string) *river.InsertOpts {
	o := &river.InsertOpts{Queue: QueueName, MaxAttempts: q.maxAttempts}
	if requestID != "" {
		o.Metadata, _ = json.Marshal(jobMeta{RequestID: requestID})
	}
	return o
}

// Start begins moving the outbox into jobs (Options.Work) and delivering (Work and
// an SMTPURL). Both run until Stop; ctx only bounds the start itself.
func (q *Queue) Start(ctx context.Context) error {
	if q.outbox != nil {
		q.outbox.start()
	}
	if !q.working {
		return nil
	}
	// Cancelling the context given to River's Start cancels emails mid-send; the
	// graceful path is Stop, so River gets a context that is never cancelled.
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start email worker: %w", err)
	}
	q.log.Info("email worker started", "queue", QueueName)
	return nil
}

// Stop stops moving the outbox and fetching jobs, and waits for emails being sent,
// until ctx is done.
func (q *Queue) Stop(ctx context.Context) error {
	if q.outbox != nil {
		q.outbox.stop(ctx)
	}
	if !q.working {
		return nil
	}
	if err := q.client.Stop(ctx); err != nil {
		return fmt.Errorf("stop email worker: %w", err)
	}
	q.log.Info("email worker stopped")
	return nil
}

// deliverer is the River worker: render, build MIME, send over SMTP. A returned
// error makes River retry the job later; a permanent refusal cancels it.
type deliverer struct {
	river.WorkerDefaults[emailArgs]
	render  *Renderer
	smtp    smtpServer
	from    *mail.Address
	replyTo string
	log     *slog.Logger
	db      *sql.DB // marks a sent email done at once (complete)
	failed  *failureHook
}

func (d *deliverer) Work(ctx context.Context, job *river.Job[emailArgs]) error {
	m := job.Args.Message
	log := d.log.With("job", job.ID, "template", m.Template, "attempt", job.Attempt)
	var meta jobMeta
	if json.Unmarshal(job.Metadata, &meta) == nil && meta.RequestID != "" {
		// The request that queued the email: grep request_id=… follows it here.
		log = log.With("request_id", meta.RequestID)
	}
	e, err := d.render.Render(m)
	if err != nil {
		log.Warn("email not rendered; will retry", "err", err)
		d.failed.call(false)
		return err
	}
	domain := d.from.Address[strings.LastIndexByte(d.from.Address, '@')+1:]
	msg, err := buildMIME(envelope{
		From:    d.from,
		ReplyTo: d.replyTo,
		// The same id on every attempt, so a server that got a message twice
		// (accepted, but the connection broke before we heard) can tell.
		MessageID: fmt.Sprintf("libres.%d.%d@%s", job.ID, job.CreatedAt.UnixNano(), domain),
		Date:      time.Now(),
	}, e)
	if err != nil {
		return err
	}
	if err := d.smtp.send(ctx, d.from.Address, m.To, msg); err != nil {
		var perm permanentError
		if errors.As(err, &perm) {
			log.Warn("email refused for good; not retrying", "err", err)
			d.failed.call(true)
			return river.JobCancel(err)
		}
		log.Warn("email not sent; will retry", "err", err, "max_attempts", job.MaxAttempts)
		d.failed.call(false)
		return err
	}
	log.Info("email sent")
	d.complete(ctx, job, log)
	return nil
}

// complete marks the job done in a transaction of its own right after the send, rather
// than in River's next batch of completions: a crash between the two would send the
// email again (with the same Message-ID). If this fails, River completes it as usual.
func (d *deliverer) complete(ctx context.Context, job *river.Job[emailArgs], log *slog.Logger) {
	if d.db == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	tx, err := d.db.BeginTx(ctx, nil)
	if err == nil {
		if _, err = river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx, job); err == nil {
			err = tx.Commit()
		} else {
			_ = tx.Rollback()
		}
	}
	if err != nil {
		log.Warn("email sent; marking it done waits for River's batch", "err", err)
	}
}

// retryDelay is a River retry policy with a fixed schedule.
type retryDelay func(attempt int) time.Duration

func (f retryDelay) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(f(job.Attempt))
}

// minLevel passes on only records at or above level.
type minLevel struct {
	slog.Handler
	level slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.level}
}
func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.level}
}
