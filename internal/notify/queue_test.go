package notify_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"net/url"
	"slices"
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

const wait = 15 * time.Second

var seller = notify.Seller{Name: "Fundación Prueba", NIT: "800.197.268-4", Address: "Calle 1 # 2-3, Bogotá",
	Phone: "+57 300 000 0000", Email: "hola@prueba.example"}

// newQueue builds a queue on conn with quick polling and, for tests, quick retries;
// it is stopped at cleanup.
func newQueue(t *testing.T, conn *sqlx.DB, smtpURL string) *notify.Queue {
	t.Helper()
	q, err := notify.NewQueue(conn, notify.Options{SMTPURL: smtpURL, From: "Libres <no-reply@libres.test>",
		Seller: seller, ShopURL: "https://libres.test", Work: true, PollInterval: 50 * time.Millisecond,
		RetryDelay: func(int) time.Duration { return 100 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return q
}

func reset(to, lang string) notify.Message {
	return notify.Message{To: to, Lang: lang, Template: "account_reset",
		Data: map[string]any{"Name": "Ana", "Link": "https://libres.test/clave?token=" + strings.TrimSuffix(to, "@libres.test")}}
}

func enqueue(t *testing.T, conn *sqlx.DB, q notify.Enqueuer, m notify.Message) {
	t.Helper()
	if err := db.InTx(context.Background(), conn, func(tx *sqlx.Tx) error { return q.Enqueue(context.Background(), tx, m) }); err != nil {
		t.Fatal(err)
	}
}

type job struct {
	State   string `db:"state"`
	Attempt int    `db:"attempt"`
	Errors  int    `db:"errors"`
}

func jobs(t *testing.T, conn *sqlx.DB) []job {
	t.Helper()
	var js []job
	if err := conn.Select(&js, `SELECT state, attempt, coalesce(array_length(errors, 1), 0) AS errors
		FROM river_job WHERE kind = 'email' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return js
}

// waitJobs polls the job table until ok says yes.
func waitJobs(t *testing.T, conn *sqlx.DB, what string, ok func([]job) bool) []job {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		js := jobs(t, conn)
		if ok(js) {
			return js
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs never %s: %+v", what, js)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func allCompleted(js []job) bool {
	return len(js) > 0 && !slices.ContainsFunc(js, func(j job) bool { return j.State != "completed" })
}

func TestEnqueueSendsOnlyWhatCommits(t *testing.T) {
	smtpURL := mailpittest.SMTPURL(t)
	conn := dbtest.New(t)
	q := newQueue(t, conn, smtpURL)
	ctx := context.Background()

	rolledBack, kept := mailpittest.Address(t), mailpittest.Address(t)
	errUndo := errors.New("undo")
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		if err := q.Enqueue(ctx, tx, reset(rolledBack, "es")); err != nil {
			return err
		}
		return errUndo
	})
	if !errors.Is(err, errUndo) {
		t.Fatalf("InTx = %v", err)
	}
	m := reset(kept, "en")
	enqueue(t, conn, q, m)

	got := mailpittest.WaitFor(t, kept, wait)
	waitJobs(t, conn, "completed", allCompleted)
	if n := len(jobs(t, conn)); n != 1 {
		t.Errorf("%d jobs, want only the committed one", n)
	}
	if n := mailpittest.Count(t, kept); n != 1 {
		t.Errorf("%d emails to %s, want 1", n, kept)
	}
	if n := mailpittest.Count(t, rolledBack); n != 0 {
		t.Errorf("%d emails from a rolled-back transaction", n)
	}

	link := m.Data["Link"].(string)
	if got.Subject != "Reset your Libres password" {
		t.Errorf("subject = %q, want the English one", got.Subject)
	}
	if !slices.Contains(mailpittest.Links(got.Text), link) {
		t.Errorf("text part lacks %s:\n%s", link, got.Text)
	}
	if !strings.Contains(got.HTML, `href="`+link+`"`) {
		t.Errorf("HTML part lacks a link to %s", link)
	}
	if got.From.Address != "no-reply@libres.test" || len(got.ReplyTo) != 1 || got.ReplyTo[0].Address != seller.Email {
		t.Errorf("from %+v, reply-to %+v", got.From, got.ReplyTo)
	}
	raw, err := mail.ReadMessage(strings.NewReader(string(mailpittest.Raw(t, got.ID))))
	if err != nil {
		t.Fatal(err)
	}
	if mt, _, _ := mime.ParseMediaType(raw.Header.Get("Content-Type")); mt != "multipart/alternative" {
		t.Errorf("Content-Type = %q", raw.Header.Get("Content-Type"))
	}
	if raw.Header.Get("Message-ID") == "" || raw.Header.Get("Date") == "" {
		t.Errorf("headers lack Message-ID or Date: %v", raw.Header)
	}
}

func TestEnqueueRejectsBadMessage(t *testing.T) {
	conn := dbtest.New(t)
	q, err := notify.NewQueue(conn, notify.Options{From: "Libres <no-reply@libres.test>", Seller: seller, ShopURL: "https://libres.test"})
	if err != nil {
		t.Fatal(err)
	}
	m := reset("ana@example.co", "es")
	m.Template = "nope"
	err = db.InTx(context.Background(), conn, func(tx *sqlx.Tx) error { return q.Enqueue(context.Background(), tx, m) })
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("Enqueue of an unknown template = %v", err)
	}
	if js := jobs(t, conn); len(js) != 0 {
		t.Errorf("jobs after a refused message: %+v", js)
	}
}

// TestOutageThenDelivery points the worker at a port where nothing listens, lets it
// fail a few times, then puts an SMTP server (a proxy to Mailpit) on that port: the
// email arrives once.
func TestOutageThenDelivery(t *testing.T) {
	mailpitSMTP, err := url.Parse(mailpittest.SMTPURL(t))
	if err != nil {
		t.Fatal(err)
	}
	conn := dbtest.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	q := newQueue(t, conn, "smtp://"+addr)
	to := mailpittest.Address(t)
	enqueue(t, conn, q, reset(to, "es"))

	waitJobs(t, conn, "failed twice", func(js []job) bool { return len(js) == 1 && js[0].Errors >= 2 })
	if n := mailpittest.Count(t, to); n != 0 {
		t.Fatalf("%d emails during the outage", n)
	}

	proxy(t, addr, mailpitSMTP.Host)
	got := mailpittest.WaitFor(t, to, wait)
	js := waitJobs(t, conn, "completed", allCompleted)
	if js[0].Attempt < 3 {
		t.Errorf("delivered on attempt %d, want a retry after at least two failures", js[0].Attempt)
	}
	if n := mailpittest.Count(t, to); n != 1 {
		t.Errorf("%d emails after the outage, want 1", n)
	}
	if got.Subject != "Restablece tu contraseña de Libres" {
		t.Errorf("subject = %q, want the Spanish one", got.Subject)
	}
}

// TestJobsWaitForSMTPAndStopIsClean: a process without SMTP_URL queues; one with it
// delivers what was waiting, and stops promptly when asked.
func TestJobsWaitForSMTPAndStopIsClean(t *testing.T) {
	smtpURL := mailpittest.SMTPURL(t)
	conn := dbtest.New(t)
	webOnly, err := notify.NewQueue(conn, notify.Options{From: "Libres <no-reply@libres.test>", Seller: seller,
		ShopURL: "https://libres.test", Work: true})
	if err != nil {
		t.Fatal(err)
	}
	if webOnly.Working() {
		t.Fatal("a queue without SMTP_URL works")
	}
	// It still moves its process's outbox into jobs, which wait for a process that can
	// deliver them.
	if err := webOnly.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = webOnly.Stop(context.Background()) }()
	to := mailpittest.Address(t)
	enqueue(t, conn, webOnly, reset(to, "es"))
	waitJobs(t, conn, "queued", func(js []job) bool { return len(js) == 1 && js[0].State == "available" })

	worker, err := notify.NewQueue(conn, notify.Options{SMTPURL: smtpURL, From: "Libres <no-reply@libres.test>",
		Seller: seller, ShopURL: "https://libres.test", Work: true, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	mailpittest.WaitFor(t, to, wait)
	waitJobs(t, conn, "completed", allCompleted)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := worker.Stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("idle worker took %s to stop", d)
	}
}

// proxy forwards connections on addr to target until the test ends.
func proxy(t *testing.T, addr, target string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on %s again: %v", addr, err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				up, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer up.Close()
				go func() { _, _ = io.Copy(up, c); up.Close() }()
				_, _ = io.Copy(c, up)
			}()
		}
	}()
}

// TestEnqueueSkipsErasedAddresses: an email to a person whose data was deleted
// (deleted-<id>@invalid) is not queued at all, so nothing retries it for days.
func TestEnqueueSkipsErasedAddresses(t *testing.T) {
	conn := dbtest.New(t)
	q, err := notify.NewQueue(conn, notify.Options{From: "Libres <no-reply@libres.test>", Seller: seller, ShopURL: "https://libres.test"})
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(context.Background(), conn, func(tx *sqlx.Tx) error {
		return q.Enqueue(context.Background(), tx, reset("deleted-42@INVALID", "es"))
	})
	if err != nil {
		t.Fatalf("Enqueue to an erased address = %v, want nothing done", err)
	}
	if js := jobs(t, conn); len(js) != 0 {
		t.Errorf("jobs for an erased address: %+v", js)
	}
	if !notify.Undeliverable(" deleted-7@invalid ") || notify.Undeliverable("ana@invalid.co") {
		t.Errorf("Undeliverable: wrong for the reserved domain or a real one")
	}
}
