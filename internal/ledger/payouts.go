package ledger

import (
	"context"
	"time"

	"github.com/libres/storefront/internal/audit"
)

// PayoutMethods are the ways a payout is made.
var PayoutMethods = []string{"transfer", "cash", "other"}

// PayoutInput is a payout staff record.
type PayoutInput struct {
	WorkshopID  int64
	AmountMinor int64     // > 0
	Date        time.Time // the day it was paid (Bogotá); not in the future
	Method      string    // one of PayoutMethods
	Reference   string
	Memo        string
	// ConfirmOverBalance allows a payout larger than the workshop's balance.
	ConfirmOverBalance bool
}

// Payout is a recorded payout.
type Payout struct {
	ID          int64     `db:"id"`
	WorkshopID  int64     `db:"workshop_id"`
	AmountMinor int64     `db:"amount_minor"`
	Currency    string    `db:"currency"`
	PaidOn      time.Time `db:"paid_on"`
	Method      string    `db:"method"`
	Reference   string    `db:"reference"`
	Memo        string    `db:"memo"`
	CreatedBy   string    `db:"created_by"`
	CreatedAt   time.Time `db:"created_at"`
}

// RecordPayout records a payout and its ledger entry (AmountMinor = ShareMinor = -amount) in one
// transaction, with an audit entry. Field errors: "amount" ledger.payout.amount, "date"
// ledger.payout.date, "method" ledger.payout.method, "reference"/"memo"
// ledger.too_long; unknown workshop NotFound ledger.workshop_not_found; more than the
// balance without ConfirmOverBalance: Conflict "ledger.payout.over_balance" with Args
// [balance minor units].
func (l *Ledger) RecordPayout(ctx context.Context, actor audit.Actor, in PayoutInput) (Entry, error) {
	return Entry{}, errTODO
}

// Payouts lists a workshop's payouts (0: all workshops), newest first.
func (l *Ledger) Payouts(ctx context.Context, workshopID int64) ([]Payout, error) {
	return nil, errTODO
}

// Balance is what a workshop's fund is owed at t: its share of net sales plus share
// adjustments minus payouts, for entries occurred before t.
func (l *Ledger) Balance(ctx context.Context, workshopID int64, at time.Time) (int64, error) {
	return 0, errTODO
}

// AdjustInput is a staff correction: a new entry, never an edit.
type AdjustInput struct {
	Account     Account
	WorkshopID  int64 // required for AccountWorkshop
	AmountMinor int64 // change to the money (gross) of the account
	ShareMinor  int64 // change to the workshop fund's balance
	Date        time.Time
	Memo        string // required: why
}

// Adjust records a correction entry (audited). Field errors: "memo" ledger.memo_required,
// "amount" ledger.adjust.zero, "account" ledger.account.
func (l *Ledger) Adjust(ctx context.Context, actor audit.Actor, in AdjustInput) (Entry, error) {
	return Entry{}, errTODO
}
