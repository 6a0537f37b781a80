package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBrowser is the whole browser suite. One parent test sets the store and the
// browser up once and hands them to its parts, which can be run alone:
//
//	go test ./internal/e2e -run 'TestBrowser/journey'      (or axe, html, lighthouse)
//
// The four parts run at the same time: Lighthouse spends most of its time waiting for
// the page to go quiet, so the journeys and axe (in tabs of the suite's one browser)
// and vnu fit in its pauses. No check depends on timing. Within a part, pages are
// visited one after the other.
func TestBrowser(t *testing.T) {
	e := loadEnv(t)
	a := newArtifacts(t, e.artifacts)
	s := startStore(t, e, a)
	pages := auditedPages(t, s)
	browser := startBrowser(t, e)

	part(t, "journey", func(t *testing.T) {
		for _, vp := range []viewport{phone, desktop} {
			t.Run(vp.name, func(t *testing.T) {
				runJourney(t, newTab(t, browser, vp, s.base, a.shots))
			})
		}
	})

	part(t, "axe", func(t *testing.T) {
		src, err := os.ReadFile(e.axeScript())
		if err != nil {
			t.Fatalf("read axe-core: %v", err)
		}
		report := &axeReport{}
		for _, vp := range []viewport{phone, desktop} {
			t.Run(vp.name, func(t *testing.T) {
				tb := newTab(t, browser, vp, s.base, a.shots)
				for _, p := range pages {
					// Layout changes with the viewport, wording with the language: the
					// phone sees every page, the desktop the Spanish ones, to save time.
					if vp == desktop && !strings.HasPrefix(p.name, "es-") {
						continue
					}
					t.Run(p.name, func(t *testing.T) { checkAxe(t, tb, string(src), p, report) })
				}
			})
		}
		if err := report.write(a.dir); err != nil {
			t.Error(err)
		}
		t.Logf("axe report: %s", filepath.Join(a.dir, "axe-report.txt"))
	})

	part(t, "html", func(t *testing.T) {
		checkHTML(t, e, a, s, pages)
		t.Logf("vnu report: %s", filepath.Join(a.dir, "vnu-report.txt"))
	})

	part(t, "lighthouse", func(t *testing.T) {
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

// part runs a part of the suite as a parallel subtest and logs how long it took,
// since the suite has a time budget in `make test`.
func part(t *testing.T, name string, f func(t *testing.T)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		t.Parallel()
		start := time.Now()
		f(t)
		t.Logf("%s took %s", name, time.Since(start).Round(100*time.Millisecond))
	})
}
