// Package notify owns the store's emails: rendering them (Spanish or English, text and
// HTML parts) and handing them to a background worker that delivers them over SMTP with
// retries. A message is enqueued in the caller's transaction, so it exists only if the
// change that causes it commits.
package notify

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// Message is one email to send. Template names a mail template; Data fills it (every
// key ending in "Link" must be an absolute http(s) URL). The templates and their keys:
//
//	account_verify  Name, Link (the email says it expires in 48 hours)
//	account_reset   Name, Link (the email says it expires in 1 hour)
//	account_invite  Name, Link (expires in 7 days); optional InviterName and Role
//	                (account.Role: "admin", "workshop_lead", "corporate_client",
//	                "customer") say who invites and what the account is for
//
// To is a bare address; Lang is "es" or "en" (empty: "es"). A missing key or an unknown
// template or role makes Enqueue fail, so the caller's transaction does too.
type Message struct {
	To       string         `json:"to"`
	Lang     string         `json:"lang"` // "es" or "en"
	Template string         `json:"template"`
	Data     map[string]any `json:"data"`
	// RequestID is the id of the web request that caused the email (kit.RequestID);
	// Enqueue and Encode take it from their context (WithRequestID) when empty. It
	// travels in the delivery job's metadata and the worker logs it, so one grep follows
	// a request to its emails.
	RequestID string `json:"request_id,omitempty"`
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying id, the web request it serves: emails enqueued
// with it carry the id into their delivery jobs.
func WithRequestID(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID is the request id ctx carries (WithRequestID), or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// Enqueuer queues a message inside the caller's transaction.
type Enqueuer interface {
	Enqueue(ctx context.Context, tx *sqlx.Tx, m Message) error
}

// Encoder is an Enqueuer that also serves a change written in one statement, without a
// transaction around it: Encode checks m as Enqueue does and returns it as the email
// outbox's message (migrations/00013_checkout_writes.sql), which that statement inserts
// with the change (INSERT INTO email_outbox (message) VALUES (...)); a working process
// makes it a delivery job. ok is false when this Enqueuer does not use the outbox: the
// caller then enqueues m in a transaction.
type Encoder interface {
	Enqueuer
	Encode(ctx context.Context, m Message) (msg []byte, ok bool, err error)
}
