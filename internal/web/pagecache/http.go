package pagecache

import (
	"encoding/binary"
	"hash/crc32"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/web/kit"
)

// Stitcher renders the per-visitor slots of a page.
type Stitcher interface {
	// AnonymousSlots is each slot for a visitor with nothing of their own, in lang.
	AnonymousSlots(lang string) (map[string][]byte, error)
	// VisitorSlots is each slot for this request's visitor; personal is false when they
	// have nothing of their own (no session, cart or message): the plain page then.
	// shared is non-empty when every visitor with the same shared key gets the same
	// slots (an anonymous cart of three items, in Spanish): the page spliced with them
	// is then kept beside the page and reused.
	VisitorSlots(c *gin.Context, lang string) (slots map[string][]byte, shared string, personal bool, err error)
}

// Route says what of a request makes its page: the query parameters a page reads.
// A request with any other parameter is answered by the handler, not the cache, so
// nobody fills memory with made-up URLs of the same page.
type Route struct {
	Lang   string
	Params []string
}

// maxQuery bounds a cacheable query string.
const maxQuery = 512

// Key is the cache key of a request: GET (HEAD shares it), the path and the query with
// its parameters sorted; ok is false for a request that must not be cached.
func (r Route) Key(req *http.Request) (key string, ok bool) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return "", false
	}
	if len(req.URL.RawQuery) > maxQuery {
		return "", false
	}
	q, err := url.ParseQuery(req.URL.RawQuery)
	if err != nil {
		return "", false
	}
	for name := range q {
		if !slices.Contains(r.Params, name) {
			return "", false
		}
	}
	if len(q) == 0 {
		return req.URL.Path, true
	}
	return req.URL.Path + "?" + q.Encode(), true // Encode sorts by name
}

// Wrap answers h's GET and HEAD requests from memory when it can: a page h renders
// with 200 (kit.Render under kit.Capture) is kept and served to everyone, each with
// their own slots. Everything else (redirects, errors, other methods, unknown
// parameters) is h's own answer. A nil cache passes everything to h.
func (c *Cache) Wrap(route Route, st Stitcher, h gin.HandlerFunc) gin.HandlerFunc {
	if c == nil {
		return h
	}
	return func(g *gin.Context) {
		key, ok := route.Key(g.Request)
		if !ok {
			h(g)
			return
		}
		if e := c.get(key); e != nil {
			c.serve(g, route.Lang, st, e, "hit")
			return
		}
		if !c.live.Load() {
			h(g) // notifications are down: render as if there were no cache
			return
		}
		// One render per page at a time: after a drop, the visitors asking for the same
		// page wait for the first one's render instead of all rendering it at once.
		f, leader := c.join(key)
		if !leader {
			select {
			case <-f.done:
			case <-g.Request.Context().Done():
				g.AbortWithStatus(499)
				return
			}
			if f.e != nil {
				c.serve(g, route.Lang, st, f.e, "shared")
				return
			}
		}
		var kept *Entry
		if leader {
			defer func() { c.leave(key, f, kept) }()
		}
		gen := c.Generation()
		e, ok := c.render(g, route.Lang, st, h, false)
		if !ok {
			return
		}
		if storable(g) {
			if c.put(key, e, gen) {
				kept = e
			}
		}
		c.serve(g, route.Lang, st, e, "miss")
	}
}

// WrapOwned answers a page that is the visitor's own (the cart page) from memory when
// it can: the page h renders for an owner (owner(g): a cart key as the cart_changed
// notifications name it; "" for a request whose page must not be kept) is kept for that
// owner alone, until their cart changes (ForgetCart: this replica at once, the others by
// notification) or the catalog does (Drop), and served with the visitor's slots like any
// kept page, as private. Pages of logged-in users or rendered while a cookie was set
// (a message shown once) are never kept. A nil cache passes everything to h.
func (c *Cache) WrapOwned(route Route, owner func(*gin.Context) string, st Stitcher, h gin.HandlerFunc) gin.HandlerFunc {
	if c == nil {
		return h
	}
	return func(g *gin.Context) {
		key, ok := route.Key(g.Request)
		who := ""
		if ok {
			who = owner(g)
		}
		if who == "" || !c.live.Load() {
			h(g)
			return
		}
		key = "owned\x00" + who + "\x00" + key
		if e := c.get(key); e != nil {
			c.serve(g, route.Lang, st, e, "hit")
			return
		}
		gen, r := c.Generation(), c.beginRender(who)
		defer c.endRender(who, r)
		e, ok := c.render(g, route.Lang, st, h, true)
		if !ok {
			return
		}
		e.private = true
		if len(g.Writer.Header().Values("Set-Cookie")) == 0 && kit.CurrentUser(g) == nil {
			c.putOwned(key, who, e, gen, r)
		}
		c.serve(g, route.Lang, st, e, "miss")
	}
}

// render runs h with its page handed over (kit.Capture) and prepares the entry; ok is
// false when h answered by itself (not a 200 page) or the entry could not be made (then
// the request has its 500).
func (c *Cache) render(g *gin.Context, lang string, st Stitcher, h gin.HandlerFunc, fast bool) (*Entry, bool) {
	kit.Capture(g)
	h(g)
	page, ok := kit.Captured(g)
	if !ok {
		return nil, false
	}
	anon, err := st.AnonymousSlots(lang)
	var e *Entry
	if err == nil {
		e, err = newEntry(page, "text/html; charset=utf-8", anon, fast)
	}
	if err != nil {
		c.fail(g, err)
		return nil, false
	}
	return e, true
}

// fail answers 500 when a kept page cannot be made or filled (a template bug).
func (c *Cache) fail(g *gin.Context, err error) {
	c.log.Error("page cache", "request_id", g.GetString(kit.RequestIDKey), "path", g.Request.URL.Path, "err", err)
	g.AbortWithStatus(http.StatusInternalServerError)
}

// storable: a page rendered while anything was set for this visitor alone (a cookie,
// a no-store page) or for a logged-in user is served to them but never kept.
func storable(g *gin.Context) bool {
	h := g.Writer.Header()
	return len(h.Values("Set-Cookie")) == 0 && !strings.Contains(h.Get("Cache-Control"), "no-store") &&
		kit.CurrentUser(g) == nil
}

// serve answers with e: the plain page (pre-compressed) for a visitor with nothing of
// their own, else the page with the visitor's slots spliced in.
func (c *Cache) serve(g *gin.Context, lang string, st Stitcher, e *Entry, state string) {
	slots, shared, personal, err := st.VisitorSlots(g, lang)
	if err != nil {
		c.fail(g, err)
		return
	}
	if state == "miss" {
		c.misses.Add(1)
	} else {
		c.hits.Add(1)
	}
	h := g.Writer.Header()
	h.Set("Vary", "Accept-Encoding, Cookie")
	h.Set("X-Page-Cache", state)
	br, gz := accepts(g.GetHeader("Accept-Encoding"))
	if !personal {
		h.Set("Cache-Control", "no-cache")
		if e.private {
			h.Set("Cache-Control", "private, no-cache")
		}
		if notModified(g, e.etag) {
			return
		}
		switch {
		case br:
			write(g, e.contentType, "br", e.br)
		case gz:
			write(g, e.contentType, "gzip", e.gzip)
		default:
			write(g, e.contentType, "", e.plain)
		}
		return
	}
	h.Set("Cache-Control", "private, no-cache")
	if shared != "" && gz {
		if sp, ok := c.spliced(e, shared); ok {
			if !notModified(g, sp.etag) {
				write(g, e.contentType, "gzip", sp.gzip)
			}
			return
		}
	}
	frags := make([][]byte, len(e.slots))
	sum := fnv.New64a()
	for i, name := range e.slots {
		frags[i] = slots[name]
		sum.Write(frags[i])
		sum.Write([]byte{0})
	}
	etag := strings.TrimSuffix(e.etag, `"`) + "." + strconv.FormatUint(sum.Sum64(), 36) + `"`
	if notModified(g, etag) {
		return
	}
	if gz {
		body := stitchGzip(e, frags)
		if shared != "" {
			c.keepSpliced(e, shared, splice{etag: etag, gzip: body})
		}
		write(g, e.contentType, "gzip", body)
		return
	}
	n := 0
	for i, p := range e.parts {
		n += len(p)
		if i < len(frags) {
			n += len(frags[i])
		}
	}
	body := make([]byte, 0, n)
	for i, p := range e.parts {
		body = append(body, p...)
		if i < len(frags) {
			body = append(body, frags[i]...)
		}
	}
	write(g, e.contentType, "", body)
}

func write(g *gin.Context, contentType, encoding string, body []byte) {
	if encoding != "" {
		g.Header("Content-Encoding", encoding)
	}
	g.Header("Content-Length", strconv.Itoa(len(body)))
	g.Data(http.StatusOK, contentType, body)
}

// notModified answers 304 when the client holds this version.
func notModified(g *gin.Context, etag string) bool {
	g.Header("ETag", etag)
	inm := g.GetHeader("If-None-Match")
	if inm == "" {
		return false
	}
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			g.Status(http.StatusNotModified)
			g.Writer.WriteHeaderNow()
			return true
		}
	}
	return false
}

// stitchGzip builds the gzip stream of a visitor's page without compressing the page
// again: the parts' DEFLATE streams end on byte boundaries, so the visitor's fragments
// go between them as stored blocks, and the trailer's CRC covers the whole page.
func stitchGzip(e *Entry, frags [][]byte) []byte {
	n := 10 + 8
	for i, d := range e.deflated {
		n += len(d)
		if i < len(frags) {
			n += len(frags[i]) + 5*(len(frags[i])/0xffff+1)
		}
	}
	out := make([]byte, 0, n)
	out = append(out, 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff) // gzip header: deflate, no name, unknown OS
	crc, size := uint32(0), 0
	for i, d := range e.deflated {
		out = append(out, d...)
		crc = crc32.Update(crc, crc32.IEEETable, e.parts[i])
		size += len(e.parts[i])
		if i < len(frags) {
			out = appendStored(out, frags[i])
			crc = crc32.Update(crc, crc32.IEEETable, frags[i])
			size += len(frags[i])
		}
	}
	out = binary.LittleEndian.AppendUint32(out, crc)
	return binary.LittleEndian.AppendUint32(out, uint32(size))
}

// appendStored appends b as non-final stored DEFLATE blocks (at a byte boundary).
func appendStored(out, b []byte) []byte {
	for len(b) > 0 {
		n := min(len(b), 0xffff)
		out = append(out, 0) // BFINAL=0, BTYPE=00, padded to the byte
		out = binary.LittleEndian.AppendUint16(out, uint16(n))
		out = binary.LittleEndian.AppendUint16(out, ^uint16(n))
		out = append(out, b[:n]...)
		b = b[n:]
	}
	return out
}

// accepts reads which of brotli and gzip the client takes (q=0 refuses one).
func accepts(header string) (br, gz bool) {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err != nil || v <= 0 {
				continue
			}
		}
		switch coding {
		case "br":
			br = true
		case "gzip", "x-gzip":
			gz = true
		}
	}
	return br, gz
}
