package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadRejectsMissingKeys(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/es.json": {Data: []byte(`{"a":"uno","b":"dos"}`)},
		"locales/en.json": {Data: []byte(`{"a":"one"}`)},
	}
	_, err := Load(fsys)
	if err == nil || !strings.Contains(err.Error(), "[b]") {
		t.Fatalf("Load = %v, want error naming key b", err)
	}
}

func TestT(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/es.json": {Data: []byte(`{"hi":"Hola, %s"}`)},
		"locales/en.json": {Data: []byte(`{"hi":"Hello, %s"}`)},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("en", "hi", "Ana"); got != "Hello, Ana" {
		t.Errorf("T en = %q", got)
	}
	if got := c.T("xx", "hi", "Ana"); got != "Hola, Ana" {
		t.Errorf("T unknown lang = %q, want Spanish fallback", got)
	}
	if got := c.T("es", "nope"); got != "nope" {
		t.Errorf("T missing key = %q", got)
	}
}

func TestLoadMergesAreaFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/es.json":         {Data: []byte(`{"a":"uno"}`)},
		"locales/en.json":         {Data: []byte(`{"a":"one"}`)},
		"locales/es/account.json": {Data: []byte(`{"login":"Entrar"}`)},
		"locales/en/account.json": {Data: []byte(`{"login":"Log in"}`)},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("en", "login"); got != "Log in" {
		t.Errorf("T from an area file = %q", got)
	}
	fsys["locales/es/studio.json"] = &fstest.MapFile{Data: []byte(`{"a":"otra vez"}`)}
	if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Fatalf("Load with a key defined twice = %v, want an error naming it", err)
	}
}
