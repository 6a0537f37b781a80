package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/notify/mailpittest"
)

// An email job keeps its data as one JSON string (River's GIN index on args then
// holds one entry for it, not one per key and value), whether it came through the
// outbox or was inserted directly; the email sent from it carries the data; and a job
// written the old way, with the data as an object, is still delivered.
func TestEmailJobDataIsOneString(t *testing.T) {
	smtpURL := mailpittest.SMTPURL(t)
	conn := dbtest.New(t)
	ctx := context.Background()

	direct, err := notify.NewQueue(conn, notify.Options{From: "Libres <no-reply@libres.test>", Seller: seller, ShopURL: "https://libres.test"})
	if err != nil {
		t.Fatal(err)
	}
	viaDirect := mailpittest.Address(t)
	enqueue(t, conn, direct, reset(viaDirect, "es"))

	q := newQueue(t, conn, smtpURL)
	viaOutbox := mailpittest.Address(t)
	enqueue(t, conn, q, reset(viaOutbox, "en"))
	waitJobs(t, conn, "moved from the outbox", func(js []job) bool { return len(js) >= 2 })

	for _, to := range []string{viaDirect, viaOutbox} {
		var kind, link string
		if err := conn.Get(&kind, `SELECT jsonb_typeof(args->'data') FROM river_job WHERE args->>'to' = $1`, to); err != nil {
			t.Fatal(err)
		}
		if err := conn.Get(&link, `SELECT (args->>'data')::jsonb->>'Link' FROM river_job WHERE args->>'to' = $1`, to); err != nil {
			t.Fatal(err)
		}
		if want := reset(to, "es").Data["Link"]; kind != "string" || link != want {
			t.Errorf("job for %s: data is a %s with Link %q; want a string holding Link %q", to, kind, link, want)
		}
	}

	// A job from before: the data an object.
	old := mailpittest.Address(t)
	token := strings.TrimSuffix(old, "@libres.test")
	if _, err := conn.ExecContext(ctx, `INSERT INTO river_job (kind, queue, args, max_attempts, priority, state, scheduled_at)
		VALUES ('email', $1, jsonb_build_object('to', $2::text, 'lang', 'es', 'template', 'account_reset',
			'data', jsonb_build_object('Name', 'Ana', 'Link', 'https://libres.test/clave?token=' || $3::text)),
			5, 1, 'available', now())`, notify.QueueName, old, token); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{viaDirect, viaOutbox, old} {
		m := mailpittest.WaitFor(t, to, 30*time.Second)
		if !strings.Contains(m.Text, "https://libres.test/clave?token="+strings.TrimSuffix(to, "@libres.test")) {
			t.Errorf("email to %s does not carry its link:\n%s", to, m.Text)
		}
	}
}
