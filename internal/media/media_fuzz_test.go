package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gen2brain/webp"
)

// maxFuzzImageBytes and maxFuzzPixels keep one run of FuzzProcess fast; the real limits
// (MaxUploadBytes, MaxPixels) are checked by the header-only tests.
const (
	maxFuzzImageBytes = 64 << 10
	maxFuzzPixels     = 320 * 320
)

// FuzzProcess: image ingest. Whatever bytes are uploaded, Process either refuses them
// with one of its three user errors or stores a JPEG and a WebP of every planned width
// that decode to that width, carry no metadata (no APPn or comment segment in the JPEG:
// no EXIF, GPS, XMP or ICC; no EXIF, XMP or ICCP chunk in the WebP), and are keyed by
// the upload's hash.
func FuzzProcess(f *testing.F) {
	var buf bytes.Buffer
	src := image.NewRGBA(image.Rect(0, 0, 12, 7))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 7)
	}
	if err := jpeg.Encode(&buf, src, nil); err != nil {
		f.Fatal(err)
	}
	plain := bytes.Clone(buf.Bytes())
	f.Add(plain)
	f.Add(withSegment(plain, exifAPP1(6))) // EXIF with GPS, rotated
	f.Add(withSegment(plain, append([]byte{0xFF, 0xFE, 0, 7}, "hello"...)))
	f.Add(plain[:len(plain)/2])
	buf.Reset()
	gray := image.NewGray(image.Rect(0, 0, 3, 5))
	gray.Set(1, 1, color.Gray{Y: 200})
	if err := png.Encode(&buf, gray); err != nil {
		f.Fatal(err)
	}
	f.Add(bytes.Clone(buf.Bytes()))
	buf.Reset()
	if err := webp.Encode(&buf, src, webp.Options{Quality: 50}); err != nil {
		f.Fatal(err)
	}
	f.Add(bytes.Clone(buf.Bytes()))
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > maxFuzzImageBytes {
			return
		}
		if fm, err := sniff(b); err == nil {
			if cfg, err := fm.decodeConfig(b); err == nil && int64(cfg.Width)*int64(cfg.Height) > maxFuzzPixels {
				return
			}
		}
		store := newMemStore()
		p, err := Process(context.Background(), store, bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrUnsupportedType) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrTooManyPixels) {
				t.Fatalf("Process: %v, not a user error", err)
			}
			if len(store.objs) != 0 {
				t.Fatalf("refused upload stored %d objects", len(store.objs))
			}
			return
		}
		if !strings.HasPrefix(p.Key, "photos/") || len(p.Key) != len("photos/")+32 || len(p.Renditions) == 0 || !slices.IsSorted(p.Renditions) {
			t.Fatalf("photo %+v", p)
		}
		for _, w := range p.Renditions {
			jpg := store.objs[RenditionKey(p.Key, w)]
			for _, m := range jpegMarkers(t, jpg) {
				if m >= 0xE0 && m <= 0xEF || m == 0xFE {
					t.Fatalf("%dpx JPEG carries marker %#x", w, m)
				}
			}
			img, err := jpeg.Decode(bytes.NewReader(jpg))
			if err != nil || img.Bounds().Dx() != w {
				t.Fatalf("%dpx JPEG decodes to %v, %v", w, img.Bounds(), err)
			}
			if w == p.Width && img.Bounds().Dy() != p.Height {
				t.Fatalf("largest JPEG is %v, photo says %dx%d", img.Bounds(), p.Width, p.Height)
			}
			wp := store.objs[WebPKey(p.Key, w)]
			for _, c := range webpChunks(t, wp) {
				if c == "EXIF" || c == "XMP " || c == "ICCP" {
					t.Fatalf("%dpx WebP carries a %s chunk", w, c)
				}
			}
			if cfg, err := webp.DecodeConfig(bytes.NewReader(wp)); err != nil || cfg.Width != w {
				t.Fatalf("%dpx WebP decodes to %dx%d, %v", w, cfg.Width, cfg.Height, err)
			}
		}
		if len(store.objs) != 2*len(p.Renditions) {
			t.Fatalf("%d objects stored for %d renditions", len(store.objs), len(p.Renditions))
		}
	})
}

// FuzzSignedLink: the disk store's private links (company files, proofs). Whatever URL
// is requested under PrivatePath, a file is served only for the one key, name and expiry
// that were signed: changing any of them, or the signature, is a 404, and no other file
// (signed for nobody) is ever served.
func FuzzSignedLink(f *testing.F) {
	d, err := NewDisk(filepath.Join(f.TempDir(), "media"), "")
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	const key, name, other = "quotes/1/logo.png", "logo acme.png", "quotes/2/secret.pdf"
	for _, k := range []string{key, other} {
		if err := d.Put(ctx, k, []byte("file "+k), "application/octet-stream"); err != nil {
			f.Fatal(err)
		}
	}
	link, err := d.SignedURL(ctx, key, name, MaxSignedTTL)
	if err != nil {
		f.Fatal(err)
	}
	u, _ := url.Parse(link)
	q := u.Query()
	exp, _ := strconv.ParseInt(q.Get("e"), 10, 64)
	f.Add(link)
	f.Add(strings.Replace(link, "logo.png", "secret.pdf", 1))
	f.Add(strings.Replace(link, "/1/", "/2/", 1))
	f.Add(strings.Replace(link, "e=", "e=1", 1))
	f.Add(strings.Replace(link, "n=", "n=x", 1))
	f.Add(link + "&n=evil.html")
	f.Add(PrivatePath + "/" + other + "?" + u.RawQuery)
	f.Add(PrivatePath + "/quotes/1/../2/secret.pdf?" + u.RawQuery)
	f.Add(PrivatePath + "/quotes%2F1/logo.png?" + u.RawQuery)
	h := http.StripPrefix(PrivatePath, d.PrivateHandler())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, link, nil))
	if rec.Code != http.StatusOK {
		f.Fatalf("the signed link %s is %d", link, rec.Code) // else the property below holds vacuously
	}
	f.Fuzz(func(t *testing.T, target string) {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err != nil || req.URL.Host != "" {
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return
		}
		got := req.URL.Query()
		e, err := strconv.ParseInt(got.Get("e"), 10, 64)
		if strings.TrimPrefix(req.URL.Path, PrivatePath+"/") != key || got.Get("n") != name || err != nil || e != exp ||
			rec.Body.String() != "file "+key {
			t.Fatalf("GET %q served %q (key, name or expiry not the signed ones)", target, rec.Body.String())
		}
	})
}

// FuzzValidateKey: an accepted object key stays inside the store's directory (local,
// no "..", no hidden segment) and needs no escaping in a URL.
func FuzzValidateKey(f *testing.F) {
	for _, k := range []string{"photos/ab/320.jpg", "../etc/passwd", "a//b", "a/.hidden", "a/b/", "/abs", "a\\b", "a%2Fb", "photos/ab/..", strings.Repeat("a", 600)} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if validateKey(key) != nil {
			return
		}
		if !filepath.IsLocal(key) || filepath.Clean(key) != key || slices.Contains(strings.Split(key, "/"), "..") {
			t.Fatalf("key %q accepted but leaves the store's directory", key)
		}
		if (&url.URL{Path: key}).EscapedPath() != key {
			t.Fatalf("key %q accepted but needs escaping", key)
		}
		if joinURL("https://cdn.example/media/", key) != "https://cdn.example/media/"+key {
			t.Fatalf("joinURL mangles %q", key)
		}
	})
}
