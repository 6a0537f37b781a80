// Package pagecache keeps the storefront's catalog pages as rendered bytes, so almost
// every request is answered without a query or a template: pages are rendered once
// with markers where the per-visitor parts go (kit.Capture), kept compressed once
// (gzip, brotli), and each answer splices the visitor's own small fragments in.
//
// Correctness over speed: a PostgreSQL trigger notifies catalog_changed when anything
// the pages show changes, and each serving process LISTENs (Listen) and drops what it
// keeps; while the listener is down nothing is served from memory, after a reconnect
// everything is dropped (notifications may have been missed), and entries expire after
// MaxAge anyway. Memory is bounded in bytes (least recently used entries go first).
package pagecache

import (
	"container/list"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Cache.
type Options struct {
	// MaxBytes bounds the bytes kept (page, its compressed forms and parts); 0 disables.
	MaxBytes int64
	// MaxAge bounds how long an entry is served even without a notification (figures
	// no trigger watches, such as the workshops' sales). 0 means DefaultMaxAge.
	MaxAge time.Duration
	// Standalone serves from memory without a listener: for a process that is alone
	// on its database and tests of the cache itself. Servers run Listen instead.
	Standalone bool
	Log        *slog.Logger // nil: discard
}

// DefaultMaxAge is how long an entry lives without a notification.
const DefaultMaxAge = time.Minute

// Cache is a byte-bounded, least-recently-used set of rendered pages.
type Cache struct {
	max    int64
	maxAge time.Duration
	log    *slog.Logger
	now    func() time.Time
	live   atomic.Bool   // the listener is connected (or Standalone): entries may be served
	counts counts        // cart item counts (CartCount)
	gen    atomic.Uint64 // bumped by every drop; a page rendered across a drop is not kept
	hits   atomic.Uint64 // answers from memory (Stats)
	misses atomic.Uint64 // pages rendered to be kept

	mu      sync.Mutex
	flights map[string]*flight          // pages being rendered now
	items   map[string]*list.Element    // of *Entry
	owned   map[string]map[string]bool  // owner (a cart key) -> keys of their own pages (WrapOwned)
	renders map[string]map[*render]bool // owner -> their pages being rendered now
	lru     list.List                   // front: most recently used
	size    int64
}

// New returns a cache; nil when o.MaxBytes is 0 (caching off: Wrap passes through).
func New(o Options) *Cache {
	if o.MaxBytes <= 0 {
		return nil
	}
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	c := &Cache{max: o.MaxBytes, maxAge: o.MaxAge, log: o.Log, now: time.Now, items: map[string]*list.Element{},
		flights: map[string]*flight{}, owned: map[string]map[string]bool{},
		renders: map[string]map[*render]bool{}}
	c.counts.n = map[string]int{}
	c.live.Store(o.Standalone)
	return c
}

// Generation counts the drops so far (a test waits for it to move after a change).
func (c *Cache) Generation() uint64 { return c.gen.Load() }

// Stats counts the pages answered from memory (hits, a render shared with those who
// waited for it included) and rendered to be kept (misses) since the start (metrics).
func (c *Cache) Stats() (hits, misses uint64) { return c.hits.Load(), c.misses.Load() }

// Size is the bytes kept now.
func (c *Cache) Size() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

// Len is the number of pages kept now.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

// Drop forgets every page: the catalog changed.
func (c *Cache) Drop() {
	c.mu.Lock()
	c.gen.Add(1)
	clear(c.items)
	clear(c.owned)
	c.lru.Init()
	c.size = 0
	c.mu.Unlock()
}

// setLive turns serving from memory on or off; either way what is kept is dropped.
func (c *Cache) setLive(on bool) {
	c.Drop()
	c.counts.clear()
	c.live.Store(on)
}

func (c *Cache) get(key string) *Entry {
	if !c.live.Load() {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil
	}
	e := el.Value.(*Entry)
	if c.now().Sub(e.at) > c.maxAge {
		c.remove(el)
		return nil
	}
	c.lru.MoveToFront(el)
	return e
}

// flight is a page being rendered; e is set (before done closes) when it was kept.
type flight struct {
	done chan struct{}
	e    *Entry
}

// join returns the render of key under way, or starts one (leader: the caller renders
// and must leave).
func (c *Cache) join(key string) (f *flight, leader bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.flights[key]; ok {
		return f, false
	}
	f = &flight{done: make(chan struct{})}
	c.flights[key] = f
	return f, true
}

// leave ends a render: those waiting get e (nil: render it themselves).
func (c *Cache) leave(key string, f *flight, e *Entry) {
	c.mu.Lock()
	delete(c.flights, key)
	c.mu.Unlock()
	f.e = e
	close(f.done)
}

// put keeps e unless the catalog changed since gen (when its rendering began) or it is
// larger than a quarter of the bound; the least recently used pages make room.
func (c *Cache) put(key string, e *Entry, gen uint64) (kept bool) {
	return c.putOwned(key, "", e, gen, nil)
}

// render is a page of an owner's own being rendered; stale once their cart changed.
type render struct{ stale bool }

// beginRender notes that a page of owner's is being rendered.
func (c *Cache) beginRender(owner string) *render {
	r := &render{}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.renders[owner] == nil {
		c.renders[owner] = map[*render]bool{}
	}
	c.renders[owner][r] = true
	return r
}

func (c *Cache) endRender(owner string, r *render) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.renders[owner], r)
	if len(c.renders[owner]) == 0 {
		delete(c.renders, owner)
	}
}

// putOwned is put for a page of owner's own (owner "": a page for everyone), which is
// not kept either when the owner's cart changed while it was rendered (r is stale).
func (c *Cache) putOwned(key, owner string, e *Entry, gen uint64, r *render) (kept bool) {
	if !c.live.Load() || e.size > c.max/4 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen || (r != nil && r.stale) {
		return false
	}
	if el, ok := c.items[key]; ok {
		c.remove(el)
	}
	e.key, e.owner, e.at = key, owner, c.now()
	c.items[key] = c.lru.PushFront(e)
	if owner != "" {
		if c.owned[owner] == nil {
			c.owned[owner] = map[string]bool{}
		}
		c.owned[owner][key] = true
	}
	c.size += e.size
	for c.size > c.max {
		c.remove(c.lru.Back())
	}
	return true
}

func (c *Cache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*Entry)
	delete(c.items, e.key)
	c.size -= e.size
	if keys := c.owned[e.owner]; keys != nil {
		delete(keys, e.key)
		if len(keys) == 0 {
			delete(c.owned, e.owner)
		}
	}
}

// forgetOwned drops the pages kept for owner, and those being rendered for them.
func (c *Cache) forgetOwned(owner string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for r := range c.renders[owner] {
		r.stale = true
	}
	for key := range c.owned[owner] {
		if el, ok := c.items[key]; ok {
			c.remove(el)
		}
	}
	delete(c.owned, owner)
}

// Fresh reports whether what was read from the database at generation gen may still be
// used: the cache is listening (or standalone) and no catalog change has been notified
// since. Callers memoise small catalog reads shown on every page (the navigation's
// categories) with it: read Generation, load, keep with that generation, and reuse while
// Fresh(gen). A nil cache is never fresh.
func (c *Cache) Fresh(gen uint64) bool {
	return c != nil && c.live.Load() && c.gen.Load() == gen
}

// spliced returns e's page gzipped with the slots of the shared key, when kept.
func (c *Cache) spliced(e *Entry, key string) (splice, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sp, ok := e.spliced[key]
	return sp, ok
}

// keepSpliced keeps sp with e (counted in the bound) while e is kept and has room.
func (c *Cache) keepSpliced(e *Entry, key string, sp splice) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[e.key]; !ok || el.Value.(*Entry) != e || len(e.spliced) >= maxSpliced {
		return
	}
	if _, ok := e.spliced[key]; ok {
		return
	}
	if e.spliced == nil {
		e.spliced = map[string]splice{}
	}
	e.spliced[key] = sp
	n := int64(len(sp.gzip) + len(sp.etag) + len(key) + 64)
	e.size += n
	c.size += n
	for c.size > c.max {
		c.remove(c.lru.Back())
	}
}
