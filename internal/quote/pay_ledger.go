package quote

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/ledger"
)

// payWorkshops are the workshops whose work a quote's money pays: those of the accepted
// version (the latest before acceptance), with their part of the work.
func (s *Service) payWorkshops(ctx context.Context, q db.Querier, qt Quote) ([]ledger.QuoteWorkshop, error) {
	vs := qt.Versions
	if vs == nil {
		var err error
		if vs, err = versions(ctx, q, qt.ID); err != nil {
			return nil, err
		}
	}
	v := payVersion(qt, vs)
	if v == nil {
		return nil, fmt.Errorf("quote %s has no price", qt.Number)
	}
	var ws []ledger.QuoteWorkshop
	const sel = `SELECT workshop_id, work_bps FROM quote_workshops WHERE quote_id = $1 AND version = $2 ORDER BY workshop_id`
	rows, err := q.QueryxContext(ctx, sel, qt.ID, v.Version)
	if err != nil {
		return nil, fmt.Errorf("workshops of quote %s version %d: %w", qt.Number, v.Version, db.Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var w ledger.QuoteWorkshop
		if err := rows.Scan(&w.WorkshopID, &w.WorkBps); err != nil {
			return nil, fmt.Errorf("workshops of quote %s: %w", qt.Number, err)
		}
		ws = append(ws, w)
	}
	return ws, rows.Err()
}

// postPayment credits the workshops with a payment that became paid (no ledger: no
// credit, as in tools and some tests).
func (s *Service) postPayment(ctx context.Context, tx *sqlx.Tx, qt Quote, p Payment, actor string) error {
	if s.Ledger == nil {
		return nil
	}
	ws, err := s.payWorkshops(ctx, tx, qt)
	if err != nil {
		return err
	}
	at := s.now()
	if p.PaidAt != nil {
		at = *p.PaidAt
	}
	return s.Ledger.PostQuotePayment(ctx, tx, ledger.QuotePaymentInput{PaymentID: p.ID, QuoteID: qt.ID, Number: qt.Number,
		Amount: p.AmountMinor, Currency: p.Currency, At: at, Workshops: ws, Actor: actor})
}

// postRefund takes a refund back from the workshops the payment credited.
func (s *Service) postRefund(ctx context.Context, tx *sqlx.Tx, qt Quote, p Payment, refundID, amount int64, at time.Time, actor string) error {
	if s.Ledger == nil {
		return nil
	}
	return s.Ledger.PostQuoteRefund(ctx, tx, ledger.QuoteRefundInput{RefundID: refundID, PaymentID: p.ID, Number: qt.Number,
		Amount: amount, Currency: p.Currency, At: at, Actor: actor})
}
