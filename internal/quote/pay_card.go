package quote

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/payment"
)

// cardSessionLife is how long a hosted card checkout stays open: long enough to find
// the company card, short enough that a replaced checkout is not paid much later.
const cardSessionLife = time.Hour

// providerStripe names the provider in payment_events (shared with package order:
// event ids are the provider's, unique across both).
const providerStripe = "stripe"

// PayByCard opens a hosted card checkout for what is due of a company's quote and
// returns where to send the user; s.Card must be set (else conflict quote.pay.card_off).
// The deposit is paid while the quote is accepted (the deposit still due); the balance
// from deposit_paid until delivered (everything still owed). Each call records a new
// pending card payment and expires the quote's older pending ones, so the newest
// checkout is the one that counts; money that still arrives through a replaced
// checkout is recorded all the same (ApplyEvent). A provider that cannot be reached
// is a conflict quote.pay.card_unavailable wrapping payment.ErrUnavailable.
func (s *Service) PayByCard(ctx context.Context, companyID, userID, id int64, kind PaymentKind, lang, successURL, cancelURL string) (payment.Session, error) {
	if s.Card == nil {
		return payment.Session{}, apperr.New(apperr.Conflict, keyPayCardOff)
	}
	if !kind.Valid() {
		return payment.Session{}, apperr.Fields(map[string]string{"kind": keyPayKind})
	}
	var p Payment
	var qt Quote
	var email string
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		const selUser = `SELECT email FROM users WHERE id = $1 AND company_id = $2 AND disabled_at IS NULL`
		if err := tx.GetContext(ctx, &email, selUser, userID, companyID); err != nil {
			return fmt.Errorf("user %d of company %d: %w", userID, companyID, db.Translate(err))
		}
		var err error
		if qt, err = s.load(ctx, tx, id, companyID, true); err != nil {
			return err
		}
		if !payable(kind, qt.Status) {
			return apperr.Wrap(fmt.Errorf("quote %s is %s: no %s due", qt.Number, qt.Status, kind), apperr.Conflict, keyPayNotDue)
		}
		_, m, err := s.payments(ctx, tx, qt)
		if err != nil {
			return err
		}
		amount := m.due(kind)
		if amount <= 0 {
			return apperr.New(apperr.Conflict, keyPayNothingDue)
		}
		const expire = `UPDATE quote_payments SET status = '` + string(PaymentExpired) + `' WHERE quote_id = $1 AND method = 'card' AND status = '` + string(PaymentPending) + `'`
		if _, err := tx.ExecContext(ctx, expire, id); err != nil {
			return fmt.Errorf("replace pending card payments of quote %s: %w", qt.Number, db.Translate(err))
		}
		ins := `INSERT INTO quote_payments (quote_id, kind, method, status, amount_minor, currency, recorded_by, created_at)
			VALUES ($1, $2, 'card', 'pending', $3, $4, $5, $6) RETURNING ` + paymentCols
		if err := sqlx.GetContext(ctx, tx, &p, ins, id, kind, amount, m.Currency, userID, s.now()); err != nil {
			return fmt.Errorf("card payment for quote %s: %w", qt.Number, db.Translate(err))
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: audit.Actor{ID: userID, Email: email}, Action: "quote_payment.card",
			Entity: "quote", EntityID: strconv.FormatInt(id, 10),
			Summary: fmt.Sprintf("%s %s %d %s by card: checkout opened", qt.Number, kind, amount, m.Currency), After: p})
	})
	if err != nil {
		return payment.Session{}, err
	}
	sess, err := s.Card.CreateCheckout(ctx, payment.CheckoutRequest{
		QuotePaymentID: p.ID, OrderNumber: qt.Number, Currency: p.Currency, Email: email, Lang: lang,
		Lines:     []payment.Line{{Name: cardLineName(kind, qt.Number, lang), UnitMinor: p.AmountMinor, Quantity: 1}},
		ExpiresAt: p.CreatedAt.Add(cardSessionLife), SuccessURL: successURL, CancelURL: cancelURL,
		// The row's id: a retried creation of this payment's checkout is the same one.
		IdempotencyKey: "quote-payment-" + strconv.FormatInt(p.ID, 10),
	})
	if err != nil {
		// The pending row would never be paid: mark it failed (best effort; the
		// provider's error is what the caller needs).
		const fail = `UPDATE quote_payments SET status = '` + string(PaymentFailed) + `' WHERE id = $1 AND status = '` + string(PaymentPending) + `'`
		if _, uerr := s.db.ExecContext(context.WithoutCancel(ctx), fail, p.ID); uerr != nil {
			err = errors.Join(err, fmt.Errorf("mark card payment %d failed: %w", p.ID, db.Translate(uerr)))
		}
		if errors.Is(err, payment.ErrUnavailable) {
			return payment.Session{}, apperr.Wrap(err, apperr.Conflict, keyPayCardUnavailable)
		}
		return payment.Session{}, fmt.Errorf("card checkout for quote %s: %w", qt.Number, err)
	}
	const setSession = `UPDATE quote_payments SET session_id = $2 WHERE id = $1`
	if _, err := s.db.ExecContext(ctx, setSession, p.ID, sess.ID); err != nil {
		return payment.Session{}, fmt.Errorf("session of card payment %d: %w", p.ID, db.Translate(err))
	}
	return sess, nil
}

// cardLineName is the checkout's line, as the payer reads it.
func cardLineName(kind PaymentKind, number, lang string) string {
	names := map[PaymentKind][2]string{PaymentDeposit: {"Anticipo", "Deposit"}, PaymentBalance: {"Saldo", "Balance"}}
	i := 0
	if lang == "en" {
		i = 1
	}
	return names[kind][i] + " " + number
}

// ApplyEvent applies a verified provider event about a quote payment (Event.QuotePaymentID
// set) once, in one transaction with its row in payment_events (as package order does:
// a redelivered event finds the row and does nothing):
//
//   - checkout.completed paid, or async_succeeded: the payment becomes paid (if it is
//     not yet), the workshops are credited, the deposit reached moves the quote to
//     deposit_paid, the total reached on a delivered quote settles it. A payment
//     replaced by a newer checkout (expired here) still counts: the money arrived. An
//     amount or currency other than the payment's is not credited: it is logged and
//     written to the audit log for staff, and the payment stays as it was;
//   - checkout.completed unpaid (an async method): nothing yet;
//   - async_failed, expired: a pending payment becomes failed or expired;
//   - charge.refunded: the amount refunded so far (AmountMinor) beyond what is recorded
//     is recorded as a refund (one made from the provider's dashboard, or ours whose
//     webhook came first) and taken back from the workshops.
//
// An event for an unknown payment is recorded and does nothing.
func (s *Service) ApplyEvent(ctx context.Context, e payment.Event) error {
	if e.ID == "" {
		return errors.New("apply quote payment event: no event id")
	}
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var quoteID int64
		err := tx.GetContext(ctx, &quoteID, `SELECT quote_id FROM quote_payments WHERE id = $1`, e.QuotePaymentID)
		known := err == nil
		if err != nil && apperr.CodeOf(db.Translate(err)) != apperr.NotFound {
			return fmt.Errorf("quote payment %d: %w", e.QuotePaymentID, db.Translate(err))
		}
		// Quote first, then payment: the order every payment change locks them in.
		var qt Quote
		var p Payment
		if known {
			if qt, err = s.load(ctx, tx, quoteID, 0, true); err != nil {
				return err
			}
			if p, err = payment1(ctx, tx, e.QuotePaymentID, true); err != nil {
				return err
			}
		}
		const ins = `INSERT INTO payment_events (provider, event_id, order_id, type, received_at)
			VALUES ($1, $2, NULL, $3, $4) ON CONFLICT (provider, event_id) DO NOTHING`
		res, err := tx.ExecContext(ctx, ins, providerStripe, e.ID, string(e.Type), s.now())
		if err != nil {
			return fmt.Errorf("record event: %w", db.Translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 || !known {
			return nil // a duplicate, or nothing to apply it to
		}
		return s.applyEvent(ctx, tx, qt, p, e)
	})
	if err != nil {
		return fmt.Errorf("apply payment event %s (%s) to quote payment %d: %w", e.ID, e.RawType, e.QuotePaymentID, err)
	}
	return nil
}

func (s *Service) applyEvent(ctx context.Context, tx *sqlx.Tx, qt Quote, p Payment, e payment.Event) error {
	system := audit.Actor{Email: providerStripe}
	switch e.Type {
	case payment.EventCheckoutCompleted, payment.EventAsyncSucceeded:
		if (e.Type == payment.EventCheckoutCompleted && !e.Paid) || p.Status == PaymentPaid {
			return nil
		}
		if e.AmountMinor != p.AmountMinor || e.Currency != p.Currency {
			slog.Warn("quote card payment: amount or currency differs from the payment's; not credited",
				"quote", qt.Number, "payment_id", p.ID, "event_id", e.ID, "event_amount", e.AmountMinor,
				"event_currency", e.Currency, "amount", p.AmountMinor, "currency", p.Currency)
			return audit.Record(ctx, tx, audit.Entry{Actor: system, Action: "quote_payment.mismatch", Entity: "quote",
				EntityID: strconv.FormatInt(qt.ID, 10), Summary: fmt.Sprintf("%s payment %d: provider says %d %s, expected %d %s (event %s): not credited",
					qt.Number, p.ID, e.AmountMinor, e.Currency, p.AmountMinor, p.Currency, e.ID)})
		}
		upd := `UPDATE quote_payments SET status = '` + string(PaymentPaid) + `', paid_at = $2,
				payment_ref = CASE WHEN $3 = '' THEN payment_ref ELSE $3 END,
				session_id = coalesce(session_id, nullif($4, ''))
			WHERE id = $1 RETURNING ` + paymentCols
		if err := sqlx.GetContext(ctx, tx, &p, upd, p.ID, s.now(), e.PaymentRef, e.SessionID); err != nil {
			return fmt.Errorf("card payment %d paid: %w", p.ID, db.Translate(err))
		}
		if err := audit.Record(ctx, tx, audit.Entry{Actor: system, Action: "quote_payment.paid", Entity: "quote",
			EntityID: strconv.FormatInt(qt.ID, 10), Summary: fmt.Sprintf("%s %s %d %s by card (%s)", qt.Number, p.Kind,
				p.AmountMinor, p.Currency, e.PaymentRef), After: p}); err != nil {
			return err
		}
		return s.paid(ctx, tx, system, qt, p)
	case payment.EventAsyncFailed, payment.EventCheckoutExpired:
		to := PaymentExpired
		if e.Type == payment.EventAsyncFailed {
			to = PaymentFailed
		}
		const upd = `UPDATE quote_payments SET status = $2 WHERE id = $1 AND status = '` + string(PaymentPending) + `'`
		if _, err := tx.ExecContext(ctx, upd, p.ID, to); err != nil {
			return fmt.Errorf("card payment %d %s: %w", p.ID, to, db.Translate(err))
		}
		return nil
	case payment.EventRefunded:
		if p.Status != PaymentPaid || e.AmountMinor <= p.RefundedMinor {
			return nil
		}
		amount := min(e.AmountMinor, p.AmountMinor) - p.RefundedMinor
		if amount <= 0 {
			return nil
		}
		return s.recordRefund(ctx, tx, system, qt, p, amount, "", e.PaymentRef)
	}
	return nil
}
