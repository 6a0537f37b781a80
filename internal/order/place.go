package order

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/payment"
)

// replayWindow is how long a cart remembers the order it became: a checkout submitted
// again within it (double click, reload, retry after a timeout) returns that order.
const replayWindow = 10 * time.Minute

// ErrTotalChanged: the cart's total is no longer the one the shopper confirmed (a price,
// the cart or the shipping changed since the review); the checkout shows it again.
var ErrTotalChanged = errors.New("order total changed since it was shown")

// keyTotalChanged is the checkout's message for ErrTotalChanged.
const keyTotalChanged = "checkout.total_changed"

// consentDataPolicy is the consent recorded at checkout (account.ConsentDataPolicy).
const consentDataPolicy = "data_policy"

// Place turns the cart into an order, in one READ COMMITTED transaction that locks the
// cart row (two submits of one cart run one after the other):
//
//   - the cart is re-read with today's prices (the form never sends prices); an empty
//     cart is Conflict "order.empty_cart", unless the cart became an order within the
//     last minutes: then that order is returned (a double submit makes one order);
//   - the form is validated (field errors) and the method must be offered; when
//     CheckoutInput.QuotedTotal is set, a total that is not the one the shopper saw is
//     Conflict "checkout.total_changed" wrapping ErrTotalChanged (nothing is written);
//   - the order (number from a sequence), line snapshots with their workshop,
//     reservations expiring after CardHold or ManualHold (cash on delivery: none,
//     staff ship or cancel it), its "placed" event, the consent (the user's consents
//     table, or on the order for a guest) and the "order received" email are written,
//     and the cart is emptied;
//   - last, every line's stock is taken or none: a conditional UPDATE per variant, in
//     variant-id order so concurrent checkouts cannot deadlock; a line short of stock
//     or no longer on sale is Conflict "order.sold_out" with Fields
//     "line.<variantID>" ("order.sold_out" or "order.unavailable"), and nothing of the
//     above stays. Last, because the variants' rows stay locked until the commit.
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
	cr, ok, err := findCart(ctx, s.stmts, tx, token, userID, true)
	if err != nil {
		return Order{}, err
	}
	if !ok {
		return Order{}, apperr.New(apperr.Conflict, keyEmptyCart)
	}
	// Read after the lock, so the lines are the ones a submit running before this one left.
	cart, err := loadCart(ctx, s.stmts, tx, cr.ID, s.opts.Currency)
	if err != nil {
		return Order{}, err
	}
	if len(cart.Lines) == 0 {
		if cr.PlacedOrderID != nil && cr.PlacedAt != nil && now.Sub(*cr.PlacedAt) < replayWindow {
			return getOrder(ctx, tx, *cr.PlacedOrderID, false)
		}
		return Order{}, apperr.New(apperr.Conflict, keyEmptyCart)
	}
	if in.QuotedTotal != 0 {
		if t := s.totals(cart.Lines, c.Department, c.Donation); t.Total != in.QuotedTotal {
			return Order{}, &apperr.Error{Code: apperr.Conflict, Key: keyTotalChanged, Err: ErrTotalChanged}
		}
	}
	o, err := s.insertOrder(ctx, tx, cart, in, c, userID, now)
	if err != nil {
		return Order{}, err
	}
	if err := s.recordConsent(ctx, tx, o, in, userID, now); err != nil {
		return Order{}, err
	}
	d := s.mailData(o)
	s.receiptData(o, d)
	s.manualData(o, d)
	if err := s.send(ctx, tx, o, o.Email, mailReceived, d, now); err != nil {
		return Order{}, err
	}
	const empty = `WITH emptied AS (DELETE FROM cart_lines WHERE cart_id = $1)
		UPDATE carts SET placed_order_id = $2, placed_at = $3, updated_at = $3 WHERE id = $1`
	if _, err := tx.ExecContext(ctx, empty, cr.ID, o.ID, now); err != nil {
		return Order{}, fmt.Errorf("empty cart %d into order %s: %w", cr.ID, o.Number, db.Translate(err))
	}
	// The stock last: the variants' rows stay locked from here to the commit, and
	// checkouts of the same sizes queue on them, so the less after it the better.
	// Refused, it rolls back all of the above.
	if err := reserve(ctx, tx, cart.Lines); err != nil {
		return Order{}, err
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

// insertOrderSQL writes the order with its number, LIB-YYYY-NNNNNN (the year in
// Colombia and the sequence's next value: unique and increasing, a rolled-back checkout
// leaves a gap), and a guest's consent to the data policy.
const insertOrderSQL = `INSERT INTO orders (number, status, payment_method, user_id, email, name, phone, lang,
		department, city, address_line, notes, currency, subtotal_minor, tax_minor, shipping_minor,
		donation_minor, total_minor, expires_at, created_at, updated_at, policy_version, policy_accepted_at, policy_ip)
	VALUES ((SELECT 'LIB-' || $1 || '-' || CASE WHEN n < 1000000 THEN lpad(n::text, 6, '0') ELSE n::text END
			FROM (SELECT nextval('order_number_seq') AS n) seq),
		$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21, $22, $23)
	RETURNING ` + orderCols

// insertLinesSQL writes an order's line snapshots, their stock reservations and the
// "placed" event in one statement, from arrays indexed by line.
const insertLinesSQL = `WITH l AS (
		INSERT INTO order_lines (order_id, line_no, variant_id, product_id, workshop_id, workshop_name,
			product_slug, title_es, title_en, sku, size, color_es, color_en, unit_minor, quantity, tax_class,
			tax_minor, line_total_minor)
		SELECT $1, x.* FROM unnest($2::int[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[],
			$8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[], $15::int[],
			$16::tax_class[], $17::bigint[], $18::bigint[]) AS x),
	r AS (
		INSERT INTO stock_reservations (order_id, variant_id, quantity, expires_at)
		SELECT $1, x.v, x.q, $19::timestamptz FROM unnest($3::bigint[], $15::int[]) AS x(v, q))
	INSERT INTO order_events (order_id, at, kind, actor, detail) VALUES ($1, $20, $21, 'shopper', $22)`

func (s *Service) insertOrder(ctx context.Context, tx *sqlx.Tx, cart Cart, in CheckoutInput, c checkout, userID int64, now time.Time) (Order, error) {
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
	var policy, policyIP string
	var policyAt *time.Time
	if in.AcceptPolicy && userID == 0 {
		policy, policyAt, policyIP = in.PolicyVersion, &now, in.IP
	}
	var o Order
	if err := tx.GetContext(ctx, &o, insertOrderSQL, fmt.Sprintf("%04d", now.In(colombia).Year()), StatusPending,
		c.Method, uid, c.Email, c.Name, c.Phone, c.Lang, c.Department, c.City, c.Address, c.Notes, t.Currency,
		t.Subtotal, t.Tax, t.Shipping, t.Donation, t.Total, expires, now, policy, policyAt, policyIP); err != nil {
		return Order{}, fmt.Errorf("insert order: %w", db.Translate(err))
	}
	n := len(cart.Lines)
	lineNo, variant, product, workshop, unit, qty, tax, total := make([]int64, n), make([]int64, n), make([]int64, n),
		make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	wname, slug, tes, ten, sku, size, ces, cen, class := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	o.Lines = make([]Line, n)
	for i, l := range cart.Lines {
		lt := l.UnitMinor * int64(l.Quantity)
		o.Lines[i] = Line{OrderID: o.ID, LineNo: i + 1, VariantID: l.VariantID, ProductID: l.ProductID,
			WorkshopID: l.WorkshopID, WorkshopName: l.WorkshopName, ProductSlug: l.ProductSlug, TitleES: l.TitleES,
			TitleEN: l.TitleEN, SKU: l.SKU, Size: l.Size, ColorES: l.ColorES, ColorEN: l.ColorEN, UnitMinor: l.UnitMinor,
			Quantity: l.Quantity, TaxClass: l.TaxClass, TaxMinor: LineTax(l.TaxClass, lt), TotalMinor: lt}
		lineNo[i], variant[i], product[i], workshop[i], wname[i] = int64(i+1), l.VariantID, l.ProductID, l.WorkshopID, l.WorkshopName
		slug[i], tes[i], ten[i], sku[i], size[i], ces[i], cen[i] = l.ProductSlug, l.TitleES, l.TitleEN, l.SKU, l.Size, l.ColorES, l.ColorEN
		unit[i], qty[i], class[i], tax[i], total[i] = l.UnitMinor, int64(l.Quantity), string(l.TaxClass), o.Lines[i].TaxMinor, lt
	}
	if _, err := tx.ExecContext(ctx, insertLinesSQL, o.ID, pq.Array(lineNo), pq.Array(variant), pq.Array(product),
		pq.Array(workshop), pq.Array(wname), pq.Array(slug), pq.Array(tes), pq.Array(ten), pq.Array(sku), pq.Array(size),
		pq.Array(ces), pq.Array(cen), pq.Array(unit), pq.Array(qty), pq.Array(class), pq.Array(tax), pq.Array(total),
		expires, now, EventPlaced, string(o.Method)); err != nil {
		return Order{}, fmt.Errorf("insert lines of order %s: %w", o.Number, db.Translate(err))
	}
	return o, nil
}

// recordConsent keeps the data-policy consent given at checkout by a logged-in user, in
// their consents (a guest's is on the order, written with it).
func (s *Service) recordConsent(ctx context.Context, tx *sqlx.Tx, o Order, in CheckoutInput, userID int64, now time.Time) error {
	if !in.AcceptPolicy || userID == 0 {
		return nil
	}
	const ins = `INSERT INTO consents (user_id, what, policy_version, accepted_at, ip) VALUES ($1, $2, $3, $4, $5)`
	if _, err := tx.ExecContext(ctx, ins, userID, consentDataPolicy, in.PolicyVersion, now, in.IP); err != nil {
		return fmt.Errorf("record consent of user %d: %w", userID, db.Translate(err))
	}
	return nil
}
