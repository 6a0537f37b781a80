package ledger

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// The reconciliation of corporate quotes: every paid quote payment is split again over
// the workshops of its quote's accepted version (as PostQuotePayment split it), with
// the share in force when it was paid, and every refund of it is replayed over what
// each workshop still held (as PostQuoteRefund did).

type srcQuotePayment struct {
	ID       int64      `db:"id"`
	QuoteID  int64      `db:"quote_id"`
	Number   string     `db:"number"`
	Amount   int64      `db:"amount_minor"`
	Refunded int64      `db:"refunded_minor"`
	PaidAt   *time.Time `db:"paid_at"`
}

type srcQuoteRefund struct {
	ID        int64     `db:"id"`
	PaymentID int64     `db:"payment_id"`
	Amount    int64     `db:"amount_minor"`
	At        time.Time `db:"created_at"`
}

type quoteSources struct {
	payments  []srcQuotePayment
	refunds   map[int64][]srcQuoteRefund // by payment
	workshops map[int64][]QuoteWorkshop  // by quote: the accepted version's (else the latest's)
}

func loadQuoteSources(ctx context.Context, q db.Querier) (quoteSources, error) {
	s := quoteSources{refunds: map[int64][]srcQuoteRefund{}, workshops: map[int64][]QuoteWorkshop{}}
	const selPayments = `SELECT p.id, p.quote_id, q.number, p.amount_minor, p.refunded_minor, p.paid_at
		FROM quote_payments p JOIN quotes q ON q.id = p.quote_id
		WHERE p.status = 'paid' OR p.refunded_minor > 0 ORDER BY p.id`
	if err := sqlx.SelectContext(ctx, q, &s.payments, selPayments); err != nil {
		return s, fmt.Errorf("quote payments: %w", db.Translate(err))
	}
	var refunds []srcQuoteRefund
	if err := sqlx.SelectContext(ctx, q, &refunds, `SELECT id, payment_id, amount_minor, created_at FROM quote_refunds ORDER BY payment_id, id`); err != nil {
		return s, fmt.Errorf("quote refunds: %w", db.Translate(err))
	}
	for _, r := range refunds {
		s.refunds[r.PaymentID] = append(s.refunds[r.PaymentID], r)
	}
	const selWorkshops = `SELECT w.quote_id, w.workshop_id, w.work_bps FROM quote_workshops w JOIN quotes q ON q.id = w.quote_id
		WHERE w.version = coalesce(q.accepted_version, (SELECT max(version) FROM quote_versions v WHERE v.quote_id = q.id))
			AND EXISTS (SELECT 1 FROM quote_payments p WHERE p.quote_id = q.id)
		ORDER BY w.quote_id, w.workshop_id`
	var ws []struct {
		QuoteID    int64 `db:"quote_id"`
		WorkshopID int64 `db:"workshop_id"`
		WorkBps    int   `db:"work_bps"`
	}
	if err := sqlx.SelectContext(ctx, q, &ws, selWorkshops); err != nil {
		return s, fmt.Errorf("quote workshops: %w", db.Translate(err))
	}
	for _, w := range ws {
		s.workshops[w.QuoteID] = append(s.workshops[w.QuoteID], QuoteWorkshop{WorkshopID: w.WorkshopID, WorkBps: w.WorkBps})
	}
	return s, nil
}

// quoteExpected adds to the workshops' expected totals (credit returns a workshop's)
// what the quote payments and refunds of the period should have posted, and returns
// what each payment should hold in the ledger for the period, the problems found in
// the sources, and how many payments and refunds counted.
func quoteExpected(src quoteSources, in func(time.Time) bool, shares func(int64, time.Time) int,
	credit func(ws int64) *Totals) (want map[int64]int64, problems []string, payments, refunds int) {
	want = map[int64]int64{}
	for _, p := range src.payments {
		var sumRefunds int64
		for _, rf := range src.refunds[p.ID] {
			sumRefunds += rf.Amount
		}
		if sumRefunds != p.Refunded {
			problems = append(problems, fmt.Sprintf("quote %s payment %d: refunds recorded %s, refunded total %s",
				p.Number, p.ID, decimal(sumRefunds), decimal(p.Refunded)))
		}
		if p.PaidAt == nil {
			continue
		}
		ws := sortedWorkshops(src.workshops[p.QuoteID])
		if len(ws) == 0 {
			problems = append(problems, fmt.Sprintf("quote %s payment %d: the quote has no workshops to credit", p.Number, p.ID))
			continue
		}
		parts := quoteSplit(p.Amount, ws)
		bps := make([]int, len(ws))
		for i, w := range ws {
			bps[i] = shares(w.WorkshopID, *p.PaidAt)
		}
		if in(*p.PaidAt) {
			payments++
			for i, w := range ws {
				t := credit(w.WorkshopID)
				t.Sales += parts[i]
				t.Share += shareOf(parts[i], bps[i])
			}
			want[p.ID] += p.Amount
		}
		held := slices.Clone(parts)
		for _, rf := range src.refunds[p.ID] {
			split := Allocate(rf.Amount, held)[0]
			count := in(rf.At)
			if count {
				refunds++
			}
			for i, w := range ws {
				before := held[i]
				held[i] -= split[i]
				if !count || split[i] == 0 {
					continue
				}
				t := credit(w.WorkshopID)
				t.Refunds -= split[i]
				t.Share += shareOf(held[i], bps[i]) - shareOf(before, bps[i])
				want[p.ID] -= split[i]
			}
		}
	}
	return want, problems, payments, refunds
}

// quoteHeld sums the ledger's quote entries of [from, to) by payment.
func quoteHeld(ctx context.Context, q db.Querier, from, to time.Time) (map[int64]int64, error) {
	const sel = `SELECT CASE WHEN e.source = 'quote' THEN e.source_ref::bigint ELSE r.payment_id END AS payment_id,
			sum(e.amount_minor) AS amount
		FROM ledger_entries e LEFT JOIN quote_refunds r ON e.source = 'quote_refund' AND r.id::text = e.source_ref
		WHERE e.source IN ('quote', 'quote_refund')
			AND ($1::timestamptz IS NULL OR e.occurred_at >= $1) AND ($2::timestamptz IS NULL OR e.occurred_at < $2)
		GROUP BY 1`
	var rows []struct {
		PaymentID *int64 `db:"payment_id"`
		Amount    int64  `db:"amount"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, sel, nullTime(from), nullTime(to)); err != nil {
		return nil, fmt.Errorf("quote entries: %w", db.Translate(err))
	}
	out := map[int64]int64{}
	for _, r := range rows {
		id := int64(0) // a quote_refund entry whose refund row is gone
		if r.PaymentID != nil {
			id = *r.PaymentID
		}
		out[id] += r.Amount
	}
	return out, nil
}

// quoteProblems lists the payments whose entries differ from what they should hold.
func quoteProblems(want, have map[int64]int64, numbers map[int64]string) []string {
	var ids []int64
	for id := range want {
		ids = append(ids, id)
	}
	for id := range have {
		if _, ok := want[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []string
	for _, id := range ids {
		if want[id] == have[id] {
			continue
		}
		if len(out) == 20 {
			out = append(out, "… more quote payments differ")
			break
		}
		out = append(out, fmt.Sprintf("quote %s payment %d: ledger holds %s, payments say %s",
			numbers[id], id, decimal(have[id]), decimal(want[id])))
	}
	return out
}
