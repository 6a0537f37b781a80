package ledger_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/payment"
)

func TestStatementMonthsAndExports(t *testing.T) {
	f := newFixture(t, 2)
	ctx := context.Background()
	boots := f.variant(t, f.ws[0], 100_000_00, 50)
	bag := f.variant(t, f.ws[0], 40_000_00, 50)
	other := f.variant(t, f.ws[1], 10_000_00, 50)
	jan := f.markPaid(t, f.place(t, payment.MethodTransfer, 0, buy{boots, 2}, buy{other, 1}))
	f.clock.Add(31 * 24 * time.Hour) // February
	feb := f.markPaid(t, f.place(t, payment.MethodTransfer, 0, buy{bag, 3}))
	if _, err := f.orders.RecordRefund(ctx, staff, jan.ID, 100_000_00, "one pair back", []int{1}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ledger.RecordPayout(ctx, staff, ledger.PayoutInput{WorkshopID: f.ws[0], AmountMinor: 50_000_00,
		Date: f.clock.Now(), Method: "transfer", Reference: "TRF-9"}); err != nil {
		t.Fatal(err)
	}
	_ = feb

	st, err := f.ledger.Statement(ctx, f.ws[0], f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	// February: the bags sold, one pair of boots refunded (sold at 60%), a payout.
	if st.Gross != 120_000_00 || st.Refunds != 100_000_00 || st.Net != 20_000_00 || st.Share != 12_000_00 ||
		st.Payouts != 50_000_00 || st.OpeningBalance != 120_000_00 || st.ClosingBalance != 82_000_00 ||
		st.WorkshopName != "Taller A" || st.ShareBps != 6000 || len(st.Entries) != 3 {
		t.Fatalf("February statement %+v", st)
	}
	if len(st.Units) != 2 || st.Units[0].Title > st.Units[1].Title {
		t.Fatalf("units %+v", st.Units)
	}
	for _, u := range st.Units {
		if u.Sold == 3 && u.Refunded != 0 || u.Sold == 0 && u.Refunded != 1 {
			t.Errorf("unit line %+v", u)
		}
	}
	if _, err := f.ledger.Statement(ctx, 999999, f.clock.Now()); apperr.KeyOf(err) != "ledger.workshop_not_found" {
		t.Fatalf("unknown workshop: %v", err)
	}

	months, err := f.ledger.Months(ctx, f.ws[0], 3)
	if err != nil || len(months) != 3 {
		t.Fatalf("Months = %+v, %v", months, err)
	}
	if m := months[1]; m.Gross != 200_000_00 || m.Units != 2 || !m.Month.Equal(ledger.MonthStart(jan.CreatedAt)) {
		t.Errorf("January %+v", m)
	}
	if m := months[2]; m.Net != 20_000_00 || m.Units != 2 {
		t.Errorf("February %+v", m)
	}

	var buf bytes.Buffer
	if err := f.ledger.WriteEntriesCSV(ctx, &buf, f.ws[0], time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	if err != nil || len(recs) != 1+4 || recs[0][0] != "id" {
		t.Fatalf("entries CSV (%v):\n%s", err, buf.String())
	}
	payouts := 0
	for _, r := range recs[1:] {
		if r[4] == "payout" && r[13] == "-50000.00" && r[15] == "-50000.00" {
			payouts++
		}
	}
	if payouts != 1 {
		t.Fatalf("no payout row in %v", recs)
	}
	buf.Reset()
	if err := f.ledger.WriteSummaryCSV(ctx, &buf, time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if recs, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll(); err != nil || len(recs) != 1+2+2 {
		t.Fatalf("summary CSV (%v):\n%s", err, buf.String())
	}

	prod, err := f.ledger.Production(ctx, f.ws[0], f.clock.Now())
	if err != nil || prod.Sold != 3-1 || len(prod.Products) != 2 {
		t.Fatalf("Production = %+v, %v", prod, err)
	}
	im, err := f.ledger.Impact(ctx, f.ws[0])
	if err != nil || im.ItemsSold != 4 || im.ItemsSoldThisYear != 4 || im.ProductsOnSale != 2 || im.FirstSale == nil {
		t.Fatalf("Impact = %+v, %v", im, err)
	}
	ov, err := f.ledger.Overview(ctx, ledger.MonthStart(f.clock.Now()), time.Time{})
	if err != nil || len(ov.Workshops) != 2 || ov.Net != 20_000_00+15_000_00 || ov.BalanceDue != 82_000_00+6_000_00 {
		t.Fatalf("Overview = %+v, %v", ov, err)
	}
	wantReconciled(t, f.ledger, time.Time{}, time.Time{})
}
