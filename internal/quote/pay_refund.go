package quote

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/payment"
)

// repeatWindow is how recent an identical refund (same payment, amount and reason) must
// be for a new one to be taken as the same form sent twice.
const repeatWindow = 10 * time.Minute

// Refund gives back amountMinor of a quote's paid payment: a card payment through the
// provider first (idempotency key from the payment and the refunded total it leads to),
// a transfer recorded as returned by staff. It records a quote_refunds row, raises the
// payment's refunded amount and takes the money back from the workshops in the ledger,
// in one transaction. Refused: a payment not paid (conflict), more than is left of it
// (field "amount"), an identical refund recorded in the last minutes (conflict
// quote.pay.refund_repeated: the form sent twice). A provider that cannot be reached is
// a conflict wrapping payment.ErrUnavailable, and nothing is recorded. The quote's
// status does not change (cancelling is its own step).
func (s *Service) Refund(ctx context.Context, actor audit.Actor, paymentID, amountMinor int64, reason string) error {
	reason = strings.TrimSpace(strings.ToValidUTF8(reason, ""))
	fe := map[string]string{}
	if amountMinor <= 0 {
		fe["amount"] = keyPayAmount
	}
	if utf8.RuneCountInString(reason) > 1000 {
		fe["reason"] = keyPayReasonLong
	}
	if len(fe) > 0 {
		return apperr.Fields(fe)
	}
	p, err := payment1(ctx, s.db, paymentID, false)
	if err != nil {
		return err
	}
	if err := s.refundable(ctx, s.db, p, amountMinor, reason); err != nil {
		return err
	}
	providerRef := ""
	if p.Method == payment.MethodCard {
		if providerRef, err = s.cardRefund(ctx, p, amountMinor); err != nil {
			return err
		}
	}
	return db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		qt, err := s.load(ctx, tx, p.QuoteID, 0, true)
		if err != nil {
			return err
		}
		now, err := payment1(ctx, tx, paymentID, true)
		if err != nil {
			return err
		}
		if now.RefundedMinor != p.RefundedMinor {
			// The provider's refund webhook recorded this refund while we waited for
			// the provider: nothing more to record.
			if providerRef != "" && now.RefundedMinor >= p.RefundedMinor+amountMinor {
				return nil
			}
			// Someone refunded meanwhile (the same form twice at once): refuse.
			return apperr.Wrap(fmt.Errorf("payment %d: refunded %d, was %d", p.ID, now.RefundedMinor, p.RefundedMinor),
				apperr.Conflict, keyPayRefundRepeat)
		}
		return s.recordRefund(ctx, tx, actor, qt, now, amountMinor, reason, providerRef)
	})
}

// refundable checks a refund of amount of p before anything is done.
func (s *Service) refundable(ctx context.Context, q db.Querier, p Payment, amount int64, reason string) error {
	if p.Status != PaymentPaid {
		return apperr.New(apperr.Conflict, keyPayNotPaid)
	}
	if amount > p.AmountMinor-p.RefundedMinor {
		return apperr.Fields(map[string]string{"amount": keyPayRefundOver})
	}
	var n int
	const sel = `SELECT count(*) FROM quote_refunds WHERE payment_id = $1 AND amount_minor = $2 AND reason = $3 AND created_at > $4`
	if err := sqlx.GetContext(ctx, q, &n, sel, p.ID, amount, reason, s.now().Add(-repeatWindow)); err != nil {
		return fmt.Errorf("refunds of payment %d: %w", p.ID, db.Translate(err))
	}
	if n > 0 {
		return apperr.New(apperr.Conflict, keyPayRefundRepeat)
	}
	return nil
}

// cardRefund has the provider give back amount of card payment p; it returns the
// provider's refund id.
func (s *Service) cardRefund(ctx context.Context, p Payment, amount int64) (string, error) {
	switch {
	case s.Card == nil:
		return "", apperr.New(apperr.Conflict, keyPayCardOff)
	case p.PaymentRef == "":
		return "", apperr.New(apperr.Conflict, keyPayNoPaymentRef)
	}
	id, err := s.Card.Refund(ctx, payment.RefundRequest{QuotePaymentID: p.ID, PaymentRef: p.PaymentRef,
		AmountMinor: amount, Currency: p.Currency,
		IdempotencyKey: "quote-payment-" + strconv.FormatInt(p.ID, 10) + "-refund-to-" + strconv.FormatInt(p.RefundedMinor+amount, 10)})
	switch {
	case err == nil:
		return id, nil
	case errors.Is(err, payment.ErrUnavailable):
		return "", apperr.Wrap(err, apperr.Conflict, keyPayCardUnavailable)
	case ctx.Err() != nil:
		return "", err
	}
	// Refused (already refunded from the provider's dashboard, more than is left there):
	// staff see why; nothing is recorded.
	return "", apperr.Wrap(err, apperr.Conflict, keyPayRefused)
}

// recordRefund records amount given back of p inside tx (the quote and payment locked):
// the quote_refunds row, the payment's refunded amount, the ledger, the audit log and
// the company's email.
func (s *Service) recordRefund(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, qt Quote, p Payment, amount int64, reason, providerRef string) error {
	now := s.now()
	var refundID int64
	const ins = `INSERT INTO quote_refunds (payment_id, amount_minor, reason, provider_ref, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	if err := tx.GetContext(ctx, &refundID, ins, p.ID, amount, reason, providerRef, nullID(actor.ID), now); err != nil {
		return fmt.Errorf("refund of payment %d: %w", p.ID, db.Translate(err))
	}
	const upd = `UPDATE quote_payments SET refunded_minor = refunded_minor + $2 WHERE id = $1`
	if _, err := tx.ExecContext(ctx, upd, p.ID, amount); err != nil {
		return fmt.Errorf("refunded amount of payment %d: %w", p.ID, db.Translate(err))
	}
	if err := s.postRefund(ctx, tx, qt, p, refundID, amount, now, payActor(actor)); err != nil {
		return err
	}
	if err := audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "quote_payment.refund", Entity: "quote",
		EntityID: strconv.FormatInt(qt.ID, 10), Summary: fmt.Sprintf("%s payment %d: %d %s refunded %s %s", qt.Number,
			p.ID, amount, p.Currency, providerRef, reason),
		Before: map[string]any{"refunded_minor": p.RefundedMinor}, After: map[string]any{"refunded_minor": p.RefundedMinor + amount,
			"refund_id": refundID, "reason": reason, "provider_ref": providerRef}}); err != nil {
		return err
	}
	return s.mailRefunded(ctx, tx, qt, p, amount, reason)
}
