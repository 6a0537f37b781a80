package order

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/payment"
)

// replayWindow is how long a cart remembers the order it became: a checkout submitted
// again within it (double click, reload, retry after a timeout) returns that order.
const replayWindow = 10 * time.Minute

// consentDataPolicy is the consent recorded at checkout (account.ConsentDataPolicy).
const consentDataPolicy = "data_policy"

// Place turns the cart into an order, in one READ COMMITTED transaction that locks the
// cart row (two submits of one cart run one after the other):
//
//   - the cart is re-read with today's prices (the form never sends prices); an empty
//     cart is Conflict "order.empty_cart", unless the cart became an order within the
//     last minutes: then that order is returned (a double submit makes one order);
//   - the form is validated (field errors) and the method must be offered;
//   - every line's stock is reserved or none: a conditional UPDATE per variant, in
//     variant-id order so concurrent checkouts cannot deadlock; a line short of stock
//     or no longer on sale is Conflict "order.sold_out" with Fields
//     "line.<variantID>" ("order.sold_out" or "order.unavailable"), and nothing stays;
//   - the order (number from a sequence), line snapshots with their workshop,
//     reservations expiring after CardHold or ManualHold (cash on delivery: none,
//     staff ship or cancel it), its "placed" event, the consent (the user's consents
//     table, or on the order for a guest) and the "order received" email are written,
//     and the cart is emptied.
//
// userID is the logged-in shopper (0 for a guest) and decides whose cart and order it
// is; CheckoutInput.UserID is not consulted.
func (s *Service) Place(ctx context.Context, token string, userID int64, in CheckoutInput) (Order, error) {
	c, err := in.clean(s.opts.MaxDonation)
	if err == nil && !slices.Contains(s.opts.Methods, c.Method) {
		err = apperr.Fields(map[string]string{"payment_method": keyMethodInvalid})
	}
	if err != nil {
		return Order{}, err
	}
	if !in.PolicyAlreadyAccepted && in.PolicyVersion == "" {
		return Order{}, fmt.Errorf("place order: no policy version given")
	}
	var o Order
	err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		o, err = s.place(ctx, tx, token, userID, in, c)
		return err
	})
	if err != nil {
		return Order{}, fmt.Errorf("place order: %w", err)
	}
	return o, nil
}

func (s *Service) place(ctx context.Context, tx *sqlx.Tx, token string, userID int64, in CheckoutInput, c checkout) (Order, error) {
	now := s.now()
	cr, ok, err := findCart(ctx, tx, token, userID, true)
	if err != nil {
		return Order{}, err
	}
	if !ok {
		return Order{}, apperr.New(apperr.Conflict, keyEmptyCart)
	}
	cart, err := loadCart(ctx, tx, cr.ID, s.opts.Currency)
	if err != nil {
		return Order{}, err
	}
	if len(cart.Lines) == 0 {
		if cr.PlacedOrderID != nil && cr.PlacedAt != nil && now.Sub(*cr.PlacedAt) < replayWindow {
			return getOrder(ctx, tx, *cr.PlacedOrderID, false)
		}
		return Order{}, apperr.New(apperr.Conflict, keyEmptyCart)
	}
	if err := reserve(ctx, tx, cart.Lines); err != nil {
		return Order{}, err
	}
	o, err := s.insertOrder(ctx, tx, cart, in, c, userID, now)
	if err != nil {
		return Order{}, err
	}
	if err := s.recordConsent(ctx, tx, o, in, userID, now); err != nil {
		return Order{}, err
	}
	if err := addEvent(ctx, tx, o.ID, now, EventPlaced, "shopper", string(o.Method)); err != nil {
		return Order{}, err
	}
	d := s.mailData(o)
	s.receiptData(o, d)
	s.manualData(o, d)
	if err := s.send(ctx, tx, o, o.Email, mailReceived, d, now); err != nil {
		return Order{}, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM cart_lines WHERE cart_id = $1`, cr.ID); err != nil {
		return Order{}, fmt.Errorf("empty cart %d: %w", cr.ID, db.Translate(err))
	}
	const up = `UPDATE carts SET placed_order_id = $2, placed_at = $3, updated_at = $3 WHERE id = $1`
	if _, err := tx.ExecContext(ctx, up, cr.ID, o.ID, now); err != nil {
		return Order{}, fmt.Errorf("mark cart %d placed: %w", cr.ID, db.Translate(err))
	}
	return o, nil
}

// reserve takes every line's quantity off the variants' stock, or fails naming the
// lines that cannot be had (the caller's transaction then rolls all of it back).
func reserve(ctx context.Context, tx *sqlx.Tx, lines []CartLine) error {
	sorted := slices.Clone(lines)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].VariantID < sorted[j].VariantID })
	short := map[string]string{}
	for _, l := range sorted {
		name := "line." + strconv.FormatInt(l.VariantID, 10)
		if l.Gone {
			short[name] = keyUnavailable
			continue
		}
		const take = `UPDATE variants SET stock_on_hand = stock_on_hand - $2 WHERE id = $1 AND stock_on_hand >= $2`
		res, err := tx.ExecContext(ctx, take, l.VariantID, l.Quantity)
		if err != nil {
			return fmt.Errorf("reserve variant %d: %w", l.VariantID, db.Translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			short[name] = keySoldOutLine
		}
	}
	if len(short) > 0 {
		return &apperr.Error{Code: apperr.Conflict, Key: keySoldOutLine, Fields: short}
	}
	return nil
}

// orderNumber is LIB-YYYY-NNNNNN: the year in Colombia and the sequence's next value
// (unique and increasing; a rolled-back checkout leaves a gap).
func orderNumber(ctx context.Context, tx *sqlx.Tx, now time.Time) (string, error) {
	var n int64
	if err := tx.GetContext(ctx, &n, `SELECT nextval('order_number_seq')`); err != nil {
		return "", fmt.Errorf("order number: %w", db.Translate(err))
	}
	return fmt.Sprintf("LIB-%04d-%06d", now.In(colombia).Year(), n), nil
}

func (s *Service) insertOrder(ctx context.Context, tx *sqlx.Tx, cart Cart, in CheckoutInput, c checkout, userID int64, now time.Time) (Order, error) {
	number, err := orderNumber(ctx, tx, now)
	if err != nil {
		return Order{}, err
	}
	t := s.totals(cart.Lines, c.Department, c.Donation)
	var expires *time.Time
	switch c.Method {
	case payment.MethodCard:
		e := now.Add(s.opts.CardHold)
		expires = &e
	case payment.MethodTransfer:
		e := now.Add(s.opts.ManualHold)
		expires = &e
	}
	var uid *int64
	if userID != 0 {
		uid = &userID
	}
	const ins = `INSERT INTO orders (number, status, payment_method, user_id, email, name, phone, lang,
			department, city, address_line, notes, currency, subtotal_minor, tax_minor, shipping_minor,
			donation_minor, total_minor, expires_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)
		RETURNING id`
	var id int64
	if err := tx.GetContext(ctx, &id, ins, number, StatusPending, c.Method, uid, c.Email, c.Name, c.Phone, c.Lang,
		c.Department, c.City, c.Address, c.Notes, t.Currency, t.Subtotal, t.Tax, t.Shipping, t.Donation, t.Total,
		expires, now); err != nil {
		return Order{}, fmt.Errorf("insert order %s: %w", number, db.Translate(err))
	}
	const insLine = `INSERT INTO order_lines (order_id, line_no, variant_id, product_id, workshop_id, workshop_name,
			product_slug, title_es, title_en, sku, size, color_es, color_en, unit_minor, quantity, tax_class,
			tax_minor, line_total_minor)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`
	const insRes = `INSERT INTO stock_reservations (order_id, variant_id, quantity, expires_at) VALUES ($1, $2, $3, $4)`
	for i, l := range cart.Lines {
		lt := l.UnitMinor * int64(l.Quantity)
		if _, err := tx.ExecContext(ctx, insLine, id, i+1, l.VariantID, l.ProductID, l.WorkshopID, l.WorkshopName,
			l.ProductSlug, l.TitleES, l.TitleEN, l.SKU, l.Size, l.ColorES, l.ColorEN, l.UnitMinor, l.Quantity,
			l.TaxClass, LineTax(l.TaxClass, lt), lt); err != nil {
			return Order{}, fmt.Errorf("insert line %d of order %s: %w", i+1, number, db.Translate(err))
		}
		if _, err := tx.ExecContext(ctx, insRes, id, l.VariantID, l.Quantity, expires); err != nil {
			return Order{}, fmt.Errorf("insert reservation of order %s: %w", number, db.Translate(err))
		}
	}
	return getOrder(ctx, tx, id, false)
}

// recordConsent keeps the data-policy consent given at checkout: in the user's consents
// when logged in, else on the order.
func (s *Service) recordConsent(ctx context.Context, tx *sqlx.Tx, o Order, in CheckoutInput, userID int64, now time.Time) error {
	if !in.AcceptPolicy {
		return nil
	}
	if userID != 0 {
		const ins = `INSERT INTO consents (user_id, what, policy_version, accepted_at, ip) VALUES ($1, $2, $3, $4, $5)`
		if _, err := tx.ExecContext(ctx, ins, userID, consentDataPolicy, in.PolicyVersion, now, in.IP); err != nil {
			return fmt.Errorf("record consent of user %d: %w", userID, db.Translate(err))
		}
		return nil
	}
	const up = `UPDATE orders SET policy_version = $2, policy_accepted_at = $3, policy_ip = $4 WHERE id = $1`
	if _, err := tx.ExecContext(ctx, up, o.ID, in.PolicyVersion, now, in.IP); err != nil {
		return fmt.Errorf("record consent on order %s: %w", o.Number, db.Translate(err))
	}
	return nil
}
