// Package i18n holds the shop's languages and message catalogs (es default, en).
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
)

// Languages the shop speaks; the first is the default.
var Languages = []string{"es", "en"}

// Default is the language of unprefixed URLs.
const Default = "es"

// Catalog maps language -> key -> message.
type Catalog struct {
	msgs map[string]map[string]string
}

// Load reads locales/{lang}.json and every locales/{lang}/*.json (one file per area:
// account.json, studio.json, mail.json…) from fsys for every language, refuses a key
// defined twice, and checks that all languages have the same keys, so a missing
// translation fails at start-up, not in a page.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, lang := range Languages {
		files, err := fs.Glob(fsys, "locales/"+lang+"/*.json")
		if err != nil {
			return nil, fmt.Errorf("list %s messages: %w", lang, err)
		}
		m := map[string]string{}
		for _, name := range append([]string{"locales/" + lang + ".json"}, files...) {
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("read %s messages: %w", lang, err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("parse %s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("%s: key %q is already defined in another %s file", name, k, lang)
				}
				m[k] = v
			}
		}
		c.msgs[lang] = m
	}
	for _, lang := range Languages[1:] {
		if missing := diff(c.msgs[Default], c.msgs[lang]); len(missing) > 0 {
			return nil, fmt.Errorf("locales/%s.json lacks keys %v", lang, missing)
		}
		if extra := diff(c.msgs[lang], c.msgs[Default]); len(extra) > 0 {
			return nil, fmt.Errorf("locales/%s.json lacks keys %v", Default, extra)
		}
	}
	return c, nil
}

func diff(a, b map[string]string) []string {
	var out []string
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Has reports whether key exists.
func (c *Catalog) Has(key string) bool {
	_, ok := c.msgs[Default][key]
	return ok
}

// T returns the message for key in lang, formatted with args when given. An unknown
// key returns the key itself so the gap is visible rather than blank.
func (c *Catalog) T(lang, key string, args ...any) string {
	m, ok := c.msgs[lang]
	if !ok {
		m = c.msgs[Default]
	}
	s, ok := m[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Valid reports whether lang is one of the shop's languages.
func Valid(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}
