package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"os"
	"sync"
	"testing"
)

// s3TestConfig returns the test versitygw settings, skipping (or failing
// under LIBRES_TEST_REQUIRE=1) when they are not set.
func s3TestConfig(t *testing.T) S3Config {
	t.Helper()
	cfg := S3Config{
		Endpoint:  os.Getenv("LIBRES_TEST_S3_ENDPOINT"),
		AccessKey: os.Getenv("LIBRES_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("LIBRES_TEST_S3_SECRET_KEY"),
		Region:    "us-east-1",
	}
	if cfg.Endpoint == "" || cfg.AccessKey == "" || cfg.SecretKey == "" {
		if os.Getenv("LIBRES_TEST_REQUIRE") == "1" {
			t.Fatal("LIBRES_TEST_S3_ENDPOINT/ACCESS_KEY/SECRET_KEY not set but LIBRES_TEST_REQUIRE=1")
		}
		t.Skip("S3 test server not configured: run `make test`")
	}
	return cfg
}

// memStore is an in-memory Store that records what was written.
type memStore struct {
	mu    sync.Mutex
	objs  map[string][]byte
	types map[string]string
	puts  int
}

func newMemStore() *memStore {
	return &memStore{objs: map[string][]byte{}, types: map[string]string{}}
}

func (m *memStore) Put(_ context.Context, key string, body []byte, ct string) error {
	if err := validateKey(key); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objs[key] = bytes.Clone(body)
	m.types[key] = ct
	m.puts++
	return nil
}

func (m *memStore) Exists(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.objs[key]
	return ok, nil
}

func (m *memStore) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objs, key)
	return nil
}

func (m *memStore) URL(key string) string { return "/media/" + key }

// quadrantImage is w×h with a red top-left quadrant and the rest blue, so
// tests can tell where the top-left corner ended up.
func quadrantImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	red, blue := []byte{255, 0, 0, 255}, []byte{0, 0, 255, 255}
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			c := blue
			if x < w/2 && y < h/2 {
				c = red
			}
			copy(row[4*x:], c)
		}
	}
	return img
}

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gpsMarker is a string planted in the test EXIF so its absence can be
// checked byte-for-byte in the output.
const gpsMarker = "LIBRES-SECRET-GPS"

// exifAPP1 builds a big-endian EXIF APP1 segment whose IFD0 holds the
// orientation, a GPS IFD pointer and an ImageDescription; the GPS IFD has
// latitude ref/values and a processing-method string carrying gpsMarker.
func exifAPP1(orientation uint16) []byte {
	be := binary.BigEndian
	var t bytes.Buffer
	t.WriteString("MM\x00*")
	_ = binary.Write(&t, be, uint32(8)) // IFD0 right after the header
	const ifd0Entries = 2
	gpsOff := uint32(8 + 2 + ifd0Entries*12 + 4)
	_ = binary.Write(&t, be, uint16(ifd0Entries))
	_ = binary.Write(&t, be, []uint16{0x0112, 3})
	_ = binary.Write(&t, be, uint32(1))
	_ = binary.Write(&t, be, []uint16{orientation, 0})
	_ = binary.Write(&t, be, []uint16{0x8825, 4}) // GPSInfo IFD pointer
	_ = binary.Write(&t, be, []uint32{1, gpsOff})
	_ = binary.Write(&t, be, uint32(0)) // no IFD1
	const gpsEntries = 3
	dataOff := gpsOff + 2 + gpsEntries*12 + 4
	_ = binary.Write(&t, be, uint16(gpsEntries))
	_ = binary.Write(&t, be, []uint16{0x0001, 2}) // GPSLatitudeRef "N"
	_ = binary.Write(&t, be, uint32(2))
	t.WriteString("N\x00\x00\x00")
	_ = binary.Write(&t, be, []uint16{0x0002, 5}) // GPSLatitude, 3 RATIONALs
	_ = binary.Write(&t, be, []uint32{3, dataOff})
	_ = binary.Write(&t, be, []uint16{0x001B, 7}) // GPSProcessingMethod
	_ = binary.Write(&t, be, []uint32{uint32(len(gpsMarker)), dataOff + 24})
	_ = binary.Write(&t, be, uint32(0))
	_ = binary.Write(&t, be, []uint32{4, 1, 36, 1, 3600, 100}) // 4°36'36"
	t.WriteString(gpsMarker)

	body := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}

// withSegment splices a marker segment right after SOI.
func withSegment(jpg, seg []byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// jpegMarkers lists the markers of a JPEG up to and including SOS.
func jpegMarkers(t *testing.T, b []byte) []byte {
	t.Helper()
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		t.Fatalf("not a JPEG: % x", b[:min(len(b), 4)])
	}
	var ms []byte
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			t.Fatalf("marker expected at %d, got %#x", i, b[i])
		}
		m := b[i+1]
		ms = append(ms, m)
		if m == 0xDA {
			return ms
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	t.Fatal("no SOS marker")
	return nil
}

// texturedImage looks a little like a photo: smooth colour gradients with a
// fine weave pattern on top, which costs real bytes in both codecs.
func texturedImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			weave := uint8((x*7 ^ y*13) % 23)
			img.Set(x, y, color.RGBA{uint8(120+x*100/w) + weave, uint8(60+y*120/h) + weave/2, uint8(90 + (x+y)*50/(w+h)), 255})
		}
	}
	return img
}

// webpChunks lists the chunk types of a RIFF WebP file, in order.
func webpChunks(t *testing.T, b []byte) []string {
	t.Helper()
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		t.Fatalf("not a RIFF WebP file: % x", b[:min(len(b), 12)])
	}
	var out []string
	for i := 12; i+8 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[i+4 : i+8]))
		out = append(out, string(b[i:i+4]))
		i += 8 + n + n%2
	}
	return out
}

// Get makes memStore a Getter, for BackfillWebP.
func (m *memStore) Get(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objs[key]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return bytes.Clone(b), nil
}
