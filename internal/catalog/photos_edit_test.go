package catalog

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"testing"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/media"
)

func upload(name string, b []byte) Upload {
	return Upload{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

func testPNG(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngHeaderOnly is a PNG signature and an IHDR claiming w×h pixels, and nothing else.
func pngHeaderOnly(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32([]byte("IHDR"), w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}

func newDisk(t *testing.T) *media.DiskStore {
	t.Helper()
	store, err := media.NewDisk(t.TempDir(), "/media")
	if err != nil {
		t.Fatal(err)
	}
	return store
}

func TestAddPhotosRefusesBadFiles(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	id := f.create(t, f.leadA, f.wA, "PH-1")
	store := newDisk(t)
	good := testPNG(t, 40, 30, color.RGBA{200, 100, 50, 255})
	huge := make([]byte, 20<<20)
	copy(huge, good)

	tests := []struct {
		name string
		file Upload
		key  string
	}{
		{"20 MB upload", upload("grande.png", huge), "photo.too_large"},
		{"text named .jpg", upload("foto.jpg", []byte("esto no es una foto, es texto plano\n")), "photo.unsupported"},
		{"PNG header claiming 50000x50000", upload("bomba.png", pngHeaderOnly(50000, 50000)), "photo.too_many_pixels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A good file first: it is not recorded either when a later one is refused.
			_, err := f.ed.AddPhotos(ctx, f.leadA, f.actor, id, store, []Upload{upload("ok.png", good), tt.file})
			wantKey(t, err, apperr.Invalid, tt.key)
			e := apperr.As(err)
			if len(e.Args) == 0 || e.Args[0] != tt.file.Name || e.Fields["photos.1"] != "photo.field."+tt.key[len("photo."):] {
				t.Errorf("error names %v / %v, want %q as photos.1", e.Args, e.Fields, tt.file.Name)
			}
			if n := f.count(t, `SELECT count(*) FROM photos`); n != 0 {
				t.Errorf("%d photos recorded", n)
			}
		})
	}
}

func TestPhotosEdit(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	id := f.create(t, f.leadA, f.wA, "PH-1")
	idB := f.create(t, f.leadB, f.wB, "PH-B")
	store := newDisk(t)
	files := []Upload{
		upload("a.png", testPNG(t, 40, 30, color.RGBA{255, 0, 0, 255})),
		upload("b.jpg", testJPEG(t, 30, 40)),
		upload("c.png", testPNG(t, 20, 20, color.RGBA{0, 0, 255, 255})),
	}
	added, err := f.ed.AddPhotos(ctx, f.leadA, f.actor, id, store, files)
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 3 || added[0].Position != 0 || added[2].Position != 2 || added[0].AltES != "Zapato Oxford en cuero" {
		t.Fatalf("added = %+v", added)
	}
	if ok, err := store.Exists(ctx, media.RenditionKey(added[1].Key, int(added[1].Renditions[0]))); !ok || err != nil {
		t.Errorf("rendition not stored: %v %v", ok, err)
	}
	// The same file again is not a second photo; a new one goes last.
	more, err := f.ed.AddPhotos(ctx, f.leadA, f.actor, id, store, []Upload{files[0], upload("d.png", testPNG(t, 10, 10, color.White))})
	if err != nil || len(more) != 1 || more[0].Position != 3 {
		t.Fatalf("second upload = %+v, %v", more, err)
	}

	order := []int64{more[0].ID, added[2].ID, added[0].ID, added[1].ID}
	if err := f.ed.ReorderPhotos(ctx, f.leadA, f.actor, id, order); err != nil {
		t.Fatal(err)
	}
	p := f.product(t, id)
	for i, ph := range p.Photos {
		if ph.ID != order[i] || ph.Position != i {
			t.Errorf("photo %d = %+v, want id %d", i, ph, order[i])
		}
	}
	wantKey(t, f.ed.ReorderPhotos(ctx, f.leadA, f.actor, id, order[:3]), apperr.Invalid, "photo.order.invalid")
	wantKey(t, f.ed.ReorderPhotos(ctx, f.leadA, f.actor, id, []int64{order[0], order[0], order[1], order[2]}), apperr.Invalid, "photo.order.invalid")

	if err := f.ed.UpdatePhotoAlt(ctx, f.leadA, f.actor, id, order[0], " Zapato de lado ", "Shoe, side view"); err != nil {
		t.Fatal(err)
	}
	if p = f.product(t, id); p.Photos[0].AltES != "Zapato de lado" || p.Photos[0].AltEN != "Shoe, side view" {
		t.Errorf("alt = %+v", p.Photos[0])
	}
	wantField(t, f.ed.UpdatePhotoAlt(ctx, f.leadA, f.actor, id, order[0], string(make([]byte, 400)), ""), "alt_es", "photo.alt.too_long")

	if err := f.ed.DeletePhoto(ctx, f.leadA, f.actor, id, order[1]); err != nil {
		t.Fatal(err)
	}
	if p = f.product(t, id); len(p.Photos) != 3 || p.Photos[1].ID != order[2] || p.Photos[1].Position != 1 {
		t.Errorf("after delete: %+v", p.Photos)
	}
	// Blobs stay (content-addressed, maybe shared).
	if ok, _ := store.Exists(ctx, media.RenditionKey(added[2].Key, int(added[2].Renditions[0]))); !ok {
		t.Error("deleting the photo row removed the blob")
	}
	n := f.count(t, `SELECT count(*) FROM audit_log WHERE action LIKE 'photo.%'`)
	if n != 5 { // add, add, reorder, alt, delete
		t.Errorf("photo audit entries = %d", n)
	}

	// Another workshop's lead sees none of it.
	other := map[string]error{}
	_, other["add"] = f.ed.AddPhotos(ctx, f.leadB, f.actor, id, store, files[:1])
	other["reorder"] = f.ed.ReorderPhotos(ctx, f.leadB, f.actor, id, order)
	other["alt"] = f.ed.UpdatePhotoAlt(ctx, f.leadB, f.actor, id, order[0], "x", "x")
	other["delete"] = f.ed.DeletePhoto(ctx, f.leadB, f.actor, id, order[0])
	other["photo of another product"] = f.ed.DeletePhoto(ctx, f.leadB, f.actor, idB, order[0])
	for name, err := range other {
		wantCode(t, err, apperr.NotFound)
		_ = name
	}
	if p = f.product(t, id); len(p.Photos) != 3 || p.Photos[0].AltES != "Zapato de lado" {
		t.Errorf("lead B changed photos: %+v", p.Photos)
	}
}

func TestDeleteLastPhotoOfActiveProduct(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	id := f.create(t, f.leadA, f.wA, "PH-1")
	added, err := f.ed.AddPhotos(ctx, f.leadA, f.actor, id, newDisk(t), []Upload{upload("a.png", testPNG(t, 8, 8, color.Black))})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ed.SetStatus(ctx, f.leadA, f.actor, id, StatusActive, 1); err != nil {
		t.Fatal(err)
	}
	wantKey(t, f.ed.DeletePhoto(ctx, f.leadA, f.actor, id, added[0].ID), apperr.Invalid, "photo.delete.last_active")
}
