package order

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/notify"
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

// Place turns the cart into an order. It reads the cart, then writes the order in one
// statement that first locks the cart and checks it is still the one read (its row
// version: every change to a cart's lines updates its row), so the order is made from
// the lines, prices and total checked here; a cart changed in between (a second submit
// of it, an item added in another tab) is read again:
//
//   - the form never sends prices: the lines are read with today's prices; an empty
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
//   - every line's stock is taken or none: the variants are locked in variant-id order
//     (concurrent checkouts cannot deadlock) and the order is written only when each
//     has the line's quantity; a line short of stock or no longer on sale is Conflict
//     "order.sold_out" with Fields "line.<variantID>" ("order.sold_out" or
//     "order.unavailable"), and nothing is written.
//
// With a mailer that encodes for the email outbox (notify.Encoder, the real queue) the
// statement writes the email too and runs on its own, committed at once: the variants
// stay locked only while PostgreSQL runs it, never across a round trip to this
// process. Another mailer gets the email in a transaction around the statement. The
// page caches' notifications of the stock and the cart are sent after the commit
// (notifier).
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
	if s.mail == nil {
		return Order{}, errNoMailer
	}
	for range placeAttempts {
		o, placed, err := s.place(ctx, token, userID, in, c)
		if err != nil {
			return Order{}, fmt.Errorf("place order: %w", err)
		}
		if placed {
			return o, nil
		}
	}
	return Order{}, fmt.Errorf("place order: cart changed %d times while placing: %w", placeAttempts,
		apperr.New(apperr.Conflict, "error.retry"))
}

// placeAttempts is how many times Place reads a cart that changed under it again.
const placeAttempts = 5

// place reads the cart and writes its order; placed is false when the cart changed
// between the two (nothing was written).
func (s *Service) place(ctx context.Context, token string, userID int64, in CheckoutInput, c checkout) (Order, bool, error) {
	now := s.now()
	pc, err := s.readPlacing(ctx, token, userID)
	if err != nil {
		return Order{}, false, err
	}
	if len(pc.Lines) == 0 {
		o, err := s.replay(ctx, token, userID, now)
		return o, err == nil, err
	}
	if in.QuotedTotal != 0 {
		if t := s.totals(pc.Lines, c.Department, c.Donation, c.Delivery == DeliveryPickup); t.Total != in.QuotedTotal {
			return Order{}, false, &apperr.Error{Code: apperr.Conflict, Key: keyTotalChanged, Err: ErrTotalChanged}
		}
	}
	var enough []int64
	for _, l := range pc.Lines {
		if l.Quantity <= l.Available {
			enough = append(enough, l.VariantID)
		}
	}
	if len(enough) < len(pc.Lines) {
		return Order{}, false, shortLines(pc.Lines, enough) // off sale or short already: nothing to write
	}
	if c.Delivery == DeliveryPickup {
		p, err := s.pickupFor(ctx, pc.Lines, c.PickupPoint)
		if err != nil {
			return Order{}, false, err
		}
		c.Department, c.City, c.Address = p.Department, p.City, p.Name+", "+p.Address
	}
	o := s.newOrder(pc, in, c, userID, now)
	d := s.mailData(o)
	s.receiptData(o, d)
	s.manualData(o, d)
	m := notify.Message{To: o.Email, Lang: o.Lang, Template: mailReceived, Data: d}
	var res placeResult
	msg, outboxed, err := s.encode(ctx, m)
	if err != nil {
		return Order{}, false, fmt.Errorf("order %s: %w", o.Number, err)
	}
	if outboxed {
		res, err = s.writeOrder(ctx, s.db, pc, o, in, userID, msg)
	} else {
		err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
			var err error
			if res, err = s.writeOrder(ctx, tx, pc, o, in, userID, nil); err != nil || res.Placed == 0 {
				return err
			}
			if err := s.mail.Enqueue(ctx, tx, m); err != nil {
				return fmt.Errorf("order %s: enqueue %s: %w", o.Number, mailReceived, err)
			}
			return nil
		})
	}
	var pqErr *pq.Error
	switch {
	case errors.As(err, &pqErr) && pqErr.Code == errSoldOutState:
		return Order{}, false, s.soldOut(ctx, pc.Lines)
	case err != nil:
		return Order{}, false, err
	case res.Placed == 0:
		return Order{}, false, nil // the cart changed: read it again
	}
	s.notify.cartChanged(cartKey(token, userID), true)
	return o, true, nil
}

// encode returns m as an outbox message when the mailer writes one (notify.Encoder).
func (s *Service) encode(ctx context.Context, m notify.Message) ([]byte, bool, error) {
	if enc, ok := s.mail.(notify.Encoder); ok {
		return enc.Encode(ctx, m)
	}
	return nil, false, nil
}

// replay answers a cart without lines: the order it became within replayWindow (a
// double submit), or Conflict "order.empty_cart".
func (s *Service) replay(ctx context.Context, token string, userID int64, now time.Time) (Order, error) {
	cr, ok, err := findCart(ctx, s.stmts, s.db, token, userID, false)
	if err != nil {
		return Order{}, err
	}
	if ok && cr.PlacedOrderID != nil && cr.PlacedAt != nil && now.Sub(*cr.PlacedAt) < replayWindow {
		return getOrder(ctx, s.db, *cr.PlacedOrderID, false)
	}
	return Order{}, apperr.New(apperr.Conflict, keyEmptyCart)
}

// newOrder is the order the cart becomes, as placeSQL writes it.
func (s *Service) newOrder(pc placingCart, in CheckoutInput, c checkout, userID int64, now time.Time) Order {
	o := Order{ID: pc.OrderID, Number: fmt.Sprintf("LIB-%04d-%06d", now.In(colombia).Year(), pc.OrderSeq),
		Status: StatusPending, Method: c.Method, Email: c.Email, Name: c.Name, Phone: c.Phone, Lang: c.Lang,
		Department: c.Department, City: c.City, Address: c.Address, Notes: c.Notes,
		Totals: s.totals(pc.Lines, c.Department, c.Donation, c.Delivery == DeliveryPickup), CreatedAt: now, UpdatedAt: now,
		Delivery: c.Delivery, PickupPoint: c.PickupPoint}
	if userID != 0 {
		o.UserID = &userID
	}
	switch c.Method {
	case payment.MethodCard:
		e := now.Add(s.opts.CardHold)
		o.ExpiresAt = &e
	case payment.MethodTransfer:
		e := now.Add(s.opts.ManualHold)
		o.ExpiresAt = &e
	}
	o.Lines = make([]Line, len(pc.Lines))
	for i, l := range pc.Lines {
		lt := l.UnitMinor * int64(l.Quantity)
		o.Lines[i] = Line{OrderID: o.ID, LineNo: i + 1, VariantID: l.VariantID, ProductID: l.ProductID,
			WorkshopID: l.WorkshopID, WorkshopName: l.WorkshopName, ProductSlug: l.ProductSlug, TitleES: l.TitleES,
			TitleEN: l.TitleEN, SKU: l.SKU, Size: l.Size, ColorES: l.ColorES, ColorEN: l.ColorEN, UnitMinor: l.UnitMinor,
			Quantity: l.Quantity, TaxClass: l.TaxClass, TaxMinor: LineTax(l.TaxClass, lt), TotalMinor: lt}
	}
	return o
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

// placingCart is a cart read for placing: its lines with today's prices and stock, the
// row version placeSQL checks, and the order id and number sequence value its order
// will have (taken only when the cart has lines; a cart refused or changed leaves a
// gap, as a rolled-back checkout does).
type placingCart struct {
	ID       int64
	Version  string
	OrderID  int64
	OrderSeq int64
	Lines    []CartLine
}

// readPlacingSQL reads a cart's lines for placing (as readCart, without the photos),
// oldest first. @cart@ is token_hash or user_id.
const readPlacingSQL = `WITH c AS (SELECT id, xmin::text AS version FROM carts WHERE @cart@ = $1),
	ids AS MATERIALIZED (
		SELECT nextval('orders_id_seq') AS order_id, nextval('order_number_seq') AS order_seq
		WHERE EXISTS (SELECT 1 FROM cart_lines WHERE cart_id = (SELECT id FROM c)))
	SELECT c.id AS cart_id, c.version, ids.order_id, ids.order_seq, l.variant_id, p.id AS product_id, p.slug,
		p.title_es, p.title_en, v.sku, v.size, v.color_es, v.color_en, w.id AS workshop_id, w.name AS workshop_name,
		p.tax_class, COALESCE(v.price_override_minor, p.price_minor) AS unit_minor, l.unit_minor_when_added,
		l.quantity, v.stock_on_hand, (p.status = '` + string(catalog.StatusActive) + `' AND w.active) AS on_sale
	FROM c CROSS JOIN ids JOIN cart_lines l ON l.cart_id = c.id JOIN variants v ON v.id = l.variant_id
	JOIN products p ON p.id = v.product_id JOIN workshops w ON w.id = p.workshop_id
	ORDER BY l.added_at, l.variant_id`

var (
	readPlacingByToken = strings.ReplaceAll(readPlacingSQL, "@cart@", "token_hash")
	readPlacingByUser  = strings.ReplaceAll(readPlacingSQL, "@cart@", "user_id")
)

type placingRow struct {
	cartLineRow
	Version  string `db:"version"`
	OrderID  int64  `db:"order_id"`
	OrderSeq int64  `db:"order_seq"`
}

// readPlacing reads the shopper's cart for placing; no cart, or one without lines, has
// no Lines.
func (s *Service) readPlacing(ctx context.Context, token string, userID int64) (placingCart, error) {
	query, arg := readPlacingByToken, any(hashToken(token))
	switch {
	case userID != 0:
		query, arg = readPlacingByUser, userID
	case token == "":
		return placingCart{}, nil
	}
	var rows []placingRow
	p, err := s.stmts.On(ctx, s.db, query)
	if err == nil {
		err = p.SelectContext(ctx, &rows, arg)
	}
	if err != nil {
		return placingCart{}, fmt.Errorf("read cart: %w", db.Translate(err))
	}
	var pc placingCart
	for _, r := range rows {
		pc.ID, pc.Version, pc.OrderID, pc.OrderSeq = r.CartID, r.Version, r.OrderID, r.OrderSeq
		avail := r.Stock
		if !r.OnSale {
			avail = 0
		}
		pc.Lines = append(pc.Lines, CartLine{VariantID: r.VariantID, ProductID: r.ProductID, ProductSlug: r.Slug,
			TitleES: r.TitleES, TitleEN: r.TitleEN, SKU: r.SKU, Size: r.Size, ColorES: r.ColorES, ColorEN: r.ColorEN,
			WorkshopID: r.WorkshopID, WorkshopName: r.WorkshopName, TaxClass: r.TaxClass, UnitMinor: r.Unit,
			AddedMinor: r.Added, Quantity: r.Quantity, Available: avail, PriceChanged: r.Unit != r.Added,
			Short: r.Quantity > avail, Gone: !r.OnSale, TotalMinor: r.Unit * int64(r.Quantity)})
	}
	return pc, nil
}

// placeSQL writes a whole order in one statement, all of it or nothing:
//
//   - later: the triggers leave their notifications to the caller (notifier), so the
//     commit does not queue on the notifying transactions of other checkouts;
//   - cart: the cart row is locked, and kept only if its version ($52, xmin) is the
//     one read: under READ COMMITTED the lock waits for a change in progress and then
//     checks the row as that change left it; a changed cart writes nothing;
//   - taken: take_stock (migrations/00015) takes each line's quantity ($41, $42: ids
//     and quantities) where the stock (as the checkout before this one left it) has
//     it, one UPDATE by primary key per line in variant-id order, so concurrent
//     checkouts cannot deadlock and none reads the other variants' pages (a join here
//     was planned as a scan of the whole variants table, on which checkouts of a
//     campaign queued for each other's page locks);
//   - then (o waits for taken: its condition reads taken's count) the order with its id
//     and number ($53, $1, read beforehand), its line snapshots and reservations
//     (arrays indexed by line), its "placed" and "email_queued" events, a logged-in
//     shopper's consent ($47 NULL: none), the email ($54: the outbox message, NULL when
//     the caller enqueues it in its transaction), and the emptied cart remembering the
//     order; $55 and $56 are its delivery method and pickup point;
//   - a line short of stock makes checkout_sold_out() raise SQLSTATE LB409, and
//     nothing of the statement stays.
//
// The stock comes first although the variants then stay locked while the rest is
// written: measured in `make bench`, checkouts queued on the variants before writing
// anything went faster than ones that wrote first and queued with their rows written
// (1,111 against about 935 orders a second).
//
// It returns placed: 1 when the order was written, 0 when the cart had changed.
const placeSQL = `WITH later AS (SELECT set_config('libres.notify_after_commit', 'on', true)),
	cart AS (
		SELECT id FROM carts WHERE id = $51 AND xmin = $52::text::xid AND EXISTS (SELECT 1 FROM later) FOR UPDATE),
	taken AS (SELECT take_stock($41::bigint[], $42::int[]) AS lines FROM cart),
	o AS (
		INSERT INTO orders (id, number, status, payment_method, user_id, email, name, phone, lang, department, city,
			address_line, notes, currency, subtotal_minor, tax_minor, shipping_minor, donation_minor, total_minor,
			expires_at, created_at, updated_at, policy_version, policy_accepted_at, policy_ip, delivery_method,
			pickup_point)
		OVERRIDING SYSTEM VALUE
		SELECT $53, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20,
			$21, $22, $23, $55, $56 FROM cart WHERE (SELECT lines FROM taken) >= 0
		RETURNING id),
	l AS (
		INSERT INTO order_lines (order_id, line_no, variant_id, product_id, workshop_id, workshop_name,
			product_slug, title_es, title_en, sku, size, color_es, color_en, unit_minor, quantity, tax_class,
			tax_minor, line_total_minor)
		SELECT o.id, x.* FROM o, unnest($24::int[], $25::bigint[], $26::bigint[], $27::bigint[], $28::text[],
			$29::text[], $30::text[], $31::text[], $32::text[], $33::text[], $34::text[], $35::text[], $36::bigint[],
			$37::int[], $38::tax_class[], $39::bigint[], $40::bigint[]) AS x
		RETURNING 1),
	r AS (
		INSERT INTO stock_reservations (order_id, variant_id, quantity, expires_at)
		SELECT o.id, x.v, x.q, $19::timestamptz FROM o, unnest($25::bigint[], $37::int[]) AS x(v, q)
		RETURNING 1),
	e AS (
		INSERT INTO order_events (order_id, at, kind, actor, detail)
		SELECT o.id, $20, ev.kind, ev.actor, ev.detail FROM o,
			(VALUES (1, $43::text, 'shopper', $44::text), (2, $45::text, 'system', $46::text)) AS ev(n, kind, actor, detail)
		ORDER BY ev.n
		RETURNING 1),
	consent AS (
		INSERT INTO consents (user_id, what, policy_version, accepted_at, ip)
		SELECT $47::bigint, $48, $49, $20, $50 FROM o WHERE $47::bigint IS NOT NULL
		RETURNING 1),
	mail AS (
		INSERT INTO email_outbox (message) SELECT $54::json FROM o WHERE $54::json IS NOT NULL
		RETURNING 1),
	emptied AS (DELETE FROM cart_lines WHERE cart_id = $51 AND EXISTS (SELECT 1 FROM o) RETURNING 1),
	placed AS (
		UPDATE carts SET placed_order_id = o.id, placed_at = $20, updated_at = $20 FROM o WHERE carts.id = $51
		RETURNING 1),
	written AS (
		SELECT (SELECT count(*) FROM o) AS orders, (SELECT count(*) FROM l) + (SELECT count(*) FROM r)
			+ (SELECT count(*) FROM e) + (SELECT count(*) FROM consent) + (SELECT count(*) FROM mail)
			+ (SELECT count(*) FROM emptied) + (SELECT count(*) FROM placed) AS rows)
	SELECT w.orders AS placed, CASE WHEN w.orders = 0 OR (SELECT lines FROM taken) = cardinality($41::bigint[])
		THEN true ELSE checkout_sold_out() END AS ok
	FROM written w`

// errSoldOutState is the SQLSTATE of checkout_sold_out() (migrations/00013).
const errSoldOutState = "LB409"

// placeResult is what placeSQL returns.
type placeResult struct {
	Placed int  `db:"placed"`
	OK     bool `db:"ok"`
}

// writeOrder runs placeSQL for o, made from the cart pc; msg is the outbox message of
// its email, or nil.
func (s *Service) writeOrder(ctx context.Context, q db.Querier, pc placingCart, o Order, in CheckoutInput, userID int64, msg []byte) (placeResult, error) {
	var policy, policyIP string
	var policyAt *time.Time
	var consentUser *int64
	switch {
	case in.AcceptPolicy && userID == 0:
		policy, policyAt, policyIP = in.PolicyVersion, &o.CreatedAt, in.IP
	case in.AcceptPolicy:
		consentUser = &userID // a user's consent is kept in their consents, a guest's on the order
	}
	n := len(o.Lines)
	lineNo, qty := make([]int64, n), make([]int64, n)
	variant, product, workshop, unit, tax, total := make([]int64, n), make([]int64, n), make([]int64, n),
		make([]int64, n), make([]int64, n), make([]int64, n)
	wname, slug, tes, ten, sku, size, ces, cen, class := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, l := range o.Lines {
		lineNo[i], variant[i], product[i], workshop[i], wname[i] = int64(l.LineNo), l.VariantID, l.ProductID, l.WorkshopID, l.WorkshopName
		slug[i], tes[i], ten[i], sku[i], size[i], ces[i], cen[i] = l.ProductSlug, l.TitleES, l.TitleEN, l.SKU, l.Size, l.ColorES, l.ColorEN
		unit[i], qty[i], class[i], tax[i], total[i] = l.UnitMinor, int64(l.Quantity), string(l.TaxClass), l.TaxMinor, l.TotalMinor
	}
	var outbox *string
	if msg != nil {
		m := string(msg)
		outbox = &m
	}
	var res placeResult
	p, err := s.stmts.On(ctx, q, placeSQL)
	if err == nil {
		err = p.GetContext(ctx, &res, o.Number, o.Status, o.Method, o.UserID, o.Email, o.Name, o.Phone, o.Lang,
			o.Department, o.City, o.Address, o.Notes, o.Currency, o.Subtotal, o.Tax, o.Shipping, o.Donation, o.Total,
			o.ExpiresAt, o.CreatedAt, policy, policyAt, policyIP,
			pq.Array(lineNo), pq.Array(variant), pq.Array(product), pq.Array(workshop), pq.Array(wname), pq.Array(slug),
			pq.Array(tes), pq.Array(ten), pq.Array(sku), pq.Array(size), pq.Array(ces), pq.Array(cen), pq.Array(unit),
			pq.Array(qty), pq.Array(class), pq.Array(tax), pq.Array(total), pq.Array(variant), pq.Array(qty),
			string(EventPlaced), string(o.Method), string(EventEmailQueued), mailReceived+" → "+o.Email,
			consentUser, consentDataPolicy, in.PolicyVersion, in.IP, pc.ID, pc.Version, o.ID, outbox,
			string(o.Delivery), o.PickupPoint)
	}
	if err != nil {
		return placeResult{}, fmt.Errorf("write order %s: %w", o.Number, db.Translate(err))
	}
	return res, nil
}

// soldOut is the refusal of lines whose stock ran out between the read and the write,
// naming the lines short now; nil when none is (the stock came back: try again).
func (s *Service) soldOut(ctx context.Context, lines []CartLine) error {
	ids, qty := make([]int64, len(lines)), make([]int64, len(lines))
	for i, l := range lines {
		ids[i], qty[i] = l.VariantID, int64(l.Quantity)
	}
	const sel = `SELECT x.id FROM unnest($1::bigint[], $2::int[]) AS x(id, q) JOIN variants v ON v.id = x.id
		WHERE v.stock_on_hand >= x.q`
	var enough []int64
	if err := s.db.SelectContext(ctx, &enough, sel, pq.Array(ids), pq.Array(qty)); err != nil {
		return fmt.Errorf("stock of a refused cart: %w", db.Translate(err))
	}
	return shortLines(lines, enough)
}

// shortLines is the refusal naming the lines off sale or without enough stock (not in
// enough), or nil.
func shortLines(lines []CartLine, enough []int64) error {
	short := map[string]string{}
	for _, l := range lines {
		name := "line." + strconv.FormatInt(l.VariantID, 10)
		switch {
		case l.Gone:
			short[name] = keyUnavailable
		case !slices.Contains(enough, l.VariantID):
			short[name] = keySoldOutLine
		}
	}
	if len(short) > 0 {
		return &apperr.Error{Code: apperr.Conflict, Key: keySoldOutLine, Fields: short}
	}
	return nil
}

// notifier sends the notifications placeSQL and changeExisting leave to after their
// commit (they set libres.notify_after_commit, migrations/00013): catalog_changed for the
// stock a checkout took and cart_changed for the cart emptied or changed, so every
// replica's page cache forgets them (the replica that served the request forgot them
// already: shop's changesCart).
// PostgreSQL commits the transactions that notify one at a time, so one goroutine at a
// time sends every key waiting, in one statement: under load one notifying
// transaction carries many checkouts. A process that dies between a commit and its
// notification leaves other replicas' pages stale until their entries' maximum age
// (pagecache.DefaultMaxAge).
type notifier struct {
	db      *sqlx.DB
	mu      sync.Mutex
	keys    map[string]bool // cart_changed payloads waiting
	catalog bool            // and catalog_changed (a checkout took stock)
	busy    bool            // a goroutine is sending
}

// cartChanged queues the cart_changed notification of the cart key ("u:<user id>" or
// "t:<hex of the token's sha256>", as cart_notify_key writes it), with catalog_changed
// when stock changed too (a placed order), and returns at once.
func (n *notifier) cartChanged(key string, stock bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.keys == nil {
		n.keys = map[string]bool{}
	}
	n.keys[key] = true
	n.catalog = n.catalog || stock
	if !n.busy {
		n.busy = true
		go n.send()
	}
}

// notifySQL is what the triggers of migrations/00009 and 00011 send for a checkout (the
// channels of internal/web/pagecache).
const notifySQL = `SELECT pg_notify('catalog_changed', 'variants') WHERE $2
	UNION ALL SELECT pg_notify('cart_changed', k) FROM unnest($1::text[]) AS k`

func (n *notifier) send() {
	for {
		n.mu.Lock()
		if len(n.keys) == 0 {
			n.busy = false
			n.mu.Unlock()
			return
		}
		keys := make([]string, 0, len(n.keys))
		for k := range n.keys {
			keys = append(keys, k)
		}
		stock := n.catalog
		n.keys, n.catalog = nil, false
		n.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := n.db.ExecContext(ctx, notifySQL, pq.Array(keys), stock)
		cancel()
		if err != nil {
			slog.Warn("checkout notifications not sent; other replicas' pages refresh at their maximum age",
				"carts", len(keys), "err", err)
		}
	}
}

// cartKey names a cart as cart_notify_key does.
func cartKey(token string, userID int64) string {
	if userID != 0 {
		return "u:" + strconv.FormatInt(userID, 10)
	}
	return "t:" + hex.EncodeToString(hashToken(token))
}
