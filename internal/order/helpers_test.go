package order

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/web"
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

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// outbox renders every message with the real mail templates (so missing data fails the
// caller's transaction, as with the real queue) and writes it to a table through the
// caller's transaction, so a test sees a message exactly when its change commits.
type outbox struct{ r *notify.Renderer }

func (o *outbox) Enqueue(ctx context.Context, tx *sqlx.Tx, m notify.Message) error {
	e, err := o.r.Render(m)
	if err != nil {
		return err
	}
	data, err := json.Marshal(m.Data)
	if err != nil {
		return err
	}
	const ins = `INSERT INTO test_outbox (to_addr, lang, template, data, subject, body) VALUES ($1, $2, $3, $4, $5, $6)`
	_, err = tx.ExecContext(ctx, ins, m.To, m.Lang, m.Template, string(data), e.Subject, e.Text)
	return err
}

type fixture struct {
	svc   *Service
	db    *sqlx.DB
	clock *clock
	ws    int64 // a workshop
	cat   int64 // a category
	n     int
}

const baseURL = "https://tienda.example.co"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	conn := dbtest.New(t)
	const tbl = `CREATE TABLE test_outbox (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		to_addr text NOT NULL, lang text NOT NULL, template text NOT NULL, data jsonb NOT NULL,
		subject text NOT NULL, body text NOT NULL)`
	if _, err := conn.Exec(tbl); err != nil {
		t.Fatal(err)
	}
	r, err := notify.NewRenderer(web.FS, notify.Seller{Name: "Fundación Prueba", NIT: "800.197.268-4",
		Address: "Calle 1", Phone: "3000000000", Email: "hola@prueba.example"}, baseURL)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)} // a Monday, 10:00 in Bogotá
	svc := New(conn, &outbox{r}, Options{BaseURL: baseURL, Now: c.Now, LinkKey: []byte("0123456789abcdef0123456789abcdef"),
		Methods:    []payment.Method{payment.MethodCard, payment.MethodTransfer, payment.MethodCOD},
		Shipping:   ShippingTable{ByDepartment: map[string]int64{"Bogotá D.C.": 8_000_00}, Default: 15_000_00, FreeFrom: 300_000_00},
		StaffEmail: "staff@prueba.example", ManualInstructions: map[string]string{"es": "Bancolombia 123", "en": "Bancolombia 123"}})
	f := &fixture{svc: svc, db: conn, clock: c}
	if err := conn.Get(&f.ws, `INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
		VALUES ('taller', 'Taller Buen Pastor', 'El Buen Pastor', 'prison', 'Bogotá', 'Bogotá D.C.', 'Calzado', 'Shoes') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := conn.Get(&f.cat, `INSERT INTO categories (key, slug_es, slug_en, name_es, name_en)
		VALUES ('shoes', 'calzado', 'shoes', 'Calzado', 'Shoes') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	return f
}

// variant inserts an active product with one variant and returns the variant id.
func (f *fixture) variant(t *testing.T, priceMinor int64, stock int, tax string) int64 {
	t.Helper()
	f.n++
	var pid, vid int64
	if err := f.db.Get(&pid, `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, status, price_minor, tax_class)
		VALUES ($1, $2, $3, $4, $5, 'active', $6, $7) RETURNING id`, fmt.Sprintf("bota-%d", f.n), f.ws, f.cat,
		fmt.Sprintf("Bota %d", f.n), fmt.Sprintf("Boot %d", f.n), priceMinor, tax); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Get(&vid, `INSERT INTO variants (product_id, sku, size, color_es, color_en, stock_on_hand)
		VALUES ($1, $2, '38', 'Negro', 'Black', $3) RETURNING id`, pid, fmt.Sprintf("BOT-%d", f.n), stock); err != nil {
		t.Fatal(err)
	}
	return vid
}

func (f *fixture) stock(t *testing.T, variantID int64) int {
	t.Helper()
	return f.count(t, `SELECT stock_on_hand FROM variants WHERE id = $1`, variantID)
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.Get(&n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) mails(t *testing.T, template string) int {
	t.Helper()
	return f.count(t, `SELECT count(*) FROM test_outbox WHERE template = $1`, template)
}

// cart makes an anonymous cart holding qty of each variant (in that order) and returns
// its token.
func (f *fixture) cart(t *testing.T, qty string, variants ...int64) string {
	t.Helper()
	token := ""
	for _, v := range variants {
		_, tok, err := f.svc.Add(context.Background(), token, 0, v, qty)
		if err != nil {
			t.Fatalf("add variant %d: %v", v, err)
		}
		if tok != "" {
			token = tok
		}
	}
	return token
}

func input(method payment.Method) CheckoutInput {
	return CheckoutInput{Email: "ana@example.co", Name: "Ana Pérez", Phone: "+57 300 123 4567",
		Department: "Bogotá D.C.", City: "Bogotá", AddressLine: "Calle 1 # 2-3", PaymentMethod: string(method),
		AcceptPolicy: true, PolicyVersion: "2026-01", Lang: "es", Donation: "0"}
}

func (f *fixture) place(t *testing.T, token string, method payment.Method) Order {
	t.Helper()
	o, err := f.svc.Place(context.Background(), token, 0, input(method))
	if err != nil {
		t.Fatalf("place: %v", err)
	}
	return o
}

// wantErr fails unless err has the code and, when key is not "", that message key
// (the error's or a field's).
func wantErr(t *testing.T, err error, code apperr.Code, key string) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("error %v: code %s, want %s", err, apperr.CodeOf(err), code)
	}
	if key == "" || apperr.KeyOf(err) == key {
		return
	}
	for _, k := range apperr.FieldsOf(err) {
		if k == key {
			return
		}
	}
	t.Fatalf("error %v: no key %s", err, key)
}
