package notify

import (
	"strings"
	"testing"
	"testing/fstest"
)

// branchRenderer has one template whose {{if}} branch names a key the first messages
// lack: a render check that remembered only the keys would let the second one through.
func branchRenderer(t *testing.T) *Renderer {
	t.Helper()
	fsys := fstest.MapFS{
		"locales/es.json":            {Data: []byte(`{"mail.hello": "Hola"}`)},
		"locales/en.json":            {Data: []byte(`{"mail.hello": "Hello"}`)},
		"templates/mail/layout.html": {Data: []byte(`{{define "layout"}}{{template "body" .}}{{end}}`)},
		"templates/mail/layout.txt":  {Data: []byte(`{{define "layout"}}{{template "body" .}}{{end}}`)},
		"templates/mail/note.html":   {Data: []byte(`{{define "body"}}<p>{{t "mail.hello"}} {{.Data.Name}}</p>{{end}}`)},
		"templates/mail/note.txt": {Data: []byte(`{{define "subject"}}{{t "mail.hello"}}{{end}}` +
			`{{define "body"}}{{t "mail.hello"}} {{.Data.Name}}{{if .Data.Gift}} {{.Data.Amount}}{{end}}` +
			`{{range .Data.Lines}}{{if .Exempt}} {{.Reason}}{{end}}{{end}}{{end}}`)},
	}
	r, err := NewRenderer(fsys, testSeller, "https://libres.example")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestValidateRendersEachNewShape(t *testing.T) {
	r := branchRenderer(t)
	msg := func(data map[string]any) Message {
		return Message{To: "ana@example.co", Lang: "es", Template: "note", Data: data}
	}
	line := func(exempt bool) map[string]any { return map[string]any{"Exempt": exempt} }
	ok := msg(map[string]any{"Name": "Ana", "Gift": "", "Lines": []map[string]any{line(false)}})
	for range 2 {
		if err := r.Validate(ok); err != nil {
			t.Fatalf("a message that renders: %v", err)
		}
	}
	// The same keys and types, another value: the {{if}} now reads a key that is missing.
	if err := r.Validate(msg(map[string]any{"Name": "Luis", "Gift": "sí", "Lines": []map[string]any{line(false)}})); err == nil ||
		!strings.Contains(err.Error(), "Amount") {
		t.Errorf("Validate with the branch taken = %v, want the missing Amount named", err)
	}
	// A line of a list that takes its branch, beside one like those seen before.
	if err := r.Validate(msg(map[string]any{"Name": "Ana", "Gift": "", "Lines": []map[string]any{line(false), line(true)}})); err == nil ||
		!strings.Contains(err.Error(), "Reason") {
		t.Errorf("Validate with a line's branch taken = %v, want the missing Reason named", err)
	}
	// A key gone from a shape seen before.
	if err := r.Validate(msg(map[string]any{"Gift": "", "Lines": []map[string]any{line(false)}})); err == nil {
		t.Error("Validate without Name passed")
	}
	// What is checked on every message, shape seen or not.
	bad := ok
	bad.To = "ana at example"
	if err := r.Validate(bad); err == nil {
		t.Error("Validate passed a bad address on a shape seen before")
	}
	bad = msg(map[string]any{"Name": "Ana", "Gift": "", "Lines": []map[string]any{line(false)}, "Link": "javascript:alert(1)"})
	if err := r.Validate(bad); err == nil {
		t.Error("Validate passed a link that is not http(s)")
	}
}

func TestShapeIgnoresTextButNotEmptiness(t *testing.T) {
	a := Message{Lang: "es", Template: "x", Data: map[string]any{"Name": "Ana", "N": 2, "L": []map[string]any{{"T": "a"}, {"T": "b"}}}}
	b := Message{Lang: "es", Template: "x", Data: map[string]any{"N": 7, "Name": "Luis Fernando", "L": []map[string]any{{"T": "c"}}}}
	if shapeOf(a) != shapeOf(b) {
		t.Errorf("shapes differ for the same structure:\n%s\n%s", shapeOf(a), shapeOf(b))
	}
	for _, c := range []Message{
		{Lang: "en", Template: "x", Data: a.Data},
		{Lang: "es", Template: "y", Data: a.Data},
		{Lang: "es", Template: "x", Data: map[string]any{"Name": "", "N": 2, "L": []map[string]any{{"T": "a"}}}},
		{Lang: "es", Template: "x", Data: map[string]any{"Name": "Ana", "N": "2", "L": []map[string]any{{"T": "a"}}}},
		{Lang: "es", Template: "x", Data: map[string]any{"Name": "Ana", "N": 2, "L": []map[string]any{}}},
		{Lang: "es", Template: "x", Data: map[string]any{"Name": "Ana", "N": 2, "L": []map[string]any{{"T": ""}}}},
	} {
		if shapeOf(c) == shapeOf(a) {
			t.Errorf("shape of %+v = shape of %+v", c, a)
		}
	}
}
