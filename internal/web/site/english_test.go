package site

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// rawKey is a message key that reached a page untranslated ("studio.nav.products").
var rawKey = regexp.MustCompile(`\b(?:studio|admin|adminorders|statements|acct|account|cart|checkout|orderpage|order|ledger|catalog|product|photo|stock|variant|workshop|category|error|form|nav|quote)\.[a-z_]+(?:\.[a-z_]+)*\b`)

// TestBackOfficesInEnglish walks every GET page of /studio and /admin from the router's
// route list, as an admin with ?lang=en: each answers 200 (files aside), says it is
// English, and shows no message key untranslated.
func TestBackOfficesInEnglish(t *testing.T) {
	f := newAuthzFixture(t)
	token := f.login(t, "admin@libres.example")
	n := 0
	for _, r := range testSrv.Engine().Routes() {
		if r.Method != http.MethodGet || !(strings.HasPrefix(r.Path, "/studio") || strings.HasPrefix(r.Path, "/admin")) ||
			strings.HasSuffix(r.Path, ".csv") || strings.HasSuffix(r.Path, ".pdf") {
			continue
		}
		path, _, err := f.fill(context.Background(), r.Path)
		if err != nil {
			t.Fatal(err)
		}
		res, doc := newBrowser(t, token).get(path + "?lang=en")
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s?lang=en as admin: %d", path, res.StatusCode)
			continue
		}
		if lang, _ := doc.Find("html").Attr("lang"); lang != "en" {
			t.Errorf("%s?lang=en: html lang=%q", path, lang)
		}
		// The audit log lists action names ("product.update"): data, not messages.
		if k := rawKey.FindString(text(doc.Find("main"))); k != "" && r.Path != "/admin/audit" {
			t.Errorf("%s?lang=en shows the untranslated key %q", path, k)
		}
		n++
	}
	if n < 20 {
		t.Fatalf("only %d back-office pages checked", n)
	}
}
