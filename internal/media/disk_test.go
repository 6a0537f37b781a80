package media

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func newTestDisk(t *testing.T) (*DiskStore, string) {
	t.Helper()
	parent := t.TempDir()
	d, err := NewDisk(filepath.Join(parent, "media"), "")
	if err != nil {
		t.Fatal(err)
	}
	return d, parent
}

func TestDiskStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	d, _ := newTestDisk(t)
	key := "photos/abc123/320.jpg"
	if ok, err := d.Exists(ctx, key); err != nil || ok {
		t.Fatalf("Exists before Put = %v, %v", ok, err)
	}
	for range 2 { // Put is repeatable
		if err := d.Put(ctx, key, []byte("jpeg bytes"), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := d.Exists(ctx, key); err != nil || !ok {
		t.Fatalf("Exists after Put = %v, %v", ok, err)
	}
	if b, err := d.Get(ctx, key); err != nil || string(b) != "jpeg bytes" {
		t.Fatalf("Get after Put = %q, %v", b, err)
	}
	if _, err := d.Get(ctx, "photos/abc123/none.jpg"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Get of a missing key: %v, want fs.ErrNotExist", err)
	}
	var files []string
	_ = filepath.WalkDir(d.dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(d.dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if len(files) != 1 || files[0] != key {
		t.Errorf("files on disk %v, want only %s (no temp files left)", files, key)
	}
	if got := d.URL(key); got != "/media/"+key {
		t.Errorf("URL = %q", got)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Errorf("second Delete: %v", err)
	}
	if ok, _ := d.Exists(ctx, key); ok {
		t.Error("Exists after Delete")
	}
}

func TestDiskStoreCustomBaseURL(t *testing.T) {
	d, err := NewDisk(t.TempDir(), "https://cdn.example.test/m/")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.URL("photos/a/640.jpg"); got != "https://cdn.example.test/m/photos/a/640.jpg" {
		t.Errorf("URL = %q", got)
	}
}

func TestDiskStoreRejectsBadKeys(t *testing.T) {
	d, _ := newTestDisk(t)
	for _, key := range []string{"", "../x", "/abs", "a//b", "a/../b", ".hidden", "a/.tmp-1", `a\b`, "a b", "a/", "ü"} {
		if err := d.Put(context.Background(), key, []byte("x"), "image/jpeg"); err == nil {
			t.Errorf("Put(%q) succeeded", key)
		}
	}
}

func TestDiskHandler(t *testing.T) {
	ctx := context.Background()
	d, parent := newTestDisk(t)
	const secret = "TOP-SECRET"
	if err := os.WriteFile(filepath.Join(parent, "secret.txt"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	// A symlink inside the store that points outside it must not be followed.
	if err := os.Symlink(parent, filepath.Join(d.dir, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, "photos/p1/320.jpg", []byte("\xff\xd8jpeg"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, "notes/readme.txt", []byte("<script>x</script>"), "text/html"); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, "quotes/logo.pdf", []byte("%PDF-1.4 a company's logo"), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	h := http.StripPrefix("/media", d.Handler())

	tests := []struct {
		method, path string
		status       int
		ctype        string
	}{
		{"GET", "/media/photos/p1/320.jpg", 200, "image/jpeg"},
		{"HEAD", "/media/photos/p1/320.jpg", 200, "image/jpeg"},
		{"GET", "/media/notes/readme.txt", 404, ""}, // only photos/ is public, as on S3
		{"GET", "/media/quotes/logo.pdf", 404, ""},
		{"GET", "/media/photos/p1/640.jpg", 404, ""},
		{"GET", "/media/photos/p1", 404, ""},
		{"GET", "/media/photos/", 404, ""},
		{"GET", "/media/", 404, ""},
		{"GET", "/media/../secret.txt", 404, ""},
		{"GET", "/media/%2e%2e/secret.txt", 404, ""},
		{"GET", "/media/photos/..%2f..%2fsecret.txt", 404, ""},
		{"GET", "/media/escape/secret.txt", 404, ""},
		{"GET", "/media/photos/p1/.tmp-0011223344556677", 404, ""},
		{"POST", "/media/photos/p1/320.jpg", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if strings.Contains(rec.Body.String(), secret) {
				t.Fatal("response leaks a file outside the store")
			}
			if tt.status != 200 {
				return
			}
			hd := rec.Header()
			if got := hd.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if got := hd.Get("Cache-Control"); got != CacheControl {
				t.Errorf("Cache-Control %q", got)
			}
			if got := hd.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
		})
	}
}

// TestDiskHandlerOverHTTP serves the store behind a real mux and fetches
// the URL that URL() hands out, as a browser would.
func TestDiskHandlerOverHTTP(t *testing.T) {
	d, _ := newTestDisk(t)
	src := encodeJPEG(t, quadrantImage(800, 600))
	store := Store(d)
	p, err := Process(context.Background(), store, strings.NewReader(string(src)))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/media/", http.StripPrefix("/media", d.Handler()))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, err := http.Get(srv.URL + d.URL(RenditionKey(p.Key, 640)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || len(body) < 100 {
		t.Fatalf("GET = %d %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
}
