package faults

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"
)

// initialStock is each variant's stock before any order: more than the tests can sell,
// so no add to cart is refused for want of stock.
const initialStock = 100000

// catalog is what the tests sell.
type catalog struct {
	slug     string  // the product's page is /producto/SLUG
	variants []int64 // two sizes
}

// seedCatalog writes a workshop, a category and an active product with two sizes in
// stock: the least a checkout needs (the demo's photos take too long under -race).
func seedCatalog(t *testing.T, conn *sqlx.DB) catalog {
	t.Helper()
	cat := catalog{slug: "mochila-tejida"}
	err := conn.SelectContext(context.Background(), &cat.variants, `WITH w AS (INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
			VALUES ('taller-tejido', 'Taller de Tejido', 'Cárcel de Villahermosa', 'prison', 'Cali', 'Valle del Cauca', 'Tejido', 'Weaving') RETURNING id),
		c AS (INSERT INTO categories (key, slug_es, slug_en, name_es, name_en) VALUES ('bags', 'bolsos', 'bags', 'Bolsos', 'Bags') RETURNING id),
		p AS (INSERT INTO products (slug, workshop_id, category_id, title_es, title_en, status, price_minor, published_at)
			SELECT 'mochila-tejida', w.id, c.id, 'Mochila tejida', 'Woven bag', 'active', 9000000, now() FROM w, c RETURNING id)
		INSERT INTO variants (product_id, sku, size, stock_on_hand) SELECT p.id, s.sku, s.size, $1 FROM p,
			(VALUES ('MOCH-S', 'S'), ('MOCH-M', 'M')) AS s(sku, size)
		RETURNING id`, initialStock)
	if err != nil {
		t.Fatalf("seed catalog: %v", err)
	}
	return cat
}

// checkOrders checks what a crash or an outage must never leave behind and returns
// how many orders there are: every order has lines, every line's quantity is held by
// the order's reservation of that variant (and no reservation without a line), and
// every variant's stock plus what open or committed reservations hold is its
// initial stock (nothing lost, nothing counted twice).
func checkOrders(t *testing.T, conn *sqlx.DB) int {
	t.Helper()
	ctx := context.Background()
	var orders int
	if err := conn.GetContext(ctx, &orders, `SELECT count(*) FROM orders`); err != nil {
		t.Fatal(err)
	}
	var bare []string
	if err := conn.SelectContext(ctx, &bare, `SELECT number FROM orders o
		WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)`); err != nil {
		t.Fatal(err)
	}
	if len(bare) > 0 {
		t.Errorf("orders without lines (half-written): %v", bare)
	}
	var mismatched []string
	if err := conn.SelectContext(ctx, &mismatched, `
		WITH l AS (SELECT order_id, variant_id, sum(quantity) AS q FROM order_lines GROUP BY 1, 2)
		SELECT DISTINCT o.number FROM l FULL JOIN stock_reservations r USING (order_id, variant_id)
		JOIN orders o ON o.id = order_id
		WHERE l.q IS DISTINCT FROM r.quantity`); err != nil {
		t.Fatal(err)
	}
	if len(mismatched) > 0 {
		t.Errorf("orders whose lines and reservations differ: %v", mismatched)
	}
	type stock struct {
		SKU  string `db:"sku"`
		Left int    `db:"stock_on_hand"`
		Held int    `db:"held"`
	}
	var stocks []stock
	if err := conn.SelectContext(ctx, &stocks, `SELECT v.sku, v.stock_on_hand,
			coalesce((SELECT sum(quantity) FROM stock_reservations r WHERE r.variant_id = v.id AND r.released_at IS NULL), 0) AS held
		FROM variants v ORDER BY v.sku`); err != nil {
		t.Fatal(err)
	}
	for _, s := range stocks {
		if s.Left+s.Held != initialStock {
			t.Errorf("%s: %d in stock + %d held by orders = %d, want the initial %d", s.SKU, s.Left, s.Held, s.Left+s.Held, initialStock)
		}
	}
	return orders
}
