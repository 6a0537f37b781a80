package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/chromedp/chromedp"
)

// The checkout form: refused with fields missing, then reviewed with its total.

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
