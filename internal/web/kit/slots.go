package kit

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/gin-gonic/gin"
)

// The layout's per-visitor parts. A catalog page kept as rendered bytes (pagecache)
// carries a marker where each goes, and every answer splices in the visitor's own
// small fragment, so the page itself is rendered once for everyone.
const (
	SlotNav   = "nav"   // header: account link (the user's name) and cart link with its count
	SlotFlash = "flash" // the one-time message after a redirect
)

// Slots are the slot names in the order the layout places them.
var Slots = []string{SlotNav, SlotFlash}

// SlotMarker is what a captured page holds in place of a slot. html/template escapes
// "<" in any data it prints, so no product text or query can forge one.
func SlotMarker(name string) string { return "<!--libres:slot:" + name + "-->" }

// Visitor is what the layout shows of one visitor.
type Visitor struct {
	Lang          string
	Account, Cart string // links ("" Cart: the shop has no cart)
	CartCount     int
	User          *SessionUser // nil for an anonymous visitor
	Flash         *Flash
}

// Personal reports whether the visitor has anything of their own to show.
func (v Visitor) Personal() bool { return v.User != nil || v.CartCount > 0 || v.Flash != nil }

// Visitor is the page's visitor parts (the layout renders them through the
// "visitor-nav" and "visitor-flash" partials, or leaves markers when Slots is set).
func (p *Page) Visitor() Visitor {
	return Visitor{Lang: p.Lang, Account: p.Nav.Account, Cart: p.Nav.Cart, CartCount: p.Nav.CartCount,
		User: p.User, Flash: p.Flash}
}

// slotTemplates names the partial that renders each slot.
var slotTemplates = map[string]string{SlotNav: "visitor-nav", SlotFlash: "visitor-flash"}

// RenderSlot renders one slot's fragment for v.
func (k *Kit) RenderSlot(name string, v Visitor) ([]byte, error) {
	tn, ok := slotTemplates[name]
	if !ok {
		return nil, fmt.Errorf("no slot %q", name)
	}
	var buf bytes.Buffer
	if err := k.views.partials.ExecuteTemplate(&buf, tn, v); err != nil {
		return nil, fmt.Errorf("render slot %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

const captureKey = "libres.capture"

// captured is a page Render handed over instead of writing it.
type captured struct{ body []byte }

// Capture asks Render to hand over this request's page (a 200 only) with slot markers
// instead of writing it; the page cache stores it and answers the request itself.
func Capture(c *gin.Context) { c.Set(captureKey, &captured{}) }

// Captured is the page Render handed over, if it did.
func Captured(c *gin.Context) ([]byte, bool) {
	v, ok := c.Get(captureKey)
	if !ok {
		return nil, false
	}
	cp := v.(*captured)
	return cp.body, cp.body != nil
}

// capturing reports whether Render should hand a page over.
func capturing(c *gin.Context, status int) (*captured, bool) {
	if status != 200 {
		return nil, false
	}
	v, ok := c.Get(captureKey)
	if !ok {
		return nil, false
	}
	return v.(*captured), true
}

func slotFunc(name string) template.HTML { return template.HTML(SlotMarker(name)) }
