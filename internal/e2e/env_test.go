package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// env is what the browser suite needs from the machine. `make test` provides all of it
// (deploy/test.sh starts the services, deploy/browser.sh installs the tools).
type env struct {
	root        string // repository root (holds go.mod)
	adminDB     string // LIBRES_TEST_DATABASE_URL
	s3Endpoint  string
	s3Access    string
	s3Secret    string
	smtpURL     string // LIBRES_TEST_SMTP_URL: the store sends its emails to Mailpit
	mailpitURL  string // LIBRES_TEST_MAILPIT_URL: the journeys read them there
	stripeURL   string // LIBRES_TEST_STRIPE_URL: stripe-mock, the store's card provider
	chrome      string // Chromium binary
	nodeModules string // holds axe-core, vnu-jar, lighthouse
	artifacts   string // screenshots, reports
	java, node  string
}

// The tools, as installed by `npm ci` from package-lock.json.
func (e env) axeScript() string {
	return filepath.Join(e.nodeModules, "axe-core", "axe.min.js")
}

func (e env) vnuJar() string {
	return filepath.Join(e.nodeModules, "vnu-jar", "build", "dist", "vnu.jar")
}

func (e env) lighthouse() string {
	return filepath.Join(e.nodeModules, "lighthouse", "cli", "index.js")
}

// loadEnv gathers the environment, or skips the test naming everything that is missing
// (fails instead under LIBRES_TEST_REQUIRE=1, as `make test` sets it).
func loadEnv(t *testing.T) env {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	e := env{
		root:        root,
		adminDB:     os.Getenv("LIBRES_TEST_DATABASE_URL"),
		s3Endpoint:  os.Getenv("LIBRES_TEST_S3_ENDPOINT"),
		s3Access:    os.Getenv("LIBRES_TEST_S3_ACCESS_KEY"),
		s3Secret:    os.Getenv("LIBRES_TEST_S3_SECRET_KEY"),
		smtpURL:     os.Getenv("LIBRES_TEST_SMTP_URL"),
		mailpitURL:  os.Getenv("LIBRES_TEST_MAILPIT_URL"),
		stripeURL:   os.Getenv("LIBRES_TEST_STRIPE_URL"),
		chrome:      os.Getenv("LIBRES_TEST_CHROME"),
		nodeModules: orDefault(os.Getenv("LIBRES_TEST_NODE_MODULES"), filepath.Join(root, "node_modules")),
		artifacts:   orDefault(os.Getenv("LIBRES_TEST_ARTIFACTS"), filepath.Join(root, "build", "e2e")),
	}
	var missing []string
	if e.adminDB == "" {
		missing = append(missing, "LIBRES_TEST_DATABASE_URL (test PostgreSQL)")
	}
	if e.s3Endpoint == "" || e.s3Access == "" || e.s3Secret == "" {
		missing = append(missing, "LIBRES_TEST_S3_ENDPOINT/ACCESS_KEY/SECRET_KEY (test S3)")
	}
	if e.smtpURL == "" || e.mailpitURL == "" {
		missing = append(missing, "LIBRES_TEST_SMTP_URL/MAILPIT_URL (test Mailpit)")
	}
	if e.stripeURL == "" {
		missing = append(missing, "LIBRES_TEST_STRIPE_URL (stripe-mock)")
	}
	if e.chrome == "" {
		// Debian names the binary chromium; other distributions chromium-browser.
		for _, name := range []string{"chromium", "chromium-browser"} {
			if p, err := exec.LookPath(name); err == nil {
				e.chrome = p
				break
			}
		}
	}
	if e.chrome == "" {
		missing = append(missing, "Chromium (LIBRES_TEST_CHROME or chromium on PATH)")
	}
	for _, f := range []string{e.axeScript(), e.vnuJar(), e.lighthouse()} {
		if _, err := os.Stat(f); err != nil {
			missing = append(missing, f+" (npm ci)")
		}
	}
	if e.java, err = exec.LookPath("java"); err != nil {
		missing = append(missing, "java (for vnu.jar)")
	}
	if e.node, err = exec.LookPath("node"); err != nil {
		missing = append(missing, "node (for Lighthouse)")
	}
	if len(missing) > 0 {
		msg := "browser suite needs " + strings.Join(missing, ", ") +
			": run `make test` (it installs and starts them via deploy/test.sh and deploy/browser.sh)"
		if os.Getenv("LIBRES_TEST_REQUIRE") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return e
}

func orDefault(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// repoRoot walks up from the package directory to the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find repository root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find repository root: no go.mod above the test directory")
		}
		dir = parent
	}
}

// artifacts are the files a run leaves for people (and CI) to look at.
type artifacts struct {
	dir   string // build/e2e
	shots string // build/e2e/screenshots
	html  string // build/e2e/html: the pages as the server sent them, for vnu
	lh    string // build/e2e/lighthouse
}

// newArtifacts empties the suite's own output folders so that nothing stale from an
// earlier run can be mistaken for this run's result. It first takes a lock on the
// folder for the whole test, so that two runs in one checkout (several people's
// `make test` at once) take turns instead of deleting each other's files.
func newArtifacts(t *testing.T, dir string) artifacts {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("create artifacts folder: %v", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatalf("lock artifacts folder: %v", err)
	}
	t.Cleanup(func() { lock.Close() }) // closing releases the lock
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Logf("another browser suite run is using %s; waiting for it to finish", dir)
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
			t.Fatalf("lock artifacts folder: %v", err)
		}
	}
	a := artifacts{
		dir:   dir,
		shots: filepath.Join(dir, "screenshots"),
		html:  filepath.Join(dir, "html"),
		lh:    filepath.Join(dir, "lighthouse"),
	}
	for _, d := range []string{a.shots, a.html, a.lh} {
		if err := os.RemoveAll(d); err != nil {
			t.Fatalf("clear artifacts: %v", err)
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatalf("create artifacts folder: %v", err)
		}
	}
	for _, f := range []string{"axe-report.txt", "axe-report.json", "vnu-report.txt", "vnu-report.json", "server.log", "lighthouse-scores.txt"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("clear artifacts: %v", err)
		}
	}
	return a
}
