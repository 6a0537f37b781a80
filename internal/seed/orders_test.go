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
