// Package faults holds tests that break the store's parts while it runs — PostgreSQL
// restarted, the SMTP server gone, the process killed, Stripe failing, the object store
// down — against real services on loopback, and print what the store survived. Each
// test starts its own PostgreSQL cluster (it stops and starts it) and runs the store as
// a real `libres serve` process.
package faults

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/db"
)

// need skips the test for a missing service or program, or fails it under
// LIBRES_TEST_REQUIRE=1 (as in `make test`), where every part must be there.
func need(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("LIBRES_TEST_REQUIRE") == "1" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// cluster is a private PostgreSQL cluster the test may stop and start at will (the
// shared test cluster must never be restarted under other packages' tests).
type cluster struct {
	bin, dir string
	port     int
	asPG     bool // running as root: initdb and pg_ctl run as the postgres user
}

// pgBinDir finds initdb and pg_ctl as deploy/pg.sh does: pg_config's bindir when it
// has initdb, else the newest /usr/lib/postgresql/N/bin, else the PATH.
func pgBinDir() string {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); fileExists(filepath.Join(d, "initdb")) {
			return d
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if fileExists(filepath.Join(dirs[i], "initdb")) {
			return dirs[i]
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// startCluster makes and starts a cluster in a new directory, with a database named
// libres; it is stopped and removed when the test ends.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	c := &cluster{bin: pgBinDir(), asPG: os.Geteuid() == 0}
	if c.bin == "" {
		need(t, "no PostgreSQL server programs (initdb, pg_ctl): install postgresql-15")
	}
	dir, err := os.MkdirTemp("", "libres-faults-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = dir
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if c.asPG {
		u, err := user.Lookup("postgres")
		if err != nil {
			need(t, "running as root needs a postgres user to own the test cluster: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := c.pg("initdb", "-N", "-D", c.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	c.port = freePort(t)
	c.start(t)
	t.Cleanup(func() { _, _ = c.pg("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop") })
	conn, err := db.Open(context.Background(), c.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(`CREATE DATABASE libres`); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

// url is the address of database name.
func (c *cluster) url(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// pg runs one of PostgreSQL's programs, as the postgres user when we are root.
func (c *cluster) pg(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.asPG {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = "/"
	return cmd.CombinedOutput()
}

// start starts the cluster on its port and waits until it accepts connections. It is
// throwaway data: no fsync.
func (c *cluster) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off "+
		"-c synchronous_commit=off -c full_page_writes=off -c max_connections=60", c.port)
	if out, err := c.pg("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "postgres.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

// stop stops the cluster as an operator restarting it would: fast (open connections
// are cut, transactions rolled back).
func (c *cluster) stop(t *testing.T) {
	t.Helper()
	if out, err := c.pg("pg_ctl", "-D", c.data(), "-m", "fast", "-w", "-t", "60", "stop"); err != nil {
		t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

// freePort is a loopback TCP port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
