package faults

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/libres/storefront/internal/notify/mailpittest"
)

// TestGracefulShutdownHandsOverJobs stops a store with SIGTERM while it sends emails
// through a slow mail server and has more waiting: it finishes the ones it claimed
// and exits cleanly; another process started afterwards sends the rest; every email
// arrives once.
func TestGracefulShutdownHandsOverJobs(t *testing.T) {
	t.Parallel()
	proxy := startTCPProxy(t, strings.TrimPrefix(mailpittest.SMTPURL(t), "smtp://"))
	proxy.delay.Store(int64(2 * time.Second))
	c := startCluster(t)
	env := map[string]string{"SMTP_URL": "smtp://" + proxy.addr, "LIBRES_PAGE_CACHE_MB": "0"}
	a := newStore(t, c, env)
	conn := a.open()
	l := newLoad(a.url, seedCatalog(t, conn))
	a.start()

	const emails = 8 // twice what one process sends at once
	var to []string
	for range emails {
		addr := mailpittest.Address(t)
		l.place(t, addr)
		to = append(to, addr)
	}
	var claimed int
	deadline := time.Now().Add(20 * time.Second)
	for claimed < 4 {
		if err := conn.GetContext(context.Background(), &claimed, `SELECT count(*) FROM river_job WHERE kind = 'email' AND state = 'running'`); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d email jobs claimed after 20 s, want 4", claimed)
		}
		time.Sleep(20 * time.Millisecond)
	}
	term := time.Now()
	a.kill(syscall.SIGTERM, 30*time.Second)
	stopped := time.Since(term)
	if a.waitErr != nil || !strings.Contains(a.logs.String(), `msg=stopped`) {
		t.Errorf("after SIGTERM the store exited with %v; want a clean exit after \"stopped\"", a.waitErr)
	}
	var left int
	if err := conn.GetContext(context.Background(), &left, `SELECT count(*) FROM river_job WHERE kind = 'email' AND state = 'running'`); err != nil {
		t.Fatal(err)
	}
	if left > 0 {
		t.Errorf("%d email jobs still claimed by the stopped process (nobody else may send them until River rescues them)", left)
	}

	b := newStore(t, c, env)
	b.start()
	waitDelivered(t, conn, 30*time.Second)
	sentA := strings.Count(a.logs.String(), `msg="email sent"`)
	sentB := strings.Count(b.logs.String(), `msg="email sent"`)
	lost, dup := 0, 0
	for _, addr := range to {
		switch n := mailpittest.Count(t, addr); {
		case n == 0:
			lost++
		case n > 1:
			dup += n - 1
		}
	}
	t.Logf("SIGTERM with jobs running: %d emails, %d being sent at SIGTERM; the store exited %d ms later having sent %d; "+
		"the next process sent %d; lost: %d; sent twice: %d", emails, claimed, stopped.Milliseconds(), sentA, sentB, lost, dup)
	if lost > 0 || dup > 0 {
		t.Errorf("%d emails lost and %d sent twice; want each once", lost, dup)
	}
	if sentB == 0 {
		t.Errorf("the next process sent no email: nothing was left to take over, the test proves nothing")
	}
}
