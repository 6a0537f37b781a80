package faults

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// binDir holds the libres binary this run built (removed by TestMain).
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var build struct {
	once sync.Once
	path string
	err  error
}

// libresBinary builds cmd/libres once per run (without the race detector: the store
// is the subject here, not the test's own goroutines, and an instrumented server is
// several times slower under load).
func libresBinary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		dir, err := os.MkdirTemp("", "libres-faults-bin-")
		if err != nil {
			build.err = err
			return
		}
		binDir = dir
		build.path = filepath.Join(dir, "libres")
		out, err := exec.Command("go", "build", "-o", build.path, "github.com/libres/storefront/cmd/libres").CombinedOutput()
		if err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// store is one `libres serve` process on a cluster's database, with the
// configuration a test gives it.
type store struct {
	t       *testing.T
	bin     string
	env     map[string]string
	url     string
	cmd     *exec.Cmd
	logs    *syncBuffer
	exited  chan struct{}
	waitErr error
}

// newStore migrates the cluster's libres database and returns a store (not started)
// whose environment is only what it needs plus extra.
func newStore(t *testing.T, c *cluster, extra map[string]string) *store {
	t.Helper()
	port := freePort(t)
	s := &store{t: t, bin: libresBinary(t), url: fmt.Sprintf("http://127.0.0.1:%d", port), env: map[string]string{
		"DATABASE_URL":          c.url("libres"),
		"PORT":                  strconv.Itoa(port),
		"LIBRES_BASE_URL":       fmt.Sprintf("http://127.0.0.1:%d", port),
		"LIBRES_MEDIA_DIR":      t.TempDir(),
		"LIBRES_ORDER_LINK_KEY": "faults-test-order-link-key-0123456789abcdef",
		"LIBRES_SHUTDOWN_GRACE": "10",
	}}
	for k, v := range extra {
		s.env[k] = v
	}
	if out, err := s.command("migrate", "up"); err != nil {
		t.Fatalf("libres migrate up: %v\n%s", err, out)
	}
	return s
}

// command runs `libres ARGS…` to completion with the store's environment.
func (s *store) command(args ...string) ([]byte, error) {
	cmd := exec.Command(s.bin, args...)
	cmd.Env = s.environ()
	return cmd.CombinedOutput()
}

func (s *store) environ() []string {
	env := []string{"PATH=" + os.Getenv("PATH")}
	if v, ok := os.LookupEnv("TMPDIR"); ok {
		env = append(env, "TMPDIR="+v)
	}
	for k, v := range s.env {
		env = append(env, k+"="+v)
	}
	return env
}

// start runs `libres serve` and waits until it answers.
func (s *store) start() {
	t := s.t
	t.Helper()
	s.cmd = exec.Command(s.bin, "serve")
	s.cmd.Env = s.environ()
	s.logs = &syncBuffer{}
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	s.exited = make(chan struct{})
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start libres serve: %v", err)
	}
	cmd, exited, logs := s.cmd, s.exited, s.logs
	go func() {
		s.waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("libres serve output:\n%s", logs.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("libres serve exited before serving: %v\n%s", s.waitErr, logs.String())
		default:
		}
		if res, err := client.Get(s.url + "/terminos"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("libres serve did not answer within 30 s\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill stops the process with sig and waits for it to exit (at most bound).
func (s *store) kill(sig syscall.Signal, bound time.Duration) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("signal libres serve: %v", err)
	}
	select {
	case <-s.exited:
	case <-time.After(bound):
		s.t.Fatalf("libres serve still running %v after %v", bound, sig)
	}
}

// open connects the test itself to the store's database.
func (s *store) open() *sqlx.DB {
	s.t.Helper()
	conn, err := db.Open(context.Background(), s.env["DATABASE_URL"])
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { conn.Close() })
	return conn
}

// reconcile runs `libres reconcile`, which exits 1 when the ledger disagrees with the
// orders.
func (s *store) reconcile() {
	s.t.Helper()
	if out, err := s.command("reconcile"); err != nil {
		s.t.Errorf("libres reconcile: %v\n%s", err, out)
	}
}

// requestBound is how long any request may take before it counts as hung.
const requestBound = 15 * time.Second

// client does not follow redirects: the tests look at each answer.
var client = &http.Client{Timeout: requestBound,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// shopper is one browser: its own cookies.
type shopper struct {
	base string
	c    *http.Client
}

func newShopper(base string) *shopper {
	jar, _ := cookiejar.New(nil)
	return &shopper{base: base, c: &http.Client{Timeout: requestBound, Jar: jar, CheckRedirect: client.CheckRedirect}}
}

// reply is an answer with its page parsed (an empty document when it is not HTML).
type reply struct {
	status   int
	location string
	header   http.Header
	doc      *goquery.Document
	took     time.Duration
}

func (sh *shopper) do(method, path string, form url.Values) (reply, error) {
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, sh.base+path, body)
	if err != nil {
		return reply{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	start := time.Now()
	res, err := sh.c.Do(req)
	if err != nil {
		return reply{took: time.Since(start)}, err
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	took := time.Since(start)
	if err != nil {
		return reply{status: res.StatusCode, took: took}, err
	}
	return reply{status: res.StatusCode, location: res.Header.Get("Location"), header: res.Header, doc: doc, took: took}, nil
}

// checkoutForm is a bank-transfer checkout by email.
func checkoutForm(email string) url.Values {
	return url.Values{"email": {email}, "name": {"Prueba Fallas"}, "phone": {"3001234567"},
		"department": {"Antioquia"}, "city": {"Medellín"}, "address_line": {"Calle 10 # 20-30"}, "donation": {"0"},
		"payment_method": {"transfer"}, "accept_policy": {"1"}, "action": {"review"}}
}

// errStep is a step of a shopper's visit that did not get the answer it needs to go
// on (a 503 during an outage, say): the visit ends there.
var errStep = errors.New("step refused")

// text is s's text with runs of white space as one space.
func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// syncBuffer collects a process's output from its copying goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
