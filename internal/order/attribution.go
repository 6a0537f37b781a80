package order

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/ledger"
)

// sold reports whether an order is a sale the ledger holds: paid, and neither still
// open nor cancelled. A cancelled order whose money came late (flagged) is not a sale:
// its money waits for a refund, which the ledger does not see either, or for
// Reinstate, which makes it paid and posts the sale then.
func sold(o Order) bool {
	return o.PaidAt != nil && o.Status != StatusCancelled && !o.Status.Open()
}

// postSale posts a paid order's sale entries (package ledger) in the paying
// transaction: each line to the workshop recorded on it at checkout.
func (s *Service) postSale(ctx context.Context, tx *sqlx.Tx, o Order, actor string, paidAt time.Time) error {
	in := ledger.SaleInput{OrderID: o.ID, OrderNumber: o.Number, Currency: o.Currency, PaidAt: paidAt,
		Lines: saleLines(o), ShippingMinor: o.Shipping, DonationMinor: o.Donation, Actor: actor}
	if err := s.opts.Ledger.PostSale(ctx, tx, in); err != nil {
		return fmt.Errorf("post sale of order %s: %w", o.Number, err)
	}
	return nil
}

// recordRefund writes the refund's row in order_refunds and, for a sold order, its
// ledger entries.
func (s *Service) recordRefund(ctx context.Context, tx *sqlx.Tx, o Order, amount int64, lines []int, ref, actor string, now time.Time, sold bool) error {
	nums := make(pq.Int64Array, 0, len(lines))
	for _, n := range lines {
		nums = append(nums, int64(n))
	}
	const ins = `INSERT INTO order_refunds (order_id, amount_minor, lines, reference, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	var id int64
	if err := tx.GetContext(ctx, &id, ins, o.ID, amount, nums, ref, actor, now); err != nil {
		return fmt.Errorf("record refund of order %s: %w", o.Number, db.Translate(err))
	}
	if !sold {
		return nil
	}
	if len(o.Lines) == 0 {
		if err := loadLines(ctx, tx, &o); err != nil {
			return err
		}
	}
	var paidAt time.Time
	if o.PaidAt != nil {
		paidAt = *o.PaidAt
	}
	in := ledger.RefundInput{RefundID: id, OrderID: o.ID, OrderNumber: o.Number, Currency: o.Currency, PaidAt: paidAt,
		At: now, AmountMinor: amount, ChosenLines: lines, Lines: saleLines(o), ShippingMinor: o.Shipping,
		DonationMinor: o.Donation, Actor: actor, Memo: ref}
	if err := s.opts.Ledger.PostRefund(ctx, tx, in); err != nil {
		return fmt.Errorf("post refund of order %s: %w", o.Number, err)
	}
	return nil
}

func saleLines(o Order) []ledger.SaleLine {
	out := make([]ledger.SaleLine, 0, len(o.Lines))
	for _, l := range o.Lines {
		out = append(out, ledger.SaleLine{LineNo: l.LineNo, WorkshopID: l.WorkshopID, ProductID: l.ProductID,
			VariantID: l.VariantID, Title: l.TitleES, Size: l.Size, UnitMinor: l.UnitMinor, Quantity: l.Quantity,
			TotalMinor: l.TotalMinor})
	}
	return out
}
