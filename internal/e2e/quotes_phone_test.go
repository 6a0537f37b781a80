package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// runQuotePhone is TestBrowser/quote/phone: the demo company's buyer, the sewing lead
// and staff open the corporate pages on a phone — the buyer's quotes, the request form
// and every demo quote (one per stage: requested, quoted with a proof, declined, in
// production, settled), the lead's jobs and each job, staff's quotes, a quote, the
// production board, the companies and the deletion requests (those four in Spanish and
// in English) — and each is audited there (axe, the reflow check, vnu).
func runQuotePhone(t *testing.T, s store, browser context.Context, a artifacts, audit *liveAudit) {
	vp := phone
	j := &quoteJourney{t: t, s: s, audit: audit,
		client: newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext()),
		lead:   newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext()),
		staff:  newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext())}
	// visit opens every link of the page tb shows whose path matches pattern, auditing
	// each; it wants at least min of them.
	visit := func(ctx context.Context, tb *tab, pattern, name string, min int) error {
		hrefs, err := eval[[]string](ctx, fmt.Sprintf(`[...new Set([...document.querySelectorAll("a[href]")]
			.map(a => a.getAttribute("href")).filter(h => /%s/.test(h)))]`, pattern))
		if err != nil {
			return err
		}
		if len(hrefs) < min {
			return fmt.Errorf("%d links matching %s, want at least %d", len(hrefs), pattern, min)
		}
		for i, h := range hrefs {
			if err := navigateOK(ctx, tb.base+h); err != nil {
				return err
			}
			if err := j.check(ctx, tb, fmt.Sprintf("%s-%d", name, i+1)); err != nil {
				return err
			}
		}
		return nil
	}
	steps := []quoteStep{
		{"client-quotes", (*quoteJourney).clientTab, func(ctx context.Context, j *quoteJourney) error {
			if err := logIn(ctx, j.client, demoCompanyUser, "/corporate/quotes", "Cotizaciones de tu empresa"); err != nil {
				return err
			}
			return j.check(ctx, j.client, "quote-phone-list")
		}},
		{"client-each-quote", (*quoteJourney).clientTab, func(ctx context.Context, j *quoteJourney) error {
			return visit(ctx, j.client, `^\/corporate\/quotes\/\d+$`, "quote-phone-client", 5)
		}},
		{"client-request-form", (*quoteJourney).clientTab, func(ctx context.Context, j *quoteJourney) error {
			if err := navigateOK(ctx, j.client.base+"/corporate/quotes/new"); err != nil {
				return err
			}
			return j.check(ctx, j.client, "quote-phone-request")
		}},
		{"lead-jobs", (*quoteJourney).leadTab, func(ctx context.Context, j *quoteJourney) error {
			if err := logIn(ctx, j.lead, demoSewingLead, "/studio", "Estudio"); err != nil {
				return err
			}
			if err := navigateOK(ctx, j.lead.base+"/studio/jobs"); err != nil {
				return err
			}
			if err := j.check(ctx, j.lead, "quote-phone-jobs"); err != nil {
				return err
			}
			return visit(ctx, j.lead, `^\/studio\/jobs\/\d+$`, "quote-phone-job", 1)
		}},
		{"staff-quotes", (*quoteJourney).staffTab, func(ctx context.Context, j *quoteJourney) error {
			if err := logIn(ctx, j.staff, demoAdmin, "/admin", "Administración"); err != nil {
				return err
			}
			// Each in Spanish and in English (?lang=en, as the language switcher does).
			for _, p := range []string{"/admin/quotes", "/admin/quotes/board", "/admin/companies", "/admin/privacy"} {
				for _, lang := range []string{"", "en"} {
					u, name := p, "quote-phone"+strings.ReplaceAll(p, "/", "-")
					if lang != "" {
						u, name = p+"?lang="+lang, name+"-"+lang
					}
					if err := navigateOK(ctx, j.staff.base+u); err != nil {
						return err
					}
					if got, err := eval[string](ctx, `document.documentElement.lang`); err != nil || got != map[string]string{"": "es", "en": "en"}[lang] {
						return fmt.Errorf("%s is in %q (%v)", u, got, err)
					}
					if err := j.check(ctx, j.staff, name); err != nil {
						return err
					}
				}
			}
			if err := navigateOK(ctx, j.staff.base+"/admin/quotes"); err != nil {
				return err
			}
			return visit(ctx, j.staff, `^\/admin\/quotes\/\d+$`, "quote-phone-staff", 5)
		}},
	}
	for i, st := range steps {
		name := fmt.Sprintf("quote-%s-%02d-%s", vp.name, i+1, st.name)
		on := st.on(j)
		j.shot = on.shotPath(name)
		if err := on.run(func(ctx context.Context) error { return st.do(ctx, j) }); err != nil {
			shot := on.screenshot(name + "-FAILED")
			t.Fatalf("%s quote pages, step %q failed at %s:\n  %v\n  screenshot: %s", vp.name, st.name, on.location(), err, shot)
		}
		t.Logf("%s: %s", st.name, on.screenshot(name))
	}
}
