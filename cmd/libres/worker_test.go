package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/db/dbtest"
)

// A worker process (LIBRES_WEB=false) answers the orchestrator's probes on PORT and
// nothing of the store; both off is refused at start.
func TestWorkerProcessServesOnlyProbes(t *testing.T) {
	dbURL := dbtest.NewEmpty(t)
	port := freePort(t)
	env := map[string]string{"DATABASE_URL": dbURL, "PORT": fmt.Sprint(port), "LIBRES_MEDIA_DIR": t.TempDir(), "LIBRES_WEB": "false"}
	getenv := func(k string) string { return env[k] }
	var out, logs syncBuffer
	if err := run(context.Background(), []string{"migrate", "up"}, getenv, &out, &logs); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, logs.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, &out, &logs) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()

	get := func(path string) (int, string) {
		t.Helper()
		for range 100 {
			res, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", port, path))
			if err != nil {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			return res.StatusCode, string(b)
		}
		t.Fatalf("the worker never answered %s\n%s", path, logs.String())
		return 0, ""
	}
	if st, body := get("/readyz"); st != http.StatusOK || !strings.Contains(body, `"database":"ok"`) {
		t.Errorf("/readyz = %d %s; want 200 with the database ok", st, body)
	}
	if st, _ := get("/healthz"); st != http.StatusOK {
		t.Errorf("/healthz = %d", st)
	}
	for _, p := range []string{"/", "/catalogo", "/login", "/admin"} {
		if st, _ := get(p); st != http.StatusNotFound {
			t.Errorf("a worker process answered %s with %d; want 404 (no store here)", p, st)
		}
	}
	if !strings.Contains(out.String(), "LIBRES_WEB") || !strings.Contains(logs.String(), "web off") {
		t.Errorf("the configuration printed or the log does not say the web is off:\n%s\n%s", out.String(), logs.String())
	}

	env["LIBRES_WORKERS"] = "false"
	if err := run(context.Background(), []string{"serve"}, getenv, &out, &logs); err == nil || !strings.Contains(err.Error(), "LIBRES_WEB") {
		t.Errorf("serve with the web and the workers off: err %v; want a refusal naming LIBRES_WEB", err)
	}
}
