package ledger

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
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
	PaidOn      time.Time `db:"paid_on"` // a date (midnight UTC as the driver reads it)
	Method      string    `db:"method"`
	Reference   string    `db:"reference"`
	Memo        string    `db:"memo"`
	CreatedBy   string    `db:"created_by"`
	CreatedAt   time.Time `db:"created_at"`
}

// RecordPayout records a payout and its ledger entry (AmountMinor = ShareMinor =
// -amount, occurred at the start of Date in Bogotá) in one transaction, with an audit
// entry. Field errors: "amount" ledger.payout.amount, "date" ledger.payout.date,
// "method" ledger.payout.method, "reference"/"memo" ledger.too_long; unknown workshop
// NotFound ledger.workshop_not_found; more than the balance without
// ConfirmOverBalance: Conflict "ledger.payout.over_balance" with Args [balance in minor
// units]. The balance is checked under the workshop's lock, so two payouts at once
// cannot both pass it.
func (l *Ledger) RecordPayout(ctx context.Context, actor audit.Actor, in PayoutInput) (Entry, error) {
	in.Reference, in.Memo = clean(in.Reference), clean(in.Memo)
	f := map[string]string{}
	if in.AmountMinor <= 0 {
		f["amount"] = keyPayoutAmount
	}
	if in.Date.IsZero() || DayStart(in.Date).After(DayStart(l.now())) {
		f["date"] = keyPayoutDate
	}
	if !slices.Contains(PayoutMethods, in.Method) {
		f["method"] = keyPayoutMethod
	}
	if utf8.RuneCountInString(in.Reference) > 200 {
		f["reference"] = keyTooLong
	}
	if utf8.RuneCountInString(in.Memo) > 1000 {
		f["memo"] = keyTooLong
	}
	if len(f) > 0 {
		return Entry{}, apperr.Fields(f)
	}
	day := DayStart(in.Date)
	var out Entry
	err := db.InTx(ctx, l.db, func(tx *sqlx.Tx) error {
		if err := workshopExists(ctx, tx, in.WorkshopID); err != nil {
			return err
		}
		if err := lockWorkshop(ctx, tx, in.WorkshopID); err != nil {
			return err
		}
		balance, err := balance(ctx, tx, in.WorkshopID, time.Time{})
		if err != nil {
			return err
		}
		if in.AmountMinor > balance && !in.ConfirmOverBalance {
			return apperr.New(apperr.Conflict, keyOverBalance, balance)
		}
		const ins = `INSERT INTO payouts (workshop_id, amount_minor, currency, paid_on, method, reference, memo, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`
		var id int64
		if err := tx.GetContext(ctx, &id, ins, in.WorkshopID, in.AmountMinor, l.opts.Currency, day.Format(time.DateOnly),
			in.Method, in.Reference, in.Memo, actorName(actor), l.now()); err != nil {
			return fmt.Errorf("insert payout: %w", db.Translate(err))
		}
		ws := in.WorkshopID
		out = Entry{Account: AccountWorkshop, WorkshopID: &ws, Kind: KindPayout, Source: SourcePayout,
			SourceRef: strconv.FormatInt(id, 10), AmountMinor: -in.AmountMinor, ShareMinor: -in.AmountMinor,
			Currency: l.opts.Currency, OccurredAt: day.UTC(), CreatedAt: l.now(), CreatedBy: actorName(actor),
			Memo: strings.TrimSpace(in.Method + " " + in.Reference)}
		if out.ID, err = insertEntry(ctx, tx, out, out.CreatedAt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "ledger.payout", Entity: "payout",
			EntityID: out.SourceRef, WorkshopID: in.WorkshopID,
			Summary: fmt.Sprintf("payout %d %s on %s (%s %s), balance before %d", in.AmountMinor, l.opts.Currency,
				day.Format(time.DateOnly), in.Method, in.Reference, balance),
			After: map[string]any{"amount_minor": in.AmountMinor, "paid_on": day.Format(time.DateOnly),
				"method": in.Method, "reference": in.Reference, "over_balance": in.AmountMinor > balance}})
	})
	if err != nil {
		return Entry{}, fmt.Errorf("record payout to workshop %d: %w", in.WorkshopID, err)
	}
	return out, nil
}

// Payouts lists a workshop's payouts (0: all workshops), newest first.
func (l *Ledger) Payouts(ctx context.Context, workshopID int64) ([]Payout, error) {
	const sel = `SELECT id, workshop_id, amount_minor, currency, paid_on, method, reference, memo, created_by, created_at
		FROM payouts WHERE $1 = 0 OR workshop_id = $1 ORDER BY paid_on DESC, id DESC`
	var out []Payout
	if err := sqlx.SelectContext(ctx, l.db, &out, sel, workshopID); err != nil {
		return nil, fmt.Errorf("payouts of workshop %d: %w", workshopID, db.Translate(err))
	}
	return out, nil
}

// Balance is what a workshop's fund is owed before at (zero: now and all time): its
// share of net sales plus share adjustments minus payouts.
func (l *Ledger) Balance(ctx context.Context, workshopID int64, at time.Time) (int64, error) {
	return balance(ctx, l.db, workshopID, at)
}

func balance(ctx context.Context, q db.Querier, workshopID int64, before time.Time) (int64, error) {
	const sel = `SELECT COALESCE(sum(share_minor), 0) FROM ledger_entries
		WHERE workshop_id = $1 AND ($2::timestamptz IS NULL OR occurred_at < $2)`
	var b int64
	if err := sqlx.GetContext(ctx, q, &b, sel, workshopID, nullTime(before)); err != nil {
		return 0, fmt.Errorf("balance of workshop %d: %w", workshopID, db.Translate(err))
	}
	return b, nil
}

// AdjustInput is a staff correction: a new entry, never an edit.
type AdjustInput struct {
	Account     Account
	WorkshopID  int64 // required for AccountWorkshop, else 0
	AmountMinor int64 // change to the account's money (counted in net sales)
	ShareMinor  int64 // change to the workshop fund's balance (AccountWorkshop only)
	Date        time.Time
	Memo        string // required: why
}

// Adjust records a correction entry at the start of Date in Bogotá (audited). Field
// errors: "memo" ledger.memo_required or ledger.too_long, "amount" ledger.adjust.zero,
// "account" ledger.account, "date" ledger.payout.date.
func (l *Ledger) Adjust(ctx context.Context, actor audit.Actor, in AdjustInput) (Entry, error) {
	in.Memo = clean(in.Memo)
	f := map[string]string{}
	switch {
	case !slices.Contains(Accounts, in.Account):
		f["account"] = keyAccount
	case (in.Account == AccountWorkshop) != (in.WorkshopID != 0):
		f["account"] = keyAccount
	case in.Account != AccountWorkshop && in.ShareMinor != 0:
		f["account"] = keyAccount
	}
	if in.AmountMinor == 0 && in.ShareMinor == 0 {
		f["amount"] = keyAdjustZero
	}
	if in.Memo == "" {
		f["memo"] = keyMemoRequired
	} else if utf8.RuneCountInString(in.Memo) > 1000 {
		f["memo"] = keyTooLong
	}
	if in.Date.IsZero() || DayStart(in.Date).After(DayStart(l.now())) {
		f["date"] = keyPayoutDate
	}
	if len(f) > 0 {
		return Entry{}, apperr.Fields(f)
	}
	var out Entry
	err := db.InTx(ctx, l.db, func(tx *sqlx.Tx) error {
		var number int64
		if err := tx.GetContext(ctx, &number, `SELECT nextval('ledger_adjustment_seq')`); err != nil {
			return fmt.Errorf("adjustment number: %w", db.Translate(err))
		}
		out = Entry{Account: in.Account, Kind: KindAdjustment, Source: SourceAdjustment,
			SourceRef: strconv.FormatInt(number, 10), AmountMinor: in.AmountMinor, ShareMinor: in.ShareMinor,
			Currency: l.opts.Currency, OccurredAt: DayStart(in.Date).UTC(), CreatedAt: l.now(),
			CreatedBy: actorName(actor), Memo: in.Memo}
		if in.WorkshopID != 0 {
			if err := workshopExists(ctx, tx, in.WorkshopID); err != nil {
				return err
			}
			if err := lockWorkshop(ctx, tx, in.WorkshopID); err != nil {
				return err
			}
			ws := in.WorkshopID
			out.WorkshopID = &ws
		}
		var err error
		if out.ID, err = insertEntry(ctx, tx, out, out.CreatedAt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "ledger.adjust", Entity: "ledger_entry",
			EntityID: strconv.FormatInt(out.ID, 10), WorkshopID: in.WorkshopID,
			Summary: fmt.Sprintf("adjust %s: amount %d, share %d: %s", in.Account, in.AmountMinor, in.ShareMinor, in.Memo),
			After:   map[string]any{"amount_minor": in.AmountMinor, "share_minor": in.ShareMinor}})
	})
	if err != nil {
		return Entry{}, fmt.Errorf("adjust %s: %w", in.Account, err)
	}
	return out, nil
}

func clean(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}
