package quote

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

// TestSearchAndCSV: staff filter by status, company and a number or company name (with
// LIKE's wildcards taken literally), page through, and export the same quotes as a CSV
// whose cells a spreadsheet cannot run.
func TestSearchAndCSV(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cidA, uidA := f.company(t, "800.197.268-4", true)
	cidB, uidB := f.company(t, "900.123.456-8", true)
	if _, err := f.db.Exec(`UPDATE companies SET name = '=HYPERLINK("x") 100% Real' WHERE id = $1`, cidB); err != nil {
		t.Fatal(err)
	}
	ws := f.workshop(t, "costura")
	a1 := f.request(t, cidA, uidA)
	a2 := f.quoted(t, cidA, uidA, ws)
	b1 := f.quoted(t, cidB, uidB, ws)

	ids := func(js []Job) []int64 {
		var out []int64
		for _, j := range js {
			out = append(out, j.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		filter Filter
		want   []int64
	}{
		{"all, newest first", Filter{}, []int64{b1.ID, a2.ID, a1.ID}},
		{"status", Filter{Status: StatusRequested}, []int64{a1.ID}},
		{"company", Filter{CompanyID: cidA}, []int64{a2.ID, a1.ID}},
		{"number", Filter{Query: strings.ToLower(a2.Number[4:])}, []int64{a2.ID}},
		{"company name", Filter{Query: "empresa 800"}, []int64{a2.ID, a1.ID}},
		{"percent is literal", Filter{Query: "100%"}, []int64{b1.ID}},
		{"underscore is literal", Filter{Query: "_"}, nil},
		{"page 2 of 1 each", Filter{Page: 2, PerPage: 1}, []int64{a2.ID}},
		{"both", Filter{Status: StatusQuoted, CompanyID: cidB}, []int64{b1.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			js, total, err := f.svc.Search(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(js)
			wantTotal := len(tc.want)
			if tc.filter.PerPage == 1 {
				wantTotal = 3
			}
			if total != wantTotal || len(got) != len(tc.want) {
				t.Fatalf("got %v (total %d), want %v", got, total, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
	js, _, _ := f.svc.Search(ctx, Filter{CompanyID: cidA})
	if js[0].CompanyName != "Empresa 800.197.268-4" || js[0].Ordered != 47 || len(js[0].Workshops) != 1 || len(js[1].Workshops) != 0 {
		t.Fatalf("search rows = %+v", js)
	}

	var buf bytes.Buffer
	if err := f.svc.WriteCSV(ctx, &buf, Filter{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\uFEFF")) {
		t.Fatal("CSV without a byte order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || strings.Join(recs[0], ",") != "number,company,nit,status,garments,total,currency,deadline,created_at" {
		t.Fatalf("CSV = %q", recs)
	}
	// 35 × $45.000 + 12 × $30.000 + $150.000 setup.
	b, a := recs[1], recs[3]
	if b[0] != b1.Number || b[1] != `'=HYPERLINK("x") 100% Real` || b[2] != "900.123.456-8" || b[3] != "quoted" ||
		b[4] != "47" || b[5] != "2085000.00" || b[7] != "2026-04-30" || !createdOK(b[8]) {
		t.Fatalf("CSV row = %q", b)
	}
	if a[0] != a1.Number || a[3] != "requested" || a[5] != "" {
		t.Fatalf("CSV row of an unpriced quote = %q", a)
	}
	buf.Reset()
	if err := f.svc.WriteCSV(ctx, &buf, Filter{Status: StatusRequested}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Fatalf("filtered CSV has %d lines:\n%s", n, buf.String())
	}
}

// TestRemindExpiring: a quoted price is reminded once when its last valid day (in
// Bogotá) is two days away or less; a new version may be reminded again.
func TestRemindExpiring(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	ws := f.workshop(t, "costura")
	q := f.quoted(t, cid, uid, ws) // valid through 20 March
	accepted := f.quoted(t, cid, uid, ws)
	if _, err := f.svc.Accept(ctx, cid, uid, accepted.ID, 1, false); err != nil {
		t.Fatal(err)
	}
	company := f.email(t, uid)
	remind := func(at time.Time, want int) {
		t.Helper()
		f.clock.Set(at)
		if n, err := f.svc.RemindExpiring(ctx); err != nil || n != want {
			t.Fatalf("RemindExpiring at %s = %d, %v; want %d", at, n, err, want)
		}
	}
	remind(time.Date(2026, 3, 18, 4, 59, 0, 0, time.UTC), 0) // 17 March, 23:59 in Bogotá
	remind(time.Date(2026, 3, 18, 5, 0, 0, 0, time.UTC), 1)  // 18 March begins
	remind(time.Date(2026, 3, 19, 12, 0, 0, 0, time.UTC), 0)
	if n := f.mails(t, company, mailReminder, ""); n != 1 {
		t.Fatalf("%d reminders, want 1", n)
	}
	got, err := f.svc.Quote(ctx, f.staff, q.ID, pricing(ws, "2026-03-25"))
	if err != nil || got.RemindedAt != nil {
		t.Fatalf("new version: reminded_at %v, %v", got.RemindedAt, err)
	}
	remind(time.Date(2026, 3, 19, 13, 0, 0, 0, time.UTC), 0)
	remind(time.Date(2026, 3, 23, 13, 0, 0, 0, time.UTC), 1)
	if n := f.mails(t, company, mailReminder, ""); n != 2 {
		t.Fatalf("%d reminders after the new version, want 2", n)
	}
	// Past its last day it is for Expire, not a reminder.
	late := f.request(t, cid, uid)
	if _, err := f.svc.Quote(ctx, f.staff, late.ID, pricing(ws, "2026-03-30")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE quotes SET valid_until = '2026-03-22' WHERE id = $1`, late.ID); err != nil {
		t.Fatal(err)
	}
	remind(time.Date(2026, 3, 23, 14, 0, 0, 0, time.UTC), 0)
}

func createdOK(s string) bool {
	_, err := time.Parse(time.DateTime, s)
	return err == nil
}
