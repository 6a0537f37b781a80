package donation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/notify/mailpittest"
)

// A refunded gift emails the donor in the gift's language with its amount and number,
// once even when staff send the refund twice; the email arrives through SMTP (Mailpit).
func TestRefundEmailsTheDonorOnce(t *testing.T) {
	smtp := mailpittest.SMTPURL(t)
	conn := dbtest.New(t)
	q, err := notify.NewQueue(conn, notify.Options{SMTPURL: smtp, From: "Libres <no-reply@libres.test>",
		ShopURL: "https://libres.test", Work: true, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(ctx)
	})
	f := &fixture{db: conn, ledger: ledger.New(conn, ledger.Options{})}
	f.svc = donation.New(conn, q, donation.Options{BaseURL: "https://libres.test", Ledger: f.ledger,
		Instructions: map[string]string{"es": "Banco de Prueba", "en": "Test Bank"}})
	staff := audit.Actor{Email: "staff@libres.test"}
	for _, tc := range []struct{ lang, subject string }{
		{"es", "Te devolvimos tu donación"},
		{"en", "We refunded your donation"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			ctx := context.Background()
			fm := form("transfer")
			fm.Lang, fm.Email = tc.lang, mailpittest.Address(t)
			d, _, err := f.svc.Give(ctx, fm)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.MarkReceived(ctx, staff, d.ID, "bank 1"); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if got, err := f.svc.Refund(ctx, staff, d.ID, "returned 7"); err != nil || got.Status != donation.StatusRefunded {
					t.Fatalf("refund: %+v %v", got, err)
				}
			}
			if n := queued(t, f, fm.Email, "donation_refunded"); n != 1 {
				t.Fatalf("refund emails queued = %d, want 1", n)
			}
			m := waitForSubject(t, fm.Email, tc.subject)
			if !strings.HasPrefix(m.Subject, tc.subject) || !strings.Contains(m.Subject, d.Number) ||
				!strings.Contains(m.Text, donation.Amount(d, tc.lang)) || !strings.Contains(m.Text, d.Number) {
				t.Errorf("refund email: %q\n%s", m.Subject, m.Text)
			}
		})
	}
}

// waitForSubject polls Mailpit until an email to addr whose subject starts with prefix
// arrives (the donor's earlier emails arrive too) and returns it.
func waitForSubject(t *testing.T, to, prefix string) mailpittest.Message {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, id := range mailpittest.IDs(t, to) {
			if m := mailpittest.Get(t, id); strings.HasPrefix(m.Subject, prefix) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no email %q to %s within 30 s", prefix, to)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// queued counts the emails of template to addr in the outbox and the job queue at one
// instant (the queue's mover takes a row from one into the other in a transaction).
func queued(t *testing.T, f *fixture, to, template string) int {
	t.Helper()
	var n int
	const q = `SELECT (SELECT count(*) FROM email_outbox WHERE message->>'to' = $1 AND message->>'template' = $2) +
		(SELECT count(*) FROM river_job WHERE kind = 'email' AND args->>'to' = $1 AND args->>'template' = $2)`
	if err := f.db.Get(&n, q, to, template); err != nil {
		t.Fatal(err)
	}
	return n
}
