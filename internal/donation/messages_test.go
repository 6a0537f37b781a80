package donation_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/web/donate"
)

// TestMessageKeysHaveMessages checks that every donation message key the code and the
// templates use (literal keys, and the keys built from statuses, methods, document
// types and programmes) has a message in both languages, and that the two files have
// the same keys.
func TestMessageKeysHaveMessages(t *testing.T) {
	root := filepath.Join("..", "..")
	var files []string
	for _, pattern := range []string{"internal/donation/*.go", "internal/web/donate/*.go", "internal/web/admin/donations.go",
		"web/templates/shop/donate*.html", "web/templates/admin/donations*.html", "web/templates/mail/donation_*"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	keyRe := regexp.MustCompile(`"((?:donation|donate|admindonations|mail\.donation(?:_[a-z]+)?)\.[a-z_.]*[a-z_])"`)
	used := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		// Audit actions ("donation.received") are codes, not messages.
		text := regexp.MustCompile(`Action: "[a-z_.]+"`).ReplaceAllString(string(src), "")
		for _, m := range keyRe.FindAllStringSubmatch(text, -1) {
			if !strings.HasSuffix(m[1], ".") {
				used[m[1]] = true
			}
		}
	}
	for _, s := range donation.Statuses {
		used["donate.status."+string(s)] = true
	}
	for _, m := range donation.Methods {
		used["donate.method."+string(m)] = true
	}
	for _, d := range donation.DocTypes {
		used["donate.doc_type."+d] = true
	}
	for _, p := range donate.Programmes {
		used["donate.programme."+p], used["donate.programme."+p+"_text"] = true, true
	}
	if len(used) < 60 {
		t.Fatalf("found only %d keys: is the pattern right?", len(used))
	}
	catalogs := map[string]map[string]string{}
	for _, lang := range []string{"es", "en"} {
		b, err := os.ReadFile(filepath.Join(root, "web", "locales", lang, "donations.json"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s/donations.json: %v", lang, err)
		}
		catalogs[lang] = m
		for k := range used {
			if strings.TrimSpace(m[k]) == "" {
				t.Errorf("%s/donations.json has no message for %s", lang, k)
			}
		}
	}
	for k := range catalogs["es"] {
		if _, ok := catalogs["en"][k]; !ok {
			t.Errorf("en/donations.json lacks %s", k)
		}
	}
	for k := range catalogs["en"] {
		if _, ok := catalogs["es"][k]; !ok {
			t.Errorf("es/donations.json lacks %s", k)
		}
	}
}
