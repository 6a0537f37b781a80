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

// checkHTML saves each page as the server sends it (the markup shoppers' browsers
// parse, before any rendering) and runs vnu.jar over all of them in one JVM: every
// error fails the test; warnings go to vnu-report.txt.
func checkHTML(t *testing.T, e env, a artifacts, s store, pages []auditPage) {
	t.Helper()
	var files []string
	byFile := map[string]auditPage{}
	for _, p := range pages {
		status, body, err := s.fetch(p.path)
		if err != nil {
			t.Fatal(err)
		}
		if status != p.status {
			t.Fatalf("%s answered %d, want %d", p, status, p.status)
		}
		f := filepath.Join(a.html, p.name+".html")
		if err := os.WriteFile(f, body, 0o644); err != nil {
			t.Fatalf("save %s: %v", p, err)
		}
		files = append(files, f)
		byFile[p.name+".html"] = p
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

	var report strings.Builder
	fmt.Fprintf(&report, "Nu HTML Checker over %d pages (html/*.html); errors fail the test\n", len(files))
	for i := range out.Messages {
		m := &out.Messages[i]
		p, known := byFile[filepath.Base(strings.TrimPrefix(m.URL, "file:"))]
		m.PageName = p.name
		kind := m.Type
		if m.SubType != "" {
			kind += "/" + m.SubType
		}
		fmt.Fprintf(&report, "%s %s:%d:%d %s\n    %s\n", kind, p.name, m.Line, m.Column, m.Message, strings.TrimSpace(m.Extract))
		if m.Type == "info" {
			continue
		}
		if !known {
			t.Errorf("vnu.jar: %s: %s", m.Type, m.Message)
			continue
		}
		t.Errorf("vnu on %s: %s at %s:%d:%d: %s\n    %s\n  screenshot: %s",
			p, m.Type, filepath.Join(a.html, p.name+".html"), m.Line, m.Column, m.Message,
			strings.TrimSpace(m.Extract), pageShot(a, p))
	}
	if len(out.Messages) == 0 {
		report.WriteString("no messages\n")
	}
	js, err := json.MarshalIndent(out.Messages, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(a.dir, "vnu-report.json"), js, 0o644)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(a.dir, "vnu-report.txt"), []byte(report.String()), 0o644)
	}
	if err != nil {
		t.Errorf("write vnu report: %v", err)
	}
}

// pageShot is the phone screenshot that the axe part takes of p, for the failure
// messages of the parts that do not drive the browser themselves.
func pageShot(a artifacts, p auditPage) string {
	return filepath.Join(a.shots, "page-phone-"+p.name+".png")
}
