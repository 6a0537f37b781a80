package admin_test

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
)

var seq atomic.Int64

// newWorkshop makes a workshop of its own for a test, so filters by workshop see only
// that test's orders.
func newWorkshop(t *testing.T) int64 {
	t.Helper()
	n := seq.Add(1)
	var id int64
	if err := testDB.Get(&id, `INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
		VALUES ($1, $2, 'Establecimiento de prueba', 'prison', 'Bogotá', 'Bogotá D.C.', 'Tejido', 'Weaving') RETURNING id`,
		fmt.Sprintf("taller-pedidos-%d", n), fmt.Sprintf("Taller Pedidos %d", n)); err != nil {
		t.Fatal(err)
	}
	return id
}

// newVariant puts a product of the workshop on sale with one size holding stock units,
// at price whole pesos, and returns the variant's id.
func newVariant(t *testing.T, workshop, price int64, stock int) int64 {
	t.Helper()
	n := seq.Add(1)
	var cat, pid, vid int64
	if err := testDB.Get(&cat, `SELECT id FROM categories ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if err := testDB.Get(&pid, `INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, status, price_minor, tax_class)
		VALUES ($1, $2, $3, $4, $5, 'active', $6, 'standard') RETURNING id`, fmt.Sprintf("producto-pedido-%d", n),
		workshop, cat, fmt.Sprintf("Mochila %d", n), fmt.Sprintf("Bag %d", n), price*100); err != nil {
		t.Fatal(err)
	}
	if err := testDB.Get(&vid, `INSERT INTO variants (product_id, sku, size, color_es, color_en, stock_on_hand)
		VALUES ($1, $2, 'U', 'Azul', 'Blue', $3) RETURNING id`, pid, fmt.Sprintf("PED-%d", n), stock); err != nil {
		t.Fatal(err)
	}
	return vid
}

// item is a quantity of a variant for an order.
type item struct {
	variant int64
	qty     int
}

// placeOrder makes an order as a guest would at checkout (cart, then place) through svc
// (the site's order service when nil).
func placeOrder(t *testing.T, svc *order.Service, method payment.Method, items ...item) order.Order {
	t.Helper()
	if svc == nil {
		svc = testSite.Deps.Orders
	}
	ctx := context.Background()
	token := ""
	for _, it := range items {
		_, tok, err := svc.Add(ctx, token, 0, it.variant, strconv.Itoa(it.qty))
		if err != nil {
			t.Fatalf("add variant %d: %v", it.variant, err)
		}
		if tok != "" {
			token = tok
		}
	}
	o, err := svc.Place(ctx, token, 0, order.CheckoutInput{Email: fmt.Sprintf("compra-%d@libres.test", seq.Add(1)),
		Name: "Ana Compradora", Phone: "300 123 4567", Department: "Antioquia", City: "Medellín",
		AddressLine: "Calle 10 # 20-30", Donation: "0", PaymentMethod: string(method), AcceptPolicy: true,
		PolicyVersion: "2026-01", Lang: "es"})
	if err != nil {
		t.Fatalf("place %s order: %v", method, err)
	}
	return o
}

func loadOrder(t *testing.T, id int64) order.Order {
	t.Helper()
	o, err := testSite.Deps.Orders.Order(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func stockOf(t *testing.T, variant int64) int {
	t.Helper()
	var n int
	if err := testDB.Get(&n, `SELECT stock_on_hand FROM variants WHERE id = $1`, variant); err != nil {
		t.Fatal(err)
	}
	return n
}

// orderEmails counts the emails of a template queued for an address.
func orderEmails(t *testing.T, to, template string) int {
	t.Helper()
	var n int
	const q = `SELECT count(*) FROM river_job WHERE kind = 'email' AND args->>'to' = $1 AND args->>'template' = $2`
	if err := testDB.Get(&n, q, to, template); err != nil {
		t.Fatal(err)
	}
	return n
}

// eventCount counts an order's timeline entries of a kind.
func eventCount(t *testing.T, orderID int64, kind order.EventKind) int {
	t.Helper()
	var n int
	if err := testDB.Get(&n, `SELECT count(*) FROM order_events WHERE order_id = $1 AND kind = $2`, orderID, kind); err != nil {
		t.Fatal(err)
	}
	return n
}

func orderPath(o order.Order) string { return "/admin/orders/" + strconv.FormatInt(o.ID, 10) }
