package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeFinding is one rule that failed on some elements of a page.
type axeFinding struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// axeResult is what axe found on one page at one viewport.
type axeResult struct {
	Page       string       `json:"page"`
	Path       string       `json:"path"`
	Viewport   string       `json:"viewport"`
	Screenshot string       `json:"screenshot"`
	Violations []axeFinding `json:"violations"`
	Incomplete []string     `json:"needsReview"` // rule ids axe could not decide
}

// axeRunJS runs every axe rule that is on by default, plus target-size (WCAG 2.2 AA
// touch targets, which Lighthouse also checks: shoppers are on phones), and keeps what
// the report needs. Runtime.evaluate is not subject to the page's
// Content-Security-Policy (script-src 'none'), so axe runs on the page exactly as
// shoppers get it.
const axeRunJS = `axe.run(document, {
	resultTypes: ["violations", "incomplete"],
	rules: {"target-size": {enabled: true}},
}).then(r => ({
	violations: r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target.flat(Infinity).join(" "), html: n.html, summary: n.failureSummary || ""}))})),
	needsReview: r.incomplete.map(v => v.id),
}))`

// axeReport collects results from the subtests and writes them out at the end.
type axeReport struct {
	mu      sync.Mutex
	results []axeResult
}

func (r *axeReport) add(res axeResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = append(r.results, res)
}

// write saves axe-report.json (everything) and axe-report.txt (for people).
func (r *axeReport) write(dir string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	js, err := json.MarshalIndent(r.results, "", "  ")
	if err != nil {
		return fmt.Errorf("encode axe report: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "axe-report.json"), js, 0o644); err != nil {
		return fmt.Errorf("write axe report: %w", err)
	}
	var b strings.Builder
	b.WriteString("axe-core: violations by page (serious and critical ones fail the test)\n")
	for _, res := range r.results {
		fmt.Fprintf(&b, "\n%s %s (%s): %d violations\n", res.Viewport, res.Page, res.Path, len(res.Violations))
		for _, v := range res.Violations {
			fmt.Fprintf(&b, "  [%s] %s: %s (%d elements) %s\n", v.Impact, v.ID, v.Help, len(v.Nodes), v.HelpURL)
			for _, n := range v.Nodes {
				fmt.Fprintf(&b, "      %s\n", n.Target)
			}
		}
		if len(res.Incomplete) > 0 {
			fmt.Fprintf(&b, "  needs review (axe could not decide): %s\n", strings.Join(res.Incomplete, ", "))
		}
	}
	return os.WriteFile(filepath.Join(dir, "axe-report.txt"), []byte(b.String()), 0o644)
}

// checkAxe loads p in the tab, saves a full-page screenshot, runs axe and fails the
// test for each serious or critical violation.
func checkAxe(t *testing.T, tb *tab, axeSrc string, p auditPage, report *axeReport) {
	t.Helper()
	var res axeResult
	err := tb.run(func(ctx context.Context) error {
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.base+p.path))
		if err != nil {
			return err
		}
		if int(resp.Status) != p.status {
			return fmt.Errorf("answered %d, want %d", resp.Status, p.status)
		}
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeSrc)); err != nil {
			return fmt.Errorf("inject axe-core: %w", err)
		}
		res, err = chromedp.Run(ctx, chromedp.Evaluate[axeResult](axeRunJS, chromedp.EvalAwaitPromise))
		if err != nil {
			return fmt.Errorf("run axe-core: %w", err)
		}
		return nil
	})
	shot := tb.screenshot("page-" + tb.vp.name + "-" + p.name)
	if err != nil {
		t.Fatalf("axe on %s at %s: %v\n  screenshot: %s", p, tb.vp.name, err, shot)
	}
	res.Page, res.Path, res.Viewport, res.Screenshot = p.name, p.path, tb.vp.name, shot
	report.add(res)
	for _, v := range res.Violations {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var where []string
		for i, n := range v.Nodes {
			if i == 5 {
				where = append(where, fmt.Sprintf("… and %d more", len(v.Nodes)-5))
				break
			}
			where = append(where, n.Target+": "+summarize(n.Summary))
		}
		t.Errorf("axe on %s at %s: %s rule %q: %s (%s)\n    %s\n  screenshot: %s",
			p, tb.vp.name, v.Impact, v.ID, v.Help, v.HelpURL, strings.Join(where, "\n    "), shot)
	}
}

// summarize turns axe's failure summary ("Fix any of the following:\n  reason …") into
// one line of reasons.
func summarize(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "Fix any of") || strings.HasPrefix(l, "Fix all of") {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "; ")
}
