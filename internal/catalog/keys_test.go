package catalog

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// messageKey matches the message keys this package's editor returns; audit actions
// (Action: "product.update", touchAndAudit's action) look alike and are left out by
// where they appear.
var messageKey = regexp.MustCompile(`^(catalog|category|photo|price|product|sizes|stock|text|variant|workshop)(\.[a-z_]+)+$`)

// keysWithArgs are formatted with arguments (file name, limit); no other message may
// hold a verb, since messages without arguments are shown as written.
var keysWithArgs = map[string]int{"photo.too_large": 2, "photo.too_many_pixels": 2, "photo.unsupported": 1}

func TestEveryKeyHasMessages(t *testing.T) {
	used := usedKeys(t)
	if len(used) < 50 {
		t.Fatalf("found only %d keys: is the scan broken?", len(used))
	}
	for _, lang := range []string{"es", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "web", "locales", lang, "catalog_edit.json"))
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]string
		if err := json.Unmarshal(b, &msgs); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		for k := range used {
			if strings.TrimSpace(msgs[k]) == "" {
				t.Errorf("%s/catalog_edit.json lacks %q", lang, k)
			}
		}
		for k, m := range msgs {
			if !used[k] {
				t.Errorf("%s/catalog_edit.json has %q, which nothing returns", lang, k)
			}
			if n := strings.Count(m, "%"); n != keysWithArgs[k] {
				t.Errorf("%s %q has %d verbs, want %d", lang, k, n, keysWithArgs[k])
			}
		}
	}
}

func usedKeys(t *testing.T) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		skip := map[*ast.BasicLit]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "touchAndAudit" {
					for _, a := range call.Args {
						if lit, ok := a.(*ast.BasicLit); ok {
							skip[lit] = true
						}
					}
				}
			}
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Action" {
					if lit, ok := kv.Value.(*ast.BasicLit); ok {
						skip[lit] = true
					}
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || skip[lit] {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && messageKey.MatchString(s) {
				used[s] = true
			}
			return true
		})
	}
	return used
}
