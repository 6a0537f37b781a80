package pagecache

import (
	"sync"
	"sync/atomic"
)

// CartChannel is the notification channel the cart triggers notify with the changed
// cart's key (migrations/00011_cart_notify.sql).
const CartChannel = "cart_changed"

// maxCounts bounds the cart counts kept; past it they are all forgotten.
const maxCounts = 100_000

// counts keeps the item count of carts, for the header of cached pages: with it, a
// shopper with a cart gets a cached page without a query. A notification naming a cart
// forgets its count; losing the listener forgets them all.
type counts struct {
	mu  sync.Mutex
	n   map[string]int
	gen atomic.Uint64 // bumped by every change, so a count read across one is not kept
}

func (c *counts) forget(key string) {
	c.mu.Lock()
	c.gen.Add(1)
	delete(c.n, key)
	c.mu.Unlock()
}

func (c *counts) clear() {
	c.mu.Lock()
	c.gen.Add(1)
	clear(c.n)
	c.mu.Unlock()
}

// CartCount is the item count of the cart named key ("u:<user id>" or "t:<hex sha256
// of the cart token>", as the triggers name it), from memory when known, else from
// load (kept when no cart changed meanwhile). A nil or unlistening cache always loads.
func (c *Cache) CartCount(key string, load func() (int, error)) (int, error) {
	if c == nil || !c.live.Load() {
		return load()
	}
	c.counts.mu.Lock()
	n, ok := c.counts.n[key]
	c.counts.mu.Unlock()
	if ok {
		return n, nil
	}
	gen := c.counts.gen.Load()
	n, err := load()
	if err != nil {
		return n, err
	}
	c.counts.mu.Lock()
	defer c.counts.mu.Unlock()
	if c.counts.gen.Load() == gen && c.live.Load() {
		if len(c.counts.n) >= maxCounts {
			clear(c.counts.n)
		}
		c.counts.n[key] = n
	}
	return n, nil
}

// ForgetCart forgets the count of the cart named key, and the pages kept for it
// (WrapOwned), at once, on this replica: the request that changed a cart must not wait
// for the notification (which reaches the other replicas) to see its own change on the
// next page. The cart_changed notification calls it on every replica.
func (c *Cache) ForgetCart(key string) {
	if c == nil {
		return
	}
	c.counts.forget(key)
	c.forgetOwned(key)
}
