package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"
)

// auditPage is one page the checkers look at.
type auditPage struct {
	name   string // "es-product": language and kind, used in file names and messages
	kind   string // home, listing, product, workshop, search, 404, login, signup, forgot, lookup
	path   string
	status int // the HTTP status the server must answer
}

var (
	productHref  = regexp.MustCompile(`href="/producto/([a-z0-9-]+)"`)
	workshopHref = regexp.MustCompile(`href="/taller/([a-z0-9-]+)"`)
)

// auditedPages lists each kind of page anyone can open, in both languages (the order
// look-up form included). The product
// and workshop are the first ones the shoes listing and that product link to, so the
// list follows the demo data instead of hard-coding its slugs. The pages behind a login
// or holding a cart are audited where the journeys reach them instead (liveAudit).
func auditedPages(t *testing.T, s store) []auditPage {
	t.Helper()
	product := firstMatch(t, s, "/catalogo/calzado", productHref)
	workshop := firstMatch(t, s, "/producto/"+product, workshopHref)
	pages := []auditPage{
		{"es-home", "home", "/", http.StatusOK},
		{"es-listing", "listing", "/catalogo/calzado", http.StatusOK},
		{"es-product", "product", "/producto/" + product, http.StatusOK},
		{"es-workshop", "workshop", "/taller/" + workshop, http.StatusOK},
		{"es-search", "search", "/buscar?q=cafe", http.StatusOK},
		{"es-404", "404", "/esta-pagina-no-existe", http.StatusNotFound},
		{"es-login", "login", "/login", http.StatusOK},
		{"es-signup", "signup", "/registro", http.StatusOK},
		{"es-forgot", "forgot", "/cuenta/recuperar", http.StatusOK},
		{"es-lookup", "lookup", "/pedido", http.StatusOK},
		{"es-corporate", "corporate", "/corporate", http.StatusOK},
		{"es-corporate-signup", "corporate-signup", "/corporate/signup", http.StatusOK},
		{"en-home", "home", "/en", http.StatusOK},
		{"en-listing", "listing", "/en/catalog/shoes", http.StatusOK},
		{"en-product", "product", "/en/product/" + product, http.StatusOK},
		{"en-workshop", "workshop", "/en/workshop/" + workshop, http.StatusOK},
		{"en-search", "search", "/en/search?q=cafe", http.StatusOK},
		{"en-404", "404", "/en/no-such-page", http.StatusNotFound},
		{"en-login", "login", "/en/login", http.StatusOK},
		{"en-signup", "signup", "/en/signup", http.StatusOK},
		{"en-forgot", "forgot", "/en/account/forgot", http.StatusOK},
		{"en-lookup", "lookup", "/en/order", http.StatusOK},
		{"en-corporate", "corporate", "/en/corporate", http.StatusOK},
		{"en-corporate-signup", "corporate-signup", "/en/corporate/signup", http.StatusOK},
	}
	return pages
}

func firstMatch(t *testing.T, s store, path string, re *regexp.Regexp) string {
	t.Helper()
	status, body, err := s.fetch(path)
	if err != nil {
		t.Fatal(err)
	}
	m := re.FindSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("find the pages to audit: %s answered %d with no link matching %s (is the demo catalog loaded?)", path, status, re)
	}
	return string(m[1])
}

func (p auditPage) String() string { return fmt.Sprintf("%s (%s)", p.name, p.path) }
