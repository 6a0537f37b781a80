package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"testing"
)

// littleEndianAPP1 builds a minimal little-endian EXIF segment with one
// IFD0 entry of the given type and value.
func littleEndianAPP1(typ uint16, value uint32) []byte {
	le := binary.LittleEndian
	t := []byte("II*\x00\x08\x00\x00\x00\x01\x00")
	t = le.AppendUint16(t, 0x0112)
	t = le.AppendUint16(t, typ)
	t = le.AppendUint32(t, 1)
	t = le.AppendUint32(t, value)
	t = le.AppendUint32(t, 0)
	body := append([]byte("Exif\x00\x00"), t...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}

func TestJPEGOrientation(t *testing.T) {
	base := encodeJPEG(t, image.NewRGBA(image.Rect(0, 0, 8, 8)))
	xmp := []byte{0xFF, 0xE1, 0x00, 0x0C}
	xmp = append(xmp, "http://ns."...) // 10 bytes + 2 length bytes
	tests := []struct {
		name string
		in   []byte
		want int
	}{
		{"no exif", base, 1},
		{"big-endian 6 with GPS", withSegment(base, exifAPP1(6)), 6},
		{"big-endian 8", withSegment(base, exifAPP1(8)), 8},
		{"little-endian SHORT 3", withSegment(base, littleEndianAPP1(3, 3)), 3},
		{"little-endian LONG 5", withSegment(base, littleEndianAPP1(4, 5)), 5},
		{"out of range 9", withSegment(base, exifAPP1(9)), 1},
		{"zero", withSegment(base, exifAPP1(0)), 1},
		{"wrong type", withSegment(base, littleEndianAPP1(2, 6)), 1},
		{"XMP APP1 before EXIF", withSegment(withSegment(base, exifAPP1(7)), xmp), 7},
		{"fill bytes", withSegment(base, append([]byte{0xFF}, exifAPP1(2)...)), 2},
		{"truncated segment", withSegment(base, exifAPP1(6))[:30], 1},
		{"not a jpeg", []byte("\x89PNG\r\n\x1a\n"), 1},
		{"empty", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jpegOrientation(tt.in); got != tt.want {
				t.Errorf("jpegOrientation = %d, want %d", got, tt.want)
			}
		})
	}
}

func FuzzJPEGOrientation(f *testing.F) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 8)), nil); err != nil {
		f.Fatal(err)
	}
	base := buf.Bytes()
	f.Add(base[:64])
	f.Add(withSegment(base, exifAPP1(6))[:200])
	f.Add(withSegment(base, littleEndianAPP1(4, 5))[:80])
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := jpegOrientation(b); o < 1 || o > 8 {
			t.Fatalf("orientation %d out of range", o)
		}
		if o := tiffOrientation(b); o < 1 || o > 8 {
			t.Fatalf("tiff orientation %d out of range", o)
		}
	})
}

func TestApplyOrientation(t *testing.T) {
	// 2x1 image: A at (0,0), B at (1,0). For each orientation, where A
	// must end up in the upright result and the result's size.
	src := image.NewRGBA(image.Rect(0, 0, 2, 1))
	src.Pix[0] = 'A'
	src.Pix[4] = 'B'
	tests := []struct {
		o      int
		w, h   int
		aX, aY int
		bX, bY int
	}{
		{1, 2, 1, 0, 0, 1, 0},
		{2, 2, 1, 1, 0, 0, 0},
		{3, 2, 1, 1, 0, 0, 0},
		{4, 2, 1, 0, 0, 1, 0},
		{5, 1, 2, 0, 0, 0, 1},
		{6, 1, 2, 0, 0, 0, 1}, // clockwise: left edge becomes top
		{7, 1, 2, 0, 1, 0, 0},
		{8, 1, 2, 0, 1, 0, 0}, // counter-clockwise: right edge becomes top
	}
	for _, tt := range tests {
		got := applyOrientation(src, tt.o)
		if got.Bounds().Dx() != tt.w || got.Bounds().Dy() != tt.h {
			t.Errorf("o=%d: size %v, want %dx%d", tt.o, got.Bounds().Size(), tt.w, tt.h)
			continue
		}
		if got.Pix[got.PixOffset(tt.aX, tt.aY)] != 'A' || got.Pix[got.PixOffset(tt.bX, tt.bY)] != 'B' {
			t.Errorf("o=%d: A/B not at (%d,%d)/(%d,%d)", tt.o, tt.aX, tt.aY, tt.bX, tt.bY)
		}
	}
}
