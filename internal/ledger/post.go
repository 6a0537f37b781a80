package ledger

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// SaleLine is an order line as the ledger needs it: the workshop recorded on the line
// at checkout (not the product's current workshop) and the line's total.
type SaleLine struct {
	LineNo     int
	WorkshopID int64
	ProductID  int64
	VariantID  int64
	Title      string
	Size       string
	UnitMinor  int64
	Quantity   int
	TotalMinor int64
}

// SaleInput is an order that became paid.
type SaleInput struct {
	OrderID       int64
	OrderNumber   string
	Currency      string
	PaidAt        time.Time
	Lines         []SaleLine
	ShippingMinor int64
	DonationMinor int64
	Actor         string // who or what confirmed the payment ("stripe", a staff email)
}

// RefundInput is money given back for a paid order, recorded by package order in
// order_refunds (RefundID) in the same transaction.
type RefundInput struct {
	RefundID    int64
	OrderID     int64
	OrderNumber string
	Currency    string
	PaidAt      time.Time // when the order was paid (the sale's share, if its entries are missing)
	At          time.Time
	AmountMinor int64 // > 0
	// ChosenLines are the order lines the refund is for (line numbers); empty: an
	// amount for the whole order.
	ChosenLines []int
	// The order as paid (its lines, shipping, donation): what the refund is split over.
	Lines         []SaleLine
	ShippingMinor int64
	DonationMinor int64
	Actor         string
	Memo          string
}

// PostSale writes an order's sale entries on q (the transaction that pays the order):
// one per line to the line's workshop with the share in force at PaidAt, one for
// shipping and one for the donation to the foundation's accounts (when not zero), so
// the entries sum to what the shopper paid. Posting an order twice fails (unique
// source): the caller posts once, when the order becomes paid.
func (l *Ledger) PostSale(ctx context.Context, q db.Querier, in SaleInput) error {
	if err := lockWorkshops(ctx, q, in.Lines); err != nil {
		return err
	}
	ref := strconv.FormatInt(in.OrderID, 10)
	bps := map[int64]int{}
	for _, ln := range in.Lines {
		b, ok := bps[ln.WorkshopID]
		if !ok {
			var err error
			if b, err = l.ShareAt(ctx, q, ln.WorkshopID, in.PaidAt); err != nil {
				return err
			}
			bps[ln.WorkshopID] = b
		}
		ws := ln.WorkshopID
		e := Entry{Account: AccountWorkshop, WorkshopID: &ws, Kind: KindSale, Source: SourceOrder, SourceRef: ref,
			LineNo: ln.LineNo, ProductID: ln.ProductID, VariantID: ln.VariantID, Title: ln.Title, Size: ln.Size,
			Quantity: ln.Quantity, AmountMinor: ln.TotalMinor, ShareBps: b, ShareMinor: shareOf(ln.TotalMinor, b)}
		if err := l.insertOrderEntry(ctx, q, e, in.OrderID, in.OrderNumber, in.Currency, in.PaidAt, in.Actor, ""); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		account Account
		amount  int64
	}{{AccountShipping, in.ShippingMinor}, {AccountDonations, in.DonationMinor}} {
		if f.amount == 0 {
			continue
		}
		e := Entry{Account: f.account, Kind: KindSale, Source: SourceOrder, SourceRef: ref, AmountMinor: f.amount}
		if err := l.insertOrderEntry(ctx, q, e, in.OrderID, in.OrderNumber, in.Currency, in.PaidAt, in.Actor, ""); err != nil {
			return err
		}
	}
	return nil
}

// PostRefund writes a refund's entries on q (the transaction that records it): negative
// entries to the same accounts the sale went to, summing to -AmountMinor exactly. The
// amount is split by Allocate over what each part of the order still holds (paid minus
// refunded before): first the chosen lines (all lines when none are chosen), pro rata;
// what exceeds them goes to the other lines, then to shipping and donation. A refund of
// everything left empties every account of the order. Each line entry's share is the
// change of shareOf(the line's net) at the sale's bps, so a wholly refunded line's
// shares add up to zero. A refund larger than what the order still holds fails.
func (l *Ledger) PostRefund(ctx context.Context, q db.Querier, in RefundInput) error {
	if in.AmountMinor <= 0 {
		return fmt.Errorf("refund %d of order %s: amount %d", in.RefundID, in.OrderNumber, in.AmountMinor)
	}
	if err := lockWorkshops(ctx, q, in.Lines); err != nil {
		return err
	}
	prior, err := orderRefunded(ctx, q, in.OrderID)
	if err != nil {
		return err
	}
	bps, err := l.saleShares(ctx, q, in)
	if err != nil {
		return err
	}
	var first, other []SaleLine
	for _, ln := range in.Lines {
		if len(in.ChosenLines) == 0 || slices.Contains(in.ChosenLines, ln.LineNo) {
			first = append(first, ln)
		} else {
			other = append(other, ln)
		}
	}
	remaining := func(ls []SaleLine) []int64 {
		caps := make([]int64, len(ls))
		for i, ln := range ls {
			caps[i] = ln.TotalMinor - prior[bucket{AccountWorkshop, ln.LineNo}]
		}
		return caps
	}
	fees := []int64{in.ShippingMinor - prior[bucket{AccountShipping, 0}], in.DonationMinor - prior[bucket{AccountDonations, 0}]}
	parts := Allocate(in.AmountMinor, remaining(first), remaining(other), fees)
	var sum int64
	for _, t := range parts {
		for _, p := range t {
			sum += p
		}
	}
	if sum != in.AmountMinor {
		return fmt.Errorf("refund %d of order %s: %d is more than the %d the ledger holds for it",
			in.RefundID, in.OrderNumber, in.AmountMinor, sum)
	}
	ref := strconv.FormatInt(in.RefundID, 10)
	post := func(e Entry) error {
		return l.insertOrderEntry(ctx, q, e, in.OrderID, in.OrderNumber, in.Currency, in.At, in.Actor, in.Memo)
	}
	for ti, ls := range [][]SaleLine{first, other} {
		for i, ln := range ls {
			part := parts[ti][i]
			if part == 0 {
				continue
			}
			before := prior[bucket{AccountWorkshop, ln.LineNo}]
			b := bps[ln.LineNo]
			ws := ln.WorkshopID
			e := Entry{Account: AccountWorkshop, WorkshopID: &ws, Kind: KindRefund, Source: SourceRefund, SourceRef: ref,
				LineNo: ln.LineNo, ProductID: ln.ProductID, VariantID: ln.VariantID, Title: ln.Title, Size: ln.Size,
				Quantity:    unitsRefunded(ln, before) - unitsRefunded(ln, before+part),
				AmountMinor: -part, ShareBps: b,
				ShareMinor: shareOf(ln.TotalMinor-before-part, b) - shareOf(ln.TotalMinor-before, b)}
			if err := post(e); err != nil {
				return err
			}
		}
	}
	for i, account := range []Account{AccountShipping, AccountDonations} {
		if p := parts[2][i]; p != 0 {
			if err := post(Entry{Account: account, Kind: KindRefund, Source: SourceRefund, SourceRef: ref, AmountMinor: -p}); err != nil {
				return err
			}
		}
	}
	return nil
}

// bucket is a part of an order an amount lands on: a line (workshop account) or a fee.
type bucket struct {
	account Account
	lineNo  int
}

// orderRefunded returns what was refunded so far of each part of an order (positive).
func orderRefunded(ctx context.Context, q db.Querier, orderID int64) (map[bucket]int64, error) {
	const sel = `SELECT account, line_no, -sum(amount_minor) AS refunded FROM ledger_entries
		WHERE order_id = $1 AND kind = 'refund' GROUP BY account, line_no`
	var rows []struct {
		Account  Account `db:"account"`
		LineNo   int     `db:"line_no"`
		Refunded int64   `db:"refunded"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, sel, orderID); err != nil {
		return nil, fmt.Errorf("refunds of order %d: %w", orderID, db.Translate(err))
	}
	out := map[bucket]int64{}
	for _, r := range rows {
		out[bucket{r.Account, r.LineNo}] = r.Refunded
	}
	return out, nil
}

// saleShares returns the bps each line of the order was sold at (from its sale entry;
// the share at PaidAt when the sale was never posted).
func (l *Ledger) saleShares(ctx context.Context, q db.Querier, in RefundInput) (map[int]int, error) {
	const sel = `SELECT line_no, share_bps FROM ledger_entries
		WHERE order_id = $1 AND kind = 'sale' AND account = 'workshop'`
	var rows []struct {
		LineNo int `db:"line_no"`
		Bps    int `db:"share_bps"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, sel, in.OrderID); err != nil {
		return nil, fmt.Errorf("sale shares of order %d: %w", in.OrderID, db.Translate(err))
	}
	out := map[int]int{}
	for _, r := range rows {
		out[r.LineNo] = r.Bps
	}
	for _, ln := range in.Lines {
		if _, ok := out[ln.LineNo]; !ok {
			b, err := l.ShareAt(ctx, q, ln.WorkshopID, in.PaidAt)
			if err != nil {
				return nil, err
			}
			out[ln.LineNo] = b
		}
	}
	return out, nil
}

func (l *Ledger) insertOrderEntry(ctx context.Context, q db.Querier, e Entry, orderID int64, number, currency string, at time.Time, actor, memo string) error {
	e.OrderID, e.OrderNumber, e.Currency, e.OccurredAt, e.CreatedBy, e.Memo = &orderID, number, currency, at, actor, memo
	if e.Currency == "" {
		e.Currency = l.opts.Currency
	}
	_, err := insertEntry(ctx, q, e, l.now())
	return err
}

// insertEntry appends e and returns its id.
func insertEntry(ctx context.Context, q db.Querier, e Entry, now time.Time) (int64, error) {
	const ins = `INSERT INTO ledger_entries (account, workshop_id, kind, source, source_ref, order_id, order_number,
			line_no, product_id, variant_id, title, size, quantity, amount_minor, share_bps, share_minor, currency,
			occurred_at, created_at, created_by, memo)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
		RETURNING id`
	var id int64
	if err := sqlx.GetContext(ctx, q, &id, ins, e.Account, e.WorkshopID, e.Kind, e.Source, e.SourceRef, e.OrderID,
		e.OrderNumber, e.LineNo, e.ProductID, e.VariantID, e.Title, e.Size, e.Quantity, e.AmountMinor, e.ShareBps,
		e.ShareMinor, e.Currency, e.OccurredAt.UTC(), now, e.CreatedBy, e.Memo); err != nil {
		return 0, fmt.Errorf("post %s %s %s/%s line %d: %w", e.Kind, e.Account, e.Source, e.SourceRef, e.LineNo, db.Translate(err))
	}
	return id, nil
}

// lockKey namespaces the ledger's advisory locks (one per workshop).
const lockKey = 0x1ed9e7

// lockWorkshops takes the shared lock of each workshop of lines, in id order: sales and
// refunds run side by side, while a payout or a share change (exclusive) waits for them
// and they for it, so a balance check or a share's start sees every posting before it.
func lockWorkshops(ctx context.Context, q db.Querier, lines []SaleLine) error {
	var ids []int64
	for _, ln := range lines {
		if !slices.Contains(ids, ln.WorkshopID) {
			ids = append(ids, ln.WorkshopID)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		if _, err := q.ExecContext(ctx, `SELECT pg_advisory_xact_lock_shared($1, $2)`, lockKey, int32(id)); err != nil {
			return fmt.Errorf("lock workshop %d: %w", id, db.Translate(err))
		}
	}
	return nil
}

// lockWorkshop takes a workshop's lock for a change of its balance or share.
func lockWorkshop(ctx context.Context, q db.Querier, workshopID int64) error {
	if _, err := q.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lockKey, int32(workshopID)); err != nil {
		return fmt.Errorf("lock workshop %d: %w", workshopID, db.Translate(err))
	}
	return nil
}
