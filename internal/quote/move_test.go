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

// TestMovesFromEveryStatus runs every move from every status: allowed moves happen and
// email the other side of whoever moved; refused ones are conflicts that change nothing
// (no status, no reason, no audit entry, no email).
func TestMovesFromEveryStatus(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	ws := f.workshop(t, "costura")
	company, staff := f.email(t, uid), "staff@libres.test"
	finish := func(t *testing.T, id int64) {
		if _, err := f.db.Exec(`INSERT INTO quote_progress (quote_id, line_no, size, cut, sewn, finished)
			SELECT $1::bigint, 1, 's', 10, 10, 10 UNION ALL SELECT $1, 1, 'm', 20, 20, 20 UNION ALL
			SELECT $1, 1, 'l', 5, 5, 5 UNION ALL SELECT $1, 2, 'm', 12, 12, 12`, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, op := range []struct {
		name string
		to   Status
		key  string // of the refusal
		mail string // who hears of an allowed move
		prep func(t *testing.T, id int64)
		run  func(id int64) error
	}{
		{"cancel", StatusCancelled, keyTransition, company, nil,
			func(id int64) error { _, err := f.svc.Cancel(ctx, f.staff, id, "cliente desiste"); return err }},
		{"decline", StatusDeclined, keyTransition, staff, nil,
			func(id int64) error { _, err := f.svc.Decline(ctx, cid, uid, id, "muy caro"); return err }},
		{"accept", StatusAccepted, keyTransition, staff, nil,
			func(id int64) error { _, err := f.svc.Accept(ctx, cid, uid, id, 1, false); return err }},
		{"start", StatusInProduction, keyTransition, company, nil,
			func(id int64) error { _, err := f.svc.StartProduction(ctx, f.staff, nil, id); return err }},
		{"progress", StatusInProduction, keyTransition, company, nil,
			func(id int64) error { return f.svc.RecordProgress(ctx, f.staff, nil, id, all(1, 0, 0)) }},
		{"ready", StatusReady, keyTransition, company, finish,
			func(id int64) error { _, err := f.svc.MarkReady(ctx, f.staff, nil, id); return err }},
		{"deliver", StatusDelivered, keyTransition, company, nil,
			func(id int64) error { _, err := f.svc.Deliver(ctx, f.staff, id, "entregado"); return err }},
	} {
		for _, from := range Statuses {
			t.Run(fmt.Sprintf("%s from %s", op.name, from), func(t *testing.T) {
				q := f.quoted(t, cid, uid, ws)
				f.setStatus(t, q.ID, from)
				if op.prep != nil {
					op.prep(t, q.ID)
				}
				var audits, mails int
				count := func() (int, int) {
					var a, m int
					_ = f.db.Get(&a, `SELECT count(*) FROM audit_log WHERE entity = 'quote' AND entity_id = $1::text`, q.ID)
					_ = f.db.Get(&m, `SELECT count(*) FROM river_job WHERE (args->>'data')::jsonb->>'Number' = $1`, q.Number)
					return a, m
				}
				audits, mails = count()
				err := op.run(q.ID)
				afterAudits, afterMails := count()
				// RecordProgress in production is not a move: it only saves counts.
				allowed := CanMove(from, op.to) || (op.name == "progress" && from == StatusInProduction)
				if allowed {
					if err != nil || f.status(t, q.ID) != op.to || afterAudits <= audits {
						t.Fatalf("allowed move: err %v, status %s, audit %d->%d", err, f.status(t, q.ID), audits, afterAudits)
					}
					if from != op.to && f.mails(t, op.mail, mailStatus, string(op.to)) == 0 {
						t.Fatalf("no email about %s to %s", op.to, op.mail)
					}
					return
				}
				key := op.key
				if op.name == "accept" && from == StatusExpired {
					key = keyExpired // said plainly to the company, who may ask for a new version
				}
				wantCode(t, err, apperr.Conflict, key)
				var reason string
				_ = f.db.Get(&reason, `SELECT status_reason FROM quotes WHERE id = $1`, q.ID)
				if s := f.status(t, q.ID); s != from || reason != "" || afterAudits != audits || afterMails != mails {
					t.Fatalf("refused move changed things: status %s, reason %q, audit %d->%d, emails %d->%d",
						s, reason, audits, afterAudits, mails, afterMails)
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
