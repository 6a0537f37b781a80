package order

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPickupKeysHaveMessages checks that every pickup message key the code and the
// templates use has a message in both languages (web/locales/*/pickup.json), and that
// the two files have the same keys.
func TestPickupKeysHaveMessages(t *testing.T) {
	root := filepath.Join("..", "..")
	sources := []string{"internal/order/pickup.go", "internal/web/shop/pickup.go", "internal/web/admin/orders_pickup.go", "internal/web/admin/orders.go",
		"web/templates/shop/checkout.html", "web/templates/shop/order.html", "web/templates/admin/order.html",
		"web/templates/admin/orders.html", "web/templates/mail/order_pickup_ready.html", "web/templates/mail/order_pickup_ready.txt",
		"web/templates/mail/order_picked_up.html", "web/templates/mail/order_picked_up.txt",
		"web/templates/mail/order_received.html", "web/templates/mail/order_paid.txt"}
	keyRe := regexp.MustCompile(`"((?:pickup|mail\.order_pickup[a-z_]*|mail\.order_picked_up)\.[a-z_.]+)"`)
	used := map[string]bool{}
	for _, name := range sources {
		src, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 25 {
		t.Fatalf("found only %d keys in the sources: is the pattern right?", len(used))
	}
	catalogs := map[string]map[string]string{}
	for _, lang := range []string{"es", "en"} {
		b, err := os.ReadFile(filepath.Join(root, "web", "locales", lang, "pickup.json"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s/pickup.json: %v", lang, err)
		}
		catalogs[lang] = m
		for k := range used {
			if strings.TrimSpace(m[k]) == "" {
				t.Errorf("%s/pickup.json has no message for %s", lang, k)
			}
		}
	}
	for a, b := range map[string]string{"es": "en", "en": "es"} {
		for k := range catalogs[a] {
			if _, ok := catalogs[b][k]; !ok {
				t.Errorf("%s/pickup.json lacks %s", b, k)
			}
		}
	}
}
