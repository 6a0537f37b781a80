package ledger

import (
	"context"
	"errors"
	"time"

	"github.com/libres/storefront/internal/db"
)

var errTODO = errors.New("ledger: not implemented yet")

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
	At          time.Time
	AmountMinor int64 // > 0
	// Lines are the order lines chosen (line numbers); empty: an amount for the order.
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
// the entries sum to what the shopper paid.
func (l *Ledger) PostSale(ctx context.Context, q db.Querier, in SaleInput) error {
	return errTODO
}

// PostRefund writes a refund's entries on q (the transaction that records it): negative
// entries to the same accounts the sale went to, summing to -AmountMinor exactly. The
// amount is split by Allocate: over the chosen lines first (all lines when none are
// chosen), pro rata to what each still holds; what exceeds them goes to the other lines,
// then to shipping and donation. A refund of everything left empties every account of
// the order. Each entry's share is the change of the line's share of its net (same bps
// as the sale), so a wholly refunded line's shares sum to zero.
func (l *Ledger) PostRefund(ctx context.Context, q db.Querier, in RefundInput) error {
	return errTODO
}
