package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowser is the whole browser suite. One parent test sets the store and the
// browser up once and hands them to its parts, which can be run alone:
//
//	go test ./internal/e2e -run 'TestBrowser/journey'   (or backoffice, checkout, ledger, quote, privacy, donations, pickup, tags, axe, html, lighthouse)
//
// The twelve parts run four at a time beside Lighthouse, which spends most of its time waiting for
// the page to go quiet, so the journeys and axe (in tabs of the suite's one browser)
// and vnu fit in its pauses. No check depends on timing. Within a part, pages are
// visited one after the other (the checkout part's card path runs beside its two
// journeys).
func TestBrowser(t *testing.T) {
	e := loadEnv(t)
	a := newArtifacts(t, e.artifacts)
	s := startStore(t, e, a)
	pages := auditedPages(t, s)
	browser := startBrowser(t, e)

	// The axe part and the journeys that audit where they stand (back office,
	// checkout) add to one axe report, the html part and those parts to one vnu
	// report; both are written when all is done.
	axeRep, vnuRep := &axeReport{}, &vnuReport{}
	t.Cleanup(func() {
		for _, err := range []error{axeRep.write(a.dir), vnuRep.write(a.dir)} {
			if err != nil {
				t.Error(err)
			}
		}
	})
	axeSrc := func(t *testing.T) string {
		src, err := os.ReadFile(e.axeScript())
		if err != nil {
			t.Fatalf("read axe-core: %v", err)
		}
		return string(src)
	}

	var parts sync.WaitGroup
	defer parts.Wait()

	part(t, &parts, "journey", func(t *testing.T) {
		for _, vp := range []viewport{phone, desktop} {
			t.Run(vp.name, func(t *testing.T) {
				runJourney(t, newTab(t, browser, vp, s.base, a.shots))
			})
		}
	})

	part(t, &parts, "backoffice", func(t *testing.T) {
		photo, err := writeTestPhoto(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		bo := &backoffice{newLiveAudit(a, axeSrc(t), axeRep)}
		for _, vp := range []viewport{phone, desktop} {
			t.Run(vp.name, func(t *testing.T) {
				// A browser context of its own: its logins stay out of the other tabs.
				tb := newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext())
				runBackoffice(t, tb, bo, photo)
			})
		}
		bo.vnu(t, e, vnuRep)
	})

	part(t, &parts, "checkout", func(t *testing.T) {
		sh := &shopper{s: s, browser: browser, a: a, audit: newLiveAudit(a, axeSrc(t), axeRep)}
		// Each shopper has a browser context of their own: their cart stays out of
		// the other tabs. The card path (phone, English) runs beside the two journeys.
		var card sync.WaitGroup
		card.Add(1)
		go func() {
			defer card.Done()
			t.Run("card", func(t *testing.T) {
				runCardPath(t, newTab(t, browser, phone, s.base, a.shots, chromedp.WithNewBrowserContext()), sh)
			})
		}()
		for _, vp := range []viewport{phone, desktop} {
			t.Run(vp.name, func(t *testing.T) {
				runCheckout(t, newTab(t, browser, vp, s.base, a.shots, chromedp.WithNewBrowserContext()), sh)
			})
		}
		card.Wait()
		sh.audit.vnu(t, e, vnuRep)
	})

	part(t, &parts, "ledger", func(t *testing.T) {
		// The journey first, then the phone's look at the pages it reached (the lead's
		// figures must not move under the journey's checks, so not at the same time).
		audit := newLiveAudit(a, axeSrc(t), axeRep)
		t.Run("desktop", func(t *testing.T) { runLedger(t, s, browser, a, audit) })
		t.Run("phone", func(t *testing.T) { runLedgerPhone(t, s, browser, a, audit) })
		audit.vnu(t, e, vnuRep)
	})

	part(t, &parts, "quote", func(t *testing.T) {
		audit := newLiveAudit(a, axeSrc(t), axeRep)
		t.Run("desktop", func(t *testing.T) { runQuote(t, s, browser, a, audit) })
		t.Run("phone", func(t *testing.T) { runQuotePhone(t, s, browser, a, audit) })
		audit.vnu(t, e, vnuRep)
	})

	part(t, &parts, "privacy", func(t *testing.T) {
		audit := newLiveAudit(a, axeSrc(t), axeRep)
		t.Run("phone", func(t *testing.T) { runPrivacy(t, s, browser, a, audit) })
		audit.vnu(t, e, vnuRep)
	})

	part(t, &parts, "donations", func(t *testing.T) {
		audit := newLiveAudit(a, axeSrc(t), axeRep)
		t.Run("phone", func(t *testing.T) { runDonations(t, s, browser, a, audit) })
		audit.vnu(t, e, vnuRep)
	})

	part(t, &parts, "pickup", func(t *testing.T) {
		audit := newLiveAudit(a, axeSrc(t), axeRep)
		t.Run("phone", func(t *testing.T) { runPickup(t, s, browser, a, audit) })
		audit.vnu(t, e, vnuRep)
	})

	part(t, &parts, "tags", func(t *testing.T) {
		audit := newLiveAudit(a, axeSrc(t), axeRep)
		t.Run("phone", func(t *testing.T) { runTags(t, s, browser, a, audit) })
		audit.vnu(t, e, vnuRep)
	})

	part(t, &parts, "axe", func(t *testing.T) {
		src := axeSrc(t)
		for _, vp := range []viewport{phone, desktop} {
			t.Run(vp.name, func(t *testing.T) {
				tb := newTab(t, browser, vp, s.base, a.shots)
				for _, p := range pages {
					// Layout changes with the viewport, wording with the language: the
					// phone sees every page, the desktop the Spanish ones, to save time.
					if vp == desktop && !strings.HasPrefix(p.name, "es-") {
						continue
					}
					t.Run(p.name, func(t *testing.T) { checkAxe(t, tb, src, p, axeRep) })
				}
			})
		}
		t.Logf("axe report: %s", filepath.Join(a.dir, "axe-report.txt"))
	})

	part(t, &parts, "html", func(t *testing.T) {
		checkHTML(t, e, a, s, pages, vnuRep)
		t.Logf("vnu report: %s", filepath.Join(a.dir, "vnu-report.txt"))
	})

	part(t, &parts, "lighthouse", func(t *testing.T) {
		var scores strings.Builder
		for _, p := range pages {
			if strings.HasPrefix(p.name, "es-") && (p.kind == "home" || p.kind == "listing" || p.kind == "product") {
				t.Run(p.name, func(t *testing.T) { checkLighthouse(t, e, a, s, p, &scores) })
			}
		}
		if err := os.WriteFile(filepath.Join(a.dir, "lighthouse-scores.txt"), []byte(scores.String()), 0o644); err != nil {
			t.Error(err)
		}
		t.Logf("Lighthouse scores:\n%s", scores.String())
	})
}

// part runs a part of the suite as a subtest in a goroutine of its own and logs how
// long it took, since the suite has a time budget in `make test`. The parts are not
// t.Parallel subtests on purpose: those would wait for one another under go test's
// -parallel limit (GOMAXPROCS: 2 on the CI machine), while the parts mostly wait for
// the browser, the store and the JVM, and finish sooner all together.
//
// At most partSlots parts drive the browser at once (Lighthouse, which mostly waits,
// holds no slot): with every journey at once on two cores beside other packages' tests,
// single steps went past their time limit.
func part(t *testing.T, parts *sync.WaitGroup, name string, f func(t *testing.T)) {
	t.Helper()
	parts.Add(1)
	go func() {
		defer parts.Done()
		if name != "lighthouse" {
			partSlots <- struct{}{}
			defer func() { <-partSlots }()
		}
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			f(t)
			t.Logf("%s took %s", name, time.Since(start).Round(100*time.Millisecond))
		})
	}()
}

// partSlots bounds the parts running at once (part).
var partSlots = make(chan struct{}, 4)
