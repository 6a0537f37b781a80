package notify

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/web"
)

var testSeller = Seller{Name: "Fundación Prueba", NIT: "800.197.268-4", Address: "Calle 1 # 2-3, Bogotá",
	Phone: "+57 300 000 0000", Email: "hola@prueba.example"}

// samples holds data for every mail template; TestRenderAll fails when a template has
// none, so a new template gets tested in both languages.
var samples = map[string]map[string]any{
	"account_verify": {"Name": "Ana", "Link": "https://libres.example/cuenta/verificar?token=abc"},
	"account_reset":  {"Name": "Ana", "Link": "https://libres.example/cuenta/clave?token=abc"},
	"account_invite": {"Name": "Ana", "Link": "https://libres.example/invitacion?token=abc", "Role": "workshop_lead", "InviterName": "Marta"},
}

func newTestRenderer(t *testing.T) *Renderer {
	t.Helper()
	r, err := NewRenderer(web.FS, testSeller, "https://libres.example")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRenderAll(t *testing.T) {
	r := newTestRenderer(t)
	if len(r.Templates()) < 3 {
		t.Fatalf("templates = %v, want at least the three account emails", r.Templates())
	}
	for _, name := range r.Templates() {
		data, ok := samples[name]
		if !ok {
			t.Errorf("template %s has no sample data in render_test.go", name)
			continue
		}
		subjects := map[string]bool{}
		for _, lang := range i18n.Languages {
			t.Run(name+"/"+lang, func(t *testing.T) {
				e, err := r.Render(Message{To: "ana@example.co", Lang: lang, Template: name, Data: data})
				if err != nil {
					t.Fatal(err)
				}
				subjects[e.Subject] = true
				link := data["Link"].(string)
				if e.Subject == "" || strings.Contains(e.Subject, "\n") {
					t.Errorf("subject = %q", e.Subject)
				}
				if !strings.Contains(e.Text, "\n"+link+"\n") {
					t.Errorf("text part lacks the link on its own line:\n%s", e.Text)
				}
				for _, part := range []string{e.Text, e.HTML} {
					if strings.Contains(part, "mail.") || strings.Contains(part, "%!") || strings.Contains(part, "<no value>") {
						t.Errorf("unfilled message in:\n%s", part)
					}
					if !strings.Contains(part, testSeller.Name) || !strings.Contains(part, testSeller.NIT) {
						t.Errorf("footer does not name the seller:\n%s", part)
					}
				}
				doc, err := goquery.NewDocumentFromReader(strings.NewReader(e.HTML))
				if err != nil {
					t.Fatal(err)
				}
				if got := doc.Find("html").AttrOr("lang", ""); got != lang {
					t.Errorf("html lang = %q, want %s", got, lang)
				}
				if got := doc.Find("title").Text(); got != e.Subject {
					t.Errorf("title = %q, want the subject %q", got, e.Subject)
				}
				if got := strings.TrimSpace(doc.Find("a.wordmark").Text()); got != "Libres" {
					t.Errorf("wordmark = %q", got)
				}
				if b := doc.Find("a.button"); b.Length() != 1 || b.AttrOr("href", "") != link || strings.TrimSpace(b.Text()) == "" {
					t.Errorf("want one labelled button to %s, got %d", link, b.Length())
				}
				if n := doc.Find("img, link, script, [src]").Length(); n != 0 {
					t.Errorf("%d images, scripts or remote resources; want none", n)
				}
				if !strings.Contains(doc.Find("td.footer").Text(), "ana@example.co") {
					t.Errorf("footer does not say whom it was sent to")
				}
			})
		}
		if len(subjects) != len(i18n.Languages) {
			t.Errorf("%s: subjects %v, want one per language", name, subjects)
		}
	}
}

func TestRenderLanguageAndInvite(t *testing.T) {
	r := newTestRenderer(t)
	tests := []struct {
		lang, role string
		want       []string
	}{
		{"es", "workshop_lead", []string{"Marta te invita a Libres", "líder de taller", "estudio"}},
		{"en", "workshop_lead", []string{"Marta invited you to Libres", "a workshop lead", "studio"}},
		{"es", "admin", []string{"administración"}},
		{"en", "admin", []string{"back office"}},
		{"en", "corporate_client", []string{"corporate portal"}},
		{"en", "customer", []string{"follow your orders"}},
	}
	for _, tt := range tests {
		data := map[string]any{"Name": "Ana", "Link": "https://libres.example/i", "Role": tt.role, "InviterName": "Marta"}
		e, err := r.Render(Message{To: "ana@example.co", Lang: tt.lang, Template: "account_invite", Data: data})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(e.Subject+"\n"+e.Text, w) || !strings.Contains(e.HTML, w) {
				t.Errorf("%s/%s: %q missing from subject, text or HTML:\n%s\n%s", tt.lang, tt.role, w, e.Subject, e.Text)
			}
		}
	}
	e, err := r.Render(Message{To: "ana@example.co", Lang: "es", Template: "account_reset", Data: samples["account_reset"]})
	if err != nil || !strings.Contains(e.Text, "1 hora") || !strings.Contains(e.Text, "ignorar") {
		t.Errorf("reset email does not say it expires in 1 hour and can be ignored (%v):\n%s", err, e.Text)
	}
}

// TestRenderNameAndLinkOnly: every account template works with just Name and Link
// (what the account service sends); the invitation's InviterName and Role are optional.
// Order emails need their order's data (samples in order_samples_test.go).
func TestRenderNameAndLinkOnly(t *testing.T) {
	r := newTestRenderer(t)
	for _, name := range r.Templates() {
		if !strings.HasPrefix(name, "account_") {
			continue
		}
		for _, lang := range i18n.Languages {
			e, err := r.Render(Message{To: "ana@example.co", Lang: lang, Template: name,
				Data: map[string]any{"Name": "Ana", "Link": "https://libres.example/x?token=1"}})
			if err != nil {
				t.Errorf("%s/%s: %v", name, lang, err)
				continue
			}
			if !strings.Contains(e.Text, "\nhttps://libres.example/x?token=1\n") {
				t.Errorf("%s/%s: no link in\n%s", name, lang, e.Text)
			}
		}
	}
	e, err := r.Render(Message{To: "ana@example.co", Lang: "en", Template: "account_invite",
		Data: map[string]any{"Name": "Ana", "Link": "https://libres.example/i", "Role": "admin"}})
	if err != nil || e.Subject != "You are invited to Libres" || !strings.Contains(e.Text, "as a member of the administration team") {
		t.Errorf("invite with a role and no inviter (%v): %q\n%s", err, e.Subject, e.Text)
	}
}

func TestRenderEscapesData(t *testing.T) {
	r := newTestRenderer(t)
	name := `<b id="x">Ana</b> & "Co"`
	e, err := r.Render(Message{To: "ana@example.co", Lang: "en", Template: "account_verify",
		Data: map[string]any{"Name": name, "Link": `https://libres.example/v?a=1&b="2"`}})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(e.HTML))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Find("#x").Length() != 0 {
		t.Error("a tag in the data became markup")
	}
	if !strings.Contains(doc.Find("td.content p").First().Text(), name) {
		t.Errorf("greeting does not show the name as text: %q", doc.Find("td.content p").First().Text())
	}
	if got := doc.Find("a.button").AttrOr("href", ""); got != `https://libres.example/v?a=1&b=%222%22` {
		t.Errorf("button href = %q", got)
	}
	if !strings.Contains(e.Text, "Hi "+name+",") {
		t.Errorf("plain text should carry the name as is:\n%s", e.Text)
	}
}

func TestRenderRejects(t *testing.T) {
	r := newTestRenderer(t)
	ok := Message{To: "ana@example.co", Lang: "es", Template: "account_verify", Data: samples["account_verify"]}
	tests := []struct {
		name string
		edit func(m *Message)
	}{
		{"unknown template", func(m *Message) { m.Template = "welcome_pony" }},
		{"unknown language", func(m *Message) { m.Lang = "fr" }},
		{"address with a name", func(m *Message) { m.To = "Ana <ana@example.co>" }},
		{"not an address", func(m *Message) { m.To = "ana" }},
		{"header injection in address", func(m *Message) { m.To = "ana@example.co\r\nBcc: x@y.z" }},
		{"missing data", func(m *Message) { m.Data = map[string]any{"Name": "Ana"} }},
		{"javascript link", func(m *Message) { m.Data = map[string]any{"Name": "Ana", "Link": "javascript:alert(1)"} }},
		{"relative link", func(m *Message) { m.Data = map[string]any{"Name": "Ana", "Link": "/cuenta/verificar"} }},
		{"unknown role", func(m *Message) {
			m.Template = "account_invite"
			m.Data = map[string]any{"Name": "Ana", "Link": "https://x.example", "Role": "pony", "InviterName": "M"}
		}},
	}
	if _, err := r.Render(ok); err != nil {
		t.Fatalf("valid message: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.edit(&m)
			if _, err := r.Render(m); err == nil {
				t.Errorf("Render accepted %+v", m)
			}
		})
	}
}
