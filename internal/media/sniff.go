package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"

	"golang.org/x/image/webp"
)

// Input limits, checked before any pixel is decoded.
const (
	MaxUploadBytes = 15 << 20
	MaxPixels      = 40_000_000
)

// Sentinel errors returned (possibly wrapped) by Process; match them with
// errors.Is to pick the message shown to the uploader.
var (
	ErrUnsupportedType = errors.New("unsupported image type: use JPEG, PNG or WebP")
	ErrTooLarge        = fmt.Errorf("image file larger than %d MB", MaxUploadBytes>>20)
	ErrTooManyPixels   = fmt.Errorf("image larger than %d megapixels", MaxPixels/1_000_000)
)

// format is one accepted input type with its own decoders, so that the
// bytes are decoded by the codec the sniffing chose and never by whatever
// image.Decode's global registry would guess.
type format struct {
	name         string
	decodeConfig func([]byte) (image.Config, error)
	decode       func([]byte) (image.Image, error)
}

var (
	formatJPEG = format{"jpeg",
		func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }}
	formatPNG = format{"png",
		func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }}
	formatWebP = format{"webp",
		func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) },
		func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }}
)

// sniff picks the format from the bytes themselves; file names and
// client-declared types are never trusted.
func sniff(b []byte) (format, error) {
	if isWebP(b) {
		return formatWebP, nil
	}
	switch ct := http.DetectContentType(b); ct {
	case "image/jpeg":
		return formatJPEG, nil
	case "image/png":
		return formatPNG, nil
	default:
		return format{}, fmt.Errorf("%w (detected %s)", ErrUnsupportedType, ct)
	}
}

// isWebP matches the RIFF container header "RIFF<size>WEBP".
func isWebP(b []byte) bool {
	return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}
