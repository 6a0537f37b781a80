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

// axeReport collects results from the subtests (the axe part and the back-office
// journeys) and writes them out when the suite ends.
type axeReport struct {
	mu      sync.Mutex
	results []axeResult
}

func (r *axeReport) add(res axeResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = append(r.results, res)
}

// write saves axe-report.json (everything) and axe-report.txt (for people), unless
// no page was audited (a run of other parts only).
func (r *axeReport) write(dir string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.results) == 0 {
		return nil
	}
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
// test for each serious or critical violation, and on the phone for a page wider than
// the screen.
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
		res, err = runAxe(ctx, axeSrc)
		return err
	})
	shot := tb.screenshot("page-" + tb.vp.name + "-" + p.name)
	if err == nil {
		err = tb.run(func(ctx context.Context) error { return checkReflow(ctx, t, tb.vp, p, shot) })
	}
	if err != nil {
		t.Fatalf("axe on %s at %s: %v\n  screenshot: %s", p, tb.vp.name, err, shot)
	}
	reportAxe(t, tb.vp, p, res, shot, report)
}

// runAxe runs axe-core on the page the tab shows now, as it stands: the back-office
// journey audits the pages it reaches, which need its session and cannot be reloaded
// (some are the answer to a POST).
func runAxe(ctx context.Context, axeSrc string) (axeResult, error) {
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeSrc)); err != nil {
		return axeResult{}, fmt.Errorf("inject axe-core: %w", err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](axeRunJS, chromedp.EvalAwaitPromise))
	if err != nil {
		return axeResult{}, fmt.Errorf("run axe-core: %w", err)
	}
	return res, nil
}

// reportAxe adds what axe found on p to the report and fails the test (without
// stopping it) for each serious or critical violation.
func reportAxe(t *testing.T, vp viewport, p auditPage, res axeResult, shot string, report *axeReport) {
	t.Helper()
	res.Page, res.Path, res.Viewport, res.Screenshot = p.name, p.path, vp.name, shot
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
			p, vp.name, v.Impact, v.ID, v.Help, v.HelpURL, strings.Join(where, "\n    "), shot)
	}
}

// overflowJS lists what sticks out past the right edge of a screen vw px wide (at most
// 5 elements, the outermost ones), leaving out what a scrolling box (a table wrapper,
// the header's navigation) cuts off. A positioned element is cut off only by a box
// that holds its containing block: a visually hidden label in a table escapes the
// table's wrapper unless the wrapper is positioned. An empty list: the page fits.
const overflowJS = `(vw => {
	if (document.documentElement.scrollWidth <= vw) return [];
	const out = el => el.getBoundingClientRect().right > vw + 1;
	const cutOff = el => {
		const pos = getComputedStyle(el).position;
		if (pos === "fixed") return false;
		let p = el.parentElement;
		if (pos === "absolute") {
			while (p && p !== el.offsetParent) p = p.parentElement;
		}
		for (; p && p !== document.body; p = p.parentElement) {
			if (getComputedStyle(p).overflowX !== "visible") return true;
		}
		return false;
	};
	const wide = [...document.body.querySelectorAll("*")].filter(el => out(el) && !cutOff(el));
	const outer = wide.filter(el => !wide.some(o => o !== el && o.contains(el))).slice(0, 5);
	if (!outer.length) return ["the page is " + document.documentElement.scrollWidth + " px wide"];
	return outer.map(el => {
		const r = el.getBoundingClientRect();
		const where = el.closest("[id]");
		return el.tagName.toLowerCase() + [...el.classList].map(c => "." + c).join("") +
			(el.htmlFor ? '[for="' + el.htmlFor + '"]' : "") +
			(where && where !== el ? " in #" + where.id : el.id ? "#" + el.id : "") +
			" (" + getComputedStyle(el).position + ", reaches " + Math.round(r.right) + " px)";
	});
})(%d)`

// checkReflow fails the test (without stopping it) when the page is wider than a
// phone's screen: shoppers and leads would have to scroll sideways to read it (WCAG
// 1.4.10, Reflow). Wide tables are fine inside a box that scrolls on its own.
func checkReflow(ctx context.Context, t *testing.T, vp viewport, p auditPage, shot string) error {
	t.Helper()
	if !vp.mobile {
		return nil
	}
	wide, err := eval[[]string](ctx, fmt.Sprintf(overflowJS, vp.width))
	if err != nil {
		return err
	}
	if len(wide) > 0 {
		t.Errorf("%s at %s is wider than the screen (%d px): sticking out: %s\n  screenshot: %s",
			p, vp.name, vp.width, strings.Join(wide, ", "), shot)
	}
	return nil
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
