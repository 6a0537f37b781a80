package account

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMessageKeysHaveMessages checks that every message key this package can return
// has a message in both languages, and that the two files have the same keys.
func TestMessageKeysHaveMessages(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keyRe := regexp.MustCompile(`"(account\.[a-z_]+\.[a-z_]+)"`)
	used := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 20 {
		t.Fatalf("found only %d keys in the source: is the pattern right?", len(used))
	}
	catalogs := map[string]map[string]string{}
	for _, lang := range []string{"es", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "web", "locales", lang, "account.json"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s/account.json: %v", lang, err)
		}
		catalogs[lang] = m
		for k := range used {
			if strings.TrimSpace(m[k]) == "" {
				t.Errorf("%s/account.json has no message for %s", lang, k)
			}
		}
	}
	for k := range catalogs["es"] {
		if _, ok := catalogs["en"][k]; !ok {
			t.Errorf("en/account.json lacks %s", k)
		}
	}
	for k := range catalogs["en"] {
		if _, ok := catalogs["es"][k]; !ok {
			t.Errorf("es/account.json lacks %s", k)
		}
	}
}
