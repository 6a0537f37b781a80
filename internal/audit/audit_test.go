package audit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
)

func TestRecordAndList(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	lead := audit.Actor{ID: 7, Email: "lead@example.org"}
	for _, e := range []audit.Entry{
		{Actor: lead, Action: "product.create", Entity: "product", EntityID: "1", WorkshopID: 3, Summary: "created Bota", After: map[string]any{"title": "Bota"}},
		{Actor: lead, Action: "product.update", Entity: "product", EntityID: "1", WorkshopID: 3, Summary: "price 100 -> 120",
			Before: map[string]any{"price": 100}, After: map[string]any{"price": 120}},
		{Actor: audit.Actor{Email: "admin@example.org", ID: 1}, Action: "user.invite", Entity: "user", EntityID: "9", Summary: "invited a lead"},
	} {
		if err := audit.Record(ctx, conn, e); err != nil {
			t.Fatal(err)
		}
	}
	rows, total, err := audit.List(ctx, conn, audit.Filter{Action: "product."})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(rows) != 2 || rows[0].Action != "product.update" {
		t.Fatalf("product entries: total %d, rows %+v", total, rows)
	}
	if rows[0].Before == nil || *rows[0].Before != `{"price": 100}` {
		t.Errorf("before = %v", rows[0].Before)
	}
	if _, total, _ := audit.List(ctx, conn, audit.Filter{ActorEmail: "ADMIN@"}); total != 1 {
		t.Errorf("filter by actor email: %d entries, want 1", total)
	}
	if _, total, _ := audit.List(ctx, conn, audit.Filter{ActorEmail: "%"}); total != 0 {
		t.Errorf("a %% in the filter matched %d entries: LIKE wildcards must be escaped", total)
	}

	// Written in the change's transaction: a rolled-back change leaves no entry.
	boom := errors.New("boom")
	_ = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		if err := audit.Record(ctx, tx, audit.Entry{Action: "product.delete", Entity: "product", EntityID: "1"}); err != nil {
			return err
		}
		return boom
	})
	if _, total, _ := audit.List(ctx, conn, audit.Filter{Action: "product.delete"}); total != 0 {
		t.Errorf("a rolled-back change left %d audit entries", total)
	}
}
