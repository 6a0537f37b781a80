package seed

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPhotoImages checks the full-size photos the loader stores. One
// product is enough here; TestEveryKindDraws covers the kinds.
func TestPhotoImages(t *testing.T) {
	for _, kind := range []string{"shoe"} {
		p := productsByKind()[kind]
		t.Run(p.Slug, func(t *testing.T) {
			checkPhotos(t, PhotoImages(p), PhotoImages(p), photoCount(p), photoW, photoH)
		})
	}
}

// TestEveryKindDraws renders every kind in the catalog (and an unknown
// one, which falls back to a box) at a quarter of the size, so the test
// stays quick under -race.
func TestEveryKindDraws(t *testing.T) {
	kinds := productsByKind()
	kinds["no-such-kind"] = Product{Slug: "fallback", Art: Art{Kind: "no-such-kind"}}
	for kind, p := range kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			n := photoCount(p)
			checkPhotos(t, renderPhotos(p, n, 400, 300), renderPhotos(p, n, 400, 300), n, 400, 300)
		})
	}
}

func productsByKind() map[string]Product {
	byKind := map[string]Product{}
	for _, p := range Products() {
		if _, ok := byKind[p.Art.Kind]; !ok {
			byKind[p.Art.Kind] = p
		}
	}
	return byKind
}

// checkPhotos wants n photos of w×h that differ from each other, show an
// object and equal the photos of a second call, byte for byte.
func checkPhotos(t *testing.T, first, again []image.Image, n, w, h int) {
	t.Helper()
	if len(first) != n || len(again) != n || n < 2 {
		t.Fatalf("got %d and %d photos, want %d (at least 2)", len(first), len(again), n)
	}
	for i, img := range first {
		rgba := asRGBA(t, img, w, h)
		if !bytes.Equal(rgba.Pix, asRGBA(t, again[i], w, h).Pix) {
			t.Errorf("photo %d differs between calls", i)
		}
		if i > 0 && bytes.Equal(rgba.Pix, asRGBA(t, first[i-1], w, h).Pix) {
			t.Errorf("photo %d is the same as photo %d", i, i-1)
		}
		if f := objectShare(rgba); f < 0.02 {
			t.Errorf("photo %d: object covers %.1f%% of the frame, want at least 2%%", i, f*100)
		}
	}
}

func asRGBA(t *testing.T, img image.Image, w, h int) *image.RGBA {
	t.Helper()
	rgba, ok := img.(*image.RGBA)
	if !ok {
		t.Fatalf("photo is %T, want *image.RGBA", img)
	}
	if b := rgba.Bounds(); b != image.Rect(0, 0, w, h) {
		t.Fatalf("photo bounds %v, want %d×%d", b, w, h)
	}
	return rgba
}

// objectShare estimates how much of a photo is object rather than
// backdrop: pixels far in brightness from the left edge of their row,
// which the compositions keep clear.
func objectShare(img *image.RGBA) float64 {
	lum := func(i int) int { return int(img.Pix[i])*2 + int(img.Pix[i+1])*5 + int(img.Pix[i+2]) }
	w, h := img.Rect.Dx(), img.Rect.Dy()
	n := 0
	for y := range h {
		ref := lum(img.PixOffset(1, y))
		for x := range w {
			if d := lum(img.PixOffset(x, y)) - ref; d > 320 || d < -320 { // about 40 levels of grey
				n++
			}
		}
	}
	return float64(n) / float64(w*h)
}

// BenchmarkCatalogPhotos draws every photo of the demo catalog, as the
// seed command does.
func BenchmarkCatalogPhotos(b *testing.B) {
	ps := Products()
	photos := 0
	for b.Loop() {
		photos = 0
		for _, p := range ps {
			photos += len(PhotoImages(p))
		}
	}
	b.ReportMetric(float64(photos), "photos/op")
}

// TestPreview writes the photos to $LIBRES_SEED_PREVIEW (a directory) so a
// person can look at them: one contact sheet per product kind, plus every
// full-size photo when LIBRES_SEED_FULL=1. Skipped otherwise.
func TestPreview(t *testing.T) {
	dir := os.Getenv("LIBRES_SEED_PREVIEW")
	if dir == "" {
		t.Skip("set LIBRES_SEED_PREVIEW=/some/dir to write the photos as PNG files")
	}
	byKind := map[string][]image.Image{}
	var kinds []string
	for _, p := range previewProducts() {
		imgs := PhotoImages(p)
		if byKind[p.Art.Kind] == nil {
			kinds = append(kinds, p.Art.Kind)
		}
		byKind[p.Art.Kind] = append(byKind[p.Art.Kind], imgs...)
		if os.Getenv("LIBRES_SEED_FULL") == "1" {
			for i, img := range imgs {
				writePNG(t, filepath.Join(dir, fmt.Sprintf("%s-%d.png", p.Slug, i)), img)
			}
		}
	}
	for _, k := range kinds {
		writePNG(t, filepath.Join(dir, "sheet-"+k+".png"), sheet(byKind[k], 4))
	}
}

// sheet lays images out in a grid at a quarter of their size.
func sheet(imgs []image.Image, f int) image.Image {
	const cols = 3
	w, h := photoW/f, photoH/f
	rows := (len(imgs) + cols - 1) / cols
	out := image.NewRGBA(image.Rect(0, 0, cols*w, rows*h))
	for n, img := range imgs {
		src := img.(*image.RGBA)
		ox, oy := n%cols*w, n/cols*h
		for y := range h {
			for x := range w {
				var sum [4]int
				for dy := range f {
					for dx := range f {
						i := src.PixOffset(x*f+dx, y*f+dy)
						for c := range 4 {
							sum[c] += int(src.Pix[i+c])
						}
					}
				}
				j := out.PixOffset(ox+x, oy+y)
				for c := range 4 {
					out.Pix[j+c] = uint8(sum[c] / (f * f))
				}
			}
		}
	}
	return out
}

func writePNG(t *testing.T, name string, img image.Image) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatalf("encode %s: %v", name, err)
	}
}

func previewProducts() []Product {
	ks := os.Getenv("LIBRES_SEED_KIND")
	if ks == "" {
		return Products()
	}
	var ps []Product
	for i, k := range strings.Split(ks, ",") {
		pal := [][]uint32{{0x3b2418, 0x1c1714, 0xd9c9a8}, {0xf2f0ea, 0xffffff, 0x2d5d8a}, {0x7a2e2a, 0xc9a46a, 0xf0e6d2}}[i%3]
		for j, h := range pal {
			pal[j] = h ^ uint32(j*0x010101)
		}
		ps = append(ps, Product{Slug: "kind-" + k, Category: "shoes", Art: art(k, pal...)})
	}
	return ps
}
