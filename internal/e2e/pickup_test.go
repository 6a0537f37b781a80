package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/notify/mailpittest"
)

// pickupWords is what a shopper reads on the way to a pickup order in one language.
type pickupWords struct {
	lang, product, checkout, add, review, place, free, heading, waiting, ready, subject string
}

var pickupLangs = []pickupWords{
	{lang: "es", product: "/producto/", checkout: "/pagar", add: "Agregar al carrito", review: "Ver el total",
		place: "Confirmar pedido", free: "Gratis", heading: "Recoger en tienda",
		waiting: "Te avisaremos por correo cuando esté listo para recoger.", ready: "Listo para recoger desde",
		subject: "Tu pedido %s está listo para recoger"},
	{lang: "en", product: "/en/product/", checkout: "/en/checkout", add: "Add to cart", review: "See the total",
		place: "Place order", free: "Free", heading: "Pickup at the store",
		waiting: "We will email you when it is ready for pickup.", ready: "Ready for pickup since",
		subject: "Your order %s is ready for pickup"},
}

// pickupStore is the demo's pickup point as the checkout names it.
const pickupStore = "Estudio Segundas Oportunidades"

// runPickup is TestBrowser/pickup: on a phone, a guest (one in Spanish, one in English)
// adds a product to the cart, chooses to pick it up at the foundation's store, sees the
// total without shipping, places the order and finds the store's address and hours on
// the order page; staff mark each order paid and ready for pickup, the shopper gets the
// email and the order page says it is ready. Every page is audited where it stands.
func runPickup(t *testing.T, s store, browser context.Context, a artifacts, audit *liveAudit) {
	vp := phone
	slug, err := pickupProduct(s.db)
	if err != nil {
		t.Fatal(err)
	}
	staff := newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext())
	step := func(tb *tab, name string, do func(ctx context.Context) error) {
		t.Helper()
		full := fmt.Sprintf("pickup-%s-%s", vp.name, name)
		if err := tb.run(do); err != nil {
			t.Fatalf("pickup journey, step %q failed at %s:\n  %v\n  screenshot: %s", name, tb.location(), err, tb.screenshot(full+"-FAILED"))
		}
		t.Logf("%s: %s", name, tb.screenshot(full))
	}
	check := func(ctx context.Context, tb *tab, name string, html func() ([]byte, error)) error {
		path, err := currentPath(ctx)
		if err != nil {
			return err
		}
		if html == nil {
			html = func() ([]byte, error) { return tb.send(ctx, http.MethodGet, path, nil, http.StatusOK) }
		}
		return audit.check(ctx, t, tb, "pickup-"+name, tb.shotPath("pickup-"+name), html)
	}
	step(staff, "staff-login", func(ctx context.Context) error { return adminLogIn(ctx, staff) })
	for _, w := range pickupLangs {
		shopper := newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext())
		email := mailpittest.Address(t)
		var orderURL, number string
		step(shopper, "checkout-"+w.lang, func(ctx context.Context) error {
			if err := navigateOK(ctx, s.base+w.product+slug); err != nil {
				return err
			}
			vs, err := eval[[]variantState](ctx, variantsJS)
			if err != nil {
				return err
			}
			var open *variantState
			for i := range vs {
				if !vs[i].Disabled && vs[i].Visible {
					open = &vs[i]
					break
				}
			}
			if open == nil {
				return fmt.Errorf("no size of %s can be chosen", slug)
			}
			if err := addSize(ctx, shopper, *open, w.add); err != nil {
				return err
			}
			if err := navigateOK(ctx, s.base+w.checkout); err != nil {
				return err
			}
			label, err := visibleText(ctx, `//label[@for="dl-pick-0"]`)
			if err != nil || !strings.Contains(label, pickupStore) {
				return fmt.Errorf("the checkout offers no pickup at the store: %q (%v)", label, err)
			}
			if err := chromedp.Do(ctx,
				typeInto(`#f-email`, email),
				typeInto(`#f-name`, "Rita Recoge "+strings.ToUpper(w.lang)),
				typeInto(`#f-phone`, "300 123 4567"),
				press(vp, `//label[@for="dl-pick-0"]`),
				press(vp, `//label[@for="pm-transfer"]`),
				press(vp, `#f-accept_policy`),
			); err != nil {
				return fmt.Errorf("fill the form: %w", err)
			}
			if err := pressAndLoad(ctx, vp, button(w.review)); err != nil {
				return err
			}
			if ok, err := eval[bool](ctx, `document.getElementById("dl-pick-0").checked`); err != nil || !ok {
				return fmt.Errorf("after the review pickup is no longer chosen (%v)", err)
			}
			shipping, err := eval[string](ctx, `document.querySelectorAll("main .totals dd")[2].innerText.trim()`)
			if err != nil || shipping != w.free {
				return fmt.Errorf("the shipping line reads %q, want %q for a pickup (%v)", shipping, w.free, err)
			}
			if err := check(ctx, shopper, "checkout-"+w.lang, func() ([]byte, error) {
				return reviewAnswer(ctx, shopper, w.checkout, http.StatusOK)
			}); err != nil {
				return err
			}
			if err := pressAndLoad(ctx, vp, button(w.place)); err != nil {
				return err
			}
			if orderURL, err = currentPath(ctx); err != nil {
				return err
			}
			if number, err = wantPickupPage(ctx, w.heading, w.waiting); err != nil {
				return err
			}
			return check(ctx, shopper, "order-"+w.lang, nil)
		})
		step(staff, "admin-ready-"+w.lang, func(ctx context.Context) error {
			if err := navigateOK(ctx, s.base+"/admin/orders?q="+number); err != nil {
				return err
			}
			if err := pressAndLoad(ctx, vp, chromedp.Search(fmt.Sprintf(`//main//table//a[normalize-space()=%q]`, number))); err != nil {
				return err
			}
			if err := chromedp.Do(ctx, typeInto(`#f-paid_reference`, "TRF-"+number)); err != nil {
				return err
			}
			if err := pressAndLoad(ctx, vp, button("Marcar como pagado")); err != nil {
				return err
			}
			if err := pressAndLoad(ctx, vp, button("Marcar listo para recoger")); err != nil {
				return err
			}
			if err := wantFlash(ctx, "Pedido listo para recoger; se envió el correo al comprador."); err != nil {
				return err
			}
			if _, err := visibleText(ctx, `//main//dd[contains(@class,"pickup-ready")]`); err != nil {
				return err
			}
			return check(ctx, staff, "admin-ready-"+w.lang, nil)
		})
		step(shopper, "ready-"+w.lang, func(ctx context.Context) error {
			mctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			m, err := waitForMail(mctx, t, email, fmt.Sprintf(w.subject, number))
			if err != nil {
				return err
			}
			if !strings.Contains(m.Text, pickupStore) {
				return fmt.Errorf("the ready email does not name the store:\n%s", m.Text)
			}
			if err := navigateOK(ctx, s.base+orderURL); err != nil {
				return err
			}
			if st, err := visibleText(ctx, `//main//p[contains(@class,"pickup-status")]`); err != nil || !strings.HasPrefix(st, w.ready) {
				return fmt.Errorf("the order page's pickup status reads %q, want %q… (%v)", st, w.ready, err)
			}
			return nil
		})
	}
}

// wantPickupPage wants an order page with the store's pickup section saying it is not
// ready yet, and returns the order's number.
func wantPickupPage(ctx context.Context, heading, waiting string) (string, error) {
	h1, err := visibleText(ctx, pageHeading)
	if err != nil {
		return "", err
	}
	i := strings.Index(h1, "LIB-")
	if i < 0 {
		return "", fmt.Errorf("the order page's heading is %q, want the order's number", h1)
	}
	if got, err := visibleText(ctx, `//main//h2[@id="pickup-h"]`); err != nil || got != heading {
		return "", fmt.Errorf("the pickup section's heading reads %q, want %q (%v)", got, heading, err)
	}
	point, err := visibleText(ctx, `//main//section[contains(@class,"pickup")]//p[contains(@class,"pickup-point")]`)
	if err != nil || !strings.Contains(point, pickupStore) {
		return "", fmt.Errorf("the pickup section names %q, want %s (%v)", point, pickupStore, err)
	}
	if st, err := visibleText(ctx, `//main//p[contains(@class,"pickup-status")]`); err != nil || st != waiting {
		return "", fmt.Errorf("the pickup status reads %q, want %q (%v)", st, waiting, err)
	}
	return h1[i:], nil
}

// pickupProduct is the slug of a product on sale in two sizes or more with stock to
// spare, so the journey's add to cart finds a size whatever the other journeys bought.
func pickupProduct(dbURL string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := db.Open(ctx, dbURL)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	var slug string
	err = conn.GetContext(ctx, &slug, `SELECT p.slug FROM products p JOIN workshops w ON w.id = p.workshop_id
		WHERE p.status = 'active' AND w.active
		AND (SELECT count(*) FROM variants v WHERE v.product_id = p.id AND v.size <> '' AND v.stock_on_hand >= 3) >= 2
		ORDER BY p.id DESC LIMIT 1`)
	if err != nil {
		return "", fmt.Errorf("a product in sizes with stock: %w", err)
	}
	return slug, nil
}
