package order

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db"
)

// Cart is a shopper's cart as it stands now: current prices and stock, read on every call.
// An anonymous cart is found by the random token in the shopper's cookie (the database
// keeps only its sha256); a logged-in shopper's cart by the user id.
type Cart struct {
	ID    int64 // 0: no cart yet, or an empty one
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
	Gone         bool // no longer on sale (archived, workshop inactive): Available is 0
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

// MaxLines is the most different variants a cart may hold: a bound on what one visitor
// can make the store keep and recompute (no shopper's basket comes near it).
const MaxLines = 50

// Message keys of the cart.
const (
	keyQuantity       = "cart.quantity_invalid" // quantity field: not a whole number from 1 to MaxQuantity
	keyVariantUnknown = "cart.variant_unknown"  // not on sale (unknown, archived, workshop inactive)
	keyCapped         = "cart.capped"           // saved, but capped at the stock
	keySoldOut        = "cart.sold_out"         // nothing left to add
	keyTooManyLines   = "cart.too_many_lines"   // a new line in a cart of MaxLines lines
)

// parseQty reads a quantity as typed; min is 1 for Add and 0 for SetQuantity.
func parseQty(s string, min int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < min || n > MaxQuantity {
		return 0, apperr.Fields(map[string]string{"quantity": keyQuantity})
	}
	return n, nil
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func newToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// cartRef finds a cart: a user's when userID is set, else the token's. lock adds FOR
// UPDATE. found is false when there is none.
type cartRow struct {
	ID            int64      `db:"id"`
	PlacedOrderID *int64     `db:"placed_order_id"`
	PlacedAt      *time.Time `db:"placed_at"`
}

func findCart(ctx context.Context, st *db.Statements, q db.Querier, token string, userID int64, lock bool) (cartRow, bool, error) {
	var r cartRow
	sel := `SELECT id, placed_order_id, placed_at FROM carts WHERE `
	var arg any
	switch {
	case userID != 0:
		sel, arg = sel+`user_id = $1`, userID
	case token != "":
		sel, arg = sel+`token_hash = $1`, hashToken(token)
	default:
		return r, false, nil
	}
	if lock {
		sel += ` FOR UPDATE`
	}
	p, err := st.On(ctx, q, sel)
	if err == nil {
		err = p.GetContext(ctx, &r, arg)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("find cart: %w", db.Translate(err))
	}
	return r, true, nil
}

// ensureCart returns the cart's id, creating it (and a token for an anonymous one).
func ensureCart(ctx context.Context, st *db.Statements, tx *sqlx.Tx, token string, userID int64, now time.Time) (id int64, newTok string, err error) {
	r, ok, err := findCart(ctx, st, tx, token, userID, true)
	if err != nil || ok {
		return r.ID, "", err
	}
	if userID != 0 {
		const ins = `INSERT INTO carts (user_id, created_at, updated_at) VALUES ($1, $2, $2)
			ON CONFLICT (user_id) DO NOTHING`
		if _, err := tx.ExecContext(ctx, ins, userID, now); err != nil {
			return 0, "", fmt.Errorf("create cart of user %d: %w", userID, db.Translate(err))
		}
		r, _, err := findCart(ctx, st, tx, "", userID, true)
		return r.ID, "", err
	}
	// An unknown token (expired, forged) gets a fresh cart and a fresh token.
	tok, err := newToken()
	if err != nil {
		return 0, "", err
	}
	const ins = `INSERT INTO carts (token_hash, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id`
	if err := tx.GetContext(ctx, &id, ins, hashToken(tok), now); err != nil {
		return 0, "", fmt.Errorf("create cart: %w", db.Translate(err))
	}
	return id, tok, nil
}

// Cart returns the shopper's cart (userID when logged in, else the cookie's token). No
// cart is an empty Cart; nothing is written.
func (s *Service) Cart(ctx context.Context, token string, userID int64) (Cart, error) {
	switch {
	case userID != 0:
		return readCart(ctx, s.stmts, s.db, `c.user_id = $1`, userID, s.opts.Currency)
	case token != "":
		return readCart(ctx, s.stmts, s.db, `c.token_hash = $1`, hashToken(token), s.opts.Currency)
	}
	return Cart{Currency: s.opts.Currency}, nil
}

// Add puts qty (as typed) of a variant in the cart, creating the cart when there is
// none. newToken is the cookie token of a new anonymous cart ("" when the cart
// existed or belongs to a user): the caller sets the cookie. A bad quantity is a field
// error "quantity"; an unknown variant or one not on sale is NotFound
// "cart.variant_unknown"; more than is in stock saves the line capped at the stock and
// returns the cart with Conflict "cart.capped" (nothing left at all: Conflict
// "cart.sold_out", nothing saved).
func (s *Service) Add(ctx context.Context, token string, userID int64, variantID int64, qty string) (c Cart, newToken string, err error) {
	newToken, err = s.AddLine(ctx, token, userID, variantID, qty)
	if err != nil && apperr.KeyOf(err) != keyCapped {
		return Cart{}, newToken, err
	}
	if newToken != "" {
		token = newToken
	}
	c, cerr := s.Cart(ctx, token, userID)
	if cerr != nil {
		return Cart{}, newToken, cerr
	}
	return c, newToken, err
}

// AddLine is Add without reading the cart back, for the add-to-cart form (it redirects
// to the cart page, which reads it): two statements in one transaction.
func (s *Service) AddLine(ctx context.Context, token string, userID int64, variantID int64, qty string) (newToken string, err error) {
	n, err := parseQty(qty, 1)
	if err != nil {
		return "", err
	}
	return s.changeLine(ctx, token, userID, variantID, n, true)
}

// SetQuantity sets a line's quantity (as typed; 0 removes it), capped like Add.
func (s *Service) SetQuantity(ctx context.Context, token string, userID int64, variantID int64, qty string) (Cart, error) {
	n, err := parseQty(qty, 0)
	if err != nil {
		return Cart{}, err
	}
	if n == 0 {
		return s.Remove(ctx, token, userID, variantID)
	}
	tok, err := s.changeLine(ctx, token, userID, variantID, n, false)
	if err != nil && apperr.KeyOf(err) != keyCapped {
		return Cart{}, err
	}
	if tok != "" {
		token = tok
	}
	c, cerr := s.Cart(ctx, token, userID)
	if cerr != nil {
		return Cart{}, cerr
	}
	return c, err
}

// saveLine checks the variant is on sale and upserts the line in one statement: the
// quantity wanted (added to the line's when add, capped at MaxQuantity) is saved capped
// at the stock, and nothing is saved when none is left. No row: not on sale. The cart
// row is locked by the caller, so the line read here is the current one.
const saveLine = `WITH v AS (
		SELECT v.id, v.stock_on_hand, COALESCE(v.price_override_minor, p.price_minor) AS unit_minor
		FROM variants v JOIN products p ON p.id = v.product_id JOIN workshops w ON w.id = p.workshop_id
		WHERE v.id = $2 AND p.status = '` + string(catalog.StatusActive) + `' AND w.active),
	want AS (
		SELECT id, stock_on_hand, unit_minor, LEAST($3 + CASE WHEN $4 THEN COALESCE(
			(SELECT quantity FROM cart_lines WHERE cart_id = $1 AND variant_id = $2), 0) ELSE 0 END, $5) AS qty
		FROM v),
	saved AS (
		INSERT INTO cart_lines (cart_id, variant_id, quantity, unit_minor_when_added, added_at)
		SELECT $1, id, LEAST(qty, stock_on_hand), unit_minor, $6 FROM want WHERE stock_on_hand > 0
		ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = EXCLUDED.quantity)
	SELECT stock_on_hand, qty FROM want`

// changeExisting is changeLine for a cart that exists, in one statement (atomic on its
// own, so no transaction: one round trip, prepared): the cart is marked changed (which
// locks it, so a checkout of it in progress finishes first) only when the variant is on
// sale with stock, and the line is upserted. The new quantity is computed from the line
// as it is when the row is written (ON CONFLICT sees the latest version), so concurrent
// adds to one cart all count. $1 names the cart (token hash or user id, per the query),
// $2 variant, $3 n, $4 add, $5 MaxQuantity, $6 now, $7 MaxLines (a new line in a full
// cart is refused: full). cart_id is NULL when there is no
// such cart; stock is NULL when the variant is not on sale; want is the quantity asked
// for (from the line as the statement began), for the "capped" message. As in placeSQL
// (later), the line's trigger leaves the cart_changed notification to the caller, who
// sends it after the commit for notify_key (cart_notify_key), batched with others
// (notifier): a NOTIFY in every add's commit cost PostgreSQL a trigger, a SQL function
// and a signal to every listening replica per add (perf: ~20 % of its CPU in make
// bench's add round).
const changeExisting = `WITH later AS (SELECT set_config('libres.notify_after_commit', 'on', true)),
	v AS (
		SELECT v.id, v.stock_on_hand, COALESCE(v.price_override_minor, p.price_minor) AS unit_minor
		FROM variants v JOIN products p ON p.id = v.product_id JOIN workshops w ON w.id = p.workshop_id
		WHERE v.id = $2 AND p.status = '` + string(catalog.StatusActive) + `' AND w.active),
	cart AS (
		SELECT id, cart_notify_key(user_id, token_hash) AS notify_key,
			(SELECT count(*) FROM cart_lines WHERE cart_id = carts.id) AS lines,
			EXISTS (SELECT 1 FROM cart_lines WHERE cart_id = carts.id AND variant_id = $2) AS has
		FROM carts WHERE @cart@ = $1 AND EXISTS (SELECT 1 FROM later)),
	c AS (
		UPDATE carts SET updated_at = $6, placed_order_id = NULL, placed_at = NULL
		WHERE @cart@ = $1 AND EXISTS (SELECT 1 FROM v WHERE stock_on_hand > 0)
			AND EXISTS (SELECT 1 FROM cart WHERE has OR lines < $7)
		RETURNING id),
	saved AS (
		INSERT INTO cart_lines AS l (cart_id, variant_id, quantity, unit_minor_when_added, added_at)
		SELECT c.id, v.id, LEAST($3::int, $5::int, v.stock_on_hand), v.unit_minor, $6 FROM c CROSS JOIN v
		ON CONFLICT (cart_id, variant_id) DO UPDATE
		SET quantity = LEAST(CASE WHEN $4::bool THEN l.quantity ELSE 0 END + $3::int, $5::int, (SELECT stock_on_hand FROM v))
		RETURNING l.quantity)
	SELECT (SELECT id FROM cart) AS cart_id, (SELECT notify_key FROM cart) AS notify_key,
		(SELECT stock_on_hand FROM v) AS stock,
		COALESCE((SELECT NOT has AND lines >= $7 FROM cart), false) AS full,
		LEAST($3::int + CASE WHEN $4::bool THEN COALESCE((SELECT quantity FROM cart_lines
			WHERE cart_id = (SELECT id FROM cart) AND variant_id = $2), 0) ELSE 0 END, $5::int) AS want,
		(SELECT count(*) FROM saved) AS saved`

var (
	changeByToken = strings.ReplaceAll(changeExisting, "@cart@", "token_hash")
	changeByUser  = strings.ReplaceAll(changeExisting, "@cart@", "user_id")
)

// changeLineFast runs changeExisting; found is false when the shopper has no cart yet.
func (s *Service) changeLineFast(ctx context.Context, token string, userID, variantID int64, n int, add bool) (found bool, err error) {
	query, arg := changeByToken, any(hashToken(token))
	if userID != 0 {
		query, arg = changeByUser, userID
	}
	var r struct {
		CartID    *int64  `db:"cart_id"`
		NotifyKey *string `db:"notify_key"`
		Stock     *int    `db:"stock"`
		Want      int     `db:"want"`
		Saved     int     `db:"saved"`
		Full      bool    `db:"full"`
	}
	p, err := s.stmts.On(ctx, s.db, query)
	if err == nil {
		err = p.GetContext(ctx, &r, arg, variantID, n, add, MaxQuantity, s.now(), MaxLines)
	}
	if err == nil && r.Saved > 0 && r.NotifyKey != nil {
		s.notify.cartChanged(*r.NotifyKey, false)
	}
	switch {
	case err != nil:
		return true, fmt.Errorf("save line of variant %d: %w", variantID, db.Translate(err))
	case r.CartID == nil:
		return false, nil
	case r.Stock == nil:
		return true, apperr.New(apperr.NotFound, keyVariantUnknown)
	case *r.Stock <= 0:
		return true, apperr.New(apperr.Conflict, keySoldOut)
	case r.Full:
		return true, apperr.New(apperr.Conflict, keyTooManyLines, MaxLines)
	case r.Saved == 0:
		// The cart was deleted between the statement's start and its update (a stale-cart
		// sweep, a merge at login): as if there were none.
		return false, nil
	case r.Want > *r.Stock:
		return true, apperr.New(apperr.Conflict, keyCapped, *r.Stock)
	}
	return true, nil
}

// changeLine adds n (add) or sets the quantity to n, capped at the stock: the cart is
// locked and marked changed, then the line saved (a capped quantity is saved and
// returned as Conflict "cart.capped"). An existing cart takes one statement
// (changeLineFast); a new one is created in a transaction.
func (s *Service) changeLine(ctx context.Context, token string, userID, variantID int64, n int, add bool) (string, error) {
	if token != "" || userID != 0 {
		if found, err := s.changeLineFast(ctx, token, userID, variantID, n, add); found {
			return "", err
		}
	}
	var tok string
	var capped error
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		capped, tok = nil, ""
		now := s.now()
		id, newTok, err := lockCart(ctx, s.stmts, tx, token, userID, now)
		if err != nil {
			return err
		}
		var r struct {
			Stock int `db:"stock_on_hand"`
			Want  int `db:"qty"`
		}
		if err := tx.GetContext(ctx, &r, saveLine, id, variantID, n, add, MaxQuantity, now); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.Wrap(err, apperr.NotFound, keyVariantUnknown)
			}
			return fmt.Errorf("save line of variant %d in cart %d: %w", variantID, id, db.Translate(err))
		}
		if r.Stock <= 0 {
			return apperr.New(apperr.Conflict, keySoldOut)
		}
		if r.Want > r.Stock {
			capped = apperr.New(apperr.Conflict, keyCapped, r.Stock)
		}
		tok = newTok
		return nil
	})
	if err != nil {
		return "", err
	}
	return tok, capped
}

// lockCart marks the shopper's cart changed (no longer the one an order was just placed
// from), which also locks it until the transaction ends, and returns its id; a shopper
// with no cart gets one (and a token, for an anonymous cart), as ensureCart.
func lockCart(ctx context.Context, st *db.Statements, tx *sqlx.Tx, token string, userID int64, now time.Time) (id int64, newTok string, err error) {
	up := `UPDATE carts SET updated_at = $2, placed_order_id = NULL, placed_at = NULL WHERE `
	var arg any
	switch {
	case userID != 0:
		up, arg = up+`user_id = $1 RETURNING id`, userID
	case token != "":
		up, arg = up+`token_hash = $1 RETURNING id`, hashToken(token)
	default:
		return ensureCart(ctx, st, tx, token, userID, now)
	}
	err = tx.GetContext(ctx, &id, up, arg, now)
	if errors.Is(err, sql.ErrNoRows) {
		return ensureCart(ctx, st, tx, token, userID, now)
	}
	if err != nil {
		return 0, "", fmt.Errorf("lock cart: %w", db.Translate(err))
	}
	return id, "", nil
}

// touchCart marks a change: the cart is no longer the one an order was just placed from.
func touchCart(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	const up = `UPDATE carts SET updated_at = $2, placed_order_id = NULL, placed_at = NULL WHERE id = $1`
	if _, err := q.ExecContext(ctx, up, id, now); err != nil {
		return fmt.Errorf("touch cart %d: %w", id, db.Translate(err))
	}
	return nil
}

// Remove takes a variant out of the cart.
func (s *Service) Remove(ctx context.Context, token string, userID int64, variantID int64) (Cart, error) {
	var c Cart
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		r, ok, err := findCart(ctx, s.stmts, tx, token, userID, true)
		if err != nil || !ok {
			c = Cart{Currency: s.opts.Currency}
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM cart_lines WHERE cart_id = $1 AND variant_id = $2`, r.ID, variantID); err != nil {
			return fmt.Errorf("remove cart line: %w", db.Translate(err))
		}
		if err := touchCart(ctx, tx, r.ID, s.now()); err != nil {
			return err
		}
		c, err = loadCart(ctx, s.stmts, tx, r.ID, s.opts.Currency)
		return err
	})
	return c, err
}

// Merge moves an anonymous cart's lines into the user's cart at login: quantities of
// the same variant are added and capped at the stock (lines sold out are dropped); the
// anonymous cart is deleted. No anonymous cart is no error.
func (s *Service) Merge(ctx context.Context, token string, userID int64) error {
	if token == "" || userID == 0 {
		return nil
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		anon, ok, err := findCart(ctx, s.stmts, tx, token, 0, true)
		if err != nil || !ok {
			return err
		}
		now := s.now()
		mine, _, err := ensureCart(ctx, s.stmts, tx, "", userID, now)
		if err != nil {
			return err
		}
		const merge = `INSERT INTO cart_lines (cart_id, variant_id, quantity, unit_minor_when_added, added_at)
			SELECT $1, a.variant_id, LEAST(a.quantity, v.stock_on_hand, $3), a.unit_minor_when_added, a.added_at
			FROM cart_lines a JOIN variants v ON v.id = a.variant_id
			WHERE a.cart_id = $2 AND v.stock_on_hand > 0
			ORDER BY a.variant_id
			ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = LEAST(cart_lines.quantity + EXCLUDED.quantity,
				(SELECT stock_on_hand FROM variants WHERE id = EXCLUDED.variant_id), $3)`
		if _, err := tx.ExecContext(ctx, merge, mine, anon.ID, MaxQuantity); err != nil {
			return fmt.Errorf("merge cart %d into user %d's: %w", anon.ID, userID, db.Translate(err))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM carts WHERE id = $1`, anon.ID); err != nil {
			return fmt.Errorf("delete merged cart %d: %w", anon.ID, db.Translate(err))
		}
		return touchCart(ctx, tx, mine, now)
	})
}

// Count is the number of items in the cart, for the header.
func (s *Service) Count(ctx context.Context, token string, userID int64) (int, error) {
	var n int
	var err error
	switch {
	case userID != 0:
		err = s.db.GetContext(ctx, &n, `SELECT COALESCE(sum(l.quantity), 0) FROM cart_lines l JOIN carts c ON c.id = l.cart_id WHERE c.user_id = $1`, userID)
	case token != "":
		err = s.db.GetContext(ctx, &n, `SELECT COALESCE(sum(l.quantity), 0) FROM cart_lines l JOIN carts c ON c.id = l.cart_id WHERE c.token_hash = $1`, hashToken(token))
	}
	if err != nil {
		return 0, fmt.Errorf("count cart: %w", db.Translate(err))
	}
	return n, nil
}

type cartLineRow struct {
	CartID       int64            `db:"cart_id"`
	VariantID    int64            `db:"variant_id"`
	ProductID    int64            `db:"product_id"`
	Slug         string           `db:"slug"`
	TitleES      string           `db:"title_es"`
	TitleEN      string           `db:"title_en"`
	SKU          string           `db:"sku"`
	Size         string           `db:"size"`
	ColorES      string           `db:"color_es"`
	ColorEN      string           `db:"color_en"`
	WorkshopID   int64            `db:"workshop_id"`
	WorkshopName string           `db:"workshop_name"`
	TaxClass     catalog.TaxClass `db:"tax_class"`
	Unit         int64            `db:"unit_minor"`
	Added        int64            `db:"unit_minor_when_added"`
	Quantity     int              `db:"quantity"`
	Stock        int              `db:"stock_on_hand"`
	OnSale       bool             `db:"on_sale"`
	PhotoID      *int64           `db:"photo_id"`
	PhotoKey     *string          `db:"object_key"`
	PhotoW       *int             `db:"width"`
	PhotoH       *int             `db:"height"`
	Renditions   pq.Int64Array    `db:"renditions"`
	AltES        *string          `db:"alt_es"`
	AltEN        *string          `db:"alt_en"`
}

// loadCart reads a cart's lines joined with today's catalog, oldest line first.
func loadCart(ctx context.Context, st *db.Statements, q db.Querier, cartID int64, currency string) (Cart, error) {
	c, err := readCart(ctx, st, q, `c.id = $1`, cartID, currency)
	c.ID = cartID
	return c, err
}

// readCart reads the lines of the cart where says (one condition on carts c, with $1)
// in one query; no lines is a Cart with ID 0.
func readCart(ctx context.Context, st *db.Statements, q db.Querier, where string, arg any, currency string) (Cart, error) {
	sel := `SELECT l.cart_id, l.variant_id, p.id AS product_id, p.slug, p.title_es, p.title_en, v.sku, v.size,
			v.color_es, v.color_en, w.id AS workshop_id, w.name AS workshop_name, p.tax_class,
			COALESCE(v.price_override_minor, p.price_minor) AS unit_minor, l.unit_minor_when_added,
			l.quantity, v.stock_on_hand, (p.status = '` + string(catalog.StatusActive) + `' AND w.active) AS on_sale,
			ph.id AS photo_id, ph.object_key, ph.width, ph.height, ph.renditions, ph.alt_es, ph.alt_en
		FROM carts c JOIN cart_lines l ON l.cart_id = c.id JOIN variants v ON v.id = l.variant_id
		JOIN products p ON p.id = v.product_id
		JOIN workshops w ON w.id = p.workshop_id
		LEFT JOIN LATERAL (SELECT id, object_key, width, height, renditions, alt_es, alt_en FROM photos
			WHERE product_id = p.id ORDER BY position, id LIMIT 1) ph ON true
		WHERE ` + where + ` ORDER BY l.added_at, l.variant_id`
	var rows []cartLineRow
	p, err := st.On(ctx, q, sel)
	if err == nil {
		err = p.SelectContext(ctx, &rows, arg)
	}
	if err != nil {
		return Cart{}, fmt.Errorf("read cart: %w", db.Translate(err))
	}
	c := Cart{Currency: currency}
	for _, r := range rows {
		c.ID = r.CartID
		avail := r.Stock
		if !r.OnSale {
			avail = 0
		}
		l := CartLine{VariantID: r.VariantID, ProductID: r.ProductID, ProductSlug: r.Slug, TitleES: r.TitleES,
			TitleEN: r.TitleEN, SKU: r.SKU, Size: r.Size, ColorES: r.ColorES, ColorEN: r.ColorEN,
			WorkshopID: r.WorkshopID, WorkshopName: r.WorkshopName, TaxClass: r.TaxClass,
			UnitMinor: r.Unit, AddedMinor: r.Added, Quantity: r.Quantity, Available: avail,
			PriceChanged: r.Unit != r.Added, Short: r.Quantity > avail, Gone: !r.OnSale,
			TotalMinor: r.Unit * int64(r.Quantity)}
		if r.PhotoID != nil {
			l.Photo = &catalog.Photo{ID: *r.PhotoID, ProductID: r.ProductID, Key: *r.PhotoKey, Width: *r.PhotoW,
				Height: *r.PhotoH, Renditions: r.Renditions, AltES: deref(r.AltES), AltEN: deref(r.AltEN)}
		}
		c.Lines = append(c.Lines, l)
	}
	return c, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// StaleCartAge is how long an anonymous cart nobody touched is kept (its cookie lives as
// long).
const StaleCartAge = 30 * 24 * time.Hour

// DeleteStaleCarts removes anonymous carts untouched for StaleCartAge; for a periodic
// job (idempotent: several processes may run it). It returns how many it removed.
// The carts are locked in id order, as a checkout batch locks its carts, and a cart
// locked by a checkout is left for the next run: the sweep and a batch never wait for
// each other in a circle.
func (s *Service) DeleteStaleCarts(ctx context.Context) (int64, error) {
	const stale = `DELETE FROM carts WHERE id IN (
		SELECT id FROM carts WHERE user_id IS NULL AND updated_at < $1 ORDER BY id FOR UPDATE SKIP LOCKED)`
	res, err := s.db.ExecContext(ctx, stale, s.now().Add(-StaleCartAge))
	if err != nil {
		return 0, fmt.Errorf("delete stale carts: %w", db.Translate(err))
	}
	return res.RowsAffected()
}
