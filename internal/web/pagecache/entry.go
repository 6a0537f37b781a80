package pagecache

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/andybalholm/brotli"
)

// Entry is one page kept: its bytes around the per-visitor slots, the page for a
// visitor with nothing of their own (plain) with its compressed forms, and each part
// compressed on its own so a visitor's page is gzipped by splicing, not recompressing.
type Entry struct {
	key, owner  string // owner: the cart whose page this is (WrapOwned); "" for everyone's
	at          time.Time
	size        int64
	contentType string

	parts [][]byte // len(slots)+1 pieces of the page between the slots
	slots []string // slot names, in page order
	// deflated[i] is parts[i] as raw DEFLATE ending on a byte boundary (sync flush);
	// the last one ends the stream.
	deflated [][]byte

	plain, gzip, br []byte
	etag            string            // of plain: `"…"`
	private         bool              // one visitor's page (WrapOwned): never stored by shared caches
	spliced         map[string]splice // by shared slots key: the page gzipped with them (Cache.mu)
}

const markerStart, markerEnd = "<!--libres:slot:", "-->"

// split cuts a page at its slot markers.
func split(page []byte) (parts [][]byte, slots []string, err error) {
	rest := page
	for {
		i := bytes.Index(rest, []byte(markerStart))
		if i < 0 {
			return append(parts, rest), slots, nil
		}
		after := rest[i+len(markerStart):]
		j := bytes.Index(after, []byte(markerEnd))
		if j < 0 || j > 32 {
			return nil, nil, fmt.Errorf("unterminated slot marker")
		}
		parts = append(parts, rest[:i])
		slots = append(slots, string(after[:j]))
		rest = after[j+len(markerEnd):]
	}
}

// newEntry prepares a page for serving: anon fills each slot for a visitor with
// nothing of their own. fast compresses with the fastest levels: for a page kept for
// one visitor (read a few times), not worth the best compression's CPU.
func newEntry(page []byte, contentType string, anon map[string][]byte, fast bool) (*Entry, error) {
	gzLevel, brLevel, flLevel := gzip.BestCompression, 6, flate.BestCompression
	if fast {
		gzLevel, brLevel, flLevel = gzip.BestSpeed, 1, flate.BestSpeed
	}
	parts, slots, err := split(page)
	if err != nil {
		return nil, err
	}
	e := &Entry{contentType: contentType, parts: parts, slots: slots}
	var plain bytes.Buffer
	for i, p := range parts {
		plain.Write(p)
		if i < len(slots) {
			plain.Write(anon[slots[i]])
		}
	}
	e.plain = plain.Bytes()
	sum := sha256.Sum256(e.plain)
	e.etag = `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`

	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzLevel)
	zw.Write(e.plain)
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip page: %w", err)
	}
	e.gzip = gz.Bytes()
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brLevel)
	bw.Write(e.plain)
	if err := bw.Close(); err != nil {
		return nil, fmt.Errorf("brotli page: %w", err)
	}
	e.br = br.Bytes()

	for i, p := range parts {
		var d bytes.Buffer
		fw, _ := flate.NewWriter(&d, flLevel)
		fw.Write(p)
		if i < len(parts)-1 {
			err = fw.Flush() // sync flush: byte-aligned, the stream goes on
		} else {
			err = fw.Close()
		}
		if err != nil {
			return nil, fmt.Errorf("deflate page part: %w", err)
		}
		e.deflated = append(e.deflated, d.Bytes())
	}

	e.size = int64(len(e.plain) + len(e.gzip) + len(e.br) + len(page) + 256)
	for _, d := range e.deflated {
		e.size += int64(len(d))
	}
	for _, s := range slots {
		e.size += int64(len(s))
	}
	return e, nil
}

// splice is a kept page gzipped with the slots every visitor of one shared key gets.
type splice struct {
	etag string
	gzip []byte
}

// maxSpliced bounds the spliced forms kept per page (cart sizes 1 to 4 in two
// languages cover most visitors with a cart).
const maxSpliced = 8
