package ledger_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
)

var staff = audit.Actor{Email: "staff@prueba.example"}

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

// noMail drops every message: these tests look at money, not email.
type noMail struct{}

func (noMail) Enqueue(context.Context, *sqlx.Tx, notify.Message) error { return nil }

type fixture struct {
	db     *sqlx.DB
	clock  *clock
	ledger *ledger.Ledger
	orders *order.Service
	ws     []int64 // workshops
	cat    int64
	n      int
}

func newFixture(t *testing.T, workshops int) *fixture {
	t.Helper()
	conn := dbtest.New(t)
	c := &clock{t: time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC)}
	lg := ledger.New(conn, ledger.Options{Now: c.Now})
	svc := order.New(conn, noMail{}, order.Options{Now: c.Now, Ledger: lg, LinkKey: []byte("0123456789abcdef0123456789abcdef"),
		Methods:  []payment.Method{payment.MethodCard, payment.MethodTransfer, payment.MethodCOD},
		Shipping: order.ShippingTable{Default: 15_000_00}})
	f := &fixture{db: conn, clock: c, ledger: lg, orders: svc}
	for i := 0; i < workshops; i++ {
		var id int64
		if err := conn.Get(&id, `INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
			VALUES ($1, $2, 'Cárcel', 'prison', 'Bogotá', 'Bogotá D.C.', 'Calzado', 'Shoes') RETURNING id`,
			fmt.Sprintf("taller-%d", i), fmt.Sprintf("Taller %c", 'A'+i)); err != nil {
			t.Fatal(err)
		}
		f.ws = append(f.ws, id)
	}
	if err := conn.Get(&f.cat, `INSERT INTO categories (key, slug_es, slug_en, name_es, name_en)
		VALUES ('shoes', 'calzado', 'shoes', 'Calzado', 'Shoes') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	return f
}

// variant inserts an active product of workshop ws with one variant and returns the
// variant id.
func (f *fixture) variant(t testing.TB, ws int64, priceMinor int64, stock int) int64 {
	t.Helper()
	f.n++
	var pid, vid int64
	if err := f.db.Get(&pid, `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, status, price_minor, tax_class)
		VALUES ($1, $2, $3, $4, $4, 'active', $5, 'standard') RETURNING id`, fmt.Sprintf("p-%d", f.n), ws, f.cat,
		fmt.Sprintf("Producto %d", f.n), priceMinor); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Get(&vid, `INSERT INTO variants (product_id, sku, size, stock_on_hand) VALUES ($1, $2, '38', $3) RETURNING id`,
		pid, fmt.Sprintf("SKU-%d", f.n), stock); err != nil {
		t.Fatal(err)
	}
	return vid
}

type buy struct {
	variant int64
	qty     int
}

// place puts an order for the lines with a donation in whole pesos.
func (f *fixture) place(t testing.TB, method payment.Method, donationPesos int, lines ...buy) order.Order {
	t.Helper()
	ctx := context.Background()
	token := ""
	for _, l := range lines {
		_, tok, err := f.orders.Add(ctx, token, 0, l.variant, strconv.Itoa(l.qty))
		if err != nil {
			t.Fatalf("add variant %d: %v", l.variant, err)
		}
		if tok != "" {
			token = tok
		}
	}
	o, err := f.orders.Place(ctx, token, 0, order.CheckoutInput{Email: "ana@example.co", Name: "Ana Pérez",
		Phone: "+57 300 123 4567", Department: "Antioquia", City: "Medellín", AddressLine: "Calle 1 # 2-3",
		PaymentMethod: string(method), AcceptPolicy: true, PolicyVersion: "2026-01", Lang: "es",
		Donation: strconv.Itoa(donationPesos)})
	if err != nil {
		t.Fatalf("place: %v", err)
	}
	return o
}

func (f *fixture) markPaid(t testing.TB, o order.Order) order.Order {
	t.Helper()
	o, err := f.orders.MarkPaid(context.Background(), staff, o.ID, "ref")
	if err != nil {
		t.Fatalf("mark paid %s: %v", o.Number, err)
	}
	return o
}

// entries returns every entry of an order, in id order.
func (f *fixture) entries(t testing.TB, orderID int64) []ledger.Entry {
	t.Helper()
	es, _, err := f.ledger.Entries(context.Background(), ledger.EntryFilter{OrderID: orderID, PerPage: 500})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	return es
}

func sum(es []ledger.Entry, keep func(ledger.Entry) bool) (amount, share int64) {
	for _, e := range es {
		if keep == nil || keep(e) {
			amount += e.AmountMinor
			share += e.ShareMinor
		}
	}
	return
}

func wantReconciled(t testing.TB, lg *ledger.Ledger, from, to time.Time) ledger.Report {
	t.Helper()
	r, err := lg.Reconcile(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		var b strings.Builder
		_ = r.WriteTable(&b)
		t.Fatalf("reconcile found differences:\n%s", b.String())
	}
	return r
}

func wantCode(t testing.TB, err error, code apperr.Code, key string) {
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
