package quote

// The quote emails (web/templates/mail/quote_*): every move, new price, message and
// reminder is emailed to the other side of whoever acted, queued in the transaction of
// the change (so it exists only if the change commits). Every template gets Number,
// Company and Link (the quote's page on the recipient's side).

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/notify"
)

// The templates and their extra data.
const (
	mailQuoted   = "quote_quoted"   // Version, Total, ValidUntil
	mailStatus   = "quote_status"   // Status, Reason
	mailMessage  = "quote_message"  // Author, Body
	mailReminder = "quote_reminder" // ValidUntil, Total
)

// mailedMoves are the moves that email the other side, with the side that hears of
// them: a company's moves go to staff, everyone else's to the company. A deposit paid
// is told by the payment's own email.
var mailedMoves = map[Status]bool{
	StatusAccepted: true, StatusDeclined: true, StatusCancelled: true, StatusExpired: true,
	StatusInProduction: true, StatusReady: true, StatusDelivered: true, StatusSettled: true,
}

// recipient is an address and the language to write to it in.
type recipient struct {
	Email string `db:"email"`
	Lang  string `db:"lang"`
}

// companyRecipients are the company's active people, or else whoever asked for the quote.
func companyRecipients(ctx context.Context, tx *sqlx.Tx, q Quote) ([]recipient, error) {
	rs := []recipient{}
	const sel = `SELECT email, lang FROM users WHERE company_id = $1 AND disabled_at IS NULL ORDER BY id`
	if err := sqlx.SelectContext(ctx, tx, &rs, sel, q.CompanyID); err != nil {
		return nil, fmt.Errorf("people of company %d: %w", q.CompanyID, db.Translate(err))
	}
	if len(rs) > 0 {
		return rs, nil
	}
	const req = `SELECT email, lang FROM users WHERE id = $1`
	if err := sqlx.SelectContext(ctx, tx, &rs, req, q.RequestedBy); err != nil {
		return nil, fmt.Errorf("requester of quote %s: %w", q.Number, db.Translate(err))
	}
	return rs, nil
}

// staffRecipients are s.StaffEmail, or else every active admin.
func (s *Service) staffRecipients(ctx context.Context, tx *sqlx.Tx) ([]recipient, error) {
	if s.StaffEmail != "" {
		return []recipient{{Email: s.StaffEmail, Lang: "es"}}, nil
	}
	rs := []recipient{}
	const sel = `SELECT email, lang FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id`
	if err := sqlx.SelectContext(ctx, tx, &rs, sel); err != nil {
		return nil, fmt.Errorf("staff addresses: %w", db.Translate(err))
	}
	return rs, nil
}

// mailSide queues template about q to the company (toCompany) or to staff, one email
// per address in its language. extra adds the template's own data (nil: none) and
// may depend on the language (amounts).
func (s *Service) mailSide(ctx context.Context, tx *sqlx.Tx, q Quote, toCompany bool, template string, extra func(lang string) map[string]any) error {
	if s.Mail == nil {
		return nil
	}
	var rs []recipient
	var err error
	link := s.BaseURL + "/admin/quotes/" + strconv.FormatInt(q.ID, 10)
	if toCompany {
		rs, err = companyRecipients(ctx, tx, q)
		link = s.BaseURL + "/corporate/quotes/" + strconv.FormatInt(q.ID, 10)
	} else {
		rs, err = s.staffRecipients(ctx, tx)
	}
	if err != nil {
		return err
	}
	var company string
	if err := tx.GetContext(ctx, &company, `SELECT name FROM companies WHERE id = $1`, q.CompanyID); err != nil {
		return fmt.Errorf("company of quote %s: %w", q.Number, db.Translate(err))
	}
	for _, r := range rs {
		data := map[string]any{"Number": q.Number, "Company": company, "Link": link}
		if extra != nil {
			for k, v := range extra(r.Lang) {
				data[k] = v
			}
		}
		m := notify.Message{To: r.Email, Lang: r.Lang, Template: template, Data: data}
		if err := s.Mail.Enqueue(ctx, tx, m); err != nil {
			return fmt.Errorf("quote %s: enqueue %s: %w", q.Number, template, err)
		}
	}
	return nil
}

// mailMove tells the other side of a move (see mailedMoves); byCompany says who moved.
func (s *Service) mailMove(ctx context.Context, tx *sqlx.Tx, q Quote, byCompany bool) error {
	if !mailedMoves[q.Status] {
		return nil
	}
	return s.mailSide(ctx, tx, q, !byCompany, mailStatus, func(string) map[string]any {
		return map[string]any{"Status": string(q.Status), "Reason": q.StatusReason}
	})
}

// formatMoney is an amount as a reader of lang writes it.
func formatMoney(minor int64, currency, lang string) string {
	return money.Format(money.Amount{Minor: minor, Currency: currency}, lang)
}

// formatDay is a date as a reader of lang writes it.
func formatDay(d time.Time, lang string) string {
	if lang == "en" {
		return d.Format("Jan 2, 2006")
	}
	return d.Format("02/01/2006")
}
