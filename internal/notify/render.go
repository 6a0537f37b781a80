package notify

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"net/mail"
	"net/url"
	"path"
	"sort"
	"strings"
	texttemplate "text/template"

	"github.com/libres/storefront/internal/i18n"
)

// Email is a rendered message: what is sent.
type Email struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Seller identifies who sells in every email's footer (Ley 1480, as on the site).
type Seller struct {
	Name, NIT, Address, Phone, Email string
}

// Renderer turns a Message into an Email. Templates are web/templates/mail/NAME.html
// (defines "body") and NAME.txt (defines "subject" and "body"), each wrapped in the
// layout of its kind; strings come from the message catalog (web/locales/*/mail.json).
// Everything is parsed once, per language, by NewRenderer.
type Renderer struct {
	html    map[string]*htmltemplate.Template // lang/name
	text    map[string]*texttemplate.Template
	names   []string
	seller  Seller
	shopURL string

	rendered shapes // what Validate has seen render
}

// view is what a mail template sees.
type view struct {
	Lang, To, Subject string
	Data              map[string]any
	Seller            Seller
	ShopURL           string
}

// buttonView is what the "button" template sees.
type buttonView struct{ Link, Label string }

// NewRenderer parses the mail templates and loads the message catalog from fsys
// (web.FS in the program). shopURL is the shop's public origin (the wordmark's link).
func NewRenderer(fsys fs.FS, seller Seller, shopURL string) (*Renderer, error) {
	cat, err := i18n.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("load mail messages: %w", err)
	}
	files, err := fs.Glob(fsys, "templates/mail/*.html")
	if err != nil {
		return nil, fmt.Errorf("list mail templates: %w", err)
	}
	r := &Renderer{html: map[string]*htmltemplate.Template{}, text: map[string]*texttemplate.Template{},
		seller: seller, shopURL: shopURL}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		r.names = append(r.names, name)
		for _, lang := range i18n.Languages {
			funcs := funcs(cat, lang)
			h, err := htmltemplate.New(name).Option("missingkey=error").Funcs(htmltemplate.FuncMap(funcs)).
				ParseFS(fsys, "templates/mail/layout.html", "templates/mail/"+name+".html")
			if err != nil {
				return nil, fmt.Errorf("parse mail template %s.html: %w", name, err)
			}
			t, err := texttemplate.New(name).Option("missingkey=error").Funcs(texttemplate.FuncMap(funcs)).
				ParseFS(fsys, "templates/mail/layout.txt", "templates/mail/"+name+".txt")
			if err != nil {
				return nil, fmt.Errorf("parse mail template %s.txt: %w", name, err)
			}
			if t.Lookup("subject") == nil || t.Lookup("body") == nil || h.Lookup("body") == nil {
				return nil, fmt.Errorf("mail template %s: want \"subject\" and \"body\" in %[1]s.txt and \"body\" in %[1]s.html", name)
			}
			r.html[lang+"/"+name] = h
			r.text[lang+"/"+name] = t
		}
	}
	sort.Strings(r.names)
	return r, nil
}

// funcs are the template functions for one language. t fails on a key the catalog
// lacks, so a missing message stops the render instead of showing its key.
func funcs(cat *i18n.Catalog, lang string) map[string]any {
	return map[string]any{
		"t": func(key string, args ...any) (string, error) {
			if !cat.Has(key) {
				return "", fmt.Errorf("no message %q", key)
			}
			return cat.T(lang, key, args...), nil
		},
		"button": func(link, label string) buttonView { return buttonView{link, label} },
	}
}

// Templates lists the mail templates' names.
func (r *Renderer) Templates() []string { return append([]string(nil), r.names...) }

// Render checks m and renders it. Errors name what is wrong with the message (an
// unknown template or language, a bad address or link, missing data).
func (r *Renderer) Render(m Message) (Email, error) {
	if err := r.check(m); err != nil {
		return Email{}, err
	}
	key := m.Lang + "/" + m.Template
	v := view{Lang: m.Lang, To: m.To, Data: m.Data, Seller: r.seller, ShopURL: r.shopURL}
	var b bytes.Buffer
	t := r.text[key]
	if err := t.ExecuteTemplate(&b, "subject", v); err != nil {
		return Email{}, fmt.Errorf("render %s subject: %w", key, err)
	}
	v.Subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		return Email{}, fmt.Errorf("render %s text: %w", key, err)
	}
	text := b.String()
	b.Reset()
	if err := r.html[key].ExecuteTemplate(&b, "layout", v); err != nil {
		return Email{}, fmt.Errorf("render %s html: %w", key, err)
	}
	return Email{To: m.To, Subject: v.Subject, Text: text, HTML: b.String()}, nil
}

// check validates what templates cannot: the address, language, template name, and
// that every link (a Data key ending in "Link") is an absolute http(s) URL.
func (r *Renderer) check(m Message) error {
	if a, err := mail.ParseAddress(m.To); err != nil || a.Address != m.To {
		return fmt.Errorf("email to %q: want a bare address such as ana@example.co", m.To)
	}
	if !i18n.Valid(m.Lang) {
		return fmt.Errorf("email %s to %s: unknown language %q", m.Template, m.To, m.Lang)
	}
	if _, ok := r.text[m.Lang+"/"+m.Template]; !ok {
		return fmt.Errorf("email to %s: unknown template %q", m.To, m.Template)
	}
	for k, v := range m.Data {
		if !strings.HasSuffix(k, "Link") {
			continue
		}
		s, _ := v.(string)
		if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("email %s to %s: %s %q is not an absolute http(s) URL", m.Template, m.To, k, s)
		}
	}
	return nil
}
