package seed

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/media"
)

// TestDemoOrders loads the demo with photos on disk and checks its orders: paid,
// refunded, paid out, and a ledger that reconciles (what `make reconcile` checks after
// a fresh `make run`).
func TestDemoOrders(t *testing.T) {
	conn := dbtest.New(t)
	store, err := media.NewDisk(t.TempDir(), "/media")
	if err != nil {
		t.Fatal(err)
	}
	if err := Load(context.Background(), conn, store, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{PhotoWidth: 160}); err != nil {
		t.Fatal(err)
	}
	checkDemoLedger(t, conn)
}

// checkDemoLedger checks the demo's orders in the ledger.
func checkDemoLedger(t *testing.T, conn *sqlx.DB) {
	t.Helper()
	ctx := context.Background()
	lg := ledger.New(conn, ledger.Options{})
	rep, err := lg.Reconcile(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Orders < 10 || rep.Refunds != 2 {
		var b strings.Builder
		_ = rep.WriteTable(&b)
		t.Fatalf("demo ledger: %d orders, %d refunds:\n%s", rep.Orders, rep.Refunds, b.String())
	}
	var lead int64
	if err := conn.GetContext(ctx, &lead, `SELECT m.workshop_id FROM workshop_members m JOIN users u ON u.id = m.user_id
		WHERE u.email = 'lead@libres.example'`); err != nil {
		t.Fatal(err)
	}
	if ps, err := lg.Payouts(ctx, lead); err != nil || len(ps) != 1 {
		t.Fatalf("demo payouts of the lead's workshop: %+v, %v", ps, err)
	}
	if months, err := lg.Months(ctx, lead, 6); err != nil || months[5].Net+months[4].Net+months[3].Net+months[2].Net == 0 {
		t.Fatalf("demo months of the lead's workshop: %+v, %v", months, err)
	}

}

// The demo company has a quote in each stage a newcomer should see, the settled one's
// payments credited the sewing workshop, and reconcile agrees.
func TestDemoQuotes(t *testing.T) {
	conn := dbtest.New(t)
	store, err := media.NewDisk(t.TempDir(), "/media")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := Load(ctx, conn, store, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{PhotoWidth: 160}); err != nil {
		t.Fatal(err)
	}
	var statuses []string
	if err := conn.SelectContext(ctx, &statuses, `SELECT q.status::text FROM quotes q JOIN companies c ON c.id = q.company_id
		WHERE c.name = $1 ORDER BY q.id`, DemoCompany); err != nil {
		t.Fatal(err)
	}
	want := []string{"requested", "quoted", "declined", "in_production", "settled"}
	if strings.Join(statuses, ",") != strings.Join(want, ",") {
		t.Errorf("demo quotes = %v, want %v", statuses, want)
	}
	var credit int64
	if err := conn.GetContext(ctx, &credit, `SELECT coalesce(sum(e.amount_minor), 0) FROM ledger_entries e
		JOIN workshops w ON w.id = e.workshop_id WHERE e.source = 'quote' AND w.slug = $1`, DemoSewingWorkshop); err != nil {
		t.Fatal(err)
	}
	if credit <= 0 {
		t.Errorf("the sewing workshop has no credit from the demo's corporate orders")
	}
	rep, err := ledger.New(conn, ledger.Options{}).Reconcile(ctx, time.Time{}, time.Time{})
	if err != nil || !rep.OK() || rep.QuotePayments != 3 {
		var b strings.Builder
		_ = rep.WriteTable(&b)
		t.Fatalf("reconcile with demo quotes (%d quote payments, want 3 deposits and balances): %v\n%s", rep.QuotePayments, err, b.String())
	}
}
