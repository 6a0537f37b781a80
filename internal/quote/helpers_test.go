package quote

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/notify"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type fixture struct {
	svc   *Service
	db    *sqlx.DB
	clock *clock
	store *media.DiskStore
	dir   string
	staff audit.Actor
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	conn := dbtest.New(t)
	dir := t.TempDir()
	store, err := media.NewDisk(dir, "http://files.test")
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)}
	f := &fixture{svc: New(conn, store, c.Now), db: conn, clock: c, store: store, dir: dir}
	// A real queue (that only enqueues): every email a test causes is rendered, so a
	// template missing data fails the test that sent it.
	queue, err := notify.NewQueue(conn, notify.Options{From: "Libres <no-reply@libres.test>", ShopURL: "https://libres.test"})
	if err != nil {
		t.Fatal(err)
	}
	f.svc.Mail, f.svc.BaseURL = queue, "https://libres.test"
	var staffID int64
	if err := conn.Get(&staffID, `INSERT INTO users (email, name, role) VALUES ('staff@libres.test', 'Staff', 'admin') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	f.staff = audit.Actor{ID: staffID, Email: "staff@libres.test"}
	return f
}

// company signs up a company (approved when approve is true) with one user; it returns
// the company id and the user id.
func (f *fixture) company(t *testing.T, nitText string, approve bool) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	c, err := f.svc.SignUpCompany(ctx, SignUpForm{Name: "Empresa " + nitText, NIT: nitText,
		BillingAddress: "Calle 10 # 5-20", City: "Bogotá", ContactName: "Ana Pérez", ContactPhone: "+57 310 555 1234"})
	if err != nil {
		t.Fatal(err)
	}
	if approve {
		if _, err := f.svc.ApproveCompany(ctx, f.staff, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	var uid int64
	err = f.db.Get(&uid, `INSERT INTO users (email, name, role, company_id) VALUES ($1, 'Cliente', 'corporate_client', $2) RETURNING id`,
		"u"+strings.NewReplacer(".", "", "-", "").Replace(nitText)+"@empresa.test", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID, uid
}

// workshop adds an active workshop and returns its id.
func (f *fixture) workshop(t *testing.T, slug string) int64 {
	t.Helper()
	var id int64
	const ins = `INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
		VALUES ($1, 'Taller ' || $1, 'EPMSC Bogotá', 'prison', 'Bogotá', 'Bogotá D.C.', 'confección', 'sewing') RETURNING id`
	if err := f.db.Get(&id, ins, slug); err != nil {
		t.Fatal(err)
	}
	return id
}

// day is a date as a date column holds it.
func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// pricing prices both lines of validForm for workshop ws alone, valid through until.
func pricing(ws int64, until string) Pricing {
	return Pricing{UnitMinor: map[int]int64{1: 4500000, 2: 3000000}, SetupFee: 15000000, LeadTimeDays: 20,
		ValidUntil: day(until), Workshops: []Assignment{{WorkshopID: ws, WorkBps: 10000}}}
}

// quoted requests a quote and prices it (valid through 20 March 2026).
func (f *fixture) quoted(t *testing.T, companyID, userID, ws int64) Quote {
	t.Helper()
	q := f.request(t, companyID, userID)
	q, err := f.svc.Quote(context.Background(), f.staff, q.ID, pricing(ws, "2026-03-20"))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// mails counts the emails queued to an address with a template (and, when status is
// not empty, that status in their data).
func (f *fixture) mails(t *testing.T, to, template, status string) int {
	t.Helper()
	var n int
	const q = `SELECT count(*) FROM river_job WHERE kind = 'email' AND args->>'to' = $1 AND args->>'template' = $2
		AND ($3 = '' OR (args->>'data')::jsonb->>'Status' = $3)`
	if err := f.db.Get(&n, q, to, template, status); err != nil {
		t.Fatal(err)
	}
	return n
}

// email is the address of a user.
func (f *fixture) email(t *testing.T, userID int64) string {
	t.Helper()
	var e string
	if err := f.db.Get(&e, `SELECT email FROM users WHERE id = $1`, userID); err != nil {
		t.Fatal(err)
	}
	return e
}

func validForm() RequestForm {
	return RequestForm{Deadline: "2026-04-30", DeliveryCity: "Medellín", Notes: "Logo en el pecho",
		Lines: []LineForm{
			{Garment: "polo", Fabric: "piqué", Colour: "azul", S: "10", M: "20", L: "5", Total: "35", Customisation: "embroidery", Position: "pecho izquierdo"},
			{Garment: "apron", Colour: "negro", M: "12", Customisation: "print"},
		}}
}

var (
	pngBytes  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{1}, 64)...)
	jpegBytes = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{2}, 64)...)
	pdfBytes  = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
	svgBytes  = []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	exeBytes  = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 64)...)
)

// request makes a quote for the company and returns it.
func (f *fixture) request(t *testing.T, companyID, userID int64) Quote {
	t.Helper()
	q, err := f.svc.Request(context.Background(), companyID, userID, validForm(), []Upload{{Name: "logo.png", Body: pngBytes}})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// setStatus puts a quote in a status directly, to test moves from every status.
func (f *fixture) setStatus(t *testing.T, id int64, s Status) {
	t.Helper()
	if _, err := f.db.Exec(`UPDATE quotes SET status = $2, valid_until = '2026-03-20' WHERE id = $1`, id, s); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) status(t *testing.T, id int64) Status {
	t.Helper()
	var s Status
	if err := f.db.Get(&s, `SELECT status FROM quotes WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return s
}

func wantCode(t *testing.T, err error, code apperr.Code, key string) {
	t.Helper()
	if apperr.CodeOf(err) != code || (key != "" && apperr.KeyOf(err) != key) {
		t.Fatalf("err = %v, want code %s key %q", err, code, key)
	}
}

// TestMessageKeysHaveMessages checks that every message key this package can return
// has a message in both languages of the whole catalog (every file of web/locales, as
// the site loads it: the payments' keys live in quote_pay.json).
func TestMessageKeysHaveMessages(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	keyRe := regexp.MustCompile(`"(quote\.[a-z_.]+)"`)
	auditActions := map[string]bool{"quote.request": true, "quote.price": true, "quote.accept": true,
		"quote.message": true, "quote.progress": true}
	used := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(src), -1) {
			if !auditActions[m[1]] && !strings.HasSuffix(m[1], ".") {
				used[m[1]] = true
			}
		}
	}
	if len(used) < 25 {
		t.Fatalf("found only %d keys in the source: is the pattern right?", len(used))
	}
	// Load also refuses a key defined twice and a key one language lacks.
	cat, err := i18n.Load(os.DirFS(filepath.Join("..", "..", "web")))
	if err != nil {
		t.Fatal(err)
	}
	for k := range used {
		for _, lang := range i18n.Languages {
			if !cat.Has(k) || strings.TrimSpace(cat.T(lang, k)) == "" {
				t.Errorf("the %s catalog has no message for %s", lang, k)
			}
		}
	}
}
