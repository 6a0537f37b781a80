package quote

// Payments of deposit and balance (card through the payment provider, or a bank
// transfer staff mark received), refunds, and the workshops' credit in the ledger.
// Every payment is a quote_payments row; Money is computed from the rows and the
// accepted version, never stored. A payment that completes the deposit moves an
// accepted quote to deposit_paid; one that completes the total of a delivered quote
// settles it. Message keys are in web/locales/*/quote_pay.json ("quote.pay." + name).

import (
	"context"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// The payments' message keys (web/locales/*/quote_pay.json).
const (
	keyPayAmount          = "quote.pay.amount_invalid"     // field amount: not a positive amount
	keyPayOverDue         = "quote.pay.amount_over_due"    // field amount: more than is owed
	keyPayKind            = "quote.pay.kind_invalid"       // field kind
	keyPayReference       = "quote.pay.reference_required" // field reference
	keyPayReferenceLong   = "quote.pay.reference_too_long" // field reference
	keyPayDuplicate       = "quote.pay.duplicate"          // field reference: that transfer is recorded
	keyPayNotDue          = "quote.pay.not_due"            // conflict: nothing of that kind is due now
	keyPayCardOff         = "quote.pay.card_off"           // conflict: no card payments configured
	keyPayCardUnavailable = "quote.pay.card_unavailable"   // conflict: the provider cannot be reached
	keyPayNothingDue      = "quote.pay.nothing_due"        // conflict: nothing owed
	keyPayNotFound        = "quote.pay.not_found"          // not found: a payment
	keyPayNotPaid         = "quote.pay.not_paid"           // conflict: refund of money not received
	keyPayRefundOver      = "quote.pay.refund_over"        // field amount: more than is left to refund
	keyPayRefundRepeat    = "quote.pay.refund_repeated"    // conflict: the same refund was just recorded
	keyPayNoPaymentRef    = "quote.pay.no_payment_ref"     // conflict: card payment without provider reference
	keyPayRefused         = "quote.pay.refund_refused"     // conflict: the provider refused the refund
	keyPayReasonLong      = "quote.pay.reason_too_long"    // field reason
)

// maxTransferReference bounds a transfer's reference (the bank's transaction number,
// a note).
const maxTransferReference = 200

// paymentCols are quote_payments' columns in Payment's order.
const paymentCols = `id, quote_id, kind, method, status, amount_minor, refunded_minor, currency, session_id,
	payment_ref, recorded_by, paid_at, created_at`

// Valid reports whether k is one of the payment kinds.
func (k PaymentKind) Valid() bool { return k == PaymentDeposit || k == PaymentBalance }

// balanceDue lists the statuses in which the balance may be paid: from the deposit
// until delivery (a company may pay everything before the garments are ready).
var balanceDue = []Status{StatusDepositPaid, StatusInProduction, StatusReady, StatusDelivered}

// payable reports whether a payment of kind may be received for a quote in status.
func payable(kind PaymentKind, status Status) bool {
	if kind == PaymentDeposit {
		return status == StatusAccepted
	}
	for _, s := range balanceDue {
		if s == status {
			return true
		}
	}
	return false
}

// payments reads a quote's payments (oldest first) and what is owed and paid: Total of
// the accepted version (the latest before acceptance; 0 before any price), Paid net of
// refunds over the paid payments.
func (s *Service) payments(ctx context.Context, q db.Querier, qt Quote) ([]Payment, Money, error) {
	ps := []Payment{}
	sel := `SELECT ` + paymentCols + ` FROM quote_payments WHERE quote_id = $1 ORDER BY created_at, id`
	if err := sqlx.SelectContext(ctx, q, &ps, sel, qt.ID); err != nil {
		return nil, Money{}, fmt.Errorf("payments of quote %d: %w", qt.ID, db.Translate(err))
	}
	vs := qt.Versions
	if vs == nil { // a quote read without its versions (a list)
		var err error
		if vs, err = versions(ctx, q, qt.ID); err != nil {
			return nil, Money{}, err
		}
	}
	return ps, moneyOf(payVersion(qt, vs), ps), nil
}

// payVersion is the version a quote's money follows: the accepted one, else the latest.
func payVersion(qt Quote, vs []Version) *Version {
	for i := range vs {
		if qt.AcceptedVersion != nil && vs[i].Version == *qt.AcceptedVersion {
			return &vs[i]
		}
	}
	if len(vs) == 0 {
		return nil
	}
	return &vs[len(vs)-1]
}

// moneyOf sums payments against version v (nil: not priced yet).
func moneyOf(v *Version, ps []Payment) Money {
	m := Money{Currency: "COP"}
	if v != nil {
		m.Currency, m.Total, m.Deposit = v.Currency, v.Total, v.Deposit()
	}
	for _, p := range ps {
		if p.Status == PaymentPaid {
			m.Paid += p.AmountMinor - p.RefundedMinor
		}
	}
	m.DepositDue = max(0, m.Deposit-m.Paid)
	m.BalanceDue = max(0, m.Total-m.Paid)
	return m
}

// due is what a payment of kind would pay now: the deposit still due, or everything
// still owed for the balance.
func (m Money) due(kind PaymentKind) int64 {
	if kind == PaymentDeposit {
		return m.DepositDue
	}
	return m.BalanceDue
}

// RecordTransfer is staff marking a bank transfer received for a quote: a deposit while
// the quote is accepted, the balance from deposit_paid until delivered. The amount is
// what arrived (a deposit may cover more than the deposit, up to everything owed); the
// reference is the bank's (required, up to 200 characters). A transfer with the same
// reference already recorded for the quote is refused (field "reference"), so a form
// sent twice records one payment. A deposit that reaches the amount due moves accepted
// -> deposit_paid; a payment that completes the total of a delivered quote settles it.
// It credits the workshops in the ledger.
func (s *Service) RecordTransfer(ctx context.Context, actor audit.Actor, id int64, kind PaymentKind, amountMinor int64, reference string) (Payment, error) {
	reference = clean(reference)
	fe := map[string]string{}
	switch {
	case !kind.Valid():
		fe["kind"] = keyPayKind
	case amountMinor <= 0:
		fe["amount"] = keyPayAmount
	}
	switch {
	case reference == "":
		fe["reference"] = keyPayReference
	case utf8.RuneCountInString(reference) > maxTransferReference:
		fe["reference"] = keyPayReferenceLong
	}
	if len(fe) > 0 {
		return Payment{}, apperr.Fields(fe)
	}
	var p Payment
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		qt, err := s.load(ctx, tx, id, 0, true) // the lock serialises payments of a quote
		if err != nil {
			return err
		}
		if !payable(kind, qt.Status) {
			return apperr.Wrap(fmt.Errorf("quote %s is %s: no %s due", qt.Number, qt.Status, kind), apperr.Conflict, keyPayNotDue)
		}
		var dup int
		const selDup = `SELECT count(*) FROM quote_payments WHERE quote_id = $1 AND method = 'transfer'
			AND status = '` + string(PaymentPaid) + `' AND lower(payment_ref) = lower($2)`
		if err := tx.GetContext(ctx, &dup, selDup, id, reference); err != nil {
			return fmt.Errorf("transfers of quote %s: %w", qt.Number, db.Translate(err))
		}
		if dup > 0 {
			return apperr.Fields(map[string]string{"reference": keyPayDuplicate})
		}
		_, m, err := s.payments(ctx, tx, qt)
		if err != nil {
			return err
		}
		if amountMinor > m.BalanceDue {
			return apperr.Fields(map[string]string{"amount": keyPayOverDue})
		}
		now := s.now()
		ins := `INSERT INTO quote_payments (quote_id, kind, method, status, amount_minor, currency, payment_ref,
				recorded_by, paid_at, created_at)
			VALUES ($1, $2, 'transfer', 'paid', $3, $4, $5, $6, $7, $7) RETURNING ` + paymentCols
		if err := sqlx.GetContext(ctx, tx, &p, ins, id, kind, amountMinor, m.Currency, reference, nullID(actor.ID), now); err != nil {
			return fmt.Errorf("record transfer for quote %s: %w", qt.Number, db.Translate(err))
		}
		if err := audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "quote_payment.transfer", Entity: "quote",
			EntityID: strconv.FormatInt(id, 10), Summary: fmt.Sprintf("%s %s %d %s ref %s", qt.Number, kind, amountMinor, m.Currency, reference),
			After: p}); err != nil {
			return err
		}
		return s.paid(ctx, tx, actor, qt, p)
	})
	if err != nil {
		return Payment{}, err
	}
	return p, nil
}

// paid follows a payment that became paid inside tx: the workshops' credit, the
// deposit reached (accepted -> deposit_paid), the email, the total reached on a
// delivered quote (settled). qt is the quote as locked before the payment.
func (s *Service) paid(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, qt Quote, p Payment) error {
	if err := s.postPayment(ctx, tx, qt, p, payActor(actor)); err != nil {
		return err
	}
	_, m, err := s.payments(ctx, tx, qt)
	if err != nil {
		return err
	}
	if qt.Status == StatusAccepted && m.DepositDue == 0 {
		if _, err := s.move(ctx, tx, actor, qt.ID, 0, StatusDepositPaid, ""); err != nil {
			return err
		}
	}
	if err := s.mailPaid(ctx, tx, qt, p, m); err != nil {
		return err
	}
	return s.settleIfPaid(ctx, tx, actor, qt.ID)
}

// settleIfPaid moves a delivered quote whose total is paid to settled, inside tx (called
// by Deliver and by every payment).
func (s *Service) settleIfPaid(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, id int64) error {
	qt, err := s.load(ctx, tx, id, 0, true)
	if err != nil {
		return err
	}
	if qt.Status != StatusDelivered {
		return nil
	}
	_, m, err := s.payments(ctx, tx, qt)
	if err != nil {
		return err
	}
	if m.BalanceDue > 0 || m.Total == 0 {
		return nil
	}
	_, err = s.move(ctx, tx, actor, id, 0, StatusSettled, "")
	return err
}

// payment1 reads one payment; lock takes its row FOR UPDATE.
func payment1(ctx context.Context, q db.Querier, id int64, lock bool) (Payment, error) {
	sel := `SELECT ` + paymentCols + ` FROM quote_payments WHERE id = $1`
	if lock {
		sel += ` FOR UPDATE`
	}
	var p Payment
	if err := sqlx.GetContext(ctx, q, &p, sel, id); err != nil {
		err = db.Translate(err)
		if apperr.CodeOf(err) == apperr.NotFound {
			return Payment{}, apperr.Wrap(fmt.Errorf("quote payment %d: %w", id, err), apperr.NotFound, keyPayNotFound)
		}
		return Payment{}, fmt.Errorf("quote payment %d: %w", id, err)
	}
	return p, nil
}

// payActor is who made a payment's change, as the ledger records it.
func payActor(a audit.Actor) string {
	switch {
	case a.Email != "":
		return a.Email
	case a.ID != 0:
		return "user " + strconv.FormatInt(a.ID, 10)
	}
	return "system"
}
