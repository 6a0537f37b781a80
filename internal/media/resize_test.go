package media

import (
	"image"
	"image/color"
	"testing"
)

func TestBoxShrink(t *testing.T) {
	// 4x2 NRGBA: left block opaque red + transparent, right block grey.
	src := image.NewNRGBA(image.Rect(0, 0, 4, 2))
	src.SetNRGBA(0, 0, color.NRGBA{255, 0, 0, 255})
	src.SetNRGBA(1, 0, color.NRGBA{255, 0, 0, 255})
	for _, p := range []image.Point{{2, 0}, {3, 0}, {2, 1}, {3, 1}} {
		src.SetNRGBA(p.X, p.Y, color.NRGBA{100, 100, 100, 255})
	}
	got := boxShrink(src, 2)
	if got.Bounds() != image.Rect(0, 0, 2, 1) {
		t.Fatalf("bounds %v", got.Bounds())
	}
	// Premultiplied average of 2 red + 2 transparent: half-opaque red.
	if c := got.RGBAAt(0, 0); c != (color.RGBA{128, 0, 0, 128}) {
		t.Errorf("left block %v, want half-opaque red", c)
	}
	if c := got.RGBAAt(1, 0); c != (color.RGBA{100, 100, 100, 255}) {
		t.Errorf("right block %v, want grey", c)
	}
}

func TestResizeOnWhiteLargeReduction(t *testing.T) {
	// 10x reduction takes the box pre-pass; colours must survive it.
	got := resizeOnWhite(quadrantImage(2000, 1000), 200, 100)
	assertColor(t, "top-left", got.At(20, 10), color.RGBA{255, 0, 0, 255})
	assertColor(t, "bottom-right", got.At(180, 90), color.RGBA{0, 0, 255, 255})
}
