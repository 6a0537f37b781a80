package shop

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/web/kit"
)

// CartView is the cart page.
type CartView struct {
	Lines                        []CartLineView
	Count                        int
	Subtotal                     string
	Notices                      []string // price or stock changes since items were added
	Message                      string   // what went wrong with the last change
	QuantityAction, RemoveAction string
	CheckoutURL, CatalogURL      string
	CanCheckout                  bool
}

// CartLineView is one line of the cart page.
type CartLineView struct {
	VariantID               int64
	Title, URL, Size, Color string
	Workshop                string
	Image                   *Img
	Unit, Total, WasUnit    string
	Quantity, Available     int
	PriceChanged, Short     bool
	Error                   string
}

// visitor is who owns a cart: the logged-in user, else the cookie's token.
func (s *Handler) visitor(c *gin.Context) (token string, userID int64) {
	if u := kit.CurrentUser(c); u != nil {
		return "", u.ID
	}
	return s.CartToken(c), 0
}

// cartCount is the header's item count: no query at all for a visitor with no cart.
func (s *Handler) cartCount(c *gin.Context) int {
	if s.Orders == nil {
		return 0
	}
	token, userID := s.visitor(c)
	if token == "" && userID == 0 {
		return 0
	}
	key := cartKey(token, userID)
	// Kept in memory with the cached pages, forgotten when the cart changes on any
	// replica (pagecache.CartChannel).
	n, err := s.Pages.CartCount(key, func() (int, error) { return s.Orders.Count(c.Request.Context(), token, userID) })
	if err != nil {
		s.Log.Warn("cart count", "request_id", c.GetString(kit.RequestIDKey), "err", err)
		return 0
	}
	return n
}

func (s *Handler) handleCart(c *gin.Context, lang string) error {
	return s.renderCart(c, lang, http.StatusOK, "", nil)
}

func (s *Handler) renderCart(c *gin.Context, lang string, status int, message string, lineErrs map[int64]string) error {
	token, userID := s.visitor(c)
	cart, err := s.Orders.Cart(c.Request.Context(), token, userID)
	if err != nil {
		return err
	}
	r := routes[lang]
	v := CartView{Count: cart.Count(), Message: message, QuantityAction: r.CartQuantity, RemoveAction: r.CartRemove,
		CheckoutURL: r.Checkout, CatalogURL: r.Catalog, CanCheckout: len(cart.Lines) > 0 && !cart.Short(),
		Subtotal: money.Format(money.Amount{Minor: cart.Subtotal(), Currency: cart.Currency}, lang)}
	for _, l := range cart.Lines {
		cur := func(m int64) string { return money.Format(money.Amount{Minor: m, Currency: cart.Currency}, lang) }
		lv := CartLineView{VariantID: l.VariantID, Title: l.Title(lang), URL: productPath(lang, l.ProductSlug),
			Size: l.Size, Color: l.Color(lang), Workshop: l.WorkshopName, Image: s.img(l.Photo, lang),
			Unit: cur(l.UnitMinor), Total: cur(l.TotalMinor), Quantity: l.Quantity, Available: l.Available,
			PriceChanged: l.PriceChanged, Short: l.Short}
		if l.PriceChanged {
			lv.WasUnit = cur(l.AddedMinor)
			v.Notices = append(v.Notices, s.T(lang, "cart.notice.price", l.Title(lang), lv.WasUnit, lv.Unit))
		}
		if l.Short {
			if l.Available == 0 {
				v.Notices = append(v.Notices, s.T(lang, "cart.notice.sold_out", l.Title(lang)))
			} else {
				v.Notices = append(v.Notices, s.T(lang, "cart.notice.short", l.Title(lang), l.Available))
			}
		}
		if key, ok := lineErrs[l.VariantID]; ok {
			lv.Error = s.T(lang, key)
		}
		v.Lines = append(v.Lines, lv)
	}
	pg := s.page(c, lang, s.T(lang, "cart.title"), "", map[string]string{"es": routes["es"].Cart, "en": routes["en"].Cart})
	pg.NoIndex, pg.Canonical, pg.Alternates = true, "", nil
	pg.Flash = s.TakeFlash(c)
	c.Header("Cache-Control", "private, no-store")
	pg.Data = v
	return s.Render(c, status, "shop/cart", pg)
}

// handleAddToCart is the product page's form: a variant and a quantity. Success goes to
// the cart; a quantity capped by stock says so on the cart page.
func (s *Handler) handleAddToCart(c *gin.Context, lang string) error {
	variantID, _ := strconv.ParseInt(c.PostForm("variant"), 10, 64)
	if variantID <= 0 {
		return s.renderCart(c, lang, http.StatusUnprocessableEntity, s.T(lang, "cart.choose_size"), nil)
	}
	qty := c.PostForm("quantity")
	if qty == "" {
		qty = "1"
	}
	token, userID := s.visitor(c)
	newToken, err := s.Orders.AddLine(c.Request.Context(), token, userID, variantID, qty)
	if newToken != "" {
		s.SetCartCookie(c, newToken)
	}
	if err != nil {
		return s.cartFailed(c, lang, variantID, err)
	}
	s.SetFlash(c, "ok", "cart.added")
	kit.Redirect(c, routes[lang].Cart)
	return nil
}

// cartFailed shows what went wrong on the cart page (a capped quantity, a bad number, a
// size no longer on sale); other errors are error pages.
func (s *Handler) cartFailed(c *gin.Context, lang string, variantID int64, err error) error {
	e := apperr.As(err)
	if e == nil || e.Code == apperr.Internal {
		return err
	}
	key := apperr.KeyOf(err)
	if fk, ok := e.Fields["quantity"]; ok {
		key = fk
	}
	if !s.Msgs.Has(key) {
		key = "cart.error"
	}
	status := apperr.Status(e.Code)
	if e.Code == apperr.NotFound {
		status = http.StatusNotFound
	}
	return s.renderCart(c, lang, status, s.T(lang, key, e.Args...), map[int64]string{variantID: key})
}

func (s *Handler) handleCartQuantity(c *gin.Context, lang string) error {
	variantID, _ := strconv.ParseInt(c.PostForm("variant"), 10, 64)
	token, userID := s.visitor(c)
	if _, err := s.Orders.SetQuantity(c.Request.Context(), token, userID, variantID, c.PostForm("quantity")); err != nil {
		return s.cartFailed(c, lang, variantID, err)
	}
	s.SetFlash(c, "ok", "cart.updated")
	kit.Redirect(c, routes[lang].Cart)
	return nil
}

func (s *Handler) handleCartRemove(c *gin.Context, lang string) error {
	variantID, _ := strconv.ParseInt(c.PostForm("variant"), 10, 64)
	token, userID := s.visitor(c)
	if _, err := s.Orders.Remove(c.Request.Context(), token, userID, variantID); err != nil {
		return s.cartFailed(c, lang, variantID, err)
	}
	s.SetFlash(c, "ok", "cart.removed")
	kit.Redirect(c, routes[lang].Cart)
	return nil
}

// cartKey names a cart as the cart_changed notifications do: "u:<user id>" or
// "t:<hex sha256 of the cart token>".
func cartKey(token string, userID int64) string {
	if userID != 0 {
		return "u:" + strconv.FormatInt(userID, 10)
	}
	sum := sha256.Sum256([]byte(token))
	return "t:" + hex.EncodeToString(sum[:])
}

// cartOwner names whose cart page a request asks for, so the page cache keeps it for
// that cart alone (pagecache.WrapOwned): an anonymous visitor's cart, by its key; ""
// (not kept) for a logged-in user or a visitor without a cart.
func (s *Handler) cartOwner(c *gin.Context) string {
	if kit.CurrentUser(c) != nil {
		return ""
	}
	token := s.CartToken(c)
	if token == "" {
		return ""
	}
	return cartKey(token, 0)
}

// changesCart wraps a handler that changes the visitor's cart: once it has run (before
// its answer leaves), this replica forgets the cart's count, so the next page shows the
// change without waiting for the notification.
func (s *Handler) changesCart(h func(*gin.Context, string) error) func(*gin.Context, string) error {
	return func(c *gin.Context, lang string) error {
		defer func() {
			token, userID := s.visitor(c)
			if token != "" {
				s.Pages.ForgetCart(cartKey(token, 0))
			}
			if userID != 0 {
				s.Pages.ForgetCart(cartKey("", userID))
			}
		}()
		return h(c, lang)
	}
}

// MergeCart moves an anonymous cart into the user's at login (accounts calls it).
func (s *Handler) MergeCart(c *gin.Context, userID int64) {
	token := s.CartToken(c)
	if token == "" || s.Orders == nil {
		return
	}
	defer s.Pages.ForgetCart(cartKey("", userID))
	defer s.Pages.ForgetCart(cartKey(token, 0))
	if err := s.Orders.Merge(c.Request.Context(), token, userID); err != nil {
		s.Log.Warn("merge cart at login", "request_id", c.GetString(kit.RequestIDKey), "err", err)
		return
	}
	s.ClearCartCookie(c)
}
