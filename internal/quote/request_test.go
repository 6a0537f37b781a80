package quote

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/libres/storefront/internal/apperr"
)

func TestRequestFormValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*RequestForm)
		fields map[string]string
	}{
		{"valid", func(*RequestForm) {}, nil},
		{"no lines", func(f *RequestForm) { f.Lines = nil }, map[string]string{"lines": "quote.lines_required"}},
		{"total mismatch", func(f *RequestForm) { f.Lines[0].Total = "36" },
			map[string]string{"lines.0.sizes": "quote.sizes_total_mismatch"}},
		{"no sizes", func(f *RequestForm) { f.Lines[1].M = "" }, map[string]string{"lines.1.sizes": "quote.sizes_required"}},
		{"unknown garment", func(f *RequestForm) { f.Lines[1].Garment = "tuxedo" },
			map[string]string{"lines.1.garment": "quote.garment_unknown"}},
		{"bad size", func(f *RequestForm) { f.Lines[0].XL = "-3" }, map[string]string{"lines.0.xl": "quote.size_quantity_invalid"}},
		{"customisation", func(f *RequestForm) { f.Lines[0].Customisation = "paint" },
			map[string]string{"lines.0.customisation": "quote.customisation_unknown"}},
		{"deadline and city", func(f *RequestForm) { f.Deadline = "30/04/2026"; f.DeliveryCity = " " },
			map[string]string{"deadline": "quote.deadline_invalid", "delivery_city": "quote.city_required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := validForm()
			tc.edit(&f)
			err := f.Validate()
			got := apperr.FieldsOf(err)
			if len(tc.fields) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if apperr.CodeOf(err) != apperr.Invalid || len(got) != len(tc.fields) {
				t.Fatalf("Validate() = %v, want fields %v", err, tc.fields)
			}
			for k, v := range tc.fields {
				if got[k] != v {
					t.Errorf("field %s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestRequest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	q, err := f.svc.Request(ctx, cid, uid, validForm(), []Upload{
		{Name: `C:\logos\logo.png`, Body: pngBytes}, {Name: "foto.jpeg", Body: jpegBytes}, {Name: "brief.pdf", Body: pdfBytes}})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^COT-2026-\d{5}$`).MatchString(q.Number) || q.Status != StatusRequested {
		t.Fatalf("quote = %s %s", q.Number, q.Status)
	}
	got, err := f.svc.Get(ctx, cid, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Lines) != 2 || got.Lines[0].Quantity != 35 || got.Lines[0].S != 10 || got.Lines[1].Quantity != 12 {
		t.Fatalf("lines = %+v", got.Lines)
	}
	wantTypes := []string{"image/png", "image/jpeg", "application/pdf"}
	if len(got.Files) != 3 {
		t.Fatalf("files = %+v", got.Files)
	}
	for i, fl := range got.Files {
		if fl.ContentType != wantTypes[i] || !regexp.MustCompile(`^quotes/[0-9a-f]{64}\.(png|jpg|pdf)$`).MatchString(fl.Key) {
			t.Errorf("file %d = %+v", i, fl)
		}
		b, err := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(fl.Key)))
		if err != nil || int64(len(b)) != fl.Size {
			t.Errorf("stored file %s: %d bytes, %v", fl.Key, len(b), err)
		}
	}
	if got.Files[0].Name != "logo.png" {
		t.Errorf("file name = %q, want the base name", got.Files[0].Name)
	}
	q2 := f.request(t, cid, uid)
	if q2.Number <= q.Number {
		t.Errorf("second number %s not after %s", q2.Number, q.Number)
	}

	form := validForm()
	form.Deadline = "2026-03-10" // today in Bogotá
	_, err = f.svc.Request(ctx, cid, uid, form, nil)
	if apperr.FieldsOf(err)["deadline"] != "quote.deadline_past" {
		t.Fatalf("deadline today: %v", err)
	}
}

func TestRequestFiles(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cid, uid := f.company(t, "800.197.268-4", true)
	big := append(append([]byte{}, pngBytes...), bytes.Repeat([]byte{0}, 30<<20)...)
	atLimit := append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte{' '}, MaxFileSize-len(pdfBytes))...)
	tests := []struct {
		name string
		up   Upload
		key  string // "" for accepted
	}{
		{"png", Upload{Name: "a.png", Body: pngBytes}, ""},
		{"jpeg", Upload{Name: "a.jpg", Body: jpegBytes}, ""},
		{"pdf", Upload{Name: "a.pdf", Body: pdfBytes}, ""},
		{"pdf at 20 MB", Upload{Name: "a.pdf", Body: atLimit}, ""},
		{"svg", Upload{Name: "logo.svg", Body: svgBytes}, "quote.file_type"},
		{"svg named png", Upload{Name: "logo.png", Body: svgBytes}, "quote.file_type"},
		{"renamed exe", Upload{Name: "logo.png", Body: exeBytes}, "quote.file_type"},
		{"30 MB", Upload{Name: "huge.png", Body: big}, "quote.file_too_large"},
		{"empty", Upload{Name: "e.png", Body: nil}, "quote.file_empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before int
			_ = f.db.Get(&before, `SELECT count(*) FROM quotes`)
			q, err := f.svc.Request(ctx, cid, uid, validForm(), []Upload{tc.up})
			var after int
			_ = f.db.Get(&after, `SELECT count(*) FROM quotes`)
			if tc.key == "" {
				if err != nil || len(q.Files) != 1 {
					t.Fatalf("accepted file: %v", err)
				}
				return
			}
			if apperr.FieldsOf(err)["files.0"] != tc.key {
				t.Fatalf("err = %v, want files.0 = %s", err, tc.key)
			}
			if after != before {
				t.Fatal("a refused file still made a quote")
			}
		})
	}
	entries, _ := os.ReadDir(filepath.Join(f.dir, "quotes"))
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".svg" || filepath.Ext(e.Name()) == ".exe" {
			t.Errorf("refused file stored: %s", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(f.dir, "photos")); !os.IsNotExist(err) {
		t.Error("quote files went under photos/")
	}
}

func TestOtherCompanyIsNotFound(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, ua := f.company(t, "800.197.268-4", true)
	b, ub := f.company(t, "900.123.456-8", true)
	q := f.request(t, a, ua)

	_, err := f.svc.Get(ctx, b, q.ID)
	wantCode(t, err, apperr.NotFound, "")
	_, err = f.svc.File(ctx, b, q.Files[0].ID)
	wantCode(t, err, apperr.NotFound, "")
	if _, err := f.svc.File(ctx, a, q.Files[0].ID); err != nil {
		t.Fatalf("own file: %v", err)
	}
	f.setStatus(t, q.ID, StatusQuoted)
	_, err = f.svc.Decline(ctx, b, ub, q.ID, "no")
	wantCode(t, err, apperr.NotFound, "")
	if s := f.status(t, q.ID); s != StatusQuoted {
		t.Fatalf("status after another company's decline = %s", s)
	}
	_, err = f.svc.Decline(ctx, a, ub, q.ID, "no") // b's user naming company a
	wantCode(t, err, apperr.NotFound, "")
	if s := f.status(t, q.ID); s != StatusQuoted {
		t.Fatalf("status after a stranger's decline = %s", s)
	}
	qs, err := f.svc.List(ctx, b)
	if err != nil || len(qs) != 0 {
		t.Fatalf("other company's list = %v, %v", qs, err)
	}
	// A user of company b naming company a is not one of its people.
	_, err = f.svc.Request(ctx, a, ub, validForm(), nil)
	wantCode(t, err, apperr.NotFound, "")
}
