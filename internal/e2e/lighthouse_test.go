package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lighthouseMin is the lowest score (0–100) each category may have. Performance is not
// here: it depends on the machine's timing, so `make audit` measures it instead.
var lighthouseMin = []struct {
	category string
	min      int
}{
	{"accessibility", 100},
	{"best-practices", 95},
	{"seo", 100},
}

// lhReport is the part of a Lighthouse JSON report the checks read.
type lhReport struct {
	RuntimeError *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"runtimeError"`
	Categories map[string]struct {
		Title     string   `json:"title"`
		Score     *float64 `json:"score"`
		AuditRefs []struct {
			ID     string  `json:"id"`
			Weight float64 `json:"weight"`
		} `json:"auditRefs"`
	} `json:"categories"`
	Audits map[string]struct {
		Title        string          `json:"title"`
		Score        *float64        `json:"score"`
		DisplayValue string          `json:"displayValue"`
		Details      json.RawMessage `json:"details"`
	} `json:"audits"`
}

// score is a category's score from 0 to 100, or -1 when Lighthouse gave none.
func (r lhReport) score(category string) int {
	c, ok := r.Categories[category]
	if !ok || c.Score == nil {
		return -1
	}
	return int(math.Round(*c.Score * 100))
}

// failedAudits describes the audits of category that cost it points.
func (r lhReport) failedAudits(category string) []string {
	var out []string
	for _, ref := range r.Categories[category].AuditRefs {
		a, ok := r.Audits[ref.ID]
		if ref.Weight == 0 || !ok || a.Score == nil || *a.Score >= 1 {
			continue
		}
		line := fmt.Sprintf("%s (%s)", ref.ID, a.Title)
		if a.DisplayValue != "" {
			line += ": " + a.DisplayValue
		}
		for _, item := range auditItems(a.Details, 3) {
			line += "\n        " + item
		}
		out = append(out, line)
	}
	return out
}

// auditItems names up to n of the elements or resources an audit points at.
func auditItems(details json.RawMessage, n int) []string {
	var d struct {
		Items []struct {
			Node *struct {
				Selector    string `json:"selector"`
				Explanation string `json:"explanation"`
			} `json:"node"`
			URL         string `json:"url"`
			Description string `json:"description"`
		} `json:"items"`
	}
	if json.Unmarshal(details, &d) != nil {
		return nil
	}
	var out []string
	for _, it := range d.Items {
		if len(out) == n {
			out = append(out, fmt.Sprintf("… %d in all", len(d.Items)))
			break
		}
		switch {
		case it.Node != nil:
			out = append(out, strings.TrimSpace(it.Node.Selector+": "+summarize(it.Node.Explanation)))
		case it.URL != "":
			out = append(out, it.URL)
		case it.Description != "":
			out = append(out, it.Description)
		}
	}
	return out
}

// runLighthouse audits url with Lighthouse's mobile defaults in Debian's Chromium (a
// fresh profile each run, made by Lighthouse's launcher) and writes the JSON report.
// The report's full-page screenshot costs about two seconds a page, so it is left out
// (the axe part takes screenshots of the same pages; `make audit` keeps it).
func runLighthouse(ctx context.Context, e env, url, out string, categories []string) (lhReport, error) {
	flags := append([]string{"--headless=new"}, chromeFlags...)
	if os.Geteuid() == 0 {
		flags = append(flags, "--no-sandbox")
	}
	cmd := exec.CommandContext(ctx, e.node, e.lighthouse(), url,
		"--output=json", "--output-path="+out,
		"--only-categories="+strings.Join(categories, ","),
		"--chrome-flags="+strings.Join(flags, " "),
		"--disable-full-page-screenshot", "--no-enable-error-reporting", "--quiet")
	cmd.Env = append(os.Environ(), "CHROME_PATH="+e.chrome)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return lhReport{}, fmt.Errorf("lighthouse %s: %w\n%s", url, err, stderr.String())
	}
	js, err := os.ReadFile(out)
	if err != nil {
		return lhReport{}, fmt.Errorf("read Lighthouse report: %w", err)
	}
	var r lhReport
	if err := json.Unmarshal(js, &r); err != nil {
		return lhReport{}, fmt.Errorf("decode Lighthouse report %s: %w", out, err)
	}
	if r.RuntimeError != nil && r.RuntimeError.Code != "" && r.RuntimeError.Code != "NO_ERROR" {
		return r, fmt.Errorf("lighthouse %s: %s: %s", url, r.RuntimeError.Code, r.RuntimeError.Message)
	}
	return r, nil
}

// checkLighthouse audits the page and fails for each category below its minimum,
// naming the audits that cost points.
func checkLighthouse(t *testing.T, e env, a artifacts, s store, p auditPage, scores *strings.Builder) {
	t.Helper()
	cats := make([]string, len(lighthouseMin))
	for i, m := range lighthouseMin {
		cats[i] = m.category
	}
	out := filepath.Join(a.lh, p.name+".json")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	r, err := runLighthouse(ctx, e, s.base+p.path, out, cats)
	if err != nil {
		t.Fatalf("Lighthouse on %s: %v\n  screenshot: %s", p, err, pageShot(a, p))
	}
	fmt.Fprintf(scores, "%-12s", p.name)
	for _, m := range lighthouseMin {
		got := r.score(m.category)
		fmt.Fprintf(scores, " %s %3d", m.category, got)
		if got < m.min {
			t.Errorf("Lighthouse on %s: %s score %d, want at least %d; failing audits:\n    %s\n  report: %s\n  screenshot: %s",
				p, m.category, got, m.min, strings.Join(r.failedAudits(m.category), "\n    "), out, pageShot(a, p))
		}
	}
	scores.WriteString("\n")
	t.Logf("Lighthouse on %s in %s: %s", p, time.Since(start).Round(100*time.Millisecond), out)
}
