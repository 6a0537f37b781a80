package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/payment/stripetest"
)

// store is the storefront under test: the real binary, serving the demo catalog.
type store struct {
	base   string               // http://127.0.0.1:PORT, also the app's LIBRES_BASE_URL
	db     string               // its database, for what no page shows (stock reservations)
	stripe *stripetest.Recorder // what the store asked its card provider
}

// startStore builds cmd/libres, creates a database and a bucket of its own, runs
// `migrate up` and `seed demo` with the binary, and serves on a free loopback port,
// sending its emails (through its own worker) to the test Mailpit and taking card
// payments through stripe-mock, behind a recorder (any sk_test_ key works there).
// Everything is stopped and dropped at cleanup.
func startStore(t *testing.T, e env, a artifacts) store {
	t.Helper()
	start := time.Now()
	bin := filepath.Join(t.TempDir(), "libres")
	build := exec.Command("go", "build", "-o", bin, "github.com/libres/storefront/cmd/libres")
	build.Dir = e.root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build cmd/libres: %v\n%s", err, out)
	}

	dbURL, drop, err := dbtest.Create(context.Background())
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Error(err)
		}
	})

	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	bucket := "libres-e2e-" + hex.EncodeToString(rnd[:])

	logPath := filepath.Join(a.dir, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatalf("create server log: %v", err)
	}
	t.Cleanup(func() { logFile.Close() })

	// The port is picked before the app starts because the app must know its own
	// public origin (canonical URLs, which Lighthouse checks). Another process could
	// take the port in between, so a failed start is retried on a new port.
	s := store{db: dbURL}
	var stripeURL string
	s.stripe, stripeURL = stripetest.NewRecorder(t, e.stripeURL)
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		s.base = "http://127.0.0.1:" + strconv.Itoa(port)
		appEnv := appEnviron(map[string]string{
			"DATABASE_URL":          dbURL,
			"PORT":                  strconv.Itoa(port),
			"LIBRES_BASE_URL":       s.base,
			"LIBRES_S3_ENDPOINT":    e.s3Endpoint,
			"LIBRES_S3_ACCESS_KEY":  e.s3Access,
			"LIBRES_S3_SECRET_KEY":  e.s3Secret,
			"LIBRES_S3_BUCKET":      bucket,
			"SMTP_URL":              e.smtpURL, // invitations, order emails
			"STRIPE_SECRET_KEY":     stripetest.Key,
			"STRIPE_WEBHOOK_SECRET": "whsec_test",
			"STRIPE_API_URL":        stripeURL,
			"LIBRES_LOG_LEVEL":      "warn",
		})
		if attempt == 1 {
			// Source photos 800 px wide: renditions of 320 and 640 px (JPEG and WebP), which
			// the pages and Lighthouse's mobile checks need, without the 1280 px ones
			// whose WebP encoding (pure Go, WASM) would double the store's start-up.
			for _, args := range [][]string{{"migrate", "up"}, {"seed", "demo", "--photo-width", "800"}} {
				cmd := exec.Command(bin, args...)
				cmd.Env = appEnv
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("libres %s: %v\n%s", strings.Join(args, " "), err, out)
				}
			}
		}
		err = serve(t, bin, appEnv, logFile, s.base)
		if err == nil {
			break
		}
		if attempt == 3 {
			t.Fatalf("start libres serve (log: %s): %v", logPath, err)
		}
		t.Logf("libres serve on %s did not start (%v); trying another port", s.base, err)
	}
	t.Logf("store with demo data on %s, ready in %s (log: %s)", s.base, time.Since(start).Round(time.Millisecond), logPath)
	return s
}

// serve starts `libres serve` and waits until /readyz answers 200. The process gets
// SIGTERM at cleanup (and SIGKILL if it has not exited 20 s later).
func serve(t *testing.T, bin string, environ []string, log *os.File, base string) error {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = environ
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("exited before it was ready: %v", err)
		default:
		}
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Cleanup(stop)
				return nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return fmt.Errorf("not ready after 30 s (last: %v)", errOrStatus(err, resp))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func errOrStatus(err error, resp *http.Response) string {
	if err != nil {
		return err.Error()
	}
	return resp.Status
}

// appEnviron is this process's environment without any of the app's own settings (so
// a developer's DATABASE_URL, bucket, mail server or Stripe account can never be
// reached), plus set.
func appEnviron(set map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "DATABASE_URL" || name == "PORT" || name == "SMTP_URL" ||
			strings.HasPrefix(name, "LIBRES_") || strings.HasPrefix(name, "STRIPE_") {
			continue
		}
		out = append(out, kv)
	}
	for k, v := range set {
		out = append(out, k+"="+v)
	}
	return out
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// fetch GETs a page of the store and returns its status and body.
func (s store) fetch(path string) (int, []byte, error) {
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(s.base + path)
	if err != nil {
		return 0, nil, fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return 0, nil, fmt.Errorf("GET %s: read body: %w", path, err)
	}
	return resp.StatusCode, buf.Bytes(), nil
}
