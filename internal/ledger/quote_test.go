package ledger_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/ledger"
)

// quoteRow is a corporate quote as package quote leaves it once accepted: a company, a
// price version and the version's workshops with their part of the work.
type quoteRow struct {
	id     int64
	number string
	ws     []ledger.QuoteWorkshop
}

func (f *fixture) quote(t *testing.T, number string, ws ...ledger.QuoteWorkshop) quoteRow {
	t.Helper()
	var company, user, id int64
	if err := f.db.Get(&company, `INSERT INTO companies (name, nit) VALUES ('Empresa', $1) RETURNING id`, "900.000.00"+number[len(number)-1:]+"-1"); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Get(&user, `INSERT INTO users (email, name, role, company_id) VALUES ($1, 'Ana', 'corporate_client', $2) RETURNING id`,
		strings.ToLower(number)+"@empresa.example", company); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Get(&id, `INSERT INTO quotes (number, company_id, requested_by, deadline, delivery_city, status, accepted_version)
		VALUES ($1, $2, $3, '2026-03-01', 'Bogotá', 'accepted', 1) RETURNING id`, number, company, user); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`INSERT INTO quote_versions (quote_id, version, unit_prices, total_minor, lead_time_days, valid_until)
		VALUES ($1, 1, '[]', 100000000, 20, '2026-02-01')`, id); err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		if _, err := f.db.Exec(`INSERT INTO quote_workshops (quote_id, version, workshop_id, work_bps) VALUES ($1, 1, $2, $3)`,
			id, w.WorkshopID, w.WorkBps); err != nil {
			t.Fatal(err)
		}
	}
	return quoteRow{id: id, number: number, ws: ws}
}

// pay records a paid quote payment and posts it, in one transaction (as package quote
// does); it returns the payment id.
func (f *fixture) pay(t *testing.T, q quoteRow, amount int64) int64 {
	t.Helper()
	var id int64
	err := db.InTx(context.Background(), f.db, func(tx *sqlx.Tx) error {
		at := f.clock.Now()
		if err := tx.Get(&id, `INSERT INTO quote_payments (quote_id, kind, method, status, amount_minor, paid_at)
			VALUES ($1, 'deposit', 'transfer', 'paid', $2, $3) RETURNING id`, q.id, amount, at); err != nil {
			return err
		}
		return f.ledger.PostQuotePayment(context.Background(), tx, ledger.QuotePaymentInput{PaymentID: id, QuoteID: q.id,
			Number: q.number, Amount: amount, Currency: "COP", At: at, Workshops: q.ws, Actor: "staff"})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// refund records a refund of a quote payment and posts it; it returns the post error.
func (f *fixture) refundQuote(t *testing.T, q quoteRow, paymentID, amount int64) error {
	t.Helper()
	return db.InTx(context.Background(), f.db, func(tx *sqlx.Tx) error {
		var id int64
		at := f.clock.Now()
		if err := tx.Get(&id, `INSERT INTO quote_refunds (payment_id, amount_minor, created_at) VALUES ($1, $2, $3) RETURNING id`,
			paymentID, amount, at); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE quote_payments SET refunded_minor = refunded_minor + $2 WHERE id = $1`, paymentID, amount); err != nil {
			return err
		}
		return f.ledger.PostQuoteRefund(context.Background(), tx, ledger.QuoteRefundInput{RefundID: id, PaymentID: paymentID,
			Number: q.number, Amount: amount, Currency: "COP", At: at, Actor: "staff"})
	})
}

// quoteEntries are the workshop entries of a quote's money, oldest first.
func (f *fixture) quoteEntries(t *testing.T, number string) []ledger.Entry {
	t.Helper()
	var es []ledger.Entry
	if err := f.db.Select(&es, `SELECT id, account, workshop_id, kind, source, source_ref, order_id, order_number, line_no,
			product_id, variant_id, title, size, quantity, amount_minor, share_bps, share_minor, currency, occurred_at,
			created_at, created_by, memo
		FROM ledger_entries WHERE memo = $1 ORDER BY id`, number); err != nil {
		t.Fatal(err)
	}
	return es
}

func TestQuotePaymentSplitsByWork(t *testing.T) {
	f := newFixture(t, 2)
	a, b := f.ws[0], f.ws[1]
	if err := f.ledger.SetShare(context.Background(), staff, b, 5000, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	q := f.quote(t, "COT-2026-00001", ledger.QuoteWorkshop{WorkshopID: b, WorkBps: 3000}, ledger.QuoteWorkshop{WorkshopID: a, WorkBps: 7000})
	f.clock.Add(time.Hour)
	pid := f.pay(t, q, 33333333) // COP 333.333,33: 70/30 has no exact split

	es := f.quoteEntries(t, q.number)
	if len(es) != 2 {
		t.Fatalf("%d entries, want one per workshop", len(es))
	}
	got := map[int64]ledger.Entry{}
	for _, e := range es {
		got[*e.WorkshopID] = e
		if e.Kind != ledger.KindSale || e.Source != ledger.SourceQuote || e.SourceRef != itoa(pid) || e.OrderID != nil ||
			e.Quantity != 0 || e.Title != q.number {
			t.Errorf("entry %+v", e)
		}
	}
	if got[a].AmountMinor != 23333333 || got[b].AmountMinor != 10000000 {
		t.Errorf("split %d / %d, want 23333333 / 10000000 (70/30, summing to the payment)", got[a].AmountMinor, got[b].AmountMinor)
	}
	// Each workshop's share of its part: 60% by default, 50% for b.
	if got[a].ShareMinor != 14000000 || got[a].ShareBps != 6000 || got[b].ShareMinor != 5000000 || got[b].ShareBps != 5000 {
		t.Errorf("shares %d@%d / %d@%d", got[a].ShareMinor, got[a].ShareBps, got[b].ShareMinor, got[b].ShareBps)
	}
	// The statement names the quote in the entry's reference (memo); its garments are not
	// units sold per product and size (production counts them), so no unit row.
	st, err := f.ledger.Statement(context.Background(), a, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st.Gross != 23333333 || st.Share != 14000000 || len(st.Entries) != 1 || st.Entries[0].Memo != q.number ||
		len(st.Units) != 0 {
		t.Errorf("statement of a: gross %d share %d entries %+v units %+v", st.Gross, st.Share, st.Entries, st.Units)
	}
	r := wantReconciled(t, f.ledger, time.Time{}, time.Time{})
	if r.QuotePayments != 1 {
		t.Errorf("reconcile counted %d quote payments, want 1", r.QuotePayments)
	}
}

func TestQuoteRefundsReverseTheCredit(t *testing.T) {
	f := newFixture(t, 2)
	a, b := f.ws[0], f.ws[1]
	q := f.quote(t, "COT-2026-00002", ledger.QuoteWorkshop{WorkshopID: a, WorkBps: 7000}, ledger.QuoteWorkshop{WorkshopID: b, WorkBps: 3000})
	pid := f.pay(t, q, 50000000)
	f.clock.Add(24 * time.Hour)
	if err := f.refundQuote(t, q, pid, 10000001); err != nil {
		t.Fatal(err)
	}
	if err := f.refundQuote(t, q, pid, 39999999); err != nil {
		t.Fatal(err)
	}
	es := f.quoteEntries(t, q.number)
	byWs := map[int64][2]int64{}
	for _, e := range es {
		v := byWs[*e.WorkshopID]
		byWs[*e.WorkshopID] = [2]int64{v[0] + e.AmountMinor, v[1] + e.ShareMinor}
	}
	// All of it back: every workshop's money and share are zero again.
	if byWs[a] != [2]int64{} || byWs[b] != [2]int64{} {
		t.Errorf("after refunding everything: %v", byWs)
	}
	if len(es) != 6 {
		t.Errorf("%d entries, want 2 sales and 2×2 refunds", len(es))
	}
	r := wantReconciled(t, f.ledger, time.Time{}, time.Time{})
	if r.QuoteRefunds != 2 {
		t.Errorf("reconcile counted %d quote refunds, want 2", r.QuoteRefunds)
	}
	// Nothing left to refund: the ledger refuses more.
	if err := f.refundQuote(t, q, pid, 1); err == nil {
		t.Error("a refund beyond the payment was posted")
	}
}

func TestReconcileFindsTamperedQuoteMoney(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, f *fixture, q quoteRow, pid int64)
		want   string
	}{
		{"payment amount changed after posting", func(t *testing.T, f *fixture, q quoteRow, pid int64) {
			if _, err := f.db.Exec(`UPDATE quote_payments SET amount_minor = amount_minor + 100 WHERE id = $1`, pid); err != nil {
				t.Fatal(err)
			}
		}, "payments say"},
		{"refund without entries", func(t *testing.T, f *fixture, q quoteRow, pid int64) {
			if _, err := f.db.Exec(`INSERT INTO quote_refunds (payment_id, amount_minor) VALUES ($1, 500)`, pid); err != nil {
				t.Fatal(err)
			}
		}, "refunds recorded"},
		{"paid payment never posted", func(t *testing.T, f *fixture, q quoteRow, pid int64) {
			if _, err := f.db.Exec(`INSERT INTO quote_payments (quote_id, kind, method, status, amount_minor, paid_at)
				VALUES ($1, 'balance', 'transfer', 'paid', 700, now())`, q.id); err != nil {
				t.Fatal(err)
			}
		}, "ledger holds 0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 2)
			q := f.quote(t, "COT-2026-00003", ledger.QuoteWorkshop{WorkshopID: f.ws[0], WorkBps: 7000},
				ledger.QuoteWorkshop{WorkshopID: f.ws[1], WorkBps: 3000})
			pid := f.pay(t, q, 50000000)
			wantReconciled(t, f.ledger, time.Time{}, time.Time{})
			tt.tamper(t, f, q, pid)
			r, err := f.ledger.Reconcile(context.Background(), time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			_ = r.WriteTable(&b)
			if r.OK() || !strings.Contains(b.String(), tt.want) || !strings.Contains(b.String(), q.number) {
				t.Errorf("tampered ledger not reported (want %q naming %s):\n%s", tt.want, q.number, b.String())
			}
		})
	}
}
