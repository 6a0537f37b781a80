package quote

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// The payments' emails (web/templates/mail/quote_paid.*, quote_refund.*), queued in
// the transaction that records the money.
const (
	mailPaid   = "quote_paid"   // Kind, Method, Amount, Paid, Due, Total
	mailRefund = "quote_refund" // Amount, Reason
)

// mailPaid tells the company that money arrived (and staff, when it came by card:
// nobody at the foundation recorded it).
func (s *Service) mailPaid(ctx context.Context, tx *sqlx.Tx, qt Quote, p Payment, m Money) error {
	data := func(lang string) map[string]any {
		return map[string]any{"Kind": string(p.Kind), "Method": string(p.Method),
			"Amount": formatMoney(p.AmountMinor, p.Currency, lang), "Paid": formatMoney(m.Paid, m.Currency, lang),
			"Due": formatMoney(m.BalanceDue, m.Currency, lang), "Total": formatMoney(m.Total, m.Currency, lang),
			"Settled": m.BalanceDue == 0}
	}
	if err := s.mailSide(ctx, tx, qt, true, mailPaid, data); err != nil {
		return err
	}
	if p.Method == "card" {
		return s.mailSide(ctx, tx, qt, false, mailPaid, data)
	}
	return nil
}

// mailRefunded tells the company that money was given back.
func (s *Service) mailRefunded(ctx context.Context, tx *sqlx.Tx, qt Quote, p Payment, amount int64, reason string) error {
	return s.mailSide(ctx, tx, qt, true, mailRefund, func(lang string) map[string]any {
		return map[string]any{"Amount": formatMoney(amount, p.Currency, lang), "Reason": reason, "Kind": string(p.Kind)}
	})
}
