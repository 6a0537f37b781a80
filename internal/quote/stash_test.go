package quote

import (
	"context"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/apperr"
)

func TestStashAndKeep(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "900.123.456-8", true)

	kept, fe, err := f.svc.Stash(ctx, []Upload{{Name: "logo.svg", Body: svgBytes}, {Name: "C:\\fotos\\logo.png", Body: pngBytes}})
	if err != nil {
		t.Fatal(err)
	}
	if fe["files.0"] != "quote.file_type" || len(fe) != 1 {
		t.Errorf("field errors = %v, want the SVG refused", fe)
	}
	if len(kept) != 1 || kept[0].Name != "logo.png" || kept[0].ContentType != "image/png" || !strings.HasPrefix(kept[0].Key, "quotes/") {
		t.Fatalf("kept = %+v", kept)
	}
	if ok, err := f.store.Exists(ctx, kept[0].Key); err != nil || !ok {
		t.Fatalf("stashed file stored: %v, %v", ok, err)
	}

	// Kept files come back as uploads Request attaches without their bytes.
	up, err := f.svc.Keep(ctx, kept[0])
	if err != nil {
		t.Fatal(err)
	}
	q, err := f.svc.Request(ctx, cid, uid, validForm(), []Upload{up, {Name: "b.pdf", Body: pdfBytes}})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Files) != 2 || q.Files[0].Key != kept[0].Key || q.Files[0].Name != "logo.png" || q.Files[0].Size != int64(len(pngBytes)) {
		t.Errorf("files of the request = %+v", q.Files)
	}

	// Keys Stash does not make, types that do not match them and objects no longer
	// stored are not found.
	for _, k := range []Kept{
		{Key: "photos/abc.png", Name: "x.png", ContentType: "image/png", Size: 10},
		{Key: "quotes/../secret.png", Name: "x.png", ContentType: "image/png", Size: 10},
		{Key: kept[0].Key, Name: "x.png", ContentType: "application/pdf", Size: 10},
		{Key: kept[0].Key, Name: "x.png", ContentType: "image/png", Size: MaxFileSize + 1},
		{Key: "quotes/" + strings.Repeat("0", 64) + ".png", Name: "x.png", ContentType: "image/png", Size: 10},
	} {
		if _, err := f.svc.Keep(ctx, k); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Keep(%+v) = %v, want not found", k, err)
		}
	}
}
