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
// statement writes the email too and runs on its own, committed at once, written by
// the placer together with the checkouts that arrived while the previous statement ran
// (each order still whole or absent on its own): the variants stay locked only while
// PostgreSQL runs it, never across a round trip to this process. Another mailer gets
// the email in a transaction around the statement. The page caches' notifications of
// the stock and the cart are sent after the commit (notifier).
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
	msg, outboxed, err := s.encode(ctx, m)
	if err != nil {
		return Order{}, false, fmt.Errorf("order %s: %w", o.Number, err)
	}
	job := &placeJob{ctx: ctx, pc: pc, o: o, in: in, userID: userID, msg: msg}
	var out placeOutcome
	if outboxed {
		out = s.placer.place(job)
		err = out.Err
	} else {
		err = db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
			outs, err := s.writeOrders(ctx, tx, []*placeJob{job})
			if err != nil {
				return err
			}
			if out = outs[0]; !out.CartOK || !out.Taken {
				return nil // nothing written
			}
			if err := s.mail.Enqueue(ctx, tx, m); err != nil {
				return fmt.Errorf("order %s: enqueue %s: %w", o.Number, mailReceived, err)
			}
			return nil
		})
	}
	switch {
	case err != nil:
		return Order{}, false, err
	case !out.CartOK:
		return Order{}, false, nil // the cart changed: read it again
	case !out.Taken:
		return Order{}, false, s.soldOut(ctx, pc.Lines)
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

// placeSQL writes the orders of a batch of checkouts (one or more) in one statement;
// each order all of it or nothing, independently of the others:
//
//   - later: the triggers leave their notifications to the caller (notifier), so the
//     commit does not queue on the notifying transactions of other checkouts;
//   - ord: the orders, one row per checkout, k its place in the batch (arrays $1–$34,
//     indexed by order; 0 and ” stand for none in the nullable ones);
//   - locked, cart: the carts still at the version read ($28, xmin) are locked, in id
//     order; under READ COMMITTED the lock waits for a change in progress and then
//     checks the row as that change left it; a changed cart writes nothing for its
//     order. A cart submitted twice into one batch (a double click) counts once, for
//     its first checkout that read the cart as it is: the others are told it changed,
//     read it again and find the order;
//   - taken: take_stock_orders (migrations/00020) locks the variants of those orders
//     in id order (concurrent statements cannot deadlock), then takes each order's
//     lines ($35 its k, $37 variant, $49 quantity) whole or not at all, in batch order;
//   - o: the orders taken, with the ids and numbers read beforehand, then their line
//     snapshots and reservations (arrays $35–$52, one element per line, the lines of
//     an order together), their "placed" and "email_queued" events, a logged-in
//     shopper's consent, the email (the outbox message; ” when the caller enqueues it
//     in its transaction), and the emptied carts remembering their orders.
//
// It returns, per order k, whether its cart was still the one read and whether its
// stock was taken (and so the order written).
const placeSQL = `WITH later AS (SELECT set_config('libres.notify_after_commit', 'on', true)),
	ord AS MATERIALIZED (
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::order_status[], $4::payment_method[], $5::bigint[],
			$6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
			$14::text[], $15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[], $20::text[],
			$21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::bigint[], $28::text[],
			$29::text[], $30::bigint[], $31::text[], $32::text[], $33::text[], $34::text[])
		WITH ORDINALITY AS x(id, number, status, method, user_id, email, name, phone, lang, department, city,
			address, notes, currency, subtotal, tax, shipping, donation, total, expires_at, created_at,
			policy_version, policy_at, policy_ip, delivery, pickup_point, cart_id, cart_version, message,
			consent_user, consent_version, consent_ip, placed_detail, email_detail, k)),
	locked AS (
		SELECT ord.k, c.id FROM ord JOIN carts c ON c.id = ord.cart_id AND c.xmin = ord.cart_version::xid
		WHERE EXISTS (SELECT 1 FROM later) ORDER BY c.id FOR UPDATE OF c),
	cart AS (SELECT min(k) AS k FROM locked GROUP BY id),
	taken AS (
		SELECT take_stock_orders($35::int[], $37::bigint[], $49::int[],
			ARRAY(SELECT EXISTS (SELECT 1 FROM cart WHERE cart.k = ord.k) FROM ord ORDER BY ord.k)) AS ks),
	o AS (
		INSERT INTO orders (id, number, status, payment_method, user_id, email, name, phone, lang, department, city,
			address_line, notes, currency, subtotal_minor, tax_minor, shipping_minor, donation_minor, total_minor,
			expires_at, created_at, updated_at, policy_version, policy_accepted_at, policy_ip, delivery_method,
			pickup_point)
		OVERRIDING SYSTEM VALUE
		SELECT id, number, status, method, NULLIF(user_id, 0), email, name, phone, lang, department, city, address,
			notes, currency, subtotal, tax, shipping, donation, total, NULLIF(expires_at, '')::timestamptz,
			created_at::timestamptz, created_at::timestamptz, policy_version, NULLIF(policy_at, '')::timestamptz,
			policy_ip, delivery, pickup_point
		FROM ord WHERE k = ANY ((SELECT ks FROM taken)::int[]) ORDER BY k
		RETURNING id),
	won AS (SELECT ord.* FROM ord JOIN o ON o.id = ord.id),
	l AS (
		INSERT INTO order_lines (order_id, line_no, variant_id, product_id, workshop_id, workshop_name,
			product_slug, title_es, title_en, sku, size, color_es, color_en, unit_minor, quantity, tax_class,
			tax_minor, line_total_minor)
		SELECT p.id, x.line_no, x.variant, x.product, x.workshop, x.wname, x.slug, x.tes, x.ten, x.sku, x.size,
			x.ces, x.cen, x.unit, x.qty, x.class, x.tax, x.total
		FROM unnest($35::int[], $36::int[], $37::bigint[], $38::bigint[], $39::bigint[], $40::text[], $41::text[],
			$42::text[], $43::text[], $44::text[], $45::text[], $46::text[], $47::text[], $48::bigint[], $49::int[],
			$50::tax_class[], $51::bigint[], $52::bigint[])
			AS x(k, line_no, variant, product, workshop, wname, slug, tes, ten, sku, size, ces, cen, unit, qty, class,
				tax, total)
		JOIN won p ON p.k = x.k),
	r AS (
		INSERT INTO stock_reservations (order_id, variant_id, quantity, expires_at)
		SELECT p.id, x.v, x.q, NULLIF(p.expires_at, '')::timestamptz
		FROM unnest($35::int[], $37::bigint[], $49::int[]) AS x(k, v, q) JOIN won p ON p.k = x.k),
	e AS (
		INSERT INTO order_events (order_id, at, kind, actor, detail)
		SELECT p.id, p.created_at::timestamptz, ev.kind, ev.actor, ev.detail
		FROM won p CROSS JOIN LATERAL (VALUES (1, $53::text, 'shopper', p.placed_detail),
			(2, $54::text, 'system', p.email_detail)) AS ev(n, kind, actor, detail)
		ORDER BY p.k, ev.n),
	consent AS (
		INSERT INTO consents (user_id, what, policy_version, accepted_at, ip)
		SELECT p.consent_user, $55, p.consent_version, p.created_at::timestamptz, p.consent_ip
		FROM won p WHERE p.consent_user <> 0),
	mail AS (
		INSERT INTO email_outbox (message) SELECT p.message::json FROM won p WHERE p.message <> '' ORDER BY p.k),
	emptied AS (DELETE FROM cart_lines WHERE cart_id = ANY (ARRAY(SELECT cart_id FROM won))),
	placed AS (
		UPDATE carts SET placed_order_id = p.id, placed_at = p.created_at::timestamptz,
			updated_at = p.created_at::timestamptz
		FROM won p WHERE carts.id = p.cart_id)
	SELECT ord.k, EXISTS (SELECT 1 FROM cart WHERE cart.k = ord.k) AS cart_ok,
		ord.k = ANY ((SELECT ks FROM taken)::int[]) AS taken
	FROM ord ORDER BY ord.k`

// placeJob is a checkout's order waiting to be written.
type placeJob struct {
	ctx    context.Context // the shopper's request: a job whose request ended before its batch is not written
	pc     placingCart
	o      Order
	in     CheckoutInput
	userID int64
	msg    []byte // the outbox message of its email, or nil (the caller enqueues it)
	done   chan placeOutcome
}

// placeOutcome is what became of a placeJob.
type placeOutcome struct {
	CartOK bool // the cart was still the one read; false: nothing was written, read it again
	Taken  bool // every line's stock was taken and the order written
	Err    error
}

// placeRow is a row of placeSQL's answer.
type placeRow struct {
	K      int  `db:"k"`
	CartOK bool `db:"cart_ok"`
	Taken  bool `db:"taken"`
}

// placeBatchMax is the most checkouts one statement writes; placeTimeout bounds it.
const (
	placeBatchMax = 64
	placeTimeout  = 30 * time.Second
	placeWriters  = 2
)

// placer writes the outboxed checkouts of this process: a checkout that arrives while
// fewer than placeWriters statements are writing is written at once; the ones that
// arrive while they all write wait and are written together by the next free one (at
// most placeBatchMax), in one statement and one commit. Under load PostgreSQL then
// starts, locks, checks and commits once for many orders instead of once for each; a
// quiet store waits for nothing. Two writers rather than one: measured alike (A/B in
// `make bench`: 0.352, 0.324 with one; 0.346, 0.331 with two), and a batch that waits
// long for a lock (a variant held by another transaction) does not stop every other
// checkout of the process. Each order is still all or nothing (placeSQL), and one
// order's error cannot fail the others: a batch that fails is written again one
// checkout at a time.
type placer struct {
	s     *Service
	mu    sync.Mutex
	queue []*placeJob
	busy  int // goroutines writing, at most placeWriters
}

// place queues j and waits for its outcome.
func (p *placer) place(j *placeJob) placeOutcome {
	j.done = make(chan placeOutcome, 1)
	p.mu.Lock()
	p.queue = append(p.queue, j)
	if p.busy < placeWriters {
		p.busy++
		go p.run()
	}
	p.mu.Unlock()
	select {
	case out := <-j.done:
		return out
	case <-j.ctx.Done():
		// The shopper's request ended: the order may still be written (a retry finds
		// it, replay); done is buffered, so the writer never waits for this reader.
		return placeOutcome{Err: j.ctx.Err()}
	}
}

// run writes batches until the queue is empty.
func (p *placer) run() {
	for {
		p.mu.Lock()
		var batch []*placeJob
		for len(p.queue) > 0 && len(batch) < placeBatchMax {
			j := p.queue[0]
			p.queue[0] = nil
			p.queue = p.queue[1:]
			if err := j.ctx.Err(); err != nil {
				j.done <- placeOutcome{Err: err}
				continue
			}
			batch = append(batch, j)
		}
		if len(batch) == 0 {
			p.busy--
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
		p.write(batch)
	}
}

// write writes batch and hands every job its outcome.
func (p *placer) write(batch []*placeJob) {
	ctx, cancel := context.WithTimeout(context.Background(), placeTimeout)
	outs, err := p.s.writeOrders(ctx, p.s.db, batch)
	cancel()
	if err != nil && len(batch) > 1 {
		for _, j := range batch {
			ctx, cancel := context.WithTimeout(context.Background(), placeTimeout)
			outs, err := p.s.writeOrders(ctx, p.s.db, []*placeJob{j})
			cancel()
			if err != nil {
				j.done <- placeOutcome{Err: err}
			} else {
				j.done <- outs[0]
			}
		}
		return
	}
	for i, j := range batch {
		if err != nil {
			j.done <- placeOutcome{Err: err}
		} else {
			j.done <- outs[i]
		}
	}
}

// writeOrders runs placeSQL for the jobs and returns their outcomes, in their order.
func (s *Service) writeOrders(ctx context.Context, q db.Querier, jobs []*placeJob) ([]placeOutcome, error) {
	n := len(jobs)
	var (
		id, user, subtotal, tax, shipping, donation, total, cartID, consentUser = make([]int64, n),
			make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n),
			make([]int64, n), make([]int64, n), make([]int64, n)
		number, status, method, email, name, phone, lang, dept, city, addr, notes, currency = make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n),
			make([]string, n)
		expires, created, policy, policyAt, policyIP, delivery, pickup, version, message = make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n)
		consentVersion, consentIP, placedDetail, emailDetail = make([]string, n), make([]string, n),
			make([]string, n), make([]string, n)
		lk, lineNo, variant, product, workshop, unit, qty, ltax, ltotal []int64
		wname, slug, tes, ten, sku, size, ces, cen, class               []string
	)
	stamp := func(t time.Time) string { return string(pq.FormatTimestamp(t)) }
	for i, j := range jobs {
		o, in := j.o, j.in
		id[i], number[i], status[i], method[i], email[i], name[i] = o.ID, o.Number, string(o.Status), string(o.Method), o.Email, o.Name
		if o.UserID != nil {
			user[i] = *o.UserID
		}
		phone[i], lang[i], dept[i], city[i], addr[i], notes[i] = o.Phone, o.Lang, o.Department, o.City, o.Address, o.Notes
		currency[i], subtotal[i], tax[i], shipping[i], donation[i], total[i] = o.Currency, o.Subtotal, o.Tax, o.Shipping, o.Donation, o.Total
		if o.ExpiresAt != nil {
			expires[i] = stamp(*o.ExpiresAt)
		}
		created[i] = stamp(o.CreatedAt)
		switch {
		case in.AcceptPolicy && j.userID == 0:
			policy[i], policyAt[i], policyIP[i] = in.PolicyVersion, created[i], in.IP // a guest's consent is kept on the order
		case in.AcceptPolicy:
			consentUser[i] = j.userID // a user's in their consents
		}
		consentVersion[i], consentIP[i] = in.PolicyVersion, in.IP
		delivery[i], pickup[i], cartID[i], version[i] = string(o.Delivery), o.PickupPoint, j.pc.ID, j.pc.Version
		message[i] = string(j.msg)
		placedDetail[i], emailDetail[i] = string(o.Method), mailReceived+" → "+o.Email
		for _, l := range o.Lines {
			lk, lineNo, variant, product, workshop = append(lk, int64(i+1)), append(lineNo, int64(l.LineNo)),
				append(variant, l.VariantID), append(product, l.ProductID), append(workshop, l.WorkshopID)
			wname, slug, tes, ten, sku, size, ces, cen = append(wname, l.WorkshopName), append(slug, l.ProductSlug),
				append(tes, l.TitleES), append(ten, l.TitleEN), append(sku, l.SKU), append(size, l.Size),
				append(ces, l.ColorES), append(cen, l.ColorEN)
			unit, qty, class, ltax, ltotal = append(unit, l.UnitMinor), append(qty, int64(l.Quantity)),
				append(class, string(l.TaxClass)), append(ltax, l.TaxMinor), append(ltotal, l.TotalMinor)
		}
	}
	var rows []placeRow
	p, err := s.stmts.On(ctx, q, placeSQL)
	if err == nil {
		err = p.SelectContext(ctx, &rows, pq.Array(id), pq.Array(number), pq.Array(status), pq.Array(method),
			pq.Array(user), pq.Array(email), pq.Array(name), pq.Array(phone), pq.Array(lang), pq.Array(dept),
			pq.Array(city), pq.Array(addr), pq.Array(notes), pq.Array(currency), pq.Array(subtotal), pq.Array(tax),
			pq.Array(shipping), pq.Array(donation), pq.Array(total), pq.Array(expires), pq.Array(created),
			pq.Array(policy), pq.Array(policyAt), pq.Array(policyIP), pq.Array(delivery), pq.Array(pickup),
			pq.Array(cartID), pq.Array(version), pq.Array(message), pq.Array(consentUser), pq.Array(consentVersion),
			pq.Array(consentIP), pq.Array(placedDetail), pq.Array(emailDetail),
			pq.Array(lk), pq.Array(lineNo), pq.Array(variant), pq.Array(product), pq.Array(workshop), pq.Array(wname),
			pq.Array(slug), pq.Array(tes), pq.Array(ten), pq.Array(sku), pq.Array(size), pq.Array(ces), pq.Array(cen),
			pq.Array(unit), pq.Array(qty), pq.Array(class), pq.Array(ltax), pq.Array(ltotal),
			string(EventPlaced), string(EventEmailQueued), consentDataPolicy)
	}
	if err == nil && len(rows) != n {
		err = fmt.Errorf("%d rows for %d orders", len(rows), n)
	}
	if err != nil {
		return nil, fmt.Errorf("write %d orders (first %s): %w", n, jobs[0].o.Number, db.Translate(err))
	}
	outs := make([]placeOutcome, n)
	for _, r := range rows {
		if r.K < 1 || r.K > n {
			return nil, fmt.Errorf("write orders: order %d of %d", r.K, n)
		}
		outs[r.K-1] = placeOutcome{CartOK: r.CartOK, Taken: r.Taken}
	}
	return outs, nil
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
