package quote

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/libres/storefront/internal/apperr"
)

// TestPricingWorkshops: a price names at least one active workshop, each once, with
// shares of 1..10000 basis points summing to 10000; a refused price changes nothing.
func TestPricingWorkshops(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	a, b := f.workshop(t, "costura"), f.workshop(t, "bordado")
	closed := f.workshop(t, "cerrado")
	if _, err := f.db.Exec(`UPDATE workshops SET active = false WHERE id = $1`, closed); err != nil {
		t.Fatal(err)
	}
	q := f.request(t, cid, uid)
	for _, tc := range []struct {
		name string
		ws   []Assignment
		key  string
	}{
		{"none", nil, "quote.workshops_required"},
		{"short of 100%", []Assignment{{WorkshopID: a, WorkBps: 6000}, {WorkshopID: b, WorkBps: 3000}}, "quote.workshop_shares"},
		{"over 100%", []Assignment{{WorkshopID: a, WorkBps: 6000}, {WorkshopID: b, WorkBps: 5000}}, "quote.workshop_shares"},
		{"zero share", []Assignment{{WorkshopID: a, WorkBps: 10000}, {WorkshopID: b, WorkBps: 0}}, "quote.workshop_shares"},
		{"twice", []Assignment{{WorkshopID: a, WorkBps: 5000}, {WorkshopID: a, WorkBps: 5000}}, "quote.workshop_unknown"},
		{"inactive", []Assignment{{WorkshopID: closed, WorkBps: 10000}}, "quote.workshop_unknown"},
		{"missing", []Assignment{{WorkshopID: 999999, WorkBps: 10000}}, "quote.workshop_unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := pricing(a, "2026-03-20")
			p.Workshops = tc.ws
			_, err := f.svc.Quote(ctx, f.staff, q.ID, p)
			if got := apperr.FieldsOf(err)["workshops"]; got != tc.key {
				t.Fatalf("workshops error = %q (%v), want %q", got, err, tc.key)
			}
			var versions int
			_ = f.db.Get(&versions, `SELECT count(*) FROM quote_versions WHERE quote_id = $1`, q.ID)
			if s := f.status(t, q.ID); s != StatusRequested || versions != 0 {
				t.Fatalf("refused price left status %s and %d versions", s, versions)
			}
		})
	}
	p := pricing(a, "2026-03-20")
	p.Workshops = []Assignment{{WorkshopID: b, WorkBps: 2500}, {WorkshopID: a, WorkBps: 7500}}
	got, err := f.svc.Quote(ctx, f.staff, q.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	ws := got.Versions[0].Workshops
	if len(ws) != 2 || ws[0].WorkshopID != a || ws[0].WorkBps != 7500 || ws[0].WorkshopName != "Taller costura" ||
		ws[1].WorkshopID != b || ws[1].WorkBps != 2500 {
		t.Fatalf("workshops = %+v", ws)
	}
	if n := f.mails(t, f.email(t, uid), mailQuoted, ""); n != 1 {
		t.Fatalf("%d price emails to the company, want 1", n)
	}
}

// TestProofKeptAcrossVersions: a version's proof is stored privately; the next version
// without a proof keeps it, one with a new proof has its own; a bad proof is refused.
func TestProofKeptAcrossVersions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	ws := f.workshop(t, "costura")
	q := f.request(t, cid, uid)

	p := pricing(ws, "2026-03-20")
	p.Proof = &Upload{Name: "logo.svg", Body: svgBytes}
	_, err := f.svc.Quote(ctx, f.staff, q.ID, p)
	if apperr.FieldsOf(err)["proof"] != "quote.file_type" {
		t.Fatalf("svg proof: %v", err)
	}
	p.Proof = &Upload{Name: "prueba.pdf", Body: pdfBytes}
	got, err := f.svc.Quote(ctx, f.staff, q.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	v1 := got.Versions[0].Proof
	if v1 == nil || v1.Kind != FileProof || *v1.Version != 1 || v1.Name != "prueba.pdf" || v1.ContentType != "application/pdf" {
		t.Fatalf("proof of version 1 = %+v", v1)
	}
	if _, err := os.Stat(filepath.Join(f.dir, filepath.FromSlash(v1.Key))); err != nil {
		t.Fatalf("proof not stored: %v", err)
	}

	p.Proof = nil
	got, err = f.svc.Quote(ctx, f.staff, q.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	v2 := got.Versions[1].Proof
	if v2 == nil || v2.Key != v1.Key || *v2.Version != 2 || got.Versions[0].Proof == nil {
		t.Fatalf("version 2 proof = %+v, version 1 = %+v", v2, got.Versions[0].Proof)
	}

	p.Proof = &Upload{Name: "prueba2.png", Body: pngBytes}
	got, err = f.svc.Quote(ctx, f.staff, q.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	if v3 := got.Versions[2].Proof; v3 == nil || v3.Key == v1.Key || v3.Name != "prueba2.png" {
		t.Fatalf("version 3 proof = %+v", v3)
	}
	refs := 0
	for _, fl := range got.Files {
		if fl.Kind == FileReference {
			refs++
		}
	}
	if refs != 1 || len(got.Files) != 4 {
		t.Fatalf("files = %+v, want the reference and three proofs", got.Files)
	}
}

// TestAccept walks the refusals (other company, stale version, proof not approved, the
// end of the validity in Bogotá) and the acceptance itself.
func TestAccept(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	otherCID, otherUID := f.company(t, "900.123.456-8", true)
	ws := f.workshop(t, "costura")
	unchanged := func(t *testing.T, id int64) {
		t.Helper()
		var accepted *int
		_ = f.db.Get(&accepted, `SELECT accepted_version FROM quotes WHERE id = $1`, id)
		if s := f.status(t, id); s != StatusQuoted || accepted != nil {
			t.Fatalf("refused acceptance left status %s, accepted version %v", s, accepted)
		}
	}

	q := f.quoted(t, cid, uid, ws)
	_, err := f.svc.Accept(ctx, otherCID, otherUID, q.ID, 1, true)
	wantCode(t, err, apperr.NotFound, "")
	_, err = f.svc.Accept(ctx, otherCID, uid, q.ID, 1, true) // not one of its people
	wantCode(t, err, apperr.NotFound, "")
	unchanged(t, q.ID)

	p := pricing(ws, "2026-03-22")
	p.Proof = &Upload{Name: "prueba.png", Body: pngBytes}
	if _, err := f.svc.Quote(ctx, f.staff, q.ID, p); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Accept(ctx, cid, uid, q.ID, 1, true)
	wantCode(t, err, apperr.Conflict, "quote.version_stale")
	_, err = f.svc.Accept(ctx, cid, uid, q.ID, 2, false)
	if apperr.FieldsOf(err)["proof"] != "quote.proof_required" {
		t.Fatalf("accept without approving the proof: %v", err)
	}
	unchanged(t, q.ID)
	if n := f.mails(t, "staff@libres.test", mailStatus, ""); n != 0 {
		t.Fatalf("%d emails to staff after refusals", n)
	}

	f.clock.Set(time.Date(2026, 3, 12, 9, 30, 0, 0, time.UTC))
	got, err := f.svc.Accept(ctx, cid, uid, q.ID, 2, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusAccepted || got.AcceptedVersion == nil || *got.AcceptedVersion != 2 || got.AcceptedBy == nil ||
		*got.AcceptedBy != uid || got.AcceptedAt == nil || !got.AcceptedAt.Equal(f.clock.Now()) ||
		got.ProofApprovedAt == nil || f.status(t, q.ID) != StatusAccepted {
		t.Fatalf("accepted = %+v", got)
	}
	if n := f.mails(t, "staff@libres.test", mailStatus, "accepted"); n != 1 {
		t.Fatalf("%d acceptance emails to staff, want 1", n)
	}
	if n := f.mails(t, f.email(t, uid), mailStatus, ""); n != 0 {
		t.Fatalf("the company was emailed its own acceptance")
	}
	_, err = f.svc.Accept(ctx, cid, uid, q.ID, 2, true)
	wantCode(t, err, apperr.Conflict, "quote.transition")

	// Valid through 20 March in Bogotá: accepted at 23:59 there (04:59 UTC on the
	// 21st); refused as expired from midnight, before any sweep moved it.
	early, late := f.quoted(t, cid, uid, ws), f.quoted(t, cid, uid, ws)
	f.clock.Set(time.Date(2026, 3, 21, 4, 59, 0, 0, time.UTC))
	if _, err := f.svc.Accept(ctx, cid, uid, early.ID, 1, false); err != nil {
		t.Fatalf("accept on the last valid minute: %v", err)
	}
	f.clock.Set(time.Date(2026, 3, 21, 5, 0, 0, 0, time.UTC))
	_, err = f.svc.Accept(ctx, cid, uid, late.ID, 1, false)
	wantCode(t, err, apperr.Conflict, "quote.expired")
	unchanged(t, late.ID)
	if got, _ := f.svc.Get(ctx, cid, early.ID); got.ProofApprovedAt != nil {
		t.Fatalf("a version without a proof recorded a proof approval")
	}
}

// TestView: the company sees its quote with the thread, a progress row per ordered size
// and the workshops; another company's quote is not found; staff see any.
func TestView(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	otherCID, _ := f.company(t, "900.123.456-8", true)
	ws := f.workshop(t, "costura")
	q := f.quoted(t, cid, uid, ws)
	if _, err := f.svc.PostMessage(ctx, cid, uid, q.ID, "¿Pueden bordar en dorado?"); err != nil {
		t.Fatal(err)
	}
	d, err := f.svc.View(ctx, cid, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Company.ID != cid || d.Company.Name != "Empresa 800.197.268-4" || len(d.Messages) != 1 ||
		d.Messages[0].AuthorName != "Cliente" || len(d.Workshops) != 1 || d.Workshops[0].WorkshopID != ws ||
		len(d.Versions) != 1 || d.Payments == nil {
		t.Fatalf("detail = %+v", d)
	}
	// validForm: polo S 10, M 20, L 5; apron M 12.
	want := []Progress{{LineNo: 1, Size: "s", Ordered: 10}, {LineNo: 1, Size: "m", Ordered: 20},
		{LineNo: 1, Size: "l", Ordered: 5}, {LineNo: 2, Size: "m", Ordered: 12}}
	if len(d.Progress) != len(want) {
		t.Fatalf("progress = %+v", d.Progress)
	}
	for i, p := range want {
		if d.Progress[i] != p {
			t.Errorf("progress[%d] = %+v, want %+v", i, d.Progress[i], p)
		}
	}
	_, err = f.svc.View(ctx, otherCID, q.ID)
	wantCode(t, err, apperr.NotFound, "")
	if _, err := f.svc.View(ctx, 0, q.ID); err != nil {
		t.Fatalf("staff view: %v", err)
	}
}

// TestThread: messages in order with their authors; each side's message emails the
// other; a bad body, a stranger or another company's quote are refused.
func TestThread(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	otherCID, otherUID := f.company(t, "900.123.456-8", true)
	var colleague int64
	if err := f.db.Get(&colleague, `INSERT INTO users (email, name, role, company_id, lang)
		VALUES ('colega@empresa.test', 'Colega', 'corporate_client', $1, 'en') RETURNING id`, cid); err != nil {
		t.Fatal(err)
	}
	var gone int64
	if err := f.db.Get(&gone, `INSERT INTO users (email, name, role, company_id, disabled_at)
		VALUES ('ex@empresa.test', 'Ex', 'corporate_client', $1, now()) RETURNING id`, cid); err != nil {
		t.Fatal(err)
	}
	q := f.request(t, cid, uid)

	for _, tc := range []struct {
		name string
		body string
		key  string
	}{
		{"blank", " \n\t ", "quote.message_required"},
		{"too long", strings.Repeat("a", 4001), "quote.message_too_long"},
	} {
		_, err := f.svc.PostMessage(ctx, cid, uid, q.ID, tc.body)
		if apperr.FieldsOf(err)["body"] != tc.key {
			t.Errorf("%s: %v, want field body %s", tc.name, err, tc.key)
		}
	}
	_, err := f.svc.PostMessage(ctx, otherCID, otherUID, q.ID, "hola")
	wantCode(t, err, apperr.NotFound, "")
	_, err = f.svc.PostMessage(ctx, cid, otherUID, q.ID, "hola")
	wantCode(t, err, apperr.NotFound, "")
	_, err = f.svc.PostMessage(ctx, cid, gone, q.ID, "hola")
	wantCode(t, err, apperr.NotFound, "")

	long := strings.Repeat("ñ", 4000)
	m1, err := f.svc.PostMessage(ctx, cid, uid, q.ID, "  "+long+"\n")
	if err != nil || m1.Body != long || m1.Staff || m1.AuthorName != "Cliente" {
		t.Fatalf("company message = %+v, %v", m1, err)
	}
	if n := f.mails(t, "staff@libres.test", mailMessage, ""); n != 1 {
		t.Fatalf("%d message emails to staff, want 1", n)
	}
	m2, err := f.svc.PostMessage(ctx, 0, f.staff.ID, q.ID, "Sí, con hilo dorado.")
	if err != nil || !m2.Staff || m2.AuthorName != "Staff" {
		t.Fatalf("staff message = %+v, %v", m2, err)
	}
	for to, want := range map[string]int{f.email(t, uid): 1, "colega@empresa.test": 1, "ex@empresa.test": 0, "staff@libres.test": 1} {
		if n := f.mails(t, to, mailMessage, ""); n != want {
			t.Errorf("%d message emails to %s, want %d", n, to, want)
		}
	}
	var lang string
	_ = f.db.Get(&lang, `SELECT args->>'lang' FROM river_job WHERE args->>'to' = 'colega@empresa.test'`)
	if lang != "en" {
		t.Errorf("email to an English speaker in %q", lang)
	}

	// A shared staff inbox replaces the admins' addresses.
	f.svc.StaffEmail = "cotizaciones@libres.test"
	if _, err := f.svc.PostMessage(ctx, cid, colleague, q.ID, "Gracias"); err != nil {
		t.Fatal(err)
	}
	if a, b := f.mails(t, "cotizaciones@libres.test", mailMessage, ""), f.mails(t, "staff@libres.test", mailMessage, ""); a != 1 || b != 1 {
		t.Fatalf("staff inbox got %d, admin %d (want 1 and still 1)", a, b)
	}
	d, err := f.svc.View(ctx, cid, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Messages) != 3 || d.Messages[0].ID != m1.ID || d.Messages[1].ID != m2.ID || d.Messages[2].AuthorName != "Colega" {
		t.Fatalf("thread = %+v", d.Messages)
	}
}
