package quote

import (
	"context"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
)

// paid makes a quote for workshop ws, accepted by the company, its deposit paid.
func (f *fixture) paid(t *testing.T, companyID, userID, ws int64) Quote {
	t.Helper()
	q := f.quoted(t, companyID, userID, ws)
	if _, err := f.svc.Accept(context.Background(), companyID, userID, q.ID, 1, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE quotes SET status = 'deposit_paid' WHERE id = $1`, q.ID); err != nil {
		t.Fatal(err)
	}
	return q
}

// all is every ordered size of validForm's quote at the given counts.
func all(cut, sewn, finished int) []Progress {
	return []Progress{
		{LineNo: 1, Size: "s", Cut: min(cut, 10), Sewn: min(sewn, 10), Finished: min(finished, 10)},
		{LineNo: 1, Size: "m", Cut: min(cut, 20), Sewn: min(sewn, 20), Finished: min(finished, 20)},
		{LineNo: 1, Size: "l", Cut: min(cut, 5), Sewn: min(sewn, 5), Finished: min(finished, 5)},
		{LineNo: 2, Size: "m", Cut: min(cut, 12), Sewn: min(sewn, 12), Finished: min(finished, 12)},
	}
}

// TestProduction follows a job through a workshop lead's hands: another workshop's lead
// finds nothing; bad counts are refused whole; the first progress starts production;
// ready waits for every garment; staff deliver.
func TestProduction(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	wsA, wsB := f.workshop(t, "costura"), f.workshop(t, "bordado")
	lead := audit.Actor{ID: f.staff.ID}
	mine, other := []int64{wsA}, []int64{wsB}
	q := f.paid(t, cid, uid, wsA)
	company := f.email(t, uid)

	for name, run := range map[string]func(ws []int64) error{
		"job":      func(ws []int64) error { _, err := f.svc.Job(ctx, ws, q.ID); return err },
		"start":    func(ws []int64) error { _, err := f.svc.StartProduction(ctx, lead, ws, q.ID); return err },
		"progress": func(ws []int64) error { return f.svc.RecordProgress(ctx, lead, ws, q.ID, all(1, 0, 0)) },
		"ready":    func(ws []int64) error { _, err := f.svc.MarkReady(ctx, lead, ws, q.ID); return err },
	} {
		for _, ws := range [][]int64{other, {}} {
			wantCode(t, run(ws), apperr.NotFound, "")
		}
		if s := f.status(t, q.ID); s != StatusDepositPaid {
			t.Fatalf("%s by another workshop moved the job to %s", name, s)
		}
	}
	if js, err := f.svc.Jobs(ctx, other); err != nil || len(js) != 0 {
		t.Fatalf("another workshop's jobs = %+v, %v", js, err)
	}
	js, err := f.svc.Jobs(ctx, mine)
	if err != nil || len(js) != 1 {
		t.Fatalf("jobs = %+v, %v", js, err)
	}
	if j := js[0]; j.ID != q.ID || j.CompanyName != "Empresa 800.197.268-4" || j.Ordered != 47 || j.Finished != 0 ||
		len(j.Workshops) != 1 || j.Workshops[0].WorkshopName != "Taller costura" {
		t.Fatalf("job = %+v", j)
	}

	bad := []Progress{
		{LineNo: 1, Size: "s", Cut: 10, Sewn: 8, Finished: 9},  // finished > sewn
		{LineNo: 1, Size: "m", Cut: 21, Sewn: 0, Finished: 0},  // more than ordered
		{LineNo: 1, Size: "xs", Cut: 1, Sewn: 0, Finished: 0},  // a size not ordered
		{LineNo: 9, Size: "m", Cut: 0, Sewn: 0, Finished: 0},   // no such line
		{LineNo: 2, Size: "m", Cut: 5, Sewn: 6, Finished: 0},   // sewn > cut
		{LineNo: 2, Size: "m", Cut: 5, Sewn: 5, Finished: -1},  // negative
		{LineNo: 1, Size: "l", Cut: 5, Sewn: 5, Finished: 5},   // fine, but not saved
		{LineNo: 1, Size: "4xl", Cut: 0, Sewn: 0, Finished: 0}, // unknown size
	}
	err = f.svc.RecordProgress(ctx, lead, mine, q.ID, bad)
	fe := apperr.FieldsOf(err)
	for _, k := range []string{"progress.1.s", "progress.1.m", "progress.1.xs", "progress.9.m", "progress.2.m", "progress.1.4xl"} {
		if fe[k] != "quote.progress_invalid" {
			t.Errorf("field %s = %q", k, fe[k])
		}
	}
	var rows int
	_ = f.db.Get(&rows, `SELECT count(*) FROM quote_progress WHERE quote_id = $1`, q.ID)
	if len(fe) != 6 || rows != 0 || f.status(t, q.ID) != StatusDepositPaid {
		t.Fatalf("refused progress: fields %v, %d rows saved, status %s", fe, rows, f.status(t, q.ID))
	}

	if err := f.svc.RecordProgress(ctx, lead, mine, q.ID, all(10, 5, 3)); err != nil {
		t.Fatal(err)
	}
	if s := f.status(t, q.ID); s != StatusInProduction {
		t.Fatalf("first progress left the job %s, want in_production", s)
	}
	if n := f.mails(t, company, mailStatus, "in_production"); n != 1 {
		t.Fatalf("%d production emails to the company, want 1", n)
	}
	_, err = f.svc.MarkReady(ctx, lead, mine, q.ID)
	wantCode(t, err, apperr.Conflict, "quote.not_finished")
	d, err := f.svc.Job(ctx, mine, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p := d.Progress[1]; p.Size != "m" || p.Ordered != 20 || p.Cut != 10 || p.Sewn != 5 || p.Finished != 3 || d.Status != StatusInProduction {
		t.Fatalf("progress = %+v", d.Progress)
	}
	// A correction downwards is allowed; a second save of the same counts changes nothing.
	for range 2 {
		if err := f.svc.RecordProgress(ctx, lead, mine, q.ID, all(100, 100, 100)); err != nil {
			t.Fatal(err)
		}
	}
	ready, err := f.svc.MarkReady(ctx, lead, mine, q.ID)
	if err != nil || ready.Status != StatusReady {
		t.Fatalf("ready = %s, %v", ready.Status, err)
	}
	if n := f.mails(t, company, mailStatus, "ready"); n != 1 {
		t.Fatalf("%d ready emails, want 1", n)
	}
	err = f.svc.RecordProgress(ctx, lead, mine, q.ID, all(1, 1, 1))
	wantCode(t, err, apperr.Conflict, "quote.transition")
	if js, _ := f.svc.Jobs(ctx, mine); len(js) != 1 || js[0].Finished != 47 {
		t.Fatalf("jobs once ready = %+v", js)
	}

	_, err = f.svc.Deliver(ctx, f.staff, q.ID, strings.Repeat("x", 1001))
	if apperr.FieldsOf(err)["note"] != "quote.note_too_long" {
		t.Fatalf("long note: %v", err)
	}
	got, err := f.svc.Deliver(ctx, f.staff, q.ID, "  Recibió   Ana en portería ")
	if err != nil || got.Status != StatusDelivered || got.DeliveredAt == nil || got.DeliveryNote != "Recibió Ana en portería" {
		t.Fatalf("delivered = %+v, %v", got, err)
	}
	if n := f.mails(t, company, mailStatus, "delivered"); n != 1 {
		t.Fatalf("%d delivery emails, want 1", n)
	}
	if js, _ := f.svc.Jobs(ctx, mine); len(js) != 0 {
		t.Fatalf("a delivered quote is still on the board: %+v", js)
	}
	if _, err := f.svc.Job(ctx, mine, q.ID); err != nil {
		t.Fatalf("the lead lost the delivered job: %v", err)
	}
}

// TestJobsScope: the staff board holds every job, nearest deadline first; a lead's
// holds their workshops' jobs only, and never quotes before the deposit.
func TestJobsScope(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	wsA, wsB := f.workshop(t, "costura"), f.workshop(t, "bordado")
	late := f.paid(t, cid, uid, wsA)
	soon := f.paid(t, cid, uid, wsB)
	if _, err := f.db.Exec(`UPDATE quotes SET deadline = '2026-04-01' WHERE id = $1`, soon.ID); err != nil {
		t.Fatal(err)
	}
	accepted := f.quoted(t, cid, uid, wsA)
	if _, err := f.svc.Accept(ctx, cid, uid, accepted.ID, 1, false); err != nil {
		t.Fatal(err)
	}
	board, err := f.svc.Jobs(ctx, nil)
	if err != nil || len(board) != 2 || board[0].ID != soon.ID || board[1].ID != late.ID {
		t.Fatalf("staff board = %+v, %v", board, err)
	}
	both, err := f.svc.Jobs(ctx, []int64{wsA, wsB})
	if err != nil || len(both) != 2 {
		t.Fatalf("a lead of both workshops sees %d jobs, %v", len(both), err)
	}
	if a, _ := f.svc.Jobs(ctx, []int64{wsA}); len(a) != 1 || a[0].ID != late.ID {
		t.Fatalf("workshop A's jobs = %+v", a)
	}
	_, err = f.svc.Job(ctx, []int64{wsA}, accepted.ID)
	wantCode(t, err, apperr.NotFound, "")
	if _, err := f.svc.Job(ctx, nil, accepted.ID); err != nil {
		t.Fatalf("staff job view: %v", err)
	}
	q, err := f.svc.StartProduction(ctx, f.staff, nil, soon.ID)
	if err != nil || q.Status != StatusInProduction {
		t.Fatalf("staff start = %s, %v", q.Status, err)
	}
}
