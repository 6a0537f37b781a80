package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db/dbtest"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// syncBuffer is a bytes.Buffer safe to write from the server goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeStartsAndStopsCleanly runs `libres migrate up` and `libres serve` on a real
// database, checks readiness and the masked configuration, then stops it like SIGTERM.
func TestServeStartsAndStopsCleanly(t *testing.T) {
	dbURL := dbtest.NewEmpty(t)
	port := freePort(t)
	env := map[string]string{
		"DATABASE_URL":     dbURL,
		"PORT":             fmt.Sprint(port),
		"LIBRES_MEDIA_DIR": t.TempDir(),
	}
	getenv := func(k string) string { return env[k] }
	var out, logs syncBuffer
	if err := run(context.Background(), []string{"migrate", "up"}, getenv, &out, &logs); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, logs.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, &out, &logs) }()

	url := fmt.Sprintf("http://127.0.0.1:%d/readyz", port)
	var res *http.Response
	var err error
	for i := 0; i < 100; i++ {
		if res, err = http.Get(url); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		cancel()
		t.Fatalf("server never answered: %v\n%s", err, logs.String())
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("/readyz = %d", res.StatusCode)
	}
	// A request in flight when the signal comes still gets its page: hold the products
	// table locked so /catalogo waits in the database, signal, then release the lock.
	conn, err := sqlx.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, err := conn.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`LOCK TABLE products IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	inflight := make(chan int, 1)
	go func() {
		res, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/catalogo", port))
		if err != nil {
			inflight <- -1
			return
		}
		res.Body.Close()
		inflight <- res.StatusCode
	}()
	// Wait until the page's query is blocked on the lock.
	for i := 0; ; i++ {
		var waiting int
		if err := conn.Get(&waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if i == 200 {
			t.Fatal("the request never reached the database")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	// Shutdown has begun once the listener is closed: new connections are refused while
	// the request in flight still waits on the lock.
	for i := 0; ; i++ {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err != nil {
			break
		}
		c.Close()
		if i == 400 {
			t.Fatal("the server kept accepting connections after the signal")
		}
		time.Sleep(25 * time.Millisecond)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if code := <-inflight; code != http.StatusOK {
		t.Errorf("in-flight request during shutdown answered %d, want 200", code)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop within 20 s of the signal")
	}
	if _, err := http.Get(url); err == nil {
		t.Errorf("server still answers after shutdown")
	}
	if !strings.Contains(out.String(), "DATABASE_URL") || !strings.Contains(logs.String(), "stopped") {
		t.Errorf("start-up did not print the configuration or shutdown was not logged:\n%s\n%s", out.String(), logs.String())
	}
}
