package catalog

import (
	"context"
	"strconv"
	"testing"

	"github.com/libres/storefront/internal/apperr"
)

func variantIDs(t *testing.T, f *editorFixture, productID int64) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, v := range f.product(t, productID).Variants {
		out[v.SKU] = v.ID
	}
	return out
}

func TestStockSheetAndUpdate(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	a := f.create(t, f.leadA, f.wA, "A-1", "A-2", "A-3")
	b := f.create(t, f.leadB, f.wB, "B-1")
	va, vb := variantIDs(t, f, a), variantIDs(t, f, b)

	sheet, err := f.ed.StockSheet(ctx, f.leadA, StockFilter{})
	if err != nil || len(sheet) != 3 || sheet[0].SKU != "A-1" || sheet[0].Stock != 3 || sheet[0].WorkshopName != "taller-a" {
		t.Fatalf("sheet = %+v, %v", sheet, err)
	}
	if all, _ := f.ed.StockSheet(ctx, f.admin, StockFilter{}); len(all) != 4 {
		t.Errorf("admin sheet has %d rows", len(all))
	}
	if rows, _ := f.ed.StockSheet(ctx, f.leadA, StockFilter{Query: "a-2"}); len(rows) != 1 || rows[0].SKU != "A-2" {
		t.Errorf("query: %+v", rows)
	}

	err = f.ed.UpdateStock(ctx, f.leadA, f.actor, []StockChange{
		{VariantID: va["A-1"], Stock: "0", Was: 3},
		{VariantID: va["A-2"], Stock: "10", Was: 3},
		{VariantID: va["A-3"], Stock: "3", Was: 3}, // unchanged: skipped
	})
	if err != nil {
		t.Fatal(err)
	}
	p := f.product(t, a)
	if p.Variants[0].Stock != 0 || p.Variants[1].Stock != 10 || p.Version != 2 {
		t.Errorf("after update: %+v", p)
	}
	if low, _ := f.ed.StockSheet(ctx, f.leadA, StockFilter{OnlyLow: true}); len(low) != 1 || low[0].SKU != "A-1" {
		t.Errorf("only low: %+v", low)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'stock.update' AND entity_id = $1`, strconv.FormatInt(a, 10)); n != 1 {
		t.Errorf("stock audit entries = %d", n)
	}

	refused := []struct {
		name    string
		scope   Scope
		changes []StockChange
		code    apperr.Code
		key     string
		field   string
	}{
		{"another workshop's variant", f.leadA, []StockChange{{VariantID: va["A-3"], Stock: "7", Was: 3}, {VariantID: vb["B-1"], Stock: "9", Was: 3}},
			apperr.NotFound, "variant.not_found", ""},
		{"variant that does not exist", f.admin, []StockChange{{VariantID: 999999, Stock: "1", Was: 0}}, apperr.NotFound, "variant.not_found", ""},
		{"negative", f.leadA, []StockChange{{VariantID: va["A-3"], Stock: "7", Was: 3}, {VariantID: va["A-2"], Stock: "-1", Was: 10}},
			apperr.Invalid, "catalog.form.invalid", "stock." + strconv.FormatInt(va["A-2"], 10)},
		{"stale row", f.leadA, []StockChange{{VariantID: va["A-3"], Stock: "7", Was: 3}, {VariantID: va["A-2"], Stock: "4", Was: 3}},
			apperr.Conflict, "stock.stale", "stock." + strconv.FormatInt(va["A-2"], 10)},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			err := f.ed.UpdateStock(ctx, tt.scope, f.actor, tt.changes)
			wantKey(t, err, tt.code, tt.key)
			if tt.field != "" && apperr.FieldsOf(err)[tt.field] == "" {
				t.Errorf("fields = %v, want %s", apperr.FieldsOf(err), tt.field)
			}
			p := f.product(t, a)
			if p.Variants[1].Stock != 10 || p.Variants[2].Stock != 3 || p.Version != 2 {
				t.Errorf("stock changed: %+v", p.Variants)
			}
			if pb := f.product(t, b); pb.Variants[0].Stock != 3 {
				t.Errorf("B's stock changed: %+v", pb.Variants)
			}
		})
	}
	// The product form loaded before the stock save is stale now, so it cannot put the
	// old counts back.
	form := p.Form()
	form.Version = "1"
	wantKey(t, f.ed.UpdateProduct(ctx, f.leadA, f.actor, a, form), apperr.Conflict, "product.stale")
}

func TestWorkshopSummary(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	a := f.create(t, f.leadA, f.wA, "A-1", "A-2", "A-3")
	f.create(t, f.leadA, f.wA, "A-DRAFT")
	f.create(t, f.leadB, f.wB, "B-1")
	va := variantIDs(t, f, a)
	if err := AddPhoto(ctx, f.conn, Photo{ProductID: a, Key: "photos/x", Width: 10, Height: 10, Renditions: []int64{10}}); err != nil {
		t.Fatal(err)
	}
	if err := f.ed.SetStatus(ctx, f.leadA, f.actor, a, StatusActive, 1); err != nil {
		t.Fatal(err)
	}
	if err := f.ed.UpdateStock(ctx, f.leadA, f.actor, []StockChange{
		{VariantID: va["A-1"], Stock: "0", Was: 3}, {VariantID: va["A-2"], Stock: "2", Was: 3}}); err != nil {
		t.Fatal(err)
	}
	stats, err := f.ed.WorkshopSummary(ctx, f.leadA)
	if err != nil || len(stats) != 1 {
		t.Fatalf("summary = %+v, %v", stats, err)
	}
	s := stats[0]
	if s.Workshop.ID != f.wA || s.Draft != 1 || s.Active != 1 || s.Archived != 0 ||
		len(s.SoldOut) != 1 || s.SoldOut[0].SKU != "A-1" || len(s.LowStock) != 1 || s.LowStock[0].SKU != "A-2" {
		t.Errorf("summary = %+v", s)
	}
	if all, _ := f.ed.WorkshopSummary(ctx, f.admin); len(all) != 2 {
		t.Errorf("admin summary has %d workshops", len(all))
	}
	if none, _ := f.ed.WorkshopSummary(ctx, Scope{}); len(none) != 0 {
		t.Errorf("empty scope summary = %+v", none)
	}
}
