package catalog

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/libres/storefront/internal/apperr"
)

func TestEditorList(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	boots := f.form(f.wA, "BOT-1", "BOT-2")
	boots.TitleES = "Botas llaneras café"
	boots.Variants[0].Stock, boots.Variants[1].Stock = "1", "0"
	idBoots, err := f.ed.CreateProduct(ctx, f.leadA, f.actor, boots)
	if err != nil {
		t.Fatal(err)
	}
	empty := f.form(f.wA, "VAC-1")
	empty.TitleES = "Bolso vacío"
	empty.Variants[0].Stock = "0"
	idEmpty, err := f.ed.CreateProduct(ctx, f.leadA, f.actor, empty)
	if err != nil {
		t.Fatal(err)
	}
	f.create(t, f.leadB, f.wB, "B-1")
	if err := AddPhoto(ctx, f.conn, Photo{ProductID: idBoots, Key: "photos/b", Width: 1, Height: 1, Renditions: []int64{1}}); err != nil {
		t.Fatal(err)
	}
	if err := f.ed.SetStatus(ctx, f.leadA, f.actor, idBoots, StatusActive, 1); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		scope  Scope
		filter EditorFilter
		want   []int64
	}{
		{"lead sees own, recent first", f.leadA, EditorFilter{}, []int64{idBoots, idEmpty}},
		{"accent-free title search", f.leadA, EditorFilter{Query: "cafe"}, []int64{idBoots}},
		{"SKU search", f.leadA, EditorFilter{Query: "vac-"}, []int64{idEmpty}},
		{"LIKE characters are literal", f.leadA, EditorFilter{Query: "%"}, nil},
		{"status", f.leadA, EditorFilter{Status: StatusDraft}, []int64{idEmpty}},
		{"unknown status is ignored", f.leadA, EditorFilter{Status: "x"}, []int64{idBoots, idEmpty}},
		{"other workshop filter stays in scope", f.leadA, EditorFilter{WorkshopID: f.wB}, nil},
		{"admin by workshop", f.admin, EditorFilter{WorkshopID: f.wA, PerPage: 1, Page: 2}, []int64{idEmpty}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, _, err := f.ed.EditorList(ctx, tt.scope, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range rows {
				got = append(got, r.ID)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
	rows, total, err := f.ed.EditorList(ctx, f.leadA, EditorFilter{})
	if err != nil || total != 2 {
		t.Fatalf("total = %d, %v", total, err)
	}
	b, e := rows[0], rows[1]
	if b.WorkshopName != "taller-a" || b.Status != StatusActive || b.TotalStock != 1 || b.VariantCount != 2 ||
		!b.Low || b.SoldOut || b.PhotoCount != 1 || b.Version != 2 || b.PriceMinor != 18900000 {
		t.Errorf("boots row = %+v", b)
	}
	if e.Low || !e.SoldOut || e.TotalStock != 0 {
		t.Errorf("empty row = %+v", e)
	}
	if _, total, _ := f.ed.EditorList(ctx, f.leadA, EditorFilter{Page: 5}); total != 2 {
		t.Errorf("past the last page: total = %d", total)
	}
}

func TestConcurrentSavesOneWins(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	id := f.create(t, f.leadA, f.wA, "C-1")
	base := f.product(t, id).Form()
	const n = 4
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := base
			form.Variants = append([]VariantForm(nil), base.Variants...)
			form.TitleES = "Versión " + strconv.Itoa(i)
			errs[i] = f.ed.UpdateProduct(ctx, f.leadA, f.actor, id, form)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case apperr.KeyOf(err) != "product.stale":
			t.Errorf("loser: %v", err)
		}
	}
	if p := f.product(t, id); won != 1 || p.Version != 2 {
		t.Errorf("%d saves won, version %d", won, p.Version)
	}
}

func TestSwapSizesBetweenVariants(t *testing.T) {
	f := newEditorFixture(t)
	ctx := context.Background()
	id := f.create(t, f.leadA, f.wA, "S-38", "S-39")
	form := f.product(t, id).Form()
	form.Variants[0].Size, form.Variants[1].Size = form.Variants[1].Size, form.Variants[0].Size
	if err := f.ed.UpdateProduct(ctx, f.leadA, f.actor, id, form); err != nil {
		t.Fatal(err)
	}
	p := f.product(t, id)
	if p.Variants[0].SKU != "S-38" || p.Variants[0].Size != "39" || p.Variants[1].Size != "38" {
		t.Errorf("variants = %+v", p.Variants)
	}
}
