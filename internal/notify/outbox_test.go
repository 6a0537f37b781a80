package notify_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/notify/mailpittest"
)

func outboxRows(t *testing.T, conn *sqlx.DB) int {
	t.Helper()
	var n int
	if err := conn.Get(&n, `SELECT count(*) FROM email_outbox`); err != nil {
		t.Fatal(err)
	}
	return n
}

// Two working processes move one outbox: every committed email arrives exactly once,
// a rolled-back one never, and the outbox ends empty.
func TestOutboxTwoMoversEachEmailOnce(t *testing.T) {
	smtpURL := mailpittest.SMTPURL(t)
	conn := dbtest.New(t)
	ctx := context.Background()
	a, b := newQueue(t, conn, smtpURL), newQueue(t, conn, smtpURL)

	const n = 40
	to := make([]string, n)
	var wg sync.WaitGroup
	for i := range to {
		to[i] = mailpittest.Address(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := a
			if i%2 == 1 {
				q = b
			}
			if err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error { return q.Enqueue(ctx, tx, reset(to[i], "es")) }); err != nil {
				t.Error(err)
			}
		}()
	}
	rolledBack := mailpittest.Address(t)
	errUndo := errors.New("undo")
	if err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		if err := a.Enqueue(ctx, tx, reset(rolledBack, "es")); err != nil {
			return err
		}
		return errUndo
	}); !errors.Is(err, errUndo) {
		t.Fatalf("InTx = %v", err)
	}
	wg.Wait()

	for _, addr := range to {
		mailpittest.WaitFor(t, addr, wait)
	}
	js := waitJobs(t, conn, "completed", func(js []job) bool { return len(js) == n && allCompleted(js) })
	if len(js) != n {
		t.Fatalf("%d jobs, want %d", len(js), n)
	}
	for _, addr := range to {
		if c := mailpittest.Count(t, addr); c != 1 {
			t.Errorf("%d emails to %s, want 1", c, addr)
		}
	}
	if c := mailpittest.Count(t, rolledBack); c != 0 {
		t.Errorf("%d emails from a rolled-back transaction", c)
	}
	if r := outboxRows(t, conn); r != 0 {
		t.Errorf("%d rows left in the outbox", r)
	}
}

// Stop moves what the last requests wrote, so their emails are queued for whichever
// process delivers next.
func TestOutboxStopMovesTheRest(t *testing.T) {
	conn := dbtest.New(t)
	ctx := context.Background()
	q, err := notify.NewQueue(conn, notify.Options{From: "Libres <no-reply@libres.test>", Seller: seller,
		ShopURL: "https://libres.test", Work: true, PollInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// The mover's first look at the outbox, at start, moves what is there; the next
	// is an hour away.
	enqueue(t, conn, q, reset("ana@example.co", "es"))
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitJobs(t, conn, "moved at start", func(js []job) bool { return len(js) == 1 })
	enqueue(t, conn, q, reset("bob@example.co", "en"))
	if err := q.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	js := jobs(t, conn)
	if len(js) != 2 || js[1].State != "available" || outboxRows(t, conn) != 0 {
		t.Fatalf("after stop: jobs %+v, %d outbox rows; want two jobs waiting and an empty outbox", js, outboxRows(t, conn))
	}
	var lang string
	if err := conn.Get(&lang, `SELECT args->>'lang' FROM river_job WHERE args->>'to' = 'bob@example.co'`); err != nil || lang != "en" {
		t.Fatalf("job language %q (%v), want en", lang, err)
	}
}

// Encode checks the message like Enqueue; a queue that does not work leaves the email
// to the caller's transaction.
func TestEncode(t *testing.T) {
	conn := dbtest.New(t)
	opts := notify.Options{From: "Libres <no-reply@libres.test>", Seller: seller, ShopURL: "https://libres.test"}
	enqueueOnly, err := notify.NewQueue(conn, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := enqueueOnly.Encode(context.Background(), reset("ana@example.co", "es")); ok || err != nil {
		t.Errorf("Encode on a queue without Work: ok %v, err %v; want false, nil", ok, err)
	}
	opts.Work = true
	working, err := notify.NewQueue(conn, opts)
	if err != nil {
		t.Fatal(err)
	}
	msg, ok, err := working.Encode(context.Background(), notify.Message{To: "ana@example.co", Template: "account_reset",
		Data: map[string]any{"Name": "Ana", "Link": "https://libres.test/clave?token=x"}})
	if !ok || err != nil || !strings.Contains(string(msg), `"lang":"es"`) {
		t.Errorf("Encode = %s, %v, %v; want the message with the default language", msg, ok, err)
	}
	bad := reset("ana@example.co", "es")
	bad.Template = "nope"
	if _, _, err := working.Encode(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Encode of an unknown template = %v", err)
	}
}
