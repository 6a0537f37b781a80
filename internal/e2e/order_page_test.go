package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/libres/storefront/internal/notify/mailpittest"
)

// The order page a shopper reaches after placing the order, by the emailed link, in
// English and by the look-up form; and the emails that lead there.

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

// stepShippedPage: the shopper is told by email, and the order's page (the emailed
// link) shows it shipped with the tracking.
func stepShippedPage(ctx context.Context, j *buyJourney) error {
	m, err := waitForMail(ctx, j.t, j.email, "Tu pedido "+j.number+" va en camino")
	if err != nil {
		return err
	}
	if !strings.Contains(m.Text, j.tracking) {
		return fmt.Errorf("the shipping email %s does not give the tracking number %s", m, j.tracking)
	}
	if err := navigateOK(ctx, j.mailLink); err != nil {
		return err
	}
	if _, err := wantOrderPage(ctx, "Pedido ", "Enviado"); err != nil {
		return err
	}
	want := fmt.Sprintf("Transportadora: %s · Guía: %s", j.carrier, j.tracking)
	if _, err := visibleText(ctx, chromedp.Search(fmt.Sprintf(`//main//section//p[normalize-space()=%q]`, want))); err != nil {
		return fmt.Errorf("the order page does not say %q: %w", want, err)
	}
	if n, err := eval[int](ctx, `document.querySelectorAll("main section h2#pay-h").length`); err != nil || n != 0 {
		return fmt.Errorf("a paid order still shows how to pay (%v)", err)
	}
	return nil
}

// waitForMail waits (within the step's time) for an email to to with the subject.
func waitForMail(ctx context.Context, t *testing.T, to, subject string) (mailpittest.Message, error) {
	seen := map[string]bool{}
	var subjects []string
	for {
		for _, id := range mailpittest.IDs(t, to) {
			if seen[id] {
				continue
			}
			seen[id] = true
			m := mailpittest.Get(t, id)
			if m.Subject == subject {
				return m, nil
			}
			subjects = append(subjects, m.Subject)
		}
		select {
		case <-ctx.Done():
			return mailpittest.Message{}, fmt.Errorf("no email %q to %s reached Mailpit (it got %q): %w", subject, to, subjects, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// mailLink is the email's first link starting with prefix.
func mailLink(m mailpittest.Message, prefix string) (string, error) {
	links := mailpittest.Links(m.Text)
	for _, l := range links {
		if strings.HasPrefix(l, prefix) {
			return l, nil
		}
	}
	return "", fmt.Errorf("the email %s has no link starting with %s; its links: %q", m, prefix, links)
}
