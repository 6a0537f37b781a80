package faults

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The object store's root credentials (deploy/s3.sh's test defaults) and the bucket the
// store keeps photos in.
const (
	s3AccessKey = "librestest"
	s3SecretKey = "librestest-secret-key"
	s3Bucket    = "libres-photos"
)

// objectStore is a private versitygw (S3-compatible, posix backend, as deploy/s3.sh
// runs it) the test may stop and start again on the same port and data directory; the
// shared one must never be stopped under other packages' tests.
type objectStore struct {
	bin, dir, addr string
	cmd            *exec.Cmd
	exited         chan struct{}
}

// versitygwBinary finds the binary deploy/s3.sh installs into the repository's bin/
// (as `make test` does), or one on the PATH.
func versitygwBinary() string {
	if out, err := exec.Command("go", "env", "GOMOD").Output(); err == nil {
		if p := filepath.Join(filepath.Dir(strings.TrimSpace(string(out))), "bin", "versitygw"); fileExists(p) {
			return p
		}
	}
	p, _ := exec.LookPath("versitygw")
	return p
}

// startObjectStore runs versitygw on a free loopback port with its buckets in a new
// directory; it is stopped and removed when the test ends.
func startObjectStore(t *testing.T) *objectStore {
	t.Helper()
	o := &objectStore{bin: versitygwBinary(), dir: t.TempDir()}
	if o.bin == "" {
		need(t, "no versitygw: run deploy/s3.sh start DIR once (it installs bin/versitygw)")
	}
	for _, d := range []string{"data", "iam"} {
		if err := os.Mkdir(filepath.Join(o.dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	o.addr = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	o.start(t)
	t.Cleanup(func() { o.stop(t) })
	return o
}

// start serves the data directory on the store's port and waits until it answers HTTP.
func (o *objectStore) start(t *testing.T) {
	t.Helper()
	o.cmd = exec.Command(o.bin, "--port", o.addr, "--iam-dir", filepath.Join(o.dir, "iam"), "--quiet",
		"posix", filepath.Join(o.dir, "data"))
	o.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "ROOT_ACCESS_KEY=" + s3AccessKey, "ROOT_SECRET_KEY=" + s3SecretKey}
	logs := &syncBuffer{}
	o.cmd.Stdout, o.cmd.Stderr = logs, logs
	if err := o.cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	exited := make(chan struct{})
	o.exited = exited
	go func() {
		_ = o.cmd.Wait()
		close(exited)
	}()
	c := http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("versitygw exited before serving:\n%s", logs.String())
		default:
		}
		// Any HTTP answer (403 without credentials) means it serves.
		if res, err := c.Get("http://" + o.addr + "/"); err == nil {
			res.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not answer on %s within 30 s:\n%s", o.addr, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills the server (as a crash or a lost machine would) and waits until its port
// refuses connections.
func (o *objectStore) stop(t *testing.T) {
	t.Helper()
	select {
	case <-o.exited:
		return
	default:
	}
	_ = o.cmd.Process.Kill()
	<-o.exited
	if c, err := net.DialTimeout("tcp", o.addr, time.Second); err == nil {
		c.Close()
		t.Fatalf("%s still accepts connections after versitygw was stopped", o.addr)
	}
}

// object is the path of the file holding key in the bucket (the posix backend keeps an
// object as a file named by its key).
func (o *objectStore) object(key string) string {
	return filepath.Join(o.dir, "data", s3Bucket, filepath.FromSlash(key))
}

// env is the store's configuration for this object store.
func (o *objectStore) env() map[string]string {
	return map[string]string{"LIBRES_S3_ENDPOINT": o.addr, "LIBRES_S3_ACCESS_KEY": s3AccessKey,
		"LIBRES_S3_SECRET_KEY": s3SecretKey, "LIBRES_S3_BUCKET": s3Bucket}
}
