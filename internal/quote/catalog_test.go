package quote

import (
	"testing"

	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/web"
)

// TestCatalogLoads checks that the shop's catalog still loads with quote.json (no key
// defined twice, both languages alike).
func TestCatalogLoads(t *testing.T) {
	c, err := i18n.Load(web.FS)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Has("quote.transition") {
		t.Fatal("quote.transition missing from the loaded catalog")
	}
}
