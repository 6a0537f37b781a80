package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// vnuMessage is one message of the Nu HTML Checker's JSON output.
type vnuMessage struct {
	Type     string `json:"type"`    // error, info, non-document-error
	SubType  string `json:"subType"` // warning (for info), fatal, io, …
	URL      string `json:"url"`
	Line     int    `json:"lastLine"`
	Column   int    `json:"firstColumn"`
	Message  string `json:"message"`
	Extract  string `json:"extract"`
	PageName string `json:"page"` // added here: which audited page
}

// savedPage is a page saved as the server sent it, waiting for the checker.
type savedPage struct {
	page auditPage
	file string // in artifacts.html
	shot string // a screenshot of it, for failure messages
}

// savePage writes body as html/NAME.html.
func savePage(a artifacts, p auditPage, body []byte, shot string) (savedPage, error) {
	f := filepath.Join(a.html, p.name+".html")
	if err := os.WriteFile(f, body, 0o644); err != nil {
		return savedPage{}, fmt.Errorf("save %s: %w", p, err)
	}
	return savedPage{page: p, file: f, shot: shot}, nil
}

// checkHTML saves each page as the server sends it (the markup shoppers' browsers
// parse, before any rendering) and checks them all in one run of vnu.jar.
func checkHTML(t *testing.T, e env, a artifacts, s store, pages []auditPage, report *vnuReport) {
	t.Helper()
	var saved []savedPage
	for _, p := range pages {
		status, body, err := s.fetch(p.path)
		if err != nil {
			t.Fatal(err)
		}
		if status != p.status {
			t.Fatalf("%s answered %d, want %d", p, status, p.status)
		}
		sp, err := savePage(a, p, body, pageShot(a, p))
		if err != nil {
			t.Fatal(err)
		}
		saved = append(saved, sp)
	}
	runVNU(t, e, saved, report)
}

// runVNU runs vnu.jar over the saved pages in one JVM: every error fails the test;
// warnings go to the report.
func runVNU(t *testing.T, e env, pages []savedPage, report *vnuReport) {
	t.Helper()
	var files []string
	byFile := map[string]savedPage{}
	for _, p := range pages {
		files = append(files, p.file)
		byFile[filepath.Base(p.file)] = p
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append([]string{"-Xss4m", "-jar", e.vnuJar(), "--format", "json", "--stdout", "--exit-zero-always"}, files...)
	cmd := exec.CommandContext(ctx, e.java, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("run vnu.jar: %v\n%s", err, stderr.String())
	}
	var out struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("read vnu.jar output: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	for i := range out.Messages {
		m := &out.Messages[i]
		p, known := byFile[filepath.Base(strings.TrimPrefix(m.URL, "file:"))]
		m.PageName = p.page.name
		if m.Type == "info" {
			continue
		}
		if !known {
			t.Errorf("vnu.jar: %s: %s", m.Type, m.Message)
			continue
		}
		t.Errorf("vnu on %s: %s at %s:%d:%d: %s\n    %s\n  screenshot: %s",
			p.page, m.Type, p.file, m.Line, m.Column, m.Message, strings.TrimSpace(m.Extract), p.shot)
	}
	report.add(len(pages), out.Messages)
}

// vnuReport collects the checker's messages from its runs (the public pages in the
// html part, the logged-in ones at the end of the back-office part) and writes them
// out when the suite ends.
type vnuReport struct {
	mu       sync.Mutex
	pages    int
	messages []vnuMessage
}

func (r *vnuReport) add(pages int, msgs []vnuMessage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pages += pages
	r.messages = append(r.messages, msgs...)
}

// write saves vnu-report.json and vnu-report.txt, unless vnu did not run.
func (r *vnuReport) write(dir string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pages == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Nu HTML Checker over %d pages (html/*.html); errors fail the test\n", r.pages)
	for _, m := range r.messages {
		kind := m.Type
		if m.SubType != "" {
			kind += "/" + m.SubType
		}
		fmt.Fprintf(&b, "%s %s:%d:%d %s\n    %s\n", kind, m.PageName, m.Line, m.Column, m.Message, strings.TrimSpace(m.Extract))
	}
	if len(r.messages) == 0 {
		b.WriteString("no messages\n")
	}
	js, err := json.MarshalIndent(r.messages, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "vnu-report.json"), js, 0o644)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "vnu-report.txt"), []byte(b.String()), 0o644)
	}
	if err != nil {
		return fmt.Errorf("write vnu report: %w", err)
	}
	return nil
}

// pageShot is the phone screenshot that the axe part takes of p, for the failure
// messages of the parts that do not drive the browser themselves.
func pageShot(a artifacts, p auditPage) string {
	return filepath.Join(a.shots, "page-phone-"+p.name+".png")
}
