package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"strconv"

	"github.com/gen2brain/webp"
)

// RenditionWidths are the widths stored for every photo, for srcset: each as
// JPEG (every browser) and WebP (most phones; about a quarter of the bytes).
var RenditionWidths = []int{320, 640, 1280}

// jpegQuality balances size and visible artefacts for product photos.
const jpegQuality = 82

// webpQuality gives WebP renditions about a quarter of the JPEG's bytes at the
// same look on the demo photos (320 px: 1–2 KB, 1280 px: 10–13 KB); the
// encoder's default method 4 keeps a 1280 px encode near 0.3 s.
const webpQuality = 80

// Photo describes a processed image in a Store.
type Photo struct {
	// Key is the common prefix of the renditions: "photos/" + the first
	// 32 hex digits of the SHA-256 of the uploaded bytes, so the same file
	// uploaded twice maps to the same objects.
	Key string
	// Width and Height are those of the largest stored rendition.
	Width, Height int
	// Renditions lists the widths actually stored, smallest first.
	Renditions []int
	// WebP says a WebP rendition (WebPKey) is stored beside each JPEG one.
	// Process always stores them; photos stored before WebP existed have
	// none until BackfillWebP runs.
	WebP bool
}

// RenditionKey is the store key of the JPEG rendition of the given width.
func RenditionKey(prefix string, width int) string {
	return prefix + "/" + strconv.Itoa(width) + ".jpg"
}

// WebPKey is the store key of the WebP rendition of the given width.
func WebPKey(prefix string, width int) string {
	return prefix + "/" + strconv.Itoa(width) + ".webp"
}

// Process reads one uploaded image, validates it and stores its JPEG
// renditions. Errors wrap ErrTooLarge, ErrUnsupportedType or
// ErrTooManyPixels for input the uploader must fix; other errors are
// store or context failures.
//
// The checks run cheapest first: size while reading, type from the magic
// bytes, then dimensions from the header alone, so a decompression bomb is
// refused before any pixel buffer is allocated.
func Process(ctx context.Context, store Store, r io.Reader) (Photo, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxUploadBytes+1))
	if err != nil {
		return Photo{}, fmt.Errorf("read image: %w", err)
	}
	if len(src) > MaxUploadBytes {
		return Photo{}, fmt.Errorf("process image: %w", ErrTooLarge)
	}
	f, err := sniff(src)
	if err != nil {
		return Photo{}, fmt.Errorf("process image: %w", err)
	}
	cfg, err := f.decodeConfig(src)
	if err != nil {
		return Photo{}, fmt.Errorf("process image: %w: unreadable %s header: %v", ErrUnsupportedType, f.name, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Photo{}, fmt.Errorf("process image: %w: empty %s image", ErrUnsupportedType, f.name)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return Photo{}, fmt.Errorf("process image: %dx%d: %w", cfg.Width, cfg.Height, ErrTooManyPixels)
	}

	orient := 1
	if f.name == formatJPEG.name {
		orient = jpegOrientation(src)
	}
	ow, oh := orientedSize(cfg.Width, cfg.Height, orient)
	sum := sha256.Sum256(src)
	photo := Photo{Key: "photos/" + hex.EncodeToString(sum[:16]), Renditions: plannedWidths(ow), WebP: true}
	photo.Width = photo.Renditions[len(photo.Renditions)-1]
	photo.Height = scaledHeight(ow, oh, photo.Width)

	// Same bytes, same key: if a previous run stored everything, skip the
	// decode. This makes re-running the demo seed cheap.
	done, err := allExist(ctx, store, photo)
	if err != nil {
		return Photo{}, err
	}
	if done {
		return photo, nil
	}

	img, err := f.decode(src)
	if err != nil {
		return Photo{}, fmt.Errorf("process image: %w: undecodable %s: %v", ErrUnsupportedType, f.name, err)
	}
	// Largest first, each smaller one from the previous: halving steps
	// keep CatmullRom quality while touching the full-size image once.
	prev := img
	for i := len(photo.Renditions) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return Photo{}, fmt.Errorf("process image: %w", err)
		}
		tw := photo.Renditions[i]
		th := scaledHeight(ow, oh, tw)
		sw, sh := orientedSize(tw, th, orient) // size before orientation is applied
		scaled := resizeOnWhite(prev, sw, sh)
		prev = scaled
		if err := storeRendition(ctx, store, photo.Key, tw, applyOrientation(scaled, orient), true); err != nil {
			return Photo{}, fmt.Errorf("process image: %w", err)
		}
	}
	return photo, nil
}

// storeRendition encodes img as the JPEG (when withJPEG) and WebP renditions of
// the given width. Both are encoded from pixels, so neither carries metadata:
// no APPn segments in the JPEG (EXIF, GPS, XMP, ICC) and only the image
// chunks in the WebP (no EXIF, XMP or ICCP chunk).
func storeRendition(ctx context.Context, store Store, prefix string, width int, img image.Image, withJPEG bool) error {
	if withJPEG {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
			return fmt.Errorf("encode %dpx JPEG: %w", width, err)
		}
		key := RenditionKey(prefix, width)
		if err := store.Put(ctx, key, buf.Bytes(), "image/jpeg"); err != nil {
			return fmt.Errorf("store %s: %w", key, err)
		}
	}
	var buf bytes.Buffer
	if err := webp.Encode(&buf, img, webp.Options{Quality: webpQuality, Method: webp.DefaultMethod}); err != nil {
		return fmt.Errorf("encode %dpx WebP: %w", width, err)
	}
	key := WebPKey(prefix, width)
	if err := store.Put(ctx, key, buf.Bytes(), "image/webp"); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	return nil
}

// plannedWidths is RenditionWidths without widths wider than the upright
// image (no upscaling), or the image's own width when it is narrower than
// all of them, so there is always one rendition.
func plannedWidths(w int) []int {
	var out []int
	for _, rw := range RenditionWidths {
		if rw <= w {
			out = append(out, rw)
		}
	}
	if len(out) == 0 {
		out = []int{w}
	}
	return out
}

// scaledHeight keeps the aspect ratio of w×h at width tw, rounding to the
// nearest pixel and never reaching zero.
func scaledHeight(w, h, tw int) int {
	th := int((int64(h)*int64(tw)*2 + int64(w)) / (2 * int64(w)))
	return max(th, 1)
}

func allExist(ctx context.Context, store Store, p Photo) (bool, error) {
	for _, w := range p.Renditions {
		for _, key := range []string{RenditionKey(p.Key, w), WebPKey(p.Key, w)} {
			ok, err := store.Exists(ctx, key)
			if err != nil {
				return false, fmt.Errorf("process image: %w", err)
			}
			if !ok {
				return false, nil
			}
		}
	}
	return true, nil
}
