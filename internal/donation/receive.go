package donation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/payment"
)

// The donor's emails (web/templates/mail/donation_*). Each has Name, Number, Amount and
// Link (the receipt page); pending adds Instructions.
const (
	mailPending  = "donation_pending"  // a transfer announced: the bank instructions
	mailReceived = "donation_received" // the money arrived: thank you, the receipt
	mailRefunded = "donation_refunded" // the money was given back
)

// providerStripe names the provider in payment_events (as packages order and quote do:
// event ids are the provider's, unique across all three).
const providerStripe = "stripe"

// maxReference bounds a transfer's or a refund's reference.
const maxReference = 200

// MarkReceived is staff recording that a pending gift's money arrived (a transfer): in
// one transaction the status, the ledger's donations entry, an audit entry and the
// donor's thank-you receipt. A gift already received is returned as it is (a form sent
// twice records it once); a refunded one is a conflict.
func (s *Service) MarkReceived(ctx context.Context, actor audit.Actor, id int64, reference string) (Donation, error) {
	reference = strings.TrimSpace(reference)
	if utf8.RuneCountInString(reference) > maxReference {
		return Donation{}, apperr.Fields(map[string]string{"reference": keyReference})
	}
	var d Donation
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		if d, err = get(ctx, tx, id, true); err != nil {
			return err
		}
		switch d.Status {
		case StatusReceived:
			return nil
		case StatusRefunded:
			return apperr.New(apperr.Conflict, keyNotPending)
		}
		d, err = s.receive(ctx, tx, actor, d, reference, "")
		return err
	})
	return d, err
}

// receive moves a locked pending gift to received on tx, with its ledger entry, audit
// entry and receipt email.
func (s *Service) receive(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, d Donation, ref, session string) (Donation, error) {
	now := s.now()
	upd := `UPDATE donations SET status = $2, received_at = $3,
			payment_ref = CASE WHEN $4 = '' THEN payment_ref ELSE $4 END,
			session_id = coalesce(session_id, nullif($5, ''))
		WHERE id = $1 RETURNING ` + cols
	if err := tx.GetContext(ctx, &d, upd, d.ID, StatusReceived, now, ref, session); err != nil {
		return d, fmt.Errorf("donation %s received: %w", d.Number, db.Translate(err))
	}
	if err := s.opts.Ledger.PostDonation(ctx, tx, ledger.DonationInput{DonationID: d.ID, Number: d.Number,
		Amount: d.AmountMinor, Currency: d.Currency, At: now, Actor: actor.Email}); err != nil {
		return d, err
	}
	if err := audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "donation.received", Entity: "donation",
		EntityID: strconv.FormatInt(d.ID, 10), Summary: fmt.Sprintf("%s %d %s by %s received (%s)", d.Number,
			d.AmountMinor, d.Currency, d.Method, ref), After: d}); err != nil {
		return d, err
	}
	return d, s.send(ctx, tx, d, mailReceived)
}

// ApplyEvent applies a verified provider event about a gift (Event.DonationID set) once,
// in one transaction with its row in payment_events: a redelivered event finds the row
// and does nothing, and a gift already received is not received again (a second
// session's event, or the webhook after staff marked it). A paid checkout (or an async
// payment that cleared) of the gift's amount and currency marks it received; another
// amount is written to the audit log for staff and not credited. A gift that expired
// (ExpireDue, or checkout.expired for a pending card gift) and is paid after all is
// received too, with an audit entry saying so: the money is never lost. charge.refunded of
// the whole amount marks a received gift refunded (a refund from the provider's
// dashboard, or ours whose webhook came first). An event for an unknown gift is
// recorded and does nothing.
func (s *Service) ApplyEvent(ctx context.Context, e payment.Event) error {
	if e.ID == "" {
		return errors.New("apply donation event: no event id")
	}
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		d, err := get(ctx, tx, e.DonationID, true)
		known := err == nil
		if err != nil && apperr.CodeOf(err) != apperr.NotFound {
			return err
		}
		const ins = `INSERT INTO payment_events (provider, event_id, order_id, type, received_at)
			VALUES ($1, $2, NULL, $3, $4) ON CONFLICT (provider, event_id) DO NOTHING`
		res, err := tx.ExecContext(ctx, ins, providerStripe, e.ID, string(e.Type), s.now())
		if err != nil {
			return fmt.Errorf("record event: %w", db.Translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 || !known {
			return nil
		}
		return s.applyEvent(ctx, tx, d, e)
	})
	if err != nil {
		return fmt.Errorf("apply payment event %s (%s) to donation %d: %w", e.ID, e.RawType, e.DonationID, err)
	}
	return nil
}

func (s *Service) applyEvent(ctx context.Context, tx *sqlx.Tx, d Donation, e payment.Event) error {
	system := audit.Actor{Email: providerStripe}
	switch e.Type {
	case payment.EventCheckoutCompleted, payment.EventAsyncSucceeded:
		if (e.Type == payment.EventCheckoutCompleted && !e.Paid) || (d.Status != StatusPending && d.Status != StatusExpired) {
			return nil
		}
		if e.AmountMinor != d.AmountMinor || e.Currency != d.Currency {
			slog.Warn("donation: amount or currency differs from the gift's; not credited", "donation", d.Number,
				"event_id", e.ID, "event_amount", e.AmountMinor, "event_currency", e.Currency, "amount", d.AmountMinor)
			return audit.Record(ctx, tx, audit.Entry{Actor: system, Action: "donation.mismatch", Entity: "donation",
				EntityID: strconv.FormatInt(d.ID, 10), Summary: fmt.Sprintf("%s: provider says %d %s, expected %d %s (event %s): not credited",
					d.Number, e.AmountMinor, e.Currency, d.AmountMinor, d.Currency, e.ID)})
		}
		if d.Status == StatusExpired {
			// Paid after ExpireDue gave up on it (a slow bank, a webhook delayed): the
			// gift is received all the same, and staff see that it came late.
			if err := audit.Record(ctx, tx, audit.Entry{Actor: system, Action: "donation.paid_after_expiry", Entity: "donation",
				EntityID: strconv.FormatInt(d.ID, 10), Summary: fmt.Sprintf("%s: paid after it expired (event %s): received",
					d.Number, e.ID)}); err != nil {
				return err
			}
		}
		_, err := s.receive(ctx, tx, system, d, e.PaymentRef, e.SessionID)
		return err
	case payment.EventCheckoutExpired:
		if d.Status != StatusPending || d.Method != payment.MethodCard {
			return nil
		}
		return s.expire(ctx, tx, system, d, "checkout session expired", s.now())
	case payment.EventRefunded:
		if d.Status != StatusReceived || e.AmountMinor < d.AmountMinor {
			return nil
		}
		_, err := s.refunded(ctx, tx, system, d, e.PaymentRef)
		return err
	}
	return nil
}

// Refund gives a received gift back: a card gift through the provider's refund (its
// idempotency key is the gift's, so a retry refunds once), a transfer by recording that
// staff returned it (reference: the bank's). In one transaction: the status, the
// ledger's negative entry and an audit entry. A gift already refunded is returned as it
// is; a pending one is a conflict.
func (s *Service) Refund(ctx context.Context, actor audit.Actor, id int64, reference string) (Donation, error) {
	reference = strings.TrimSpace(reference)
	if utf8.RuneCountInString(reference) > maxReference {
		return Donation{}, apperr.Fields(map[string]string{"reference": keyReference})
	}
	var d Donation
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		if d, err = get(ctx, tx, id, true); err != nil {
			return err
		}
		switch d.Status {
		case StatusRefunded:
			return nil
		case StatusPending, StatusExpired:
			return apperr.New(apperr.Conflict, keyNotReceived)
		}
		if d.Method == payment.MethodCard {
			if s.opts.Card == nil || d.PaymentRef == "" {
				return apperr.New(apperr.Conflict, keyCardOff)
			}
			rid, err := s.opts.Card.Refund(ctx, payment.RefundRequest{DonationID: d.ID, PaymentRef: d.PaymentRef,
				AmountMinor: d.AmountMinor, Currency: d.Currency, IdempotencyKey: "donation-refund-" + strconv.FormatInt(d.ID, 10)})
			if err != nil {
				if errors.Is(err, payment.ErrUnavailable) {
					return apperr.Wrap(err, apperr.Conflict, keyCardUnavailable)
				}
				return apperr.Wrap(err, apperr.Conflict, keyRefused)
			}
			reference = rid
		}
		d, err = s.refunded(ctx, tx, actor, d, reference)
		return err
	})
	return d, err
}

// refunded moves a locked received gift to refunded on tx, with its ledger and audit
// entries and the donor's email. It runs once per gift (callers return early for a gift
// already refunded), so a retried refund emails once.
func (s *Service) refunded(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, d Donation, ref string) (Donation, error) {
	now := s.now()
	upd := `UPDATE donations SET status = $2, refunded_at = $3, refund_ref = $4 WHERE id = $1 RETURNING ` + cols
	if err := tx.GetContext(ctx, &d, upd, d.ID, StatusRefunded, now, ref); err != nil {
		return d, fmt.Errorf("donation %s refunded: %w", d.Number, db.Translate(err))
	}
	if err := s.opts.Ledger.PostDonationRefund(ctx, tx, ledger.DonationInput{DonationID: d.ID, Number: d.Number,
		Amount: d.AmountMinor, Currency: d.Currency, At: now, Actor: actor.Email}); err != nil {
		return d, err
	}
	if err := audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "donation.refunded", Entity: "donation",
		EntityID: strconv.FormatInt(d.ID, 10), Summary: fmt.Sprintf("%s %d %s refunded (%s)", d.Number,
			d.AmountMinor, d.Currency, ref), After: d}); err != nil {
		return d, err
	}
	return d, s.send(ctx, tx, d, mailRefunded)
}

// Amount formats a gift's amount for lang ("$ 50.000", "COP 50,000").
func Amount(d Donation, lang string) string {
	return money.Format(money.Amount{Minor: d.AmountMinor, Currency: d.Currency}, lang)
}

// send queues one of the donor's emails on tx.
func (s *Service) send(ctx context.Context, tx *sqlx.Tx, d Donation, template string) error {
	if s.mail == nil {
		return errors.New("donation: no mail enqueuer configured")
	}
	data := map[string]any{"Name": d.Name, "Number": d.Number, "Amount": Amount(d, d.Lang), "Link": s.Link(d),
		"Instructions": s.opts.Instructions[d.Lang], "Method": string(d.Method)}
	if err := s.mail.Enqueue(ctx, tx, notify.Message{To: d.Email, Lang: d.Lang, Template: template, Data: data}); err != nil {
		return fmt.Errorf("donation %s: enqueue %s: %w", d.Number, template, err)
	}
	return nil
}
