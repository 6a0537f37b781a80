package quote

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
)

// MaxMessage is the longest message of a thread, in characters.
const MaxMessage = 4000

// PostMessage adds a message to a quote's thread and emails the other side. companyID
// is the author's company (0: staff, who may post on any quote).
func (s *Service) PostMessage(ctx context.Context, companyID, userID, id int64, body string) (Message, error) {
	body = strings.TrimSpace(body)
	if n := utf8.RuneCountInString(body); n == 0 || n > MaxMessage {
		key := "quote.message_required"
		if n > 0 {
			key = "quote.message_too_long"
		}
		return Message{}, apperr.Fields(map[string]string{"body": key})
	}
	var m Message
	err := db.InTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if companyID != 0 {
			if err := member(ctx, tx, companyID, userID); err != nil {
				return err
			}
		}
		q, err := s.load(ctx, tx, id, companyID, false)
		if err != nil {
			return err
		}
		const ins = `WITH m AS (INSERT INTO quote_messages (quote_id, author_id, staff, body)
				VALUES ($1, $2, $3, $4) RETURNING *)
			SELECT m.id, m.quote_id, m.author_id, coalesce(u.name, '') AS author_name, m.staff, m.body, m.created_at
			FROM m LEFT JOIN users u ON u.id = m.author_id`
		if err := sqlx.GetContext(ctx, tx, &m, ins, id, nullID(userID), companyID == 0, body); err != nil {
			return fmt.Errorf("message on quote %s: %w", q.Number, db.Translate(err))
		}
		if err := audit.Record(ctx, tx, audit.Entry{Actor: audit.Actor{ID: userID}, Action: "quote.message",
			Entity: "quote", EntityID: strconv.FormatInt(id, 10), Summary: q.Number,
			After: map[string]any{"message": m.ID, "staff": m.Staff}}); err != nil {
			return err
		}
		return s.mailSide(ctx, tx, q, m.Staff, mailMessage, func(string) map[string]any {
			return map[string]any{"Author": m.AuthorName, "Body": m.Body}
		})
	})
	return m, err
}

// messages is a quote's thread, oldest first.
func messages(ctx context.Context, q db.Querier, id int64) ([]Message, error) {
	ms := []Message{}
	const sel = `SELECT m.id, m.quote_id, m.author_id, coalesce(u.name, '') AS author_name, m.staff, m.body, m.created_at
		FROM quote_messages m LEFT JOIN users u ON u.id = m.author_id WHERE m.quote_id = $1 ORDER BY m.id`
	if err := sqlx.SelectContext(ctx, q, &ms, sel, id); err != nil {
		return nil, fmt.Errorf("messages of quote %d: %w", id, db.Translate(err))
	}
	return ms, nil
}
