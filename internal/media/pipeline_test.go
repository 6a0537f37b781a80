package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"slices"
	"testing"

	"github.com/gen2brain/webp"
)

func TestProcessJPEGWithEXIF(t *testing.T) {
	// 1400x700 stored sideways with orientation 6: upright it is 700x1400,
	// so only the 320 and 640 renditions fit.
	src := withSegment(encodeJPEG(t, quadrantImage(1400, 700)), exifAPP1(6))
	if !bytes.Contains(src, []byte(gpsMarker)) || jpegOrientation(src) != 6 {
		t.Fatal("test input lacks the EXIF it is meant to carry")
	}
	store := newMemStore()
	p, err := Process(context.Background(), store, bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(src)
	want := Photo{Key: "photos/" + hex.EncodeToString(sum[:])[:32], Width: 640, Height: 1280, Renditions: []int{320, 640}}
	if p.Key != want.Key || p.Width != want.Width || p.Height != want.Height || !slices.Equal(p.Renditions, want.Renditions) {
		t.Fatalf("Process = %+v, want %+v", p, want)
	}
	if !p.WebP {
		t.Error("Process did not report its WebP renditions")
	}
	if len(store.objs) != 4 {
		t.Fatalf("stored %d objects, want 2 JPEG and 2 WebP", len(store.objs))
	}
	for _, w := range p.Renditions {
		key := RenditionKey(p.Key, w)
		out, ok := store.objs[key]
		if !ok {
			t.Fatalf("missing %s", key)
		}
		if ct := store.types[key]; ct != "image/jpeg" {
			t.Errorf("%s content type %q", key, ct)
		}
		for _, m := range jpegMarkers(t, out) {
			if m >= 0xE1 && m <= 0xEF {
				t.Errorf("%s has APP%d segment", key, m-0xE0)
			}
		}
		for _, s := range []string{"Exif", gpsMarker, "MM\x00*", "II*\x00"} {
			if bytes.Contains(out, []byte(s)) {
				t.Errorf("%s still contains %q", key, s)
			}
		}
		img, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if got := img.Bounds().Size(); got != image.Pt(w, 2*w) {
			t.Fatalf("%s is %v, want %dx%d", key, got, w, 2*w)
		}
		// Rotated clockwise, the red top-left corner is now top-right.
		assertColor(t, key+" top-right", img.At(w*3/4, w/2), color.RGBA{255, 0, 0, 255})
		assertColor(t, key+" top-left", img.At(w/4, w/2), color.RGBA{0, 0, 255, 255})

		wkey := WebPKey(p.Key, w)
		wout, ok := store.objs[wkey]
		if !ok {
			t.Fatalf("missing %s", wkey)
		}
		if ct := store.types[wkey]; ct != "image/webp" {
			t.Errorf("%s content type %q", wkey, ct)
		}
		for _, c := range webpChunks(t, wout) {
			if c != "VP8 " && c != "VP8L" && c != "VP8X" && c != "ALPH" {
				t.Errorf("%s has a %q chunk", wkey, c)
			}
		}
		for _, s := range []string{"Exif", gpsMarker, "MM\x00*", "II*\x00"} {
			if bytes.Contains(wout, []byte(s)) {
				t.Errorf("%s still contains %q", wkey, s)
			}
		}
		wimg, err := webp.Decode(bytes.NewReader(wout))
		if err != nil {
			t.Fatal(err)
		}
		if got := wimg.Bounds().Size(); got != image.Pt(w, 2*w) {
			t.Fatalf("%s is %v, want %dx%d", wkey, got, w, 2*w)
		}
		assertColor(t, wkey+" top-right", wimg.At(w*3/4, w/2), color.RGBA{255, 0, 0, 255})
		assertColor(t, wkey+" top-left", wimg.At(w/4, w/2), color.RGBA{0, 0, 255, 255})
	}
}

// TestProcessWebPSizes checks the promise of the WebP renditions on a photo-like
// image (smooth shading plus fine texture): each is smaller than its JPEG, and
// the 320 px one a listing thumbnail loads stays far under 30 KB.
func TestProcessWebPSizes(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, texturedImage(1300, 1000)); err != nil {
		t.Fatal(err)
	}
	store := newMemStore()
	p, err := Process(context.Background(), store, &buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range p.Renditions {
		jb, wb := len(store.objs[RenditionKey(p.Key, w)]), len(store.objs[WebPKey(p.Key, w)])
		if wb == 0 || wb >= jb {
			t.Errorf("%d px: WebP %d bytes, JPEG %d: want WebP smaller", w, wb, jb)
		}
		t.Logf("%d px: JPEG %d bytes, WebP %d", w, jb, wb)
	}
	if n := len(store.objs[WebPKey(p.Key, 320)]); n > 30<<10 {
		t.Errorf("320 px WebP is %d bytes, want at most 30 KB", n)
	}
}

func TestProcessSizes(t *testing.T) {
	tests := []struct {
		name       string
		w, h       int
		renditions []int
		wantW      int
		wantH      int
	}{
		{"large landscape", 1600, 400, []int{320, 640, 1280}, 1280, 320},
		{"exactly 1280", 1280, 100, []int{320, 640, 1280}, 1280, 100},
		{"between", 1000, 301, []int{320, 640}, 640, 193},
		{"smaller than all", 100, 50, []int{100}, 100, 50},
		{"thin strip", 2600, 3, []int{320, 640, 1280}, 1280, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := png.Encode(&buf, quadrantImage(tt.w, tt.h)); err != nil {
				t.Fatal(err)
			}
			store := newMemStore()
			p, err := Process(context.Background(), store, &buf)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Renditions, tt.renditions) || p.Width != tt.wantW || p.Height != tt.wantH {
				t.Fatalf("Process = %+v, want renditions %v %dx%d", p, tt.renditions, tt.wantW, tt.wantH)
			}
			for _, w := range p.Renditions {
				cfg, err := jpeg.DecodeConfig(bytes.NewReader(store.objs[RenditionKey(p.Key, w)]))
				if err != nil {
					t.Fatal(err)
				}
				if cfg.Width != w {
					t.Errorf("rendition %d has width %d", w, cfg.Width)
				}
			}
		})
	}
}

func TestProcessFlattensAlphaOnWhite(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 400, 200)) // fully transparent
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	store := newMemStore()
	p, err := Process(context.Background(), store, &buf)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(bytes.NewReader(store.objs[RenditionKey(p.Key, 320)]))
	if err != nil {
		t.Fatal(err)
	}
	assertColor(t, "transparent PNG", out.At(160, 80), color.RGBA{255, 255, 255, 255})
}

func TestProcessWebP(t *testing.T) {
	// Tiny 1x1 WebP files (the widely used feature-detection samples):
	// lossless transparent, lossy, and lossy with an alpha chunk.
	tests := []struct {
		name, b64 string
		want      color.RGBA
	}{
		{"lossless alpha", "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==", color.RGBA{255, 255, 255, 255}},
		{"lossy", "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA", color.RGBA{128, 128, 128, 255}},
		{"lossy alpha", "UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA==", color.RGBA{255, 255, 255, 255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := base64.StdEncoding.DecodeString(tt.b64)
			if err != nil {
				t.Fatal(err)
			}
			store := newMemStore()
			p, err := Process(context.Background(), store, bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Renditions, []int{1}) {
				t.Fatalf("renditions %v, want [1]", p.Renditions)
			}
			out, err := jpeg.Decode(bytes.NewReader(store.objs[RenditionKey(p.Key, 1)]))
			if err != nil {
				t.Fatal(err)
			}
			assertColor(t, tt.name, out.At(0, 0), tt.want)
		})
	}
}

func TestProcessIsIdempotent(t *testing.T) {
	src := encodeJPEG(t, quadrantImage(700, 500))
	store := newMemStore()
	first, err := Process(context.Background(), store, bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	puts := store.puts
	second, err := Process(context.Background(), store, bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if store.puts != puts {
		t.Errorf("second Process wrote %d objects, want 0", store.puts-puts)
	}
	if first.Key != second.Key || first.Width != second.Width || first.Height != second.Height ||
		!slices.Equal(first.Renditions, second.Renditions) {
		t.Errorf("second Process = %+v, first %+v", second, first)
	}
}

func TestProcessCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src := encodeJPEG(t, quadrantImage(700, 500))
	if _, err := Process(ctx, newMemStore(), bytes.NewReader(src)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func assertColor(t *testing.T, what string, got color.Color, want color.RGBA) {
	t.Helper()
	r, g, b, _ := got.RGBA()
	near := func(a uint32, b uint8) bool { d := int(a>>8) - int(b); return d > -24 && d < 24 }
	if !near(r, want.R) || !near(g, want.G) || !near(b, want.B) {
		t.Errorf("%s: color %d,%d,%d, want about %v", what, r>>8, g>>8, b>>8, want)
	}
}

// countingReader counts the bytes handed out, to show that oversized
// input is not read to the end.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
