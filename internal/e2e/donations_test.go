package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/libres/storefront/internal/notify/mailpittest"
)

// donateWords is what a donor reads on the way to a gift by transfer in one language.
type donateWords struct {
	lang, path, heading, give, thanks, amount, consentErr, subject, receipt string
}

var donateLangs = []donateWords{
	{lang: "es", path: "/donar", heading: "Dona a la Fundación Libres", give: "Donar", thanks: "¡Gracias! Registramos tu donación.",
		amount: "$ 50.000", consentErr: "Para registrar tu donación necesitamos tu autorización para tratar tus datos.",
		subject: "Tu donación %s: datos para la transferencia", receipt: "Recibimos tu donación %s: ¡gracias!"},
	{lang: "en", path: "/en/donate", heading: "Give to the Libres Foundation", give: "Give", thanks: "Thank you! We recorded your gift.",
		amount: "COP 50,000", consentErr: "To record your gift we need your authorisation to process your data.",
		subject: "Your donation %s: bank transfer details", receipt: "We received your donation %s: thank you!"},
}

// runDonations is TestBrowser/donations: on a phone, a donor (one in Spanish, one in
// English) gives 50.000 pesos by bank transfer: forgetting the consent box brings the
// form back with what they typed and the reason; then the receipt page shows the gift's
// number, the amount and the bank details, and the transfer email arrives. Staff find
// each gift at /admin/donations and mark it received; the donor gets the receipt email.
// Staff then publish donations at /admin/impact and the donation page, in both
// languages, counts this year's gifts and thanks both donors by name. Every page is audited where it stands (axe, reflow, vnu).
func runDonations(t *testing.T, s store, browser context.Context, a artifacts, audit *liveAudit) {
	vp := phone
	staff := newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext())
	step := func(tb *tab, name string, do func(ctx context.Context) error) {
		t.Helper()
		full := fmt.Sprintf("donations-%s-%s", vp.name, name)
		if err := tb.run(do); err != nil {
			t.Fatalf("donations journey, step %q failed at %s:\n  %v\n  screenshot: %s", name, tb.location(), err, tb.screenshot(full+"-FAILED"))
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
		return audit.check(ctx, t, tb, "donations-"+name, tb.shotPath("donations-"+name), html)
	}
	type gift struct {
		w             donateWords
		email, number string
	}
	var gifts []*gift
	for _, w := range donateLangs {
		donor := newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext())
		g := &gift{w: w, email: mailpittest.Address(t)}
		gifts = append(gifts, g)
		name := "Dora Dona " + strings.ToUpper(w.lang)
		step(donor, "form-"+w.lang, func(ctx context.Context) error {
			if err := navigateOK(ctx, s.base+w.path); err != nil {
				return err
			}
			if err := wantHeading(ctx, w.heading); err != nil {
				return err
			}
			if err := check(ctx, donor, "form-"+w.lang, nil); err != nil {
				return err
			}
			if err := chromedp.Do(ctx,
				press(vp, `//label[@for="amt-1"]`), // the second suggestion: 50.000
				press(vp, `//label[@for="m-transfer"]`),
				typeInto(`#f-name`, name),
				typeInto(`#f-email`, g.email),
			); err != nil {
				return fmt.Errorf("fill the form: %w", err)
			}
			// The consent box is unticked and left so: the form comes back as typed.
			if err := pressAndLoadStatus(ctx, vp, button(w.give), http.StatusUnprocessableEntity); err != nil {
				return err
			}
			msg, err := visibleText(ctx, `#f-accept_policy-err`)
			if err != nil || msg != w.consentErr {
				return fmt.Errorf("the consent error says %q, want %q (%v)", msg, w.consentErr, err)
			}
			if typed, err := eval[string](ctx, `document.getElementById("f-name").value`); err != nil || typed != name {
				return fmt.Errorf("the name came back as %q (%v)", typed, err)
			}
			return check(ctx, donor, "refused-"+w.lang, func() ([]byte, error) {
				_, body, err := donor.do(ctx, http.MethodPost, w.path, url.Values{"amount": {"50000"}, "method": {"transfer"},
					"name": {name}, "email": {g.email}})
				return body, err
			})
		})
		step(donor, "receipt-"+w.lang, func(ctx context.Context) error {
			if err := chromedp.Do(ctx, press(vp, `#f-accept_policy`)); err != nil {
				return err
			}
			if err := pressAndLoad(ctx, vp, button(w.give)); err != nil {
				return err
			}
			if err := wantFlash(ctx, w.thanks); err != nil {
				return err
			}
			var err error
			if g.number, err = visibleText(ctx, `//main//dd[contains(@class,"donation-number")]`); err != nil || !strings.HasPrefix(g.number, "DON-") {
				return fmt.Errorf("the receipt shows number %q (%v)", g.number, err)
			}
			amount, err := visibleText(ctx, `//main//dd[contains(@class,"donation-amount")]`)
			if err != nil || strings.Join(strings.Fields(amount), " ") != w.amount {
				return fmt.Errorf("the receipt shows %q, want %q (%v)", amount, w.amount, err)
			}
			if bank, err := visibleText(ctx, `//main//p[contains(@class,"transfer-instructions")]`); err != nil || bank == "" {
				return fmt.Errorf("the receipt shows no bank details (%v)", err)
			}
			if err := check(ctx, donor, "receipt-"+w.lang, nil); err != nil {
				return err
			}
			m, err := waitForMail(ctx, t, g.email, fmt.Sprintf(w.subject, g.number))
			if err != nil {
				return err
			}
			if !strings.Contains(m.Text, g.number) {
				return fmt.Errorf("the transfer email does not name %s:\n%s", g.number, m.Text)
			}
			return nil
		})
	}
	step(staff, "staff-login", func(ctx context.Context) error { return adminLogIn(ctx, staff) })
	for _, g := range gifts {
		step(staff, "staff-received-"+g.w.lang, func(ctx context.Context) error {
			if err := navigateOK(ctx, s.base+"/admin/donations?q="+url.QueryEscape(g.email)); err != nil {
				return err
			}
			if err := check(ctx, staff, "staff-list-"+g.w.lang, nil); err != nil {
				return err
			}
			if err := pressAndLoad(ctx, vp, chromedp.Search(fmt.Sprintf(`//main//table//a[normalize-space()=%q]`, g.number))); err != nil {
				return err
			}
			if err := check(ctx, staff, "staff-gift-"+g.w.lang, nil); err != nil {
				return err
			}
			if err := chromedp.Do(ctx, typeInto(`#dr-ref`, "BANCO-"+g.number)); err != nil {
				return err
			}
			if err := pressAndLoad(ctx, vp, button("Marcar recibida")); err != nil {
				return err
			}
			if err := wantFlash(ctx, "Donación marcada como recibida; enviamos el recibo al donante."); err != nil {
				return err
			}
			if st, err := visibleText(ctx, `//main//*[contains(@class,"donation-status")]`); err != nil || st != "Recibida" {
				return fmt.Errorf("the gift's status reads %q (%v)", st, err)
			}
			_, err := waitForMail(ctx, t, g.email, fmt.Sprintf(g.w.receipt, g.number))
			return err
		})
	}
	// Staff publish donations (/admin/impact): the donation page, in each language, shows
	// this year's gifts and thanks both donors by name; then staff turn it off again.
	publish := func(ctx context.Context, on bool) error {
		if err := navigateOK(ctx, s.base+"/admin/impact"); err != nil {
			return err
		}
		if ticked, err := eval[bool](ctx, `document.getElementById("im-donations").checked`); err != nil {
			return err
		} else if ticked != on {
			if err := chromedp.Do(ctx, press(vp, `#im-donations`)); err != nil {
				return err
			}
		}
		if err := pressAndLoad(ctx, vp, button("Guardar")); err != nil {
			return err
		}
		return wantFlash(ctx, "Cifras públicas guardadas.")
	}
	step(staff, "staff-publish", func(ctx context.Context) error {
		if err := publish(ctx, true); err != nil {
			return err
		}
		return check(ctx, staff, "staff-impact", nil)
	})
	for _, w := range donateLangs {
		step(staff, "public-"+w.lang, func(ctx context.Context) error {
			if err := navigateOK(ctx, s.base+w.path); err != nil {
				return err
			}
			if n, err := visibleText(ctx, `//main//dd[contains(@class,"donate-count")]`); err != nil || n == "" || n == "0" {
				return fmt.Errorf("the page counts %q gifts this year (%v)", n, err)
			}
			names, err := visibleText(ctx, `//main//ul[contains(@class,"donate-names")]`)
			if err != nil {
				return err
			}
			for _, g := range gifts {
				if name := "Dora Dona " + strings.ToUpper(g.w.lang); !strings.Contains(names, name) {
					return fmt.Errorf("the thank-you list %q does not name %s", names, name)
				}
			}
			return check(ctx, staff, "public-"+w.lang, nil)
		})
	}
	step(staff, "staff-unpublish", func(ctx context.Context) error { return publish(ctx, false) })
}
