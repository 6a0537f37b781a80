package quote

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
)

// TestCanMoveTable lists every allowed move; every other pair of statuses is refused.
func TestCanMoveTable(t *testing.T) {
	allowed := map[[2]Status]bool{
		{StatusRequested, StatusQuoted}:         true,
		{StatusRequested, StatusCancelled}:      true,
		{StatusQuoted, StatusAccepted}:          true,
		{StatusQuoted, StatusDeclined}:          true,
		{StatusQuoted, StatusExpired}:           true,
		{StatusQuoted, StatusCancelled}:         true,
		{StatusAccepted, StatusDepositPaid}:     true,
		{StatusAccepted, StatusCancelled}:       true,
		{StatusDepositPaid, StatusInProduction}: true,
		{StatusDepositPaid, StatusCancelled}:    true,
		{StatusInProduction, StatusReady}:       true,
		{StatusInProduction, StatusCancelled}:   true,
		{StatusReady, StatusDelivered}:          true,
		{StatusDelivered, StatusSettled}:        true,
	}
	n := 0
	for _, from := range Statuses {
		for _, to := range Statuses {
			want := allowed[[2]Status{from, to}]
			if got := CanMove(from, to); got != want {
				t.Errorf("CanMove(%s, %s) = %v, want %v", from, to, got, want)
			}
			if !want {
				n++
			}
		}
	}
	if n != len(Statuses)*len(Statuses)-len(allowed) || len(Statuses) != 11 {
		t.Fatalf("checked %d refused moves", n)
	}
	for from, tos := range transitions {
		if !from.Valid() {
			t.Errorf("transitions has unknown status %s", from)
		}
		for _, to := range tos {
			if !to.Valid() {
				t.Errorf("transitions has unknown status %s", to)
			}
		}
	}
	if CanMove("bogus", StatusQuoted) || Status("bogus").Valid() {
		t.Error("an unknown status moves or is valid")
	}
}

// TestMovesFromEveryStatus runs Cancel and Decline from every status: allowed moves
// happen, refused ones are conflicts "quote.transition" that change nothing (no status,
// no reason, no audit entry).
func TestMovesFromEveryStatus(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	for _, op := range []struct {
		name string
		to   Status
		run  func(id int64) error
	}{
		{"cancel", StatusCancelled, func(id int64) error { _, err := f.svc.Cancel(ctx, f.staff, id, "cliente desiste"); return err }},
		{"decline", StatusDeclined, func(id int64) error { _, err := f.svc.Decline(ctx, cid, uid, id, "muy caro"); return err }},
	} {
		for _, from := range Statuses {
			t.Run(fmt.Sprintf("%s from %s", op.name, from), func(t *testing.T) {
				q := f.request(t, cid, uid)
				f.setStatus(t, q.ID, from)
				var audits int
				_ = f.db.Get(&audits, `SELECT count(*) FROM audit_log WHERE entity = 'quote' AND entity_id = $1::text`, q.ID)
				err := op.run(q.ID)
				var after int
				_ = f.db.Get(&after, `SELECT count(*) FROM audit_log WHERE entity = 'quote' AND entity_id = $1::text`, q.ID)
				if CanMove(from, op.to) {
					if err != nil || f.status(t, q.ID) != op.to || after != audits+1 {
						t.Fatalf("allowed move: err %v, status %s, audit %d->%d", err, f.status(t, q.ID), audits, after)
					}
					return
				}
				wantCode(t, err, apperr.Conflict, "quote.transition")
				var reason string
				_ = f.db.Get(&reason, `SELECT status_reason FROM quotes WHERE id = $1`, q.ID)
				if s := f.status(t, q.ID); s != from || reason != "" || after != audits {
					t.Fatalf("refused move changed things: status %s, reason %q, audit %d->%d", s, reason, audits, after)
				}
			})
		}
	}
	_, err := f.svc.Cancel(ctx, f.staff, 999999, "x")
	wantCode(t, err, apperr.NotFound, "")
	q := f.request(t, cid, uid)
	_, err = f.svc.Cancel(ctx, f.staff, q.ID, " ")
	if apperr.FieldsOf(err)["reason"] != "quote.reason_required" {
		t.Fatalf("cancel without reason: %v", err)
	}
}

func TestQuoteVersionsAndExpire(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	q := f.request(t, cid, uid)
	ws := f.workshop(t, "costura")

	_, err := f.svc.Quote(ctx, f.staff, q.ID, Pricing{UnitMinor: map[int]int64{1: 4500000}, LeadTimeDays: 20, ValidUntil: day("2026-03-20"),
		Workshops: []Assignment{{WorkshopID: ws, WorkBps: 10000}}})
	if apperr.FieldsOf(err)["lines.1.unit_price"] != "quote.price_invalid" {
		t.Fatalf("a line without price: %v", err)
	}
	if s := f.status(t, q.ID); s != StatusRequested {
		t.Fatalf("refused pricing moved the quote to %s", s)
	}
	p := pricing(ws, "2026-03-20")
	got, err := f.svc.Quote(ctx, f.staff, q.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	v := got.Versions[0]
	wantTotal := int64(35*4500000 + 12*3000000 + 15000000)
	if got.Status != StatusQuoted || len(got.Versions) != 1 || v.Total != wantTotal || v.DepositPct != 50 ||
		v.Deposit() != wantTotal/2 || len(v.UnitPrices) != 2 || v.UnitPrices[1].UnitMinor != 3000000 {
		t.Fatalf("quoted = %s %+v", got.Status, got.Versions)
	}
	p.UnitMinor[1] = 4000000
	p.DepositPct = 30
	p.ValidUntil = day("2026-03-25")
	got, err = f.svc.Quote(ctx, f.staff, q.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Versions) != 2 || got.Versions[0].Total != wantTotal || got.Versions[1].Version != 2 ||
		got.Versions[1].DepositPct != 30 || got.ValidUntil == nil || got.ValidUntil.Format(time.DateOnly) != "2026-03-25" {
		t.Fatalf("second version = %+v valid %v", got.Versions, got.ValidUntil)
	}

	// Valid through 25 March in Bogotá: still quoted at 23:59 that day (04:59 UTC on the
	// 26th), expired at midnight.
	f.clock.Set(time.Date(2026, 3, 26, 4, 59, 0, 0, time.UTC))
	if n, err := f.svc.Expire(ctx); err != nil || n != 0 {
		t.Fatalf("Expire on the last day = %d, %v", n, err)
	}
	f.clock.Set(time.Date(2026, 3, 26, 5, 0, 0, 0, time.UTC))
	if n, err := f.svc.Expire(ctx); err != nil || n != 1 {
		t.Fatalf("Expire after the last day = %d, %v", n, err)
	}
	if s := f.status(t, q.ID); s != StatusExpired {
		t.Fatalf("status = %s, want expired", s)
	}
	if n, err := f.svc.Expire(ctx); err != nil || n != 0 {
		t.Fatalf("Expire again = %d, %v", n, err)
	}
	_, err = f.svc.Quote(ctx, f.staff, q.ID, p)
	wantCode(t, err, apperr.Conflict, "quote.transition")
}
