package quote

import (
	"bytes"
	"context"
	"encoding/json"
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
	"github.com/libres/storefront/internal/media"
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
// has a message in both languages, and that the two files have the same keys.
func TestMessageKeysHaveMessages(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	keyRe := regexp.MustCompile(`"(quote\.[a-z_.]+)"`)
	auditActions := map[string]bool{"quote.request": true, "quote.price": true}
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
	catalogs := map[string]map[string]string{}
	for _, lang := range []string{"es", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "web", "locales", lang, "quote.json"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s/quote.json: %v", lang, err)
		}
		catalogs[lang] = m
		for k := range used {
			if strings.TrimSpace(m[k]) == "" {
				t.Errorf("%s/quote.json has no message for %s", lang, k)
			}
		}
	}
	for k := range catalogs["es"] {
		if _, ok := catalogs["en"][k]; !ok {
			t.Errorf("en/quote.json lacks %s", k)
		}
	}
	for k := range catalogs["en"] {
		if _, ok := catalogs["es"][k]; !ok {
			t.Errorf("es/quote.json lacks %s", k)
		}
	}
}
