package shop

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/web/kit"
)

// listingQuery is what the listing and search pages read from the query string
// (parseListing); any other parameter bypasses the page cache.
var listingQuery = []string{"q", "workshop", "size", "stock", "min", "max", "price_min", "price_max", "sort", "page"}

// visitorOf is what the layout shows of this request's visitor: their name, their
// cart's count and a pending message. No query for a visitor without cookies.
func (s *Handler) visitorOf(c *gin.Context, lang string) kit.Visitor {
	r := routes[lang]
	v := kit.Visitor{Lang: lang, Account: r.Account, User: kit.CurrentUser(c), Flash: s.TakeFlash(c)}
	if s.Orders != nil {
		v.Cart, v.CartCount = r.Cart, s.cartCount(c)
	}
	return v
}

// AnonymousSlots renders the layout's slots for a visitor with nothing of their own
// (pagecache.Stitcher).
func (s *Handler) AnonymousSlots(lang string) (map[string][]byte, error) {
	r := routes[lang]
	v := kit.Visitor{Lang: lang, Account: r.Account}
	if s.Orders != nil {
		v.Cart = r.Cart
	}
	return s.slots(v)
}

// VisitorSlots renders the layout's slots for this request's visitor
// (pagecache.Stitcher); personal is false for a visitor with nothing of their own. An
// anonymous visitor with a cart shares the slots of every cart of that size (shared:
// "es/3"), rendered once.
func (s *Handler) VisitorSlots(c *gin.Context, lang string) (map[string][]byte, string, bool, error) {
	v := s.visitorOf(c, lang)
	if !v.Personal() {
		return nil, "", false, nil
	}
	if v.User != nil || v.Flash != nil || v.CartCount > maxKeptCount {
		out, err := s.slots(v)
		return out, "", true, err
	}
	k := cartSlotsKey{lang, v.CartCount}
	shared := lang + "/" + strconv.Itoa(v.CartCount)
	if out, ok := s.cartSlots.Load(k); ok {
		return out.(map[string][]byte), shared, true, nil
	}
	out, err := s.slots(v)
	if err == nil {
		s.cartSlots.Store(k, out)
	}
	return out, shared, true, err
}

// maxKeptCount bounds the cart sizes whose header is kept rendered.
const maxKeptCount = 200

type cartSlotsKey struct {
	lang  string
	count int
}

func (s *Handler) slots(v kit.Visitor) (map[string][]byte, error) {
	out := make(map[string][]byte, len(kit.Slots))
	for _, name := range kit.Slots {
		b, err := s.RenderSlot(name, v)
		if err != nil {
			return nil, err
		}
		out[name] = b
	}
	return out, nil
}
