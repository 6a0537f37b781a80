package media

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"testing"

	"github.com/gen2brain/webp"
)

// TestBackfillWebP makes a photo stored before WebP existed (its JPEG renditions
// only) look like a new one: a WebP per width, upright, the right size; a second
// run writes nothing.
func TestBackfillWebP(t *testing.T) {
	store := newMemStore()
	p, err := Process(context.Background(), store, bytes.NewReader(encodeJPEG(t, quadrantImage(1400, 700))))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range p.Renditions {
		delete(store.objs, WebPKey(p.Key, w)) // as the store was before WebP
	}
	old := Photo{Key: p.Key, Width: p.Width, Height: p.Height, Renditions: p.Renditions}
	if err := BackfillWebP(context.Background(), store, old); err != nil {
		t.Fatal(err)
	}
	for _, w := range p.Renditions {
		key := WebPKey(p.Key, w)
		img, err := webp.Decode(bytes.NewReader(store.objs[key]))
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if got, want := img.Bounds().Size(), image.Pt(w, w/2); got != want {
			t.Errorf("%s is %v, want %v", key, got, want)
		}
		if ct := store.types[key]; ct != "image/webp" {
			t.Errorf("%s content type %q", key, ct)
		}
		assertColor(t, key+" top-left", img.At(w/8, w/8), color.RGBA{255, 0, 0, 255})
		assertColor(t, key+" bottom-right", img.At(w*7/8, w*3/8), color.RGBA{0, 0, 255, 255})
	}
	puts := store.puts
	if err := BackfillWebP(context.Background(), store, old); err != nil {
		t.Fatal(err)
	}
	if store.puts != puts {
		t.Errorf("second backfill wrote %d objects, want 0", store.puts-puts)
	}
}

func TestBackfillWebPMissingJPEG(t *testing.T) {
	store := newMemStore()
	err := BackfillWebP(context.Background(), store, Photo{Key: "photos/gone", Width: 640, Height: 480, Renditions: []int{320, 640}})
	if err == nil {
		t.Fatal("backfill of a photo whose JPEG is gone succeeded")
	}
}
