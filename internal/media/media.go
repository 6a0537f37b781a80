// Package media stores product photos and turns uploaded images into
// safe, web-sized JPEG and WebP renditions.
//
// Photos live in a blob Store: S3Store for an S3-compatible server
// (versitygw in development and CI) or DiskStore for a local directory
// served by the app itself. Process is the single entry point for new
// images: it sniffs the real type, refuses oversized input before
// decoding it, applies the EXIF orientation and re-encodes from pixels,
// so no metadata (EXIF, GPS, XMP, ICC) ever reaches a public URL.
package media

import (
	"context"
	"fmt"
	"strings"
)

// Store is a content-addressed blob store. Keys are derived from content
// hashes, so a Put with an existing key writes the same bytes again and is
// safe to repeat.
type Store interface {
	Put(ctx context.Context, key string, body []byte, contentType string) error
	Exists(ctx context.Context, key string) (bool, error)
	Delete(ctx context.Context, key string) error
	// URL is the public URL of key: the configured public base URL + "/" + key.
	URL(key string) string
}

// CacheControl is sent with every stored object. Keys change whenever the
// content changes, so browsers and proxies may keep objects forever.
const CacheControl = "public, max-age=31536000, immutable"

// maxKeyLen keeps keys well under every filesystem's and S3's limits.
const maxKeyLen = 512

// validateKey accepts only the keys this package produces: slash-separated
// segments of ASCII letters, digits, '-', '_' and '.', none empty or
// starting with '.'. That rules out traversal ("..") and hidden temp files,
// and means keys never need URL escaping.
func validateKey(key string) error {
	if key == "" || len(key) > maxKeyLen {
		return fmt.Errorf("media key %q: length must be 1..%d", key, maxKeyLen)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg[0] == '.' {
			return fmt.Errorf("media key %q: empty or dot-prefixed segment", key)
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
				c == '-' || c == '_' || c == '.'
			if !ok {
				return fmt.Errorf("media key %q: character %q not allowed", key, c)
			}
		}
	}
	return nil
}

// joinURL joins a public base URL and a key with exactly one slash.
func joinURL(base, key string) string {
	return strings.TrimRight(base, "/") + "/" + key
}
