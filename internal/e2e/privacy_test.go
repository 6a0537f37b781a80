package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/notify/mailpittest"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
)

// privacyWords is what a guest reads on the deletion pages in one language.
type privacyWords struct {
	lang, lookup, link, heading, submit, sent, subject, confirm, done, invalid, newLink string
}

var privacyLangs = []privacyWords{
	{lang: "es", lookup: "/pedido", link: "Pide aquí el borrado de tus datos", heading: "Pedir el borrado de tus datos",
		submit: "Enviar enlace", sent: "Si tenemos datos de esa dirección, ya te enviamos un enlace para confirmar la solicitud. Revisa tu bandeja de entrada y la carpeta de correo no deseado.",
		subject: "Confirma tu solicitud de borrado de datos", confirm: "Pedir el borrado de mis datos",
		done:    "Recibimos tu solicitud de borrado. El equipo de la fundación la atenderá en un plazo máximo de 15 días hábiles y te avisará por correo.",
		invalid: "Este enlace ya no sirve: se usó, venció o está incompleto.", newLink: "pide un enlace nuevo"},
	{lang: "en", lookup: "/en/order", link: "Ask for your data to be deleted here", heading: "Ask for your data to be deleted",
		submit: "Send link", sent: "If we hold data for that address, we have sent a link to confirm the request. Check your inbox and your spam folder.",
		subject: "Confirm your data deletion request", confirm: "Ask for my data to be deleted",
		done:    "We have your deletion request. The foundation's team will handle it within 15 business days at most and let you know by email.",
		invalid: "This link no longer works: it was used, it expired or it is incomplete.", newLink: "ask for a new link"},
}

// privacyGuest is one guest's part of the journey.
type privacyGuest struct {
	w     privacyWords
	tab   *tab
	email string
	link  string // the emailed confirmation link
}

// runPrivacy is TestBrowser/privacy: on a phone, a guest who ordered without an account
// (one in Spanish, one in English) goes from the order look-up page to the deletion
// form, gets the neutral answer, follows the emailed link and confirms (twice: a
// double tap records one request); staff find both requests at /admin/privacy and
// carry them out, in Spanish and in English; the link then opens a page that says it
// no longer works. Every page is audited where it stands (axe, reflow, vnu).
func runPrivacy(t *testing.T, s store, browser context.Context, a artifacts, audit *liveAudit) {
	vp := phone
	var guests []*privacyGuest
	for _, w := range privacyLangs {
		email := mailpittest.Address(t)
		if err := placeGuestOrder(s.db, email, "Persona Invitada "+strings.ToUpper(w.lang)); err != nil {
			t.Fatalf("a guest order for %s: %v", email, err)
		}
		guests = append(guests, &privacyGuest{w: w, email: email,
			tab: newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext())})
	}
	staff := newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext())
	// check audits the page tb shows; vnu gets it from html, or by a GET of the same
	// address with the tab's cookies, which must answer status.
	check := func(ctx context.Context, tb *tab, name, shot string, status int, html func() ([]byte, error)) error {
		path, err := currentPath(ctx)
		if err != nil {
			return err
		}
		if html == nil {
			html = func() ([]byte, error) { return tb.send(ctx, http.MethodGet, path, nil, status) }
		}
		return audit.check(ctx, t, tb, name, shot, html)
	}
	type step struct {
		name string
		on   *tab
		do   func(ctx context.Context, shot string) error
	}
	var steps []step
	for _, g := range guests {
		g := g
		steps = append(steps,
			step{g.w.lang + "-request", g.tab, func(ctx context.Context, shot string) error {
				return g.request(ctx, s, func(name string, html func() ([]byte, error)) error {
					return check(ctx, g.tab, name, shot, http.StatusOK, html)
				})
			}},
			step{g.w.lang + "-confirm", g.tab, func(ctx context.Context, shot string) error {
				return g.confirm(ctx, t, s, func(name string) error { return check(ctx, g.tab, name, shot, http.StatusOK, nil) })
			}})
	}
	steps = append(steps, step{"staff-erase", staff, func(ctx context.Context, shot string) error {
		if err := logIn(ctx, staff, demoAdmin, "/admin", "Administración"); err != nil {
			return err
		}
		for _, g := range guests {
			if err := staffErase(ctx, staff, g, func(name string) error { return check(ctx, staff, name, shot, http.StatusOK, nil) }); err != nil {
				return err
			}
		}
		return nil
	}})
	for _, g := range guests {
		g := g
		steps = append(steps, step{g.w.lang + "-link-used", g.tab, func(ctx context.Context, shot string) error {
			return g.linkUsed(ctx, t, func(name string) error { return check(ctx, g.tab, name, shot, http.StatusNotFound, nil) })
		}})
	}
	for i, st := range steps {
		name := fmt.Sprintf("privacy-%s-%02d-%s", vp.name, i+1, st.name)
		shot := st.on.shotPath(name)
		if err := st.on.run(func(ctx context.Context) error { return st.do(ctx, shot) }); err != nil {
			t.Fatalf("%s privacy journey, step %q failed at %s:\n  %v\n  screenshot: %s", vp.name, st.name, st.on.location(), err, st.on.screenshot(name+"-FAILED"))
		}
		t.Logf("%s: %s", st.name, st.on.screenshot(name))
	}
}

// request: from the order look-up page to the form, and the neutral answer.
func (g *privacyGuest) request(ctx context.Context, s store, check func(name string, html func() ([]byte, error)) error) error {
	if err := navigateOK(ctx, s.base+g.w.lookup); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, g.tab.vp, chromedp.Search(fmt.Sprintf(`//main//a[normalize-space()=%q]`, g.w.link))); err != nil {
		return fmt.Errorf("the look-up page's deletion link: %w", err)
	}
	if err := wantPath(ctx, account.GuestRequestPath(g.w.lang)); err != nil {
		return err
	}
	if err := wantHeading(ctx, g.w.heading); err != nil {
		return err
	}
	if err := check("privacy-request-"+g.w.lang, nil); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, typeInto(`#f-email`, g.email)); err != nil {
		return fmt.Errorf("fill the deletion form: %w", err)
	}
	if err := pressAndLoad(ctx, g.tab.vp, button(g.w.submit)); err != nil {
		return err
	}
	if err := wantFlash(ctx, g.w.sent); err != nil {
		return err
	}
	// The answer to a POST: vnu gets the same answer for an address the store does not
	// know (the point of the page: the two cannot be told apart).
	return check("privacy-request-sent-"+g.w.lang, func() ([]byte, error) {
		resp, body, err := g.tab.do(ctx, http.MethodPost, account.GuestRequestPath(g.w.lang),
			url.Values{"email": {"nadie-" + g.w.lang + "@libres.test"}})
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("the form answered %d for an unknown address", resp.StatusCode)
		}
		return body, err
	})
}

// confirm: the emailed link opens the confirmation page; pressing its button twice
// records the request once and says so.
func (g *privacyGuest) confirm(ctx context.Context, t *testing.T, s store, check func(name string) error) error {
	m, err := waitForMail(ctx, t, g.email, g.w.subject)
	if err != nil {
		return err
	}
	if g.link, err = mailLink(m, s.base+account.GuestConfirmPath(g.w.lang)+"?token="); err != nil {
		return err
	}
	if err := navigateOK(ctx, g.link); err != nil {
		return err
	}
	shown, err := visibleText(ctx, chromedp.Search(`//main//dl[contains(@class,"guest-privacy-email")]/dd`))
	if err != nil || shown != g.email {
		return fmt.Errorf("the confirmation page shows %q, want %s (%v)", shown, g.email, err)
	}
	if err := check("privacy-confirm-" + g.w.lang); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, g.tab.vp, button(g.w.confirm)); err != nil {
		return err
	}
	if err := wantFlash(ctx, g.w.done); err != nil {
		return err
	}
	if err := check("privacy-done-" + g.w.lang); err != nil {
		return err
	}
	// A second tap on the same link (the browser's back and the button again).
	resp, body, err := g.tab.do(ctx, http.MethodPost, account.GuestConfirmPath(g.w.lang), url.Values{
		"token": {strings.TrimPrefix(g.link, s.base+account.GuestConfirmPath(g.w.lang)+"?token=")}})
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("a second confirmation answered %d, want 303:\n%.300s", resp.StatusCode, body)
	}
	return nil
}

// staffErase: staff find the guest's request (one row), open it and carry it out in the
// guest's language.
func staffErase(ctx context.Context, staff *tab, g *privacyGuest, check func(name string) error) error {
	q := ""
	if g.w.lang == "en" {
		q = "?lang=en"
	}
	if err := navigateOK(ctx, staff.base+"/admin/privacy"+q); err != nil {
		return err
	}
	if err := check("privacy-staff-list-" + g.w.lang); err != nil {
		return err
	}
	row := fmt.Sprintf(`//table[contains(@class,"deletion-requests")]//tr[th[normalize-space()=%q]]`, g.email)
	n, err := eval[int](ctx, fmt.Sprintf(`document.evaluate(%s, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null).snapshotLength`, jsString(row)))
	if err != nil || n != 1 {
		return fmt.Errorf("%d rows for %s in the staff's list, want 1 (%v)", n, g.email, err)
	}
	if err := pressAndLoad(ctx, staff.vp, chromedp.Search(row+`//a[contains(@class,"req-action")]`)); err != nil {
		return err
	}
	if _, err := wantPathLike(ctx, `^/admin/privacy/guests/\d+$`); err != nil {
		return err
	}
	if err := check("privacy-staff-guest-" + g.w.lang); err != nil {
		return err
	}
	submit, done := "Borrar datos personales", "Datos personales borrados. La persona recibirá un correo de confirmación."
	if g.w.lang == "en" {
		submit, done = "Delete personal data", "Personal data deleted. The person will receive a confirmation email."
	}
	if err := chromedp.Do(ctx, typeInto(`#f-confirm-email`, g.email)); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, staff.vp, button(submit)); err != nil {
		return err
	}
	if err := wantPath(ctx, "/admin/privacy"); err != nil {
		return err
	}
	if err := wantFlash(ctx, done); err != nil {
		return err
	}
	if n, err := eval[int](ctx, fmt.Sprintf(`document.evaluate(%s, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null).snapshotLength`, jsString(row))); err != nil || n != 0 {
		return fmt.Errorf("the request of %s is still listed after the erasure (%v)", g.email, err)
	}
	return nil
}

// linkUsed: once the data are deleted, the link opens a page that says it no longer
// works and offers a new request; the last email has arrived.
func (g *privacyGuest) linkUsed(ctx context.Context, t *testing.T, check func(name string) error) error {
	subject := "Borramos tus datos personales"
	if g.w.lang == "en" {
		subject = "Your personal data are deleted"
	}
	if _, err := waitForMail(ctx, t, g.email, subject); err != nil {
		return err
	}
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(g.link))
	if err != nil {
		return err
	}
	if resp.Status != http.StatusNotFound {
		return fmt.Errorf("the used link answered %d, want 404", resp.Status)
	}
	msg, err := visibleText(ctx, chromedp.Search(`//main//p[contains(@class,"flash-error")]`))
	if err != nil || msg != g.w.invalid {
		return fmt.Errorf("the used link's page says %q, want %q (%v)", msg, g.w.invalid, err)
	}
	if err := check("privacy-link-used-" + g.w.lang); err != nil {
		return err
	}
	if err := pressAndLoad(ctx, g.tab.vp, chromedp.Search(fmt.Sprintf(`//main//a[normalize-space()=%q]`, g.w.newLink))); err != nil {
		return err
	}
	return wantPath(ctx, account.GuestRequestPath(g.w.lang))
}

// noMail drops the emails of the order placed for the journey (it is not theirs to read).
type noMail struct{}

func (noMail) Enqueue(context.Context, *sqlx.Tx, notify.Message) error { return nil }

// placeGuestOrder places an order without an account for email, by bank transfer, of
// one unit of the best-stocked variant, and cancels it (an order in progress would
// stop the erasure; its stock goes back).
func placeGuestOrder(dbURL, email, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := db.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close()
	var variant int64
	if err := conn.GetContext(ctx, &variant, `SELECT v.id FROM variants v JOIN products p ON p.id = v.product_id
		JOIN workshops w ON w.id = p.workshop_id WHERE p.status = 'active' AND w.active AND v.stock_on_hand > 0
		ORDER BY v.stock_on_hand DESC, v.id LIMIT 1`); err != nil {
		return fmt.Errorf("a variant on sale: %w", err)
	}
	svc := order.New(conn, noMail{}, order.Options{})
	_, token, err := svc.Add(ctx, "", 0, variant, "1")
	if err != nil {
		return err
	}
	o, err := svc.Place(ctx, token, 0, order.CheckoutInput{Email: email, Name: name, Phone: "300 555 0142",
		Department: "Bolívar", City: "Cartagena", AddressLine: "Calle de la Media Luna 10-20", Donation: "0",
		PaymentMethod: string(payment.MethodTransfer), AcceptPolicy: true, PolicyVersion: account.PolicyVersion, Lang: "es"})
	if err != nil {
		return fmt.Errorf("place: %w", err)
	}
	if _, err := svc.Cancel(ctx, audit.Actor{}, o.ID, "pedido de prueba del recorrido de privacidad"); err != nil {
		return fmt.Errorf("cancel: %w", err)
	}
	return nil
}
