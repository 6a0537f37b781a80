package order

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/payment"
)

// WithdrawalDays is the withdrawal period (derecho de retracto, Ley 1480 art. 47) in
// business days.
const WithdrawalDays = 5

// Message keys of the shoppers' requests.
const (
	keyRequestState   = "order.request_state"   // the order is not in a state the request applies to
	keyWithdrawalLate = "order.withdrawal_late" // the withdrawal period is over
	keyReversalCard   = "order.reversal_card"   // reversal is for electronic payments
)

// WithdrawalDeadline is the end of the withdrawal period of o, and false when it has
// not started (not shipped yet: the shopper may still withdraw) or does not apply.
// The period counts WithdrawalDays business days (Monday to Friday) after the day of
// delivery, or of shipping while no delivery is recorded, and ends at midnight in
// Colombia. Public holidays are not modelled: the period is then a day or so shorter
// than the law's, so staff should accept a request a little late.
func WithdrawalDeadline(o Order) (time.Time, bool) {
	base := o.DeliveredAt
	if base == nil {
		base = o.ShippedAt
	}
	if base == nil {
		return time.Time{}, false
	}
	d := base.In(colombia)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, colombia)
	for n := 0; n < WithdrawalDays; {
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return day.AddDate(0, 0, 1), true
}

// RequestWithdrawal records a shopper's withdrawal (retracto) and emails the shopper and
// the seller (Options.StaffEmail). It applies to a paid order before shipping, and to a
// shipped or delivered one until WithdrawalDeadline; later is Conflict
// "order.withdrawal_late". Staff then arrange the return and the refund (within 30
// calendar days).
func (s *Service) RequestWithdrawal(ctx context.Context, orderID int64, reason string) error {
	return s.request(ctx, orderID, reason, EventWithdrawal, "withdrawal", func(o Order, now time.Time) error {
		switch o.Status {
		case StatusPaid:
			return nil
		case StatusShipped, StatusDelivered:
			if end, ok := WithdrawalDeadline(o); ok && !now.Before(end) {
				return apperr.New(apperr.Conflict, keyWithdrawalLate)
			}
			return nil
		}
		return apperr.New(apperr.Conflict, keyRequestState)
	})
}

// RequestReversal records a shopper's request for a payment reversal (reversión del
// pago, Ley 1480 art. 51: fraud, an unrequested charge, goods not received or
// defective) and emails the shopper and the seller. It applies to orders paid
// electronically (card); the five business days run from when the shopper learnt of
// the problem, which only staff can judge, so no deadline is enforced here.
func (s *Service) RequestReversal(ctx context.Context, orderID int64, reason string) error {
	return s.request(ctx, orderID, reason, EventReversal, "reversal", func(o Order, now time.Time) error {
		if o.Method != payment.MethodCard {
			return apperr.New(apperr.Conflict, keyReversalCard)
		}
		if o.PaidAt == nil {
			return apperr.New(apperr.Conflict, keyRequestState)
		}
		return nil
	})
}

func (s *Service) request(ctx context.Context, orderID int64, reason string, kind EventKind, name string,
	allowed func(o Order, now time.Time) error) error {
	reason = strings.TrimSpace(storable(reason))
	switch {
	case reason == "":
		return apperr.Fields(map[string]string{"reason": keyReasonRequired})
	case utf8.RuneCountInString(reason) > 2000:
		return apperr.Fields(map[string]string{"reason": keyTooLong})
	}
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		o, err := getOrder(ctx, tx, orderID, true)
		if err != nil {
			return err
		}
		now := s.now()
		if err := allowed(o, now); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, o.ID, now, kind, "shopper", reason); err != nil {
			return err
		}
		d := s.mailData(o)
		d["Kind"], d["Reason"], d["At"] = name, reason, when(now, o.Lang)
		if err := s.send(ctx, tx, o, o.Email, mailRequest, d, now); err != nil {
			return err
		}
		if s.opts.StaffEmail == "" {
			return nil
		}
		staff := o
		staff.Lang = "es" // the foundation's staff read Spanish
		d = s.mailData(staff)
		d["Kind"], d["Reason"], d["At"], d["Email"], d["Phone"] = name, reason, when(now, "es"), o.Email, o.Phone
		return s.send(ctx, tx, staff, s.opts.StaffEmail, mailStaff, d, now)
	})
	if err != nil {
		return fmt.Errorf("%s request for order %d: %w", name, orderID, err)
	}
	return nil
}
