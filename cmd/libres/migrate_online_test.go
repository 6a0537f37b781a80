package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/migrations"
)

// TestNextMigrationWhilePreviousReleaseServes is the zero-downtime rule of
// docs/migrations.md, proven on the newest migration: the previous release (the binary
// of the commit before the one that added that migration, built from git history)
// migrates a fresh database and serves shoppers; the current binary's `migrate up`
// applies the new migration while they browse, add to cart and check out by transfer;
// the old binary goes on serving on the new schema, and then the current binary serves
// beside it, as during a rolling update after the migration Job. The old binary must
// answer every request with a 2xx or 3xx, and every order placed before, during and
// after must be there with its stock taken once.
func TestNextMigrationWhilePreviousReleaseServes(t *testing.T) {
	dbURL := dbtest.NewEmpty(t) // skips (or fails under make test) without a cluster
	newest, version := newestMigration(t)
	old := previousRelease(t, newest)

	env := map[string]string{
		"DATABASE_URL":          dbURL,
		"LIBRES_MEDIA_DIR":      t.TempDir(),
		"LIBRES_BASE_URL":       "http://libres.test",
		"LIBRES_PAGE_CACHE_MB":  "8",
		"LIBRES_ORDER_LINK_KEY": "migrate-online-test-order-link-key-0123456789",
	}
	ctx := context.Background()
	conn, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	schema := func() (v int64) {
		t.Helper()
		if err := conn.GetContext(ctx, &v, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`); err != nil {
			t.Fatalf("schema version: %v", err)
		}
		return v
	}

	// Release N-1 sets up its own schema and serves it.
	mctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	migrateOld := exec.CommandContext(mctx, old.path, "migrate", "up")
	migrateOld.Env = []string{"DATABASE_URL=" + dbURL, "GORACE=atexit_sleep_ms=0"}
	if b, err := migrateOld.CombinedOutput(); err != nil {
		t.Fatalf("previous release's migrate up: %v\n%s", err, b)
	}
	if v := schema(); v != old.version {
		t.Fatalf("after the previous release's migrate up the schema is at %d, want %d", v, old.version)
	}
	_, _, variantID := smallCatalog(t, dbURL)
	const stock = 100000 // enough that no checkout runs short
	if _, err := conn.ExecContext(ctx, `UPDATE variants SET stock_on_hand = $1 WHERE id = $2`, stock, variantID); err != nil {
		t.Fatal(err)
	}
	prev := startBinary(t, "previous ("+old.rev[:7]+")", old.path, env, map[string]string{"LIBRES_WORKERS": "true"})
	prev.waitListening(t)

	l := &rollout{variant: variantID, stop: make(chan struct{})}
	defer l.halt()
	l.shop(t, prev, 2)
	l.waitOrders(t, "2 orders on the previous release before the migration", func(o placed) bool { return true }, 2)

	// The current release's migration Job, while release N-1 serves.
	var out, logs syncBuffer
	migStart := time.Now()
	if err := run(ctx, []string{"migrate", "up"}, func(k string) string { return env[k] }, &out, &logs); err != nil {
		t.Fatalf("current migrate up: %v\n%s", err, logs.String())
	}
	migEnd := time.Now()
	if v := schema(); v != version {
		t.Fatalf("after the current migrate up the schema is at %d, want %d (%s)", v, version, newest)
	}
	l.waitOrders(t, "2 orders on the previous release after the migration",
		func(o placed) bool { return o.by == prev && o.start.After(migEnd) }, 2)

	// The rolling update: the current release serves beside the previous one.
	cur := startReplica(t, "current", env, map[string]string{"LIBRES_WORKERS": "false"})
	// Ready, not "keeps pages": with orders placed all the while every page is dropped
	// as soon as it is kept, so a kept page may never be served here.
	if err := cur.untilReady(); err != nil {
		t.Fatalf("replica current: %v", err)
	}
	both := time.Now()
	l.shop(t, cur, 1)
	l.waitOrders(t, "2 orders on the current release", func(o placed) bool { return o.by == cur }, 2)
	l.waitOrders(t, "2 orders on the previous release beside the current one",
		func(o placed) bool { return o.by == prev && o.start.After(both) }, 2)
	l.halt()
	stopReplicas(t, prev, cur)

	// What shoppers saw.
	inMigration := 0
	for _, r := range l.answers {
		if r.by == prev && r.start.Before(migEnd) && r.end.After(migStart) {
			inMigration++
		}
	}
	for _, r := range []*replica{prev, cur} {
		if bad := l.failures(r); len(bad) > 0 {
			t.Errorf("%s answered %d of %d requests with an error or a status outside 2xx/3xx; first: %s",
				r.name, len(bad), l.sent(r), strings.Join(bad[:min(len(bad), 5)], "; "))
		}
	}
	if inMigration == 0 {
		t.Errorf("no request to the previous release was in flight during the migration (%v): nothing was proven", migEnd.Sub(migStart))
	}
	var before, during, after, onCur int
	for _, o := range l.orders {
		switch {
		case o.by == cur:
			onCur++
		case o.end.Before(migStart):
			before++
		case o.start.Before(migEnd):
			during++
		default:
			after++
		}
	}
	if before == 0 || during == 0 || after == 0 || onCur == 0 {
		t.Errorf("orders placed before/during/after the migration on the previous release, and on the current one: %d/%d/%d/%d, want each > 0",
			before, during, after, onCur)
	}

	// What the database kept: each order once, its stock taken once.
	var emails []string
	for _, o := range l.orders {
		emails = append(emails, o.email)
	}
	var found []struct {
		Email  string       `db:"email"`
		Status order.Status `db:"status"`
		Method string       `db:"payment_method"`
	}
	if err := conn.SelectContext(ctx, &found, `SELECT email, status, payment_method FROM orders`); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, f := range found {
		count[f.Email]++
		if f.Status != order.StatusPending || f.Method != "transfer" {
			t.Errorf("order of %s is %s by %s, want %s by transfer (placed, not paid)", f.Email, f.Status, f.Method, order.StatusPending)
		}
	}
	for _, e := range emails {
		if count[e] != 1 {
			t.Errorf("the shopper %s was answered with an order; the database has %d orders of theirs", e, count[e])
		}
	}
	if len(found) < len(emails) {
		t.Errorf("%d orders in the database, %d answered", len(found), len(emails))
	}
	var left, sold int64
	if err := conn.QueryRowxContext(ctx, `SELECT (SELECT stock_on_hand FROM variants WHERE id = $1),
		(SELECT coalesce(sum(quantity), 0) FROM order_lines WHERE variant_id = $1)`, variantID).Scan(&left, &sold); err != nil {
		t.Fatal(err)
	}
	if left+sold != stock {
		t.Errorf("stock left %d + sold %d = %d, want %d (every order's stock taken once)", left, sold, left+sold, stock)
	}
	t.Logf("migrations %05d to %s applied in %d ms while %s served: %d requests in flight during it, %d errors, %d 5xx; "+
		"%d requests in all (%d to the current release); orders before/during/after/on the current release: %d/%d/%d/%d",
		old.version+1, newest, migEnd.Sub(migStart).Milliseconds(), prev.name, inMigration, len(l.failures(prev))+len(l.failures(cur)),
		l.fiveXX(), len(l.answers), l.sent(cur), before, during, after, onCur)
}

// newestMigration is the highest-numbered file of migrations/ and its number.
func newestMigration(t *testing.T) (string, int64) {
	t.Helper()
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v (%d files)", err, len(files))
	}
	sort.Strings(files)
	newest := files[len(files)-1]
	n, err := strconv.ParseInt(strings.SplitN(newest, "_", 2)[0], 10, 64)
	if err != nil {
		t.Fatalf("migration %s: %v", newest, err)
	}
	return newest, n
}

// release is a libres binary built from a commit of the repository.
type release struct {
	rev     string // the commit it was built from
	path    string
	version int64 // its newest migration: the schema it runs on
}

// releases keeps the binaries built in this process by commit, so that -count=N
// builds each once; the last run removes them (see previousRelease).
var releases struct {
	sync.Mutex
	dir   string
	built map[string]string
	runs  int
}

// previousRelease builds the binary of the commit before the one that added the
// migration file newest: the release that runs while that migration is applied. It
// skips when git, the commit or its parent is not there (a shallow clone, a migration
// not committed yet).
func previousRelease(t *testing.T, newest string) release {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: the previous release cannot be built from history")
	}
	git := func(args ...string) (string, error) {
		b, err := exec.Command("git", args...).Output()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w: %s", err, bytes.TrimSpace(ee.Stderr))
		}
		return strings.TrimSpace(string(b)), err
	}
	root, err := git("rev-parse", "--show-toplevel")
	if err != nil {
		t.Skipf("not in a git work tree (%v): the previous release cannot be built from history", err)
	}
	added, err := git("-C", root, "log", "-1", "--format=%H", "--diff-filter=A", "--", "migrations/"+newest)
	if err != nil || added == "" {
		t.Skipf("no commit adds migrations/%s (not committed yet, or a shallow clone): %v", newest, err)
	}
	rev, err := git("-C", root, "rev-parse", "--verify", "--quiet", added+"^")
	if err != nil || rev == "" {
		t.Skipf("the parent of %s (which adds migrations/%s) is not in this clone (shallow?): %v", added[:7], newest, err)
	}

	releases.Lock()
	defer releases.Unlock()
	releases.runs++
	if count := flag.Lookup("test.count"); count == nil || count.Value.String() == strconv.Itoa(releases.runs) {
		t.Cleanup(func() { // this process's last run
			releases.Lock()
			defer releases.Unlock()
			os.RemoveAll(releases.dir)
			releases.dir, releases.built = "", nil
		})
	}
	// Its schema: the newest migration in its tree (migrations may be committed out of
	// number order, so not necessarily the one before newest). The current migrate up
	// applies every one after it while it serves.
	names, err := git("-C", root, "ls-tree", "--name-only", rev, "migrations/")
	if err != nil {
		t.Fatalf("migrations of %s: %v", rev[:7], err)
	}
	var version int64
	for _, name := range strings.Fields(names) {
		if n, err := strconv.ParseInt(strings.SplitN(filepath.Base(name), "_", 2)[0], 10, 64); err == nil && n > version {
			version = n
		}
	}
	if p, ok := releases.built[rev]; ok {
		return release{rev, p, version}
	}
	if releases.dir == "" {
		if releases.dir, err = os.MkdirTemp("", "libres-releases-"); err != nil {
			t.Fatal(err)
		}
		releases.built = map[string]string{}
	}
	src := filepath.Join(releases.dir, rev)
	if err := exportTree(root, rev, src); err != nil {
		t.Fatalf("export %s: %v", rev[:7], err)
	}
	// Built as this test binary was (-race or not), the dependencies come from the
	// build cache; only the store's own packages compile (30-60 s on a busy machine).
	args := []string{"build", "-buildvcs=false", "-o", filepath.Join(releases.dir, "libres-"+rev[:12])}
	if raceBuild() {
		args = append(args, "-race")
	}
	bound := 8 * time.Minute
	if d, ok := t.Deadline(); ok && time.Until(d)-3*time.Minute < bound {
		bound = time.Until(d) - 3*time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	build := exec.CommandContext(ctx, "go", append(args, "./cmd/libres")...)
	build.Dir = src
	start := time.Now()
	b, err := build.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("building the previous release (%s) took over %v: %s", rev[:7], bound.Round(time.Second), b)
	}
	if err != nil {
		t.Fatalf("build the previous release (%s): %v\n%s", rev[:7], err, b)
	}
	t.Logf("built the previous release %s (before %s added %s) in %v", rev[:7], added[:7], newest, time.Since(start).Round(time.Second))
	_ = os.RemoveAll(src)
	releases.built[rev] = args[3]
	return release{rev, args[3], version}
}

// exportTree writes the files of commit rev into dir (git archive, without touching the
// repository's work tree or worktree list).
func exportTree(root, rev, dir string) error {
	cmd := exec.Command("git", "-C", root, "archive", "--format=tar", rev)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	tr := tar.NewReader(pipe)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			_ = cmd.Wait()
			return fmt.Errorf("read archive: %w (%s)", err, stderr.String())
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(p, filepath.Clean(dir)+string(filepath.Separator)) {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(p, 0o755)
		case tar.TypeSymlink:
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.Symlink(h.Linkname, p)
			}
		case tar.TypeReg:
			err = writeFile(p, tr, os.FileMode(h.Mode)&0o755|0o600)
		}
		if err != nil {
			_ = cmd.Wait()
			return err
		}
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git archive: %w (%s)", err, stderr.String())
	}
	return nil
}

func writeFile(p string, r io.Reader, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// raceBuild reports whether this test binary was built with -race.
func raceBuild() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// startBinary runs `bin serve` as a replica with only the configuration given (a
// binary other than this test's: it stops when killed at cleanup, or by SIGTERM).
func startBinary(t *testing.T, name, bin string, shared, own map[string]string) *replica {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = []string{"PORT=" + strconv.Itoa(port), "GORACE=atexit_sleep_ms=0"}
	if v, ok := os.LookupEnv("TMPDIR"); ok {
		cmd.Env = append(cmd.Env, "TMPDIR="+v)
	}
	for _, m := range []map[string]string{shared, own} {
		for k, v := range m {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	return launch(t, name, port, cmd)
}

// rollout is shoppers visiting replicas (product page, add to cart, review, place by
// transfer), one visit after another until halted, with every answer recorded.
type rollout struct {
	variant int64
	stop    chan struct{}
	halted  sync.Once
	wg      sync.WaitGroup

	mu      sync.Mutex
	answers []timed
	orders  []placed
	visits  int
}

// timed is one request's answer (status 0: none) and when it was in flight.
type timed struct {
	by         *replica
	what       string
	status     int
	err        error
	start, end time.Time
}

// placed is an order answered with a redirect, and when its visit ran.
type placed struct {
	by         *replica
	email      string
	start, end time.Time
}

// shop starts n shoppers on r.
func (l *rollout) shop(t *testing.T, r *replica, n int) {
	for range n {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				l.visit(t, r)
			}
		}()
	}
}

func (l *rollout) halt() {
	l.halted.Do(func() { close(l.stop) })
	l.wg.Wait()
}

// visit is one shopper's way to an order; it ends at the first answer that does not
// let the shopper go on.
func (l *rollout) visit(t *testing.T, r *replica) {
	l.mu.Lock()
	l.visits++
	email := fmt.Sprintf("shopper-%d@migrate.test", l.visits)
	l.mu.Unlock()
	v := newVisitor(t)
	form := url.Values{"email": {email}, "name": {"Prueba Migración"}, "phone": {"3001234567"},
		"department": {"Antioquia"}, "city": {"Medellín"}, "address_line": {"Calle 10 # 20-30"}, "donation": {"0"},
		"payment_method": {"transfer"}, "accept_policy": {"1"}, "action": {"review"}}
	start := time.Now()
	step := func(method, path string, f url.Values, want int) (answer, bool) {
		s := time.Now()
		a, err := v.try(r, method, path, f)
		l.mu.Lock()
		l.answers = append(l.answers, timed{by: r, what: method + " " + path, status: a.status, err: err, start: s, end: time.Now()})
		l.mu.Unlock()
		return a, err == nil && a.status == want
	}
	if _, ok := step(http.MethodGet, "/producto/mochila-tejida", nil, http.StatusOK); !ok {
		return
	}
	if _, ok := step(http.MethodPost, "/carrito", url.Values{"variant": {strconv.FormatInt(l.variant, 10)}, "quantity": {"1"}}, http.StatusSeeOther); !ok {
		return
	}
	review, ok := step(http.MethodPost, "/pagar", form, http.StatusOK)
	total, found := review.doc.Find(`input[name="quoted_total"]`).Attr("value")
	if !ok || !found {
		return
	}
	form.Set("action", "place")
	form.Set("quoted_total", total)
	if _, ok := step(http.MethodPost, "/pagar", form, http.StatusSeeOther); !ok {
		return
	}
	l.mu.Lock()
	l.orders = append(l.orders, placed{by: r, email: email, start: start, end: time.Now()})
	l.mu.Unlock()
}

// waitOrders waits until n orders that match were placed, at most two minutes (a
// first start under -race on a busy machine is slow).
func (l *rollout) waitOrders(t *testing.T, what string, match func(placed) bool, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		l.mu.Lock()
		got := 0
		for _, o := range l.orders {
			if match(o) {
				got++
			}
		}
		l.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %d in two minutes; failures: %q", what, got, l.allFailures())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// failures describes r's answers that were not a 2xx or 3xx.
func (l *rollout) failures(r *replica) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var bad []string
	for _, a := range l.answers {
		if a.by == r && (a.err != nil || a.status < 200 || a.status >= 400) {
			bad = append(bad, fmt.Sprintf("%s at %s: %d %v", a.what, a.start.Format("15:04:05.000"), a.status, a.err))
		}
	}
	return bad
}

func (l *rollout) allFailures() []string {
	l.mu.Lock()
	rs := map[*replica]bool{}
	for _, a := range l.answers {
		rs[a.by] = true
	}
	l.mu.Unlock()
	var bad []string
	for r := range rs {
		bad = append(bad, l.failures(r)...)
	}
	return bad
}

func (l *rollout) sent(r *replica) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, a := range l.answers {
		if a.by == r {
			n++
		}
	}
	return n
}

func (l *rollout) fiveXX() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, a := range l.answers {
		if a.status >= 500 {
			n++
		}
	}
	return n
}
