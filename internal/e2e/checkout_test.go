package e2e

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The shop's cart and checkout, found by what a shopper reads.
var (
	clothingNavLink = chromedp.Search(`//header//nav//a[normalize-space()="Ropa"]`)
	cartSubtotal    = chromedp.Search(`//main//*[contains(@class,"cart-summary")]//*[contains(@class,"subtotal")]/strong`)
	headerCart      = chromedp.Search(`//header//li[contains(@class,"nav-cart")]/a`)
	checkoutForm    = `//main//form[@method="post"][.//button[@name="action"]]`
	orderStatus     = chromedp.Search(`//main//header//span[contains(@class,"status")]`)
)

// button is the main content's button or link that reads label.
func button(label string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`//main//*[self::button or self::a][normalize-space()=%q]`, label))
}

// shopper is what the checkout journeys of both viewports share.
type shopper struct {
	s       store
	browser context.Context // to open the admin's tab from
	a       artifacts
	audit   *liveAudit
}

// buyJourney carries what one checkout journey learns for its next steps.
type buyJourney struct {
	t    *testing.T
	tab  *tab
	sh   *shopper
	shot string // the current step's screenshot, named in audit failures

	email    string // the shopper's, one per journey
	product  string // path of the product bought
	sizes    []variantState
	subtotal int64 // pesos, as the cart last showed it
	totals   totals
	number   string // LIB-…
	orderURL string // the order page the checkout led to (path and query)
	mailLink string // the link of the "order received" email

	admin             *tab // desktop: staff mark the order paid and shipped
	adminOrder        string
	carrier, tracking string
}

// runCheckout is TestBrowser/checkout/{phone,desktop}: a guest puts two sizes of a
// product in the cart, buys two of one, is told what is missing on the checkout form,
// sees the total with taxes and shipping, places the order to pay by transfer, reads
// the instructions on the order page and gets the email (on the phone they also open
// the order in English and find it with the look-up form). An admin, in a tab of
// their own, finds the order, marks it paid and shipped, and the shopper's order page
// (the emailed link) shows it shipped with the tracking. Each step ends
// with a full-page screenshot; a failed step is photographed as it stands and ends
// the journey. The pages are audited where the journey reaches them.
func runCheckout(t *testing.T, tb *tab, sh *shopper) {
	j := &buyJourney{t: t, tab: tb, sh: sh,
		email: fmt.Sprintf("comprador-%s-%d@libres.test", tb.vp.name, time.Now().UnixNano())}
	steps := []buyStep{
		{"product", false, stepCheapProduct},
		{"add-first", false, stepAddFirst},
		{"add-second", false, stepAddSecond},
		{"quantity", false, stepQuantity},
		{"missing-fields", false, stepMissingFields},
		{"review", false, stepReview},
		{"place", false, stepPlace},
		{"email", false, stepOrderEmail},
	}
	if tb.vp.mobile {
		steps = append(steps, buyStep{"order-english", false, stepOrderEnglish}, buyStep{"lookup", false, stepLookup})
	}
	// The admin works in a browser context of their own: their login stays out of the
	// shopper's tab.
	j.admin = newTab(t, sh.browser, tb.vp, tb.base, tb.shots, chromedp.WithNewBrowserContext())
	steps = append(steps,
		buyStep{"admin-orders", true, stepAdminOrders},
		buyStep{"admin-paid", true, stepAdminPaid},
		buyStep{"admin-shipped", true, stepAdminShipped},
		buyStep{"shipped", false, stepShippedPage},
	)
	for i, s := range steps {
		name := fmt.Sprintf("checkout-%s-%02d-%s", tb.vp.name, i+1, s.name)
		j.shot = tb.shotPath(name)
		on := tb
		if s.admin {
			on = j.admin
		}
		start := time.Now()
		if err := on.run(func(ctx context.Context) error { return s.do(ctx, j) }); err != nil {
			shot := on.screenshot(name + "-FAILED")
			t.Fatalf("%s checkout journey, step %q failed at %s:\n  %v\n  screenshot: %s", tb.vp.name, s.name, on.location(), err, shot)
		}
		t.Logf("%s (%s): %s", s.name, time.Since(start).Round(100*time.Millisecond), on.screenshot(name))
	}
}

// buyStep is one thing the shopper (or, for admin steps, staff in their own tab) does
// and what they must then see.
type buyStep struct {
	name  string
	admin bool
	do    func(ctx context.Context, j *buyJourney) error
}

// check audits the page the journey stands on; html gives it as the server sends it.
// The shop's pages are audited on the phone (the axe part's desktop tab covers their
// shared layout).
func (j *buyJourney) check(ctx context.Context, name string, html func() ([]byte, error)) error {
	if !j.tab.vp.mobile {
		return nil
	}
	return j.sh.audit.check(ctx, j.t, j.tab, "shop-"+name, j.shot, html)
}

// stepCheapProduct: the clothing listing from the cheapest, and the first product with
// at least two sizes in stock (three pieces stay under the free-shipping threshold,
// so the total shows a shipping cost).
func stepCheapProduct(ctx context.Context, j *buyJourney) error {
	if err := navigateOK(ctx, j.tab.base+"/"); err != nil {
		return err
	}
	href, err := attribute(ctx, clothingNavLink, "href")
	if err != nil {
		return err
	}
	if href == "" {
		return errors.New(`the header has no "Ropa" link`)
	}
	if err := navigateOK(ctx, j.tab.base+href+"?sort=price_asc"); err != nil {
		return err
	}
	j.product, j.sizes, err = productWithSizes(ctx, j.tab, 2, nil)
	return err
}

// productWithSizes opens the listing's products in turn (but those skip, if not nil,
// leaves out) until one offers at least n sizes, and returns its path and the sizes
// that can be chosen.
func productWithSizes(ctx context.Context, tb *tab, n int, skip func(href string) bool) (string, []variantState, error) {
	listing, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "", nil, err
	}
	hrefs, err := visibleProducts(ctx)
	if err != nil {
		return "", nil, err
	}
	for _, href := range hrefs {
		if skip != nil && skip(href) {
			continue
		}
		link := chromedp.Search(fmt.Sprintf(`(//main//a[@href=%q])[1]`, href))
		if err := pressAndLoad(ctx, tb.vp, link); err != nil {
			return "", nil, err
		}
		vs, err := eval[[]variantState](ctx, variantsJS)
		if err != nil {
			return "", nil, err
		}
		var open []variantState
		for _, v := range vs {
			if !v.Disabled {
				open = append(open, v)
			}
		}
		if len(open) >= n {
			return href, open, nil
		}
		if err := navigateOK(ctx, listing); err != nil {
			return "", nil, err
		}
	}
	return "", nil, fmt.Errorf("none of the %d products listed at %s offers %d sizes", len(hrefs), listing, n)
}

// addSize chooses a size on the product page and adds one to the cart.
func addSize(ctx context.Context, tb *tab, v variantState, add string) error {
	if err := chromedp.Do(ctx, press(tb.vp, chromedp.Search(fmt.Sprintf(`//label[@for=%q]`, v.ID)))); err != nil {
		return fmt.Errorf("choose size %q: %w", v.Label, err)
	}
	if ok, err := eval[bool](ctx, fmt.Sprintf(`document.getElementById(%q).checked`, v.ID)); err != nil || !ok {
		return fmt.Errorf("pressing size %q did not choose it (%v)", v.Label, err)
	}
	if q, err := eval[string](ctx, `document.getElementById("buy-qty").value`); err != nil || q != "1" {
		return fmt.Errorf("the quantity reads %q, want 1 (%v)", q, err)
	}
	return pressAndLoad(ctx, tb.vp, button(add))
}

// cartLine is one line of the cart page as shown.
type cartLine struct {
	Title    string `json:"title"`
	Details  string `json:"details"`
	Variant  string `json:"variant"`
	Quantity string `json:"quantity"`
	Unit     string `json:"unit"`
	Total    string `json:"total"`
}

const cartLinesJS = `(() => {
	const text = el => el?.innerText.replace(/\s+/g, " ").trim() ?? "";
	return [...document.querySelectorAll("main .cart-line")].map(li => ({
		title: text(li.querySelector(".cart-title")),
		details: text(li.querySelector(".cart-info .small")),
		variant: li.querySelector('input[name="variant"]')?.value ?? "",
		quantity: li.querySelector('input[name="quantity"]')?.value ?? "",
		unit: text(li.querySelector(".cart-info strong")),
		total: text(li.querySelector(".cart-total")),
	}));
})()`

// wantCart wants the cart page with the flash message, one line per chosen option in
// order, and a subtotal that adds the lines up; it returns the lines.
func wantCart(ctx context.Context, j *buyJourney, flash string, chosen ...variantState) ([]cartLine, error) {
	if err := wantPath(ctx, "/carrito"); err != nil {
		return nil, err
	}
	if err := wantFlash(ctx, flash); err != nil {
		return nil, err
	}
	lines, err := eval[[]cartLine](ctx, cartLinesJS)
	if err != nil {
		return nil, err
	}
	if len(lines) != len(chosen) {
		return nil, fmt.Errorf("the cart shows %d lines %+v, want %d", len(lines), lines, len(chosen))
	}
	var sum int64
	for i, l := range lines {
		if "v"+l.Variant != chosen[i].ID || !strings.HasPrefix(l.Details, "talla ") {
			return nil, fmt.Errorf("cart line %d reads %q, want the size chosen, %q", i+1, l.Details, chosen[i].Label)
		}
		unit, total, qty := pesos(l.Unit), pesos(l.Total), atoi(l.Quantity)
		if unit <= 0 || total != unit*int64(qty) {
			return nil, fmt.Errorf("cart line %d: %s × %d shows %s", i+1, l.Unit, qty, l.Total)
		}
		sum += total
	}
	sub, err := visibleText(ctx, cartSubtotal)
	if err != nil {
		return nil, err
	}
	if pesos(sub) != sum {
		return nil, fmt.Errorf("the cart's subtotal reads %s, want the lines' sum, %d", sub, sum)
	}
	j.subtotal = sum
	return lines, nil
}

func stepAddFirst(ctx context.Context, j *buyJourney) error {
	if err := addSize(ctx, j.tab, j.sizes[0], "Agregar al carrito"); err != nil {
		return err
	}
	_, err := wantCart(ctx, j, "Agregamos el producto a tu carrito.", j.sizes[0])
	return err
}

// stepAddSecond: from the cart back to the product, and another size.
func stepAddSecond(ctx context.Context, j *buyJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, `(//main//*[contains(@class,"cart-title")]/a)[1]`); err != nil {
		return err
	}
	if err := wantPath(ctx, j.product); err != nil {
		return err
	}
	if err := addSize(ctx, j.tab, j.sizes[1], "Agregar al carrito"); err != nil {
		return err
	}
	lines, err := wantCart(ctx, j, "Agregamos el producto a tu carrito.", j.sizes[0], j.sizes[1])
	if err != nil {
		return err
	}
	for _, l := range lines {
		if l.Quantity != "1" {
			return fmt.Errorf("cart line %q has quantity %s, want 1", l.Details, l.Quantity)
		}
	}
	if got, err := visibleText(ctx, headerCart); err != nil || got != "Carrito (2)" {
		return fmt.Errorf("the header's cart link reads %q, want Carrito (2) (%v)", got, err)
	}
	return nil
}

// stepQuantity: two of the first size; the line and the subtotal follow.
func stepQuantity(ctx context.Context, j *buyJourney) error {
	before := j.subtotal
	lines, err := eval[[]cartLine](ctx, cartLinesJS)
	if err != nil {
		return err
	}
	form := fmt.Sprintf(`//main//form[contains(@class,"qty-form")][.//input[@name="variant"][@value=%q]]`, lines[0].Variant)
	if err := chromedp.Do(ctx, typeInto(chromedp.Search(form+`//input[@name="quantity"]`), "2")); err != nil {
		return fmt.Errorf("type the quantity: %w", err)
	}
	if err := pressAndLoad(ctx, j.tab.vp, chromedp.Search(form+`//button[normalize-space()="Actualizar"]`)); err != nil {
		return err
	}
	lines, err = wantCart(ctx, j, "Actualizamos la cantidad.", j.sizes[0], j.sizes[1])
	if err != nil {
		return err
	}
	if lines[0].Quantity != "2" || lines[1].Quantity != "1" {
		return fmt.Errorf("the cart's quantities read %s and %s, want 2 and 1", lines[0].Quantity, lines[1].Quantity)
	}
	if want := before + pesos(lines[0].Unit); j.subtotal != want {
		return fmt.Errorf("after a second piece the subtotal is %d, want %d", j.subtotal, want)
	}
	if got, err := visibleText(ctx, headerCart); err != nil || got != "Carrito (3)" {
		return fmt.Errorf("the header's cart link reads %q, want Carrito (3) (%v)", got, err)
	}
	return j.check(ctx, "es-cart", func() ([]byte, error) { return j.tab.serverHTML(ctx, "/carrito") })
}

// attribute is an attribute of the first element the XPath sel finds ("" if none).
func attribute(ctx context.Context, sel chromedp.Search, name string) (string, error) {
	return eval[string](ctx, fmt.Sprintf(`document.evaluate(%s, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue?.getAttribute(%s) ?? ""`,
		jsString(string(sel)), jsString(name)))
}

// filepathBase is a screenshot's name without its folder and extension.
func filepathBase(path string) string {
	return strings.TrimSuffix(filepath.Base(path), ".png")
}

// pesos reads an amount as the shop shows it ("$ 135.000", "COP 135,000") in whole
// pesos: COP prices have no cents.
func pesos(s string) int64 {
	var n int64
	digits := false
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n = n*10 + int64(r-'0')
			digits = true
		}
	}
	if !digits {
		return -1
	}
	return n
}

// formatPesos writes whole pesos as the Spanish pages do: "$ 150.000".
func formatPesos(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return "$ " + b.String()
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}
