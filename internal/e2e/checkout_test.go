package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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
		if err := on.run(func(ctx context.Context) error { return s.do(ctx, j) }); err != nil {
			shot := on.screenshot(name + "-FAILED")
			t.Fatalf("%s checkout journey, step %q failed at %s:\n  %v\n  screenshot: %s", tb.vp.name, s.name, on.location(), err, shot)
		}
		t.Logf("%s: %s", s.name, on.screenshot(name))
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
	j.product, j.sizes, err = productWithSizes(ctx, j.tab, 2)
	return err
}

// productWithSizes opens the listing's products in turn until one offers at least n
// sizes, and returns its path and the sizes that can be chosen.
func productWithSizes(ctx context.Context, tb *tab, n int) (string, []variantState, error) {
	listing, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "", nil, err
	}
	hrefs, err := visibleProducts(ctx)
	if err != nil {
		return "", nil, err
	}
	for _, href := range hrefs {
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

// formValuesJS is the checkout form's fields as the browser would send them.
const formValuesJS = `[...new FormData(document.evaluate(%s, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue)]`

// reviewAnswer posts the checkout form as the tab shows it, with action=review, and
// wants the status: the page that the tab got for the same form.
func reviewAnswer(ctx context.Context, tb *tab, path string, status int) ([]byte, error) {
	pairs, err := eval[[][2]string](ctx, fmt.Sprintf(formValuesJS, jsString(checkoutForm)))
	if err != nil {
		return nil, err
	}
	form := url.Values{}
	for _, p := range pairs {
		form.Add(p[0], p[1])
	}
	form.Set("action", "review")
	return tb.send(ctx, http.MethodPost, path, form, status)
}

// stepMissingFields: the shopper asks for the total with only an email, a short phone
// number and a note; each missing or wrong field says so beside it, and what was typed
// stays.
func stepMissingFields(ctx context.Context, j *buyJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, button("Continuar al pago")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/pagar"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Pagar"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx,
		typeInto(`#f-email`, j.email),
		typeInto(`#f-phone`, "123"),
		typeInto(`#f-notes`, "Dejar en la portería"),
	); err != nil {
		return fmt.Errorf("fill part of the form: %w", err)
	}
	if err := pressAndLoadStatus(ctx, j.tab.vp, button("Ver el total"), http.StatusUnprocessableEntity); err != nil {
		return err
	}
	for _, f := range []string{"name", "phone", "department", "city", "address_line", "accept_policy"} {
		msg, err := visibleText(ctx, chromedp.Search("#f-"+f+"-err"))
		if err != nil {
			return fmt.Errorf("no message beside %s: %w", f, err)
		}
		if msg == "" {
			return fmt.Errorf("the message beside %s is empty", f)
		}
		if inv, err := eval[string](ctx, fmt.Sprintf(`document.getElementById(%q)?.getAttribute("aria-invalid") ?? ""`, "f-"+f)); err != nil || inv != "true" {
			return fmt.Errorf("field %s is not marked aria-invalid (%q, %v)", f, inv, err)
		}
	}
	if n, err := eval[int](ctx, `document.querySelectorAll("main .field-error").length`); err != nil || n != 6 {
		return fmt.Errorf("the form shows %d field messages, want 6: name, phone, department, city, address, consent (%v)", n, err)
	}
	for id, want := range map[string]string{"f-email": j.email, "f-phone": "123", "f-notes": "Dejar en la portería"} {
		if got, err := eval[string](ctx, fmt.Sprintf(`document.getElementById(%q).value`, id)); err != nil || got != want {
			return fmt.Errorf("after the refusal #%s reads %q, want what was typed, %q (%v)", id, got, want, err)
		}
	}
	if n, err := eval[int](ctx, `document.querySelectorAll("main .totals").length`); err != nil || n != 0 {
		return fmt.Errorf("a refused form shows a total (%v)", err)
	}
	return j.check(ctx, "es-checkout-errors", func() ([]byte, error) {
		return reviewAnswer(ctx, j.tab, "/pagar", http.StatusUnprocessableEntity)
	})
}

// totals is the total the checkout shows, in pesos.
type totals struct{ subtotal, tax, shipping, donation, total int64 }

const totalsJS = `(() => {
	const text = el => el?.innerText.replace(/\s+/g, " ").trim() ?? "";
	return Object.fromEntries([...document.querySelectorAll("main .totals dt")].map(dt => [text(dt), text(dt.nextElementSibling)]));
})()`

// readTotals reads the totals list; words are the labels of subtotal, tax, shipping,
// donation and total, and free the word for free shipping.
func readTotals(ctx context.Context, words [5]string, free string) (totals, error) {
	m, err := eval[map[string]string](ctx, totalsJS)
	if err != nil {
		return totals{}, err
	}
	var v [5]int64
	for i, w := range words {
		s, ok := m[w]
		if !ok {
			return totals{}, fmt.Errorf("the total has no %q line: %q", w, m)
		}
		if s != free {
			v[i] = pesos(s)
		}
	}
	t := totals{v[0], v[1], v[2], v[3], v[4]}
	if t.total != t.subtotal+t.shipping+t.donation || t.tax <= 0 || t.tax >= t.subtotal {
		return t, fmt.Errorf("the totals do not add up: %q", m)
	}
	return t, nil
}

var esTotals = [5]string{"Productos (IVA incluido)", "de los cuales IVA", "Envío", "Donación", "Total a pagar"}

// stepReview: the rest of the form, a transfer, consent, and the total to confirm.
func stepReview(ctx context.Context, j *buyJourney) error {
	if err := chromedp.Do(ctx,
		typeInto(`#f-name`, "Camila Restrepo "+j.tab.vp.name),
		typeInto(`#f-phone`, "300 123 4567"),
		typeInto(`#f-city`, "Medellín"),
		typeInto(`#f-address_line`, "Carrera 43A # 1-50, apartamento 301"),
	); err != nil {
		return fmt.Errorf("fill the form: %w", err)
	}
	if err := choose(ctx, "f-department", "Antioquia"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx,
		press(j.tab.vp, `//label[@for="pm-transfer"]`),
		press(j.tab.vp, `#f-accept_policy`),
	); err != nil {
		return fmt.Errorf("choose transfer and consent: %w", err)
	}
	if ok, err := eval[bool](ctx, `document.getElementById("pm-transfer").checked && document.getElementById("f-accept_policy").checked`); err != nil || !ok {
		return fmt.Errorf("transfer and consent are not both ticked (%v)", err)
	}
	if err := pressAndLoad(ctx, j.tab.vp, button("Ver el total")); err != nil {
		return err
	}
	if _, err := visibleText(ctx, `//main//section[contains(@class,"totals")]/h2[normalize-space()="Total con impuestos y envío"]`); err != nil {
		return err
	}
	t, err := readTotals(ctx, esTotals, "Gratis")
	if err != nil {
		return err
	}
	if t.subtotal != j.subtotal || t.shipping <= 0 || t.donation != 0 {
		return fmt.Errorf("the total shows products %d, shipping %d, donation %d; want the cart's %d, a shipping cost (Antioquia, under the free-shipping threshold) and no donation",
			t.subtotal, t.shipping, t.donation, j.subtotal)
	}
	j.totals = t
	if n, err := eval[int](ctx, `document.querySelectorAll("main .field-error").length`); err != nil || n != 0 {
		return fmt.Errorf("the reviewed form still shows %d field messages (%v)", n, err)
	}
	if _, err := visibleText(ctx, button("Confirmar pedido")); err != nil {
		return err
	}
	return j.check(ctx, "es-checkout-total", func() ([]byte, error) {
		return reviewAnswer(ctx, j.tab, "/pagar", http.StatusOK)
	})
}

// stepPlace: the order page, waiting for the transfer, with the instructions.
func stepPlace(ctx context.Context, j *buyJourney) error {
	if err := pressAndLoad(ctx, j.tab.vp, button("Confirmar pedido")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/pedido"); err != nil {
		return err
	}
	var err error
	if j.orderURL, err = currentPath(ctx); err != nil {
		return err
	}
	if !strings.Contains(j.orderURL, "token=") {
		return fmt.Errorf("the order page %s carries no link token", j.orderURL)
	}
	if err := wantFlash(ctx, "¡Gracias! Recibimos tu pedido y te enviamos un correo con los detalles."); err != nil {
		return err
	}
	if j.number, err = wantOrderPage(ctx, "Pedido ", "Esperando el pago"); err != nil {
		return err
	}
	pay, err := visibleText(ctx, `//main//section[h2[normalize-space()="Cómo pagar"]]`)
	if err != nil {
		return err
	}
	if !strings.Contains(pay, "Usa el número "+j.number+" como referencia del pago.") {
		return fmt.Errorf("the payment instructions read %q, want the order number as reference", pay)
	}
	if n, err := eval[int](ctx, `document.querySelectorAll("main table tbody tr").length`); err != nil || n != 2 {
		return fmt.Errorf("the order shows %d lines, want 2 (%v)", n, err)
	}
	if got, err := visibleText(ctx, `//main//dd[contains(@class,"grand")]`); err != nil || pesos(got) != j.totals.total {
		return fmt.Errorf("the order's total reads %q, want the confirmed %d (%v)", got, j.totals.total, err)
	}
	if got, err := visibleText(ctx, headerCart); err != nil || got != "Carrito" {
		return fmt.Errorf("after the order the header's cart link reads %q, want an empty Carrito (%v)", got, err)
	}
	path := j.orderURL
	return j.check(ctx, "es-order", func() ([]byte, error) { return j.tab.serverHTML(ctx, path) })
}

// wantOrderPage wants an order page with the status and returns the order's number.
func wantOrderPage(ctx context.Context, title, status string) (string, error) {
	h1, err := visibleText(ctx, pageHeading)
	if err != nil {
		return "", err
	}
	number, ok := strings.CutPrefix(h1, title)
	if !ok || !strings.HasPrefix(number, "LIB-") {
		return "", fmt.Errorf("the order page's heading is %q, want %q and the order's number", h1, title+"LIB-…")
	}
	if st, err := visibleText(ctx, orderStatus); err != nil || st != status {
		return "", fmt.Errorf("the order's status reads %q, want %q (%v)", st, status, err)
	}
	return number, nil
}

// stepOrderEmail: the "order received" email reaches Mailpit with the number, and its
// link opens the order.
func stepOrderEmail(ctx context.Context, j *buyJourney) error {
	m, err := waitForMail(ctx, j.t, j.email, "Recibimos tu pedido "+j.number)
	if err != nil {
		return err
	}
	text := strings.Join(strings.Fields(m.Text), " ") // amounts are written with no-break spaces
	for _, w := range []string{j.number, formatPesos(j.totals.total)} {
		if !strings.Contains(text, w) {
			return fmt.Errorf("the email %s does not mention %q", m, w)
		}
	}
	if j.mailLink, err = mailLink(m, j.tab.base+"/pedido?token="); err != nil {
		return err
	}
	if err := navigateOK(ctx, j.mailLink); err != nil {
		return err
	}
	number, err := wantOrderPage(ctx, "Pedido ", "Esperando el pago")
	if err != nil {
		return err
	}
	if number != j.number {
		return fmt.Errorf("the email's link opens order %s, want %s", number, j.number)
	}
	return nil
}

// stepOrderEnglish: the same order page in English, by the header's language link.
// A link to a page that does not exist fails the test but not the journey, which goes
// on at the English page's address.
func stepOrderEnglish(ctx context.Context, j *buyJourney) error {
	token := j.orderURL[strings.Index(j.orderURL, "?"):]
	href, err := attribute(ctx, englishLink, "href")
	if err != nil {
		return err
	}
	if want := "/en/order" + token; href != want {
		j.t.Errorf("the order page's English link is %q, want %q (the English order page)\n  screenshot: %s", href, want, j.tab.screenshot(filepathBase(j.shot)+"-english-link"))
		if err := navigateOK(ctx, j.tab.base+want); err != nil {
			return err
		}
	} else if err := pressAndLoad(ctx, j.tab.vp, englishLink); err != nil {
		return err
	}
	if err := wantPath(ctx, "/en/order"); err != nil {
		return err
	}
	number, err := wantOrderPage(ctx, "Order ", "Waiting for payment")
	if err != nil {
		return err
	}
	if number != j.number {
		return fmt.Errorf("the English page shows order %s, want %s", number, j.number)
	}
	if _, err := visibleText(ctx, `//main//section/h2[normalize-space()="How to pay"]`); err != nil {
		return err
	}
	path, err := currentPath(ctx)
	if err != nil {
		return err
	}
	return j.check(ctx, "en-order", func() ([]byte, error) { return j.tab.serverHTML(ctx, path) })
}

// stepLookup: without the email at hand, the shopper finds the order by its number
// and their email.
func stepLookup(ctx context.Context, j *buyJourney) error {
	if err := navigateOK(ctx, j.tab.base+"/pedido"); err != nil {
		return err
	}
	if err := wantHeading(ctx, "Consulta tu pedido"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx,
		typeInto(`#f-number`, strings.ToLower(j.number)),
		typeInto(`#f-email`, j.email),
	); err != nil {
		return fmt.Errorf("fill the look-up form: %w", err)
	}
	if err := pressAndLoad(ctx, j.tab.vp, button("Buscar mi pedido")); err != nil {
		return err
	}
	if err := wantPath(ctx, "/pedido"); err != nil {
		return err
	}
	number, err := wantOrderPage(ctx, "Pedido ", "Esperando el pago")
	if err != nil {
		return err
	}
	if number != j.number {
		return fmt.Errorf("the look-up found order %s, want %s", number, j.number)
	}
	return nil
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
