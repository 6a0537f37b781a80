package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"io"
	"testing"
	"time"
)

// pngHeaderOnly is a PNG signature and a valid IHDR claiming w×h RGBA
// pixels, with no image data at all: only a header-first check can give
// ErrTooManyPixels for it; a full decode would fail on the missing IDAT.
func pngHeaderOnly(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32([]byte("IHDR"), w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, no interlace
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}

// jpegHeaderOnly is SOI, a baseline SOF0 claiming w×h and the start of
// an SOS marker: enough for DecodeConfig, with no tables or scan data.
func jpegHeaderOnly(w, h uint16) []byte {
	out := []byte{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 8}
	out = binary.BigEndian.AppendUint16(out, h)
	out = binary.BigEndian.AppendUint16(out, w)
	out = append(out, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)
	return append(out, 0xFF, 0xDA, 0x00, 0x0C)
}

func TestProcessRefuses(t *testing.T) {
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.White}), nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"gif", gifBuf.Bytes(), ErrUnsupportedType},
		{"html", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), ErrUnsupportedType},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>`), ErrUnsupportedType},
		{"random bytes", []byte("\x13\x37\x00\x42 not an image at all \xfe\xed"), ErrUnsupportedType},
		{"empty", nil, ErrUnsupportedType},
		{"truncated png", []byte("\x89PNG\r\n\x1a\n\x00\x00"), ErrUnsupportedType},
		{"riff but not webp", []byte("RIFF\x10\x00\x00\x00WAVEfmt "), ErrUnsupportedType},
		{"png claiming 10000x10000", pngHeaderOnly(10000, 10000), ErrTooManyPixels},
		{"png claiming 100000x100000", pngHeaderOnly(100000, 100000), ErrTooManyPixels},
		{"png claiming 1x4e9 (invalid)", pngHeaderOnly(1, 4_000_000_000), ErrUnsupportedType},
		{"jpeg claiming 65535x65535", jpegHeaderOnly(65535, 65535), ErrTooManyPixels},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore()
			start := time.Now()
			_, err := Process(context.Background(), store, bytes.NewReader(tt.in))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if store.puts != 0 {
				t.Errorf("refused input still stored %d objects", store.puts)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("refusal took %v: looks like a full decode", d)
			}
		})
	}
}

func TestProcessRefusesTooLarge(t *testing.T) {
	// 16 MB that starts like a real JPEG, so only the size check stops it.
	const size = 16 << 20
	head := jpegHeaderOnly(100, 100)
	r := &countingReader{r: io.MultiReader(bytes.NewReader(head), io.LimitReader(zeros{}, size-int64(len(head))))}
	store := newMemStore()
	_, err := Process(context.Background(), store, r)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if r.n > MaxUploadBytes+1+32<<10 {
		t.Errorf("read %d bytes of a %d-byte body; the limit is %d", r.n, size, MaxUploadBytes)
	}
	if store.puts != 0 {
		t.Errorf("stored %d objects", store.puts)
	}

	// Exactly at the limit is still accepted by the size check (it then
	// fails as an unreadable JPEG, not as too large).
	exact := append(bytes.Clone(head), make([]byte, MaxUploadBytes-len(head))...)
	if _, err := Process(context.Background(), store, bytes.NewReader(exact)); errors.Is(err, ErrTooLarge) {
		t.Fatalf("a %d-byte upload was refused as too large", MaxUploadBytes)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
