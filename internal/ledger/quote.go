package ledger

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// Corporate quotes (package quote) are paid in parts (a deposit, the balance), by card
// or transfer, and the work is shared by the workshops of the accepted version in
// basis points. Each payment credits those workshops, split by their part of the work;
// each refund of a payment takes back from the same workshops what they still hold of
// it. The entries carry no order: their Title and Memo are the quote's number (a
// statement's reference column), LineNo is the workshop's place in the payment (1, 2…)
// and Quantity is 0 (garments are counted by production, not by money).

// QuoteWorkshop is a workshop doing WorkBps of a quote's work.
type QuoteWorkshop struct {
	WorkshopID int64
	WorkBps    int
}

// QuotePaymentInput is money received for a quote (a quote_payments row, PaymentID).
type QuotePaymentInput struct {
	PaymentID int64
	QuoteID   int64
	Number    string // COT-2026-00042
	Amount    int64  // > 0
	Currency  string
	At        time.Time // when it was paid
	Workshops []QuoteWorkshop
	Actor     string // "stripe", a staff email
}

// QuoteRefundInput is money given back of a quote payment (a quote_refunds row).
type QuoteRefundInput struct {
	RefundID  int64
	PaymentID int64
	Number    string
	Amount    int64 // > 0
	Currency  string
	At        time.Time
	Actor     string
}

// quoteSplit divides amount between workshops (sorted by id) pro rata to their work,
// exactly: the parts add up to amount.
func quoteSplit(amount int64, ws []QuoteWorkshop) []int64 {
	caps := make([]int64, len(ws))
	for i, w := range ws {
		caps[i] = amount * int64(w.WorkBps) // amount × ≤10000 stays far inside int64
	}
	return Allocate(amount, caps)[0]
}

// sortedWorkshops returns ws by workshop id: line numbers follow this order, so a
// reconciliation finds the same split.
func sortedWorkshops(ws []QuoteWorkshop) []QuoteWorkshop {
	out := slices.Clone(ws)
	slices.SortFunc(out, func(a, b QuoteWorkshop) int { return cmp.Compare(a.WorkshopID, b.WorkshopID) })
	return out
}

// PostQuotePayment writes a quote payment's entries on q (the transaction that records
// the payment as paid): one sale entry per workshop of the accepted version with its
// part of the amount and the share in force at At. Posting a payment twice fails
// (unique source): the caller posts once, when the payment becomes paid.
func (l *Ledger) PostQuotePayment(ctx context.Context, q db.Querier, in QuotePaymentInput) error {
	if in.Amount <= 0 {
		return fmt.Errorf("payment %d of quote %s: amount %d", in.PaymentID, in.Number, in.Amount)
	}
	if len(in.Workshops) == 0 {
		return fmt.Errorf("payment %d of quote %s: no workshop to credit", in.PaymentID, in.Number)
	}
	ws := sortedWorkshops(in.Workshops)
	if err := lockQuoteWorkshops(ctx, q, ws); err != nil {
		return err
	}
	parts := quoteSplit(in.Amount, ws)
	ref := strconv.FormatInt(in.PaymentID, 10)
	for i, w := range ws {
		b, err := l.ShareAt(ctx, q, w.WorkshopID, in.At)
		if err != nil {
			return err
		}
		id := w.WorkshopID
		e := Entry{Account: AccountWorkshop, WorkshopID: &id, Kind: KindSale, Source: SourceQuote, SourceRef: ref,
			LineNo: i + 1, Title: in.Number, AmountMinor: parts[i], ShareBps: b, ShareMinor: shareOf(parts[i], b)}
		if err := l.insertQuoteEntry(ctx, q, e, in.Currency, in.At, in.Actor, in.Number); err != nil {
			return err
		}
	}
	return nil
}

// PostQuoteRefund writes a quote refund's entries on q (the transaction that records
// it): negative entries to the workshops the payment credited, summing to -Amount,
// split over what each still holds of the payment (its part minus earlier refunds).
// Each entry's share is the change of shareOf(the part's net) at the payment's bps, so
// a wholly refunded payment's shares add up to zero. A refund larger than what the
// payment still holds fails.
func (l *Ledger) PostQuoteRefund(ctx context.Context, q db.Querier, in QuoteRefundInput) error {
	if in.Amount <= 0 {
		return fmt.Errorf("refund %d of quote %s: amount %d", in.RefundID, in.Number, in.Amount)
	}
	parts, err := quoteHoldings(ctx, q, in.PaymentID)
	if err != nil {
		return err
	}
	ws := make([]QuoteWorkshop, len(parts))
	caps := make([]int64, len(parts))
	for i, p := range parts {
		ws[i] = QuoteWorkshop{WorkshopID: p.WorkshopID}
		caps[i] = p.Amount - p.Refunded
	}
	if err := lockQuoteWorkshops(ctx, q, ws); err != nil {
		return err
	}
	split := Allocate(in.Amount, caps)[0]
	var sum int64
	for _, p := range split {
		sum += p
	}
	if sum != in.Amount {
		return fmt.Errorf("refund %d of quote %s: %d is more than the %d the ledger holds of payment %d",
			in.RefundID, in.Number, in.Amount, sum, in.PaymentID)
	}
	ref := strconv.FormatInt(in.RefundID, 10)
	for i, p := range parts {
		if split[i] == 0 {
			continue
		}
		id := p.WorkshopID
		before := p.Amount - p.Refunded
		e := Entry{Account: AccountWorkshop, WorkshopID: &id, Kind: KindRefund, Source: SourceQuoteRefund, SourceRef: ref,
			LineNo: p.LineNo, Title: in.Number, AmountMinor: -split[i], ShareBps: p.Bps,
			ShareMinor: shareOf(before-split[i], p.Bps) - shareOf(before, p.Bps)}
		if err := l.insertQuoteEntry(ctx, q, e, in.Currency, in.At, in.Actor, in.Number); err != nil {
			return err
		}
	}
	return nil
}

// quoteHolding is what one workshop got of a quote payment and has given back.
type quoteHolding struct {
	LineNo     int   `db:"line_no"`
	WorkshopID int64 `db:"workshop_id"`
	Bps        int   `db:"share_bps"`
	Amount     int64 `db:"amount_minor"`
	Refunded   int64 `db:"refunded"`
}

// quoteHoldings reads a payment's sale entries and what its refunds took back of each.
func quoteHoldings(ctx context.Context, q db.Querier, paymentID int64) ([]quoteHolding, error) {
	const sel = `SELECT s.line_no, s.workshop_id, s.share_bps, s.amount_minor,
			coalesce((SELECT -sum(e.amount_minor) FROM ledger_entries e JOIN quote_refunds r ON e.source_ref = r.id::text
				WHERE e.source = 'quote_refund' AND r.payment_id = $1 AND e.line_no = s.line_no), 0) AS refunded
		FROM ledger_entries s WHERE s.source = 'quote' AND s.source_ref = $2 AND s.account = 'workshop'
		ORDER BY s.line_no`
	var out []quoteHolding
	if err := sqlx.SelectContext(ctx, q, &out, sel, paymentID, strconv.FormatInt(paymentID, 10)); err != nil {
		return nil, fmt.Errorf("entries of quote payment %d: %w", paymentID, db.Translate(err))
	}
	return out, nil
}

func (l *Ledger) insertQuoteEntry(ctx context.Context, q db.Querier, e Entry, currency string, at time.Time, actor, number string) error {
	e.Currency, e.OccurredAt, e.CreatedBy, e.Memo = currency, at, actor, number
	if e.Currency == "" {
		e.Currency = l.opts.Currency
	}
	_, err := insertEntry(ctx, q, e, l.now())
	return err
}

// lockQuoteWorkshops takes the shared lock of each workshop (as lockWorkshops does for
// order lines).
func lockQuoteWorkshops(ctx context.Context, q db.Querier, ws []QuoteWorkshop) error {
	lines := make([]SaleLine, len(ws))
	for i, w := range ws {
		lines[i].WorkshopID = w.WorkshopID
	}
	return lockWorkshops(ctx, q, lines)
}
