package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
)

// tagWords is what a lead reads on the tag pages in one language.
type tagWords struct {
	lang, query, heading, show, printed string
}

var tagLangs = []tagWords{
	{lang: "es", query: "", heading: "Etiquetas con código QR", show: "Ver para imprimir", printed: "Etiquetas para imprimir"},
	{lang: "en", query: "?lang=en", heading: "Hang-tags with a QR code", show: "Show to print", printed: "Tags to print"},
}

// runTags is TestBrowser/tags: on a phone, the demo lead opens the studio's tag page
// (in Spanish, then in English), asks for two tags of the first size of the first
// product and gets the page to print with two tags whose QR image loaded. Every page is
// audited where it stands (axe, reflow, vnu).
func runTags(t *testing.T, s store, browser context.Context, a artifacts, audit *liveAudit) {
	vp := phone
	lead := newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext())
	step := func(name string, do func(ctx context.Context) error) {
		t.Helper()
		full := fmt.Sprintf("tags-%s-%s", vp.name, name)
		if err := lead.run(do); err != nil {
			t.Fatalf("tags journey, step %q failed at %s:\n  %v\n  screenshot: %s", name, lead.location(), err, lead.screenshot(full+"-FAILED"))
		}
		t.Logf("%s: %s", name, lead.screenshot(full))
	}
	step("login", func(ctx context.Context) error { return logIn(ctx, lead, demoLead, "/studio", "Estudio") })
	for _, w := range tagLangs {
		step("print-"+w.lang, func(ctx context.Context) error {
			if err := navigateOK(ctx, s.base+"/studio/tags"+w.query); err != nil {
				return err
			}
			if err := wantHeading(ctx, w.heading); err != nil {
				return err
			}
			shot := lead.shotPath("tags-form-" + w.lang)
			if err := audit.check(ctx, t, lead, "tags-form-"+w.lang, shot, func() ([]byte, error) {
				return lead.send(ctx, http.MethodGet, "/studio/tags"+w.query, nil, http.StatusOK)
			}); err != nil {
				return err
			}
			field, err := eval[string](ctx, `document.querySelector('main input[name^="qty."]').name`)
			if err != nil || field == "" {
				return fmt.Errorf("no quantity field on the tag form: %v", err)
			}
			if err := chromedp.Do(ctx, typeInto(chromedp.Search(fmt.Sprintf(`//main//input[@name=%q]`, field)), "2")); err != nil {
				return fmt.Errorf("type the quantity: %w", err)
			}
			if err := pressAndLoad(ctx, vp, button(w.show)); err != nil {
				return err
			}
			if err := wantHeading(ctx, w.printed); err != nil {
				return err
			}
			n, err := eval[int](ctx, `document.querySelectorAll('main .tag-sheet .tag').length`)
			if err != nil || n != 2 {
				return fmt.Errorf("the print page shows %d tags (%v), want 2", n, err)
			}
			if err := loadedImage(ctx, "main .tag-sheet .tag img"); err != nil {
				return fmt.Errorf("the QR code: %w", err)
			}
			form := url.Values{field: {"2"}, "paper": {"a4"}, "tag_lang": {w.lang}, "format": {"html"}}
			if w.lang == "en" {
				form.Set("paper", "letter")
			}
			return audit.check(ctx, t, lead, "tags-print-"+w.lang, lead.shotPath("tags-print-"+w.lang), func() ([]byte, error) {
				return lead.send(ctx, http.MethodPost, "/studio/tags"+w.query, form, http.StatusOK)
			})
		})
	}
}
