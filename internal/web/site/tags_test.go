package site

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/libres/storefront/internal/account"
)

// TestHangTags: a lead prints tags of their workshop's product (page and PDF) whose QR
// code reads the product's short link; the link opens the product's page for a tag
// visitor (workshop first, canonical unchanged) and counts the scan; bad quantities and
// another workshop's products are refused.
func TestHangTags(t *testing.T) {
	ctx := context.Background()
	var own struct {
		Workshop int64  `db:"workshop_id"`
		Variant  int64  `db:"variant_id"`
		Product  int64  `db:"product_id"`
		Slug     string `db:"slug"`
	}
	if err := testDB.GetContext(ctx, &own, `SELECT p.workshop_id, v.id AS variant_id, p.id AS product_id, p.slug
		FROM products p JOIN variants v ON v.product_id = p.id WHERE p.status = 'active' ORDER BY p.id, v.id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	var other int64
	if err := testDB.GetContext(ctx, &other, `SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id
		WHERE p.status = 'active' AND p.workshop_id <> $1 ORDER BY v.id LIMIT 1`, own.Workshop); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, session(t, newUser(t, account.RoleLead, own.Workshop)))
	field := fmt.Sprintf("qty.%d", own.Variant)

	res, doc := b.get("/studio/tags")
	if res.StatusCode != http.StatusOK || doc.Find(`input[name="`+field+`"]`).Length() != 1 {
		t.Fatalf("tag form: %d, field %s shown %d times", res.StatusCode, field, doc.Find(`input[name="`+field+`"]`).Length())
	}
	if doc.Find(fmt.Sprintf(`input[name="qty.%d"]`, other)).Length() != 0 {
		t.Error("the form offers another workshop's product")
	}

	form := func(kv ...string) url.Values {
		v := url.Values{"paper": {"a4"}, "tag_lang": {"es"}, "format": {"html"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	bad := []struct {
		name  string
		form  url.Values
		field string // the field marked, "" for the top message only
	}{
		{"nothing", form(field, "0"), ""},
		{"negative", form(field, "-2"), field},
		{"words", form(field, "dos"), field},
		{"huge", form(field, "100000"), field},
		{"more than a print", form(field, "480", fmt.Sprintf("qty.%d", own.Variant+1), "480"), ""},
		{"unknown paper", form(field, "2", "paper", "a0"), "paper"},
	}
	for _, tc := range bad {
		res, doc := b.post("/studio/tags", tc.form)
		if res.StatusCode != http.StatusUnprocessableEntity || doc.Find(".form-alert").Length() != 1 {
			t.Errorf("%s: %d with %d alerts, want 422 and the form again with a message", tc.name, res.StatusCode, doc.Find(".form-alert").Length())
			continue
		}
		if msg := text(doc.Find(".form-alert")); strings.HasPrefix(msg, "tags.") {
			t.Errorf("%s: the message is a bare key %q", tc.name, msg)
		}
		if tc.field != "" && doc.Find(`[id="`+tc.field+`-err"], [id="f-`+tc.field+`-err"]`).Length() != 1 {
			t.Errorf("%s: no message by the field %s", tc.name, tc.field)
		}
		if got, _ := doc.Find(`input[name="` + field + `"]`).Attr("value"); got != tc.form.Get(field) {
			t.Errorf("%s: the quantity shows %q, want what was typed %q", tc.name, got, tc.form.Get(field))
		}
	}
	if res, _ := b.post("/studio/tags", form(fmt.Sprintf("qty.%d", other), "1")); res.StatusCode != http.StatusNotFound {
		t.Errorf("printing another workshop's product: %d, want 404", res.StatusCode)
	}

	res, doc = b.post("/studio/tags", form(field, "3"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("print page: %d", res.StatusCode)
	}
	tagsShown := doc.Find(".tag-sheet .tag")
	if tagsShown.Length() != 3 {
		t.Fatalf("print page shows %d tags, want 3", tagsShown.Length())
	}
	src, _ := tagsShown.First().Find("img").Attr("src")
	link := decodeDataQR(t, src)
	code, ok := strings.CutPrefix(link, "https://libres.test/t/")
	if !ok || code == "" {
		t.Fatalf("the QR code reads %q, want https://libres.test/t/{code}", link)
	}

	pdfRes, err := b.c.Do(postReq(b, "/studio/tags", form(field, "25", "format", "pdf")))
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	_, _ = pdf.ReadFrom(pdfRes.Body)
	pdfRes.Body.Close()
	if ct := pdfRes.Header.Get("Content-Type"); pdfRes.StatusCode != 200 || ct != "application/pdf" ||
		!bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) || bytes.Count(pdf.Bytes(), []byte("/Type /Page\n")) != 2 {
		t.Errorf("PDF of 25 tags on A4 3×8: %d %s, %d pages; want a PDF of 2 pages", pdfRes.StatusCode, ct, bytes.Count(pdf.Bytes(), []byte("/Type /Page\n")))
	}

	var before int
	_ = testDB.GetContext(ctx, &before, `SELECT coalesce(sum(scans), 0) FROM tag_scans WHERE product_id = $1`, own.Product)
	anon := newBrowser(t, "")
	for _, tc := range []struct{ path, want string }{
		{"/t/" + code, "/producto/" + own.Slug + "?src=tag"},
		{"/en/t/" + code, "/en/product/" + own.Slug + "?src=tag"},
	} {
		res, _ := anon.get(tc.path)
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != tc.want || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d → %q (%s), want 302 → %q, not cached", tc.path, res.StatusCode, res.Header.Get("Location"), res.Header.Get("Cache-Control"), tc.want)
		}
	}
	var after int
	_ = testDB.GetContext(ctx, &after, `SELECT coalesce(sum(scans), 0) FROM tag_scans WHERE product_id = $1`, own.Product)
	if after-before != 2 {
		t.Errorf("scans counted: %d, want 2", after-before)
	}
	if res, _ := anon.get("/t/zzzzzzzz"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown code: %d, want 404", res.StatusCode)
	}

	for _, round := range []string{"first", "cached"} {
		_, doc = get(t, "/producto/"+own.Slug+"?src=tag")
		intro := doc.Find("main .tag-intro")
		if intro.Length() != 1 || intro.Find(".wc-name").Length() != 1 || doc.Find("main .tag-intro ~ article.product").Length() != 1 {
			t.Errorf("%s tag visit: the workshop does not come before the product", round)
		}
		if c, _ := doc.Find(`link[rel="canonical"]`).Attr("href"); c != "https://libres.test/producto/"+own.Slug {
			t.Errorf("%s tag visit: canonical %q, want the plain product URL", round, c)
		}
	}
	if _, doc = get(t, "/producto/"+own.Slug); doc.Find(".tag-intro").Length() != 0 {
		t.Error("the plain product page shows the tag visitor's introduction")
	}

	_, doc = b.get("/studio/tags")
	fs := doc.Find(`input[name="` + field + `"]`).Closest("fieldset.tag-product")
	if !strings.Contains(text(fs), fmt.Sprintf("escaneos este mes: %d", after)) {
		t.Errorf("the studio does not show this month's scans (%d): %q", after, text(fs))
	}
}

func postReq(b *browser, path string, form url.Values) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, testURL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: testSrv.Kit.SessionCookieName(), Value: b.token})
	return req
}

// decodeDataQR reads the QR code of a data:image/png;base64 URL.
func decodeDataQR(t *testing.T, src string) string {
	t.Helper()
	raw, ok := strings.CutPrefix(src, "data:image/png;base64,")
	if !ok {
		t.Fatalf("QR image %.40q is not a PNG data URL", src)
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR code: %v", err)
	}
	return res.GetText()
}
