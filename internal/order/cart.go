package order

import (
	"context"
	"errors"

	"github.com/libres/storefront/internal/catalog"
)

// Cart is a shopper's cart as it stands now: current prices and stock, read on every call.
// An anonymous cart is found by the random token in the shopper's cookie (the database
// keeps only its sha256); a logged-in shopper's cart by the user id.
type Cart struct {
	ID    int64 // 0: no cart yet (nothing was ever added)
	Lines []CartLine
	// Currency of the lines' amounts ("COP").
	Currency string
}

// CartLine is one variant in a cart, joined with the catalog.
type CartLine struct {
	VariantID    int64
	ProductID    int64
	ProductSlug  string
	TitleES      string
	TitleEN      string
	SKU          string
	Size         string
	ColorES      string
	ColorEN      string
	Photo        *catalog.Photo // first photo of the product; nil when it has none
	WorkshopID   int64
	WorkshopName string
	TaxClass     catalog.TaxClass
	UnitMinor    int64 // the price now
	AddedMinor   int64 // the price when the line was added
	Quantity     int
	Available    int  // stock shoppers can still buy
	PriceChanged bool // UnitMinor != AddedMinor: the cart page says so
	Short        bool // Quantity > Available: checkout is refused until it is fixed
	TotalMinor   int64
}

// Title returns the title in lang.
func (l CartLine) Title(lang string) string { return pick(lang, l.TitleES, l.TitleEN) }

// Color returns the colour in lang.
func (l CartLine) Color(lang string) string { return pick(lang, l.ColorES, l.ColorEN) }

// Count is the number of items (quantities summed).
func (c Cart) Count() int {
	n := 0
	for _, l := range c.Lines {
		n += l.Quantity
	}
	return n
}

// Subtotal is the sum of the line totals at today's prices.
func (c Cart) Subtotal() int64 {
	var s int64
	for _, l := range c.Lines {
		s += l.TotalMinor
	}
	return s
}

// Short reports whether any line asks for more than is in stock.
func (c Cart) Short() bool {
	for _, l := range c.Lines {
		if l.Short {
			return true
		}
	}
	return false
}

// MaxQuantity is the most of one variant a cart may hold.
const MaxQuantity = 99

var errTODO = errors.New("order: not implemented yet")

// Cart returns the shopper's cart (userID when logged in, else the cookie's token). No
// cart is an empty Cart; nothing is written.
func (s *Service) Cart(ctx context.Context, token string, userID int64) (Cart, error) {
	return Cart{}, errTODO
}

// Add puts qty (as typed) of a variant in the cart, creating the cart when there is
// none. newToken is the cookie token of a new anonymous cart ("" when the cart
// existed or belongs to a user): the caller sets the cookie. A bad quantity is a field
// error "quantity"; an unknown variant or one not on sale is NotFound
// "cart.variant_unknown"; more than is in stock saves the line capped at the stock and
// returns the cart with Conflict "cart.capped".
func (s *Service) Add(ctx context.Context, token string, userID int64, variantID int64, qty string) (c Cart, newToken string, err error) {
	return Cart{}, "", errTODO
}

// SetQuantity sets a line's quantity (as typed; 0 removes it), capped like Add.
func (s *Service) SetQuantity(ctx context.Context, token string, userID int64, variantID int64, qty string) (Cart, error) {
	return Cart{}, errTODO
}

// Remove takes a variant out of the cart.
func (s *Service) Remove(ctx context.Context, token string, userID int64, variantID int64) (Cart, error) {
	return Cart{}, errTODO
}

// Merge moves an anonymous cart's lines into the user's cart at login: quantities of
// the same variant are added and capped at the stock; the anonymous cart is deleted.
func (s *Service) Merge(ctx context.Context, token string, userID int64) error {
	return errTODO
}

// Count is the number of items in the cart, for the header.
func (s *Service) Count(ctx context.Context, token string, userID int64) (int, error) {
	return 0, errTODO
}
