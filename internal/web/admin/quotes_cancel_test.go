package admin_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/libres/storefront/internal/quote"
)

// Cancelling a quote whose deposit was paid offers to give the money back; ticked, the
// quote is cancelled, the deposit refunded and the workshops' credit from it reversed.
func TestQuoteCancelRefundsDeposit(t *testing.T) {
	b := admin(t)
	ctx := context.Background()
	company, user := demoCompany(t)
	q := requestQuote(t, company, user)
	path := quotePage(q)
	ws1, ws2 := newWorkshop(t), newWorkshop(t)
	b.submitFile(path+"/price", priceForm(ws1, ws2), "proof", "prueba.png", pngProof)
	if _, err := testSite.Deps.Quotes.Accept(ctx, company, user, q.ID, 1, true); err != nil {
		t.Fatal(err)
	}
	if p := b.mustGet(path); p.Find(`#f-cancel-refund`).Length() != 0 {
		t.Errorf("nothing paid, yet the cancel form offers a refund")
	}
	b.submit(path+"/transfer", url.Values{"kind": {"deposit"}, "amount": {"807.500"}, "reference": {"TRF-CANCEL-1"}})
	p := b.mustGet(path)
	if p.Find(`#f-cancel-refund`).Length() != 1 {
		t.Fatalf("a paid deposit, and the cancel form offers no refund")
	}
	credit := func() int64 {
		var n int64
		if err := testDB.GetContext(ctx, &n, `SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries WHERE memo = $1`, q.Number); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if c := credit(); c != 80750000 {
		t.Fatalf("credit before cancelling = %d, want 80750000", c)
	}
	done := b.submit(path+"/cancel", url.Values{"reason": {"La empresa canceló"}, "refund": {"1"}})
	if s := quoteStatus(t, q.ID); s != quote.StatusCancelled {
		t.Errorf("status %s, want cancelled", s)
	}
	if text(done.Find(".money-paid")) != "$ 0" {
		t.Errorf("paid after cancelling with a refund: %q", text(done.Find(".money-paid")))
	}
	if c := credit(); c != 0 {
		t.Errorf("workshops' credit from the quote after the refund = %d, want 0", c)
	}
}
