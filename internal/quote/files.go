package quote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/libres/storefront/internal/apperr"
)

// File limits: PNG, JPEG or PDF only, judged by their bytes, never by the name.
const (
	MaxFileSize = 20 << 20
	MaxFiles    = 10
	filePrefix  = "quotes/" // not photos/: these are a company's artwork, not public pictures
)

// Upload is a file a company attaches to a request.
type Upload struct {
	Name string
	Body []byte
	kept *File // a file Stash already checked and stored (see Keep); Body is then empty
}

// sniffFile returns the content type and file extension of b, or "" for anything but
// PNG, JPEG and PDF (SVG and executables included, whatever they are called).
func sniffFile(b []byte) (contentType, ext string) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", ".png"
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", ".jpg"
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf", ".pdf"
	}
	return "", ""
}

// checkedFile is an upload that passed the rules, with its store key.
type checkedFile struct {
	File
	body []byte
}

// checkFiles applies the file rules; field errors are keyed "files.N".
func checkFiles(ups []Upload) ([]checkedFile, error) {
	fe := map[string]string{}
	if len(ups) > MaxFiles {
		fe["files"] = "quote.files_too_many"
	}
	out := make([]checkedFile, 0, len(ups))
	for i, u := range ups {
		field := fmt.Sprintf("files.%d", i)
		if u.kept != nil {
			out = append(out, checkedFile{File: *u.kept})
			continue
		}
		if len(u.Body) == 0 {
			fe[field] = "quote.file_empty"
			continue
		}
		if len(u.Body) > MaxFileSize {
			fe[field] = "quote.file_too_large"
			continue
		}
		ct, ext := sniffFile(u.Body)
		if ct == "" {
			fe[field] = "quote.file_type"
			continue
		}
		sum := sha256.Sum256(u.Body)
		out = append(out, checkedFile{File: File{Key: filePrefix + hex.EncodeToString(sum[:]) + ext,
			Name: fileName(u.Name, ext), ContentType: ct, Size: int64(len(u.Body))}, body: u.Body})
	}
	if len(fe) > 0 {
		return nil, apperr.Fields(fe)
	}
	return out, nil
}

// fileName keeps the base of the name the company gave (for people to recognise), never
// used as a key or a path.
func fileName(name, ext string) string {
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, "\\", "/")))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		name = "file" + ext
	}
	for utf8.RuneCountInString(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

// putFiles stores the bytes; keys come from the content, so a retry writes the same
// object again.
func (s *Service) putFiles(ctx context.Context, fs []checkedFile) error {
	for _, f := range fs {
		if f.body == nil { // kept: stored by Stash already
			continue
		}
		if err := s.files.Put(ctx, f.Key, f.body, f.ContentType); err != nil {
			return fmt.Errorf("store quote file %s: %w", f.Key, err)
		}
	}
	return nil
}
