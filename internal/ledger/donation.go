package ledger

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// Gifts to the foundation made without a purchase (package donation) go to the
// foundation's donations account, never to a workshop: one sale entry when the gift is
// received (source donation) and one refund entry if it is given back (source
// donation_refund), both with the donation's id as SourceRef and its number as Title.

// The sources of standalone donations.
const (
	SourceDonation       Source = "donation"        // SourceRef: donations.id
	SourceDonationRefund Source = "donation_refund" // SourceRef: donations.id
)

// DonationInput is a gift received or given back.
type DonationInput struct {
	DonationID int64
	Number     string // DON-2026-000045
	Amount     int64  // > 0
	Currency   string
	At         time.Time
	Actor      string // "stripe", a staff email
}

// PostDonation writes a received gift's entry on q (the transaction that marks it
// received). Posting it twice fails (unique source): the caller posts once.
func (l *Ledger) PostDonation(ctx context.Context, q db.Querier, in DonationInput) error {
	return l.postDonation(ctx, q, in, KindSale, SourceDonation, in.Amount)
}

// PostDonationRefund writes a returned gift's negative entry on q.
func (l *Ledger) PostDonationRefund(ctx context.Context, q db.Querier, in DonationInput) error {
	return l.postDonation(ctx, q, in, KindRefund, SourceDonationRefund, -in.Amount)
}

func (l *Ledger) postDonation(ctx context.Context, q db.Querier, in DonationInput, kind Kind, src Source, amount int64) error {
	if in.Amount <= 0 {
		return fmt.Errorf("donation %s: amount %d", in.Number, in.Amount)
	}
	e := Entry{Account: AccountDonations, Kind: kind, Source: src, SourceRef: strconv.FormatInt(in.DonationID, 10),
		Title: in.Number, AmountMinor: amount, Currency: in.Currency, OccurredAt: in.At, CreatedBy: in.Actor, Memo: in.Number}
	if e.Currency == "" {
		e.Currency = l.opts.Currency
	}
	if _, err := insertEntry(ctx, q, e, l.now()); err != nil {
		return fmt.Errorf("ledger entry of donation %s: %w", in.Number, err)
	}
	return nil
}

type srcDonation struct {
	ID         int64      `db:"id"`
	Number     string     `db:"number"`
	Amount     int64      `db:"amount_minor"`
	ReceivedAt *time.Time `db:"received_at"`
	RefundedAt *time.Time `db:"refunded_at"`
}

// donationExpected adds to t what the received (and refunded) donations of [from, to)
// should have put on the donations account: gifts at their received time, refunds at
// theirs. It returns how many gifts and refunds it counted.
func donationExpected(ctx context.Context, q db.Querier, in func(time.Time) bool, t *Totals) (int, int, error) {
	var ds []srcDonation
	const sel = `SELECT id, number, amount_minor, received_at, refunded_at FROM donations
		WHERE received_at IS NOT NULL ORDER BY id`
	if err := sqlx.SelectContext(ctx, q, &ds, sel); err != nil {
		return 0, 0, fmt.Errorf("donations: %w", db.Translate(err))
	}
	var gifts, refunds int
	for _, d := range ds {
		if in(*d.ReceivedAt) {
			gifts++
			t.Sales += d.Amount
		}
		if d.RefundedAt != nil && in(*d.RefundedAt) {
			refunds++
			t.Refunds -= d.Amount
		}
	}
	return gifts, refunds, nil
}
