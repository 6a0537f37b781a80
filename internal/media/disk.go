package media

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
)

// DiskStore keeps objects as files under a directory, for development and
// small deployments without an S3 server. The app serves them with Handler.
type DiskStore struct {
	dir     string
	baseURL string

	once    sync.Once
	signKey []byte // of signed links to private files (signed.go)
}

var _ Store = (*DiskStore)(nil)

// NewDisk creates dir if needed. An empty publicBaseURL means "/media",
// where the app mounts Handler.
func NewDisk(dir, publicBaseURL string) (*DiskStore, error) {
	if dir == "" {
		return nil, errors.New("disk store: directory is required")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("disk store: create %s: %w", dir, err)
	}
	if publicBaseURL == "" {
		publicBaseURL = "/media"
	}
	return &DiskStore{dir: dir, baseURL: publicBaseURL}, nil
}

// root opens the store directory as an os.Root, which refuses any name
// that would resolve outside it (including through symlinks). Opening it
// per call keeps DiskStore free of a long-lived descriptor to close.
func (d *DiskStore) root() (*os.Root, error) {
	r, err := os.OpenRoot(d.dir)
	if err != nil {
		return nil, fmt.Errorf("disk store: open %s: %w", d.dir, err)
	}
	return r, nil
}

// Put writes body to a temporary file next to the target and renames it
// into place, so readers never see a half-written photo. contentType is
// not recorded: Handler derives it from the key's extension.
func (d *DiskStore) Put(ctx context.Context, key string, body []byte, contentType string) error {
	if err := validateKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("disk store: put %s: %w", key, err)
	}
	r, err := d.root()
	if err != nil {
		return err
	}
	defer r.Close()
	if dir := path.Dir(key); dir != "." {
		if err := r.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("disk store: put %s: mkdir: %w", key, err)
		}
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:]) // never fails, per crypto/rand docs
	// The leading dot makes the temp name an invalid key, so Handler
	// cannot serve a partial file.
	tmp := path.Join(path.Dir(key), ".tmp-"+hex.EncodeToString(rnd[:]))
	f, err := r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("disk store: put %s: create temp: %w", key, err)
	}
	_, werr := f.Write(body)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = r.Rename(tmp, key)
	}
	if werr != nil {
		_ = r.Remove(tmp)
		return fmt.Errorf("disk store: put %s: %w", key, werr)
	}
	return nil
}

// Exists reports whether key is stored as a regular file.
func (d *DiskStore) Exists(ctx context.Context, key string) (bool, error) {
	if err := validateKey(key); err != nil {
		return false, err
	}
	r, err := d.root()
	if err != nil {
		return false, err
	}
	defer r.Close()
	fi, err := r.Stat(key)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("disk store: stat %s: %w", key, err)
	}
	return fi.Mode().IsRegular(), nil
}

// Delete removes key; deleting a missing key is not an error.
func (d *DiskStore) Delete(ctx context.Context, key string) error {
	if err := validateKey(key); err != nil {
		return err
	}
	r, err := d.root()
	if err != nil {
		return err
	}
	defer r.Close()
	if err := r.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("disk store: delete %s: %w", key, err)
	}
	return nil
}

// URL returns the public URL of key.
func (d *DiskStore) URL(key string) string { return joinURL(d.baseURL, key) }

// contentTypes is deliberately small and fixed (not the system MIME
// table): only image types are ever served as anything but bytes.
var contentTypes = map[string]string{
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".png":  "image/png",
	".webp": "image/webp",
}

// Handler serves the public files: keys under PublicPrefix (photos), as the S3 bucket
// policy does; private keys (a company's logo files under quotes/) are 404 here and are
// served, if at all, by an authenticated handler. The request path, after any mount
// prefix has been stripped (e.g. http.StripPrefix("/media", h)), is the key; paths that
// are not valid keys (traversal, hidden files, directories) get 404 without touching
// the filesystem.
func (d *DiskStore) Handler() http.Handler {
	return d.serve(func(req *http.Request, key string) (http.Header, bool) {
		if !strings.HasPrefix(key, PublicPrefix) {
			return nil, false
		}
		ct, ok := contentTypes[strings.ToLower(path.Ext(key))]
		if !ok {
			ct = "application/octet-stream"
		}
		return http.Header{"Content-Type": {ct}, "Cache-Control": {CacheControl}}, true
	})
}

// serve answers GET and HEAD of the file named by the request path (a key, after any
// mount prefix is stripped) when allow says so, with allow's headers; anything else
// (not allowed, not a valid key, missing, not a regular file) is 404 alike.
func (d *DiskStore) serve(allow func(req *http.Request, key string) (http.Header, bool)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		key := strings.TrimPrefix(req.URL.Path, "/")
		if validateKey(key) != nil {
			http.NotFound(w, req)
			return
		}
		headers, ok := allow(req, key)
		if !ok {
			http.NotFound(w, req)
			return
		}
		r, err := d.root()
		if err != nil {
			http.Error(w, "files unavailable", http.StatusInternalServerError)
			return
		}
		defer r.Close()
		f, err := r.Open(key)
		if err != nil {
			http.NotFound(w, req)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			http.NotFound(w, req)
			return
		}
		h := w.Header()
		for k, v := range headers {
			h[k] = v
		}
		h.Set("X-Content-Type-Options", "nosniff")
		// Stored files never need to run anything; this neuters a file that is somehow
		// opened as a document, and no other site may frame one (this replaces the
		// site's policy, so it repeats frame-ancestors).
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'none'")
		http.ServeContent(w, req, "", fi.ModTime(), f)
	})
}

// Get returns the bytes stored under key; a missing key is an error wrapping
// fs.ErrNotExist.
func (d *DiskStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := validateKey(key); err != nil {
		return nil, err
	}
	r, err := d.root()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := r.ReadFile(key)
	if err != nil {
		return nil, fmt.Errorf("disk store: get %s: %w", key, err)
	}
	return b, nil
}
