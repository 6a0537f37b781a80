package order

import (
	"context"
	"sync"
	"testing"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/payment"
)

// TestAddToExistingCart: adding to a cart that exists (one statement, no transaction)
// adds up, caps at the stock, refuses what is not on sale without touching the cart,
// counts every one of many adds made at once, and makes a cart an order was placed
// from an ordinary cart again.
func TestAddToExistingCart(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v := f.variant(t, 10_000_00, 50, "standard")
	w := f.variant(t, 20_000_00, 3, "standard")
	tok := f.cart(t, "1", v)

	if nt, err := f.svc.AddLine(ctx, tok, 0, v, "2"); err != nil || nt != "" {
		t.Fatalf("add 2 to an existing cart: token %q, %v", nt, err)
	}
	if n, _ := f.svc.Count(ctx, tok, 0); n != 3 {
		t.Fatalf("count after 1 + 2: %d", n)
	}
	_, err := f.svc.AddLine(ctx, tok, 0, w, "5")
	wantErr(t, err, apperr.Conflict, keyCapped)
	if n, _ := f.svc.Count(ctx, tok, 0); n != 6 {
		t.Fatalf("count after a capped add of 5 (stock 3): %d, want 3 + 3", n)
	}
	_, err = f.svc.AddLine(ctx, tok, 0, w, "1")
	wantErr(t, err, apperr.Conflict, keyCapped)

	// Refused adds write nothing, not even the cart's "changed" mark.
	before := f.count(t, `SELECT extract(epoch FROM updated_at)::int FROM carts`)
	_, err = f.svc.AddLine(ctx, tok, 0, 999_999, "1")
	wantErr(t, err, apperr.NotFound, keyVariantUnknown)
	f.db.MustExec(`UPDATE variants SET stock_on_hand = 0 WHERE id = $1`, w)
	_, err = f.svc.AddLine(ctx, tok, 0, w, "1")
	wantErr(t, err, apperr.Conflict, keySoldOut)
	if n, _ := f.svc.Count(ctx, tok, 0); n != 6 {
		t.Fatalf("count after refused adds: %d, want 6", n)
	}
	if after := f.count(t, `SELECT extract(epoch FROM updated_at)::int FROM carts`); after != before {
		t.Errorf("a refused add touched the cart")
	}

	// Twenty shoppers' tabs adding one each at once: all twenty count.
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.AddLine(ctx, tok, 0, v, "1")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent add: %v", err)
		}
	}
	if got := f.count(t, `SELECT quantity FROM cart_lines WHERE variant_id = $1`, v); got != 23 {
		t.Fatalf("quantity after 3 + 20 concurrent adds of one: %d", got)
	}

	// An unknown token (expired, forged) gets a new cart and a new token.
	nt, err := f.svc.AddLine(ctx, "no-such-cart", 0, v, "1")
	if err != nil || nt == "" || nt == "no-such-cart" {
		t.Fatalf("add with an unknown token: token %q, %v", nt, err)
	}

	// After placing, the cart is empty and remembers the order; an add starts afresh.
	f.db.MustExec(`UPDATE variants SET stock_on_hand = 5 WHERE id = $1`, w)
	if _, err := f.svc.SetQuantity(ctx, tok, 0, v, "1"); err != nil {
		t.Fatal(err)
	}
	f.place(t, tok, payment.MethodTransfer)
	if n := f.count(t, `SELECT count(*) FROM carts WHERE placed_order_id IS NOT NULL`); n != 1 {
		t.Fatalf("carts marked placed: %d", n)
	}
	if _, err := f.svc.AddLine(ctx, tok, 0, v, "1"); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.svc.Count(ctx, tok, 0); n != 1 {
		t.Fatalf("count of the placed cart after one add: %d", n)
	}
	if n := f.count(t, `SELECT count(*) FROM carts WHERE placed_order_id IS NOT NULL`); n != 0 {
		t.Errorf("the cart still says it was placed after an add")
	}
}

// TestCartLineCap: a cart holds at most MaxLines different variants; one more is refused
// with nothing written, while the lines already there can still change.
func TestCartLineCap(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	first := f.variant(t, 10_000_00, 10, "standard")
	tok := f.cart(t, "1", first)
	for range MaxLines - 1 {
		if _, err := f.svc.AddLine(ctx, tok, 0, f.variant(t, 10_000_00, 10, "standard"), "1"); err != nil {
			t.Fatal(err)
		}
	}
	extra := f.variant(t, 10_000_00, 10, "standard")
	_, err := f.svc.AddLine(ctx, tok, 0, extra, "1")
	wantErr(t, err, apperr.Conflict, keyTooManyLines)
	if n := f.count(t, `SELECT count(*) FROM cart_lines`); n != MaxLines {
		t.Fatalf("%d lines after a refused add, want %d", n, MaxLines)
	}
	if _, err := f.svc.AddLine(ctx, tok, 0, first, "2"); err != nil {
		t.Fatalf("more of a variant already in a full cart: %v", err)
	}
	if got := f.count(t, `SELECT quantity FROM cart_lines WHERE variant_id = $1`, first); got != 3 {
		t.Errorf("quantity %d, want 3", got)
	}
}
