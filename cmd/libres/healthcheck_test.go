package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/db/dbtest"
)

// TestHealthcheck runs `libres healthcheck` as the container's HEALTHCHECK does (a
// process of its own, judged by its exit status) against a real web process, a real
// worker process, a closed port, a server that answers 503 and one that never answers.
func TestHealthcheck(t *testing.T) {
	dbURL := dbtest.NewEmpty(t)
	env := map[string]string{"DATABASE_URL": dbURL, "LIBRES_MEDIA_DIR": t.TempDir()}
	var out, logs syncBuffer
	if err := run(context.Background(), []string{"migrate", "up"}, func(k string) string { return env[k] }, &out, &logs); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, logs.String())
	}
	web := serveInProcess(t, env, nil)
	worker := serveInProcess(t, env, map[string]string{"LIBRES_WEB": "false"})

	unavailable := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer unavailable.Close()
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer hung.Close()
	defer close(release)

	tests := []struct {
		name     string
		port     int
		wantExit int
		wantOut  string
	}{
		{"a web process", web, 0, "healthy: http://127.0.0.1:"},
		{"a worker process", worker, 0, "healthy: http://127.0.0.1:"},
		{"nothing listening", freePort(t), 1, "connection refused"},
		{"an unavailable server", portOf(t, unavailable.URL), 1, "status 503"},
		{"a server that never answers", portOf(t, hung.URL), 1, "context deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The check opens no database: a URL nothing listens on is enough.
			code, output := runHealthcheck(t, map[string]string{
				"PORT": fmt.Sprint(tt.port), "DATABASE_URL": "postgres://x@127.0.0.1:1/db"})
			if code != tt.wantExit || !strings.Contains(output, tt.wantOut) {
				t.Errorf("libres healthcheck on port %d: exit %d, output %q; want exit %d, output with %q",
					tt.port, code, output, tt.wantExit, tt.wantOut)
			}
		})
	}
}

// serveInProcess runs `libres serve` with env and extra on a free port until the test
// ends, and returns the port once /healthz answers.
func serveInProcess(t *testing.T, env, extra map[string]string) int {
	t.Helper()
	port := freePort(t)
	getenv := func(k string) string {
		if k == "PORT" {
			return fmt.Sprint(port)
		}
		if v, ok := extra[k]; ok {
			return v
		}
		return env[k]
	}
	var out, logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, &out, &logs) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve on port %d: %v\n%s", port, err, logs.String())
		}
	})
	deadline := time.Now().Add(60 * time.Second) // a first start under -race is slow
	for {
		res, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", port))
		if err == nil {
			res.Body.Close()
			return port
		}
		select {
		case err := <-done:
			t.Fatalf("serve on port %d stopped before answering: %v\n%s", port, err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve on port %d never answered /healthz: %v\n%s", port, err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runHealthcheck runs this test binary as `libres healthcheck` with only env, and
// returns its exit status and output.
func runHealthcheck(t *testing.T, env map[string]string) (int, string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, "healthcheck")
	// Under -race a process sleeps a second before exiting unless told not to.
	cmd.Env = []string{asCommand + "=1", "GORACE=" + strings.TrimSpace("atexit_sleep_ms=0 "+os.Getenv("GORACE"))}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var output syncBuffer
	cmd.Stdout, cmd.Stderr = &output, &output
	// Held open while the child runs (TestMain stops it when standard input closes).
	if _, err := cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("libres healthcheck still running after 60 s (its own limit is %v)\n%s", healthcheckTimeout, output.String())
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, output.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), output.String()
	default:
		t.Fatalf("run libres healthcheck: %v", err)
		return -1, ""
	}
}

// portOf returns the port of a httptest server's URL.
func portOf(t *testing.T, raw string) int {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	var port int
	if _, err := fmt.Sscan(u.Port(), &port); err != nil {
		t.Fatal(err)
	}
	return port
}
