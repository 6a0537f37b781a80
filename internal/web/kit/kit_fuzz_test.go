package kit

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzSafeNext: the login form's "next" parameter. Whatever is typed, SafeNext keeps it
// only as a path of this site: resolved against the shop's URL it stays on the shop's
// origin, also for a browser that drops tabs and new lines and reads "\" as "/"; and
// LoginPath carries it through its query unchanged.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/studio?x=1", "//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example",
		"/%2F/evil.example", "/.//evil", "/@evil.example", "javascript:alert(1)", "/a#//evil", "/ /evil", "", "/"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://tienda.example.co/login")
	f.Fuzz(func(t *testing.T, next string) {
		got := SafeNext(next)
		if got == "" {
			return
		}
		if got != next {
			t.Fatalf("SafeNext(%q) = %q, changed", next, got)
		}
		// What a browser would do to it before resolving (WHATWG URL: tabs and new lines
		// removed, backslashes as slashes in http URLs).
		seen := strings.ReplaceAll(strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(got), "\\", "/")
		for _, s := range []string{got, seen} {
			u, err := url.Parse(s)
			if err != nil {
				t.Fatalf("SafeNext(%q) kept an unparsable URL: %v", next, err)
			}
			if r := base.ResolveReference(u); r.Scheme != "https" || r.Host != base.Host || u.User != nil {
				t.Fatalf("SafeNext(%q) leads to %s", next, r)
			}
			if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
				t.Fatalf("SafeNext(%q) kept a network-path reference", next)
			}
		}
		lp, err := url.Parse(LoginPath("es", next))
		if err != nil || lp.Query().Get("next") != got {
			t.Fatalf("LoginPath(%q) = %q does not carry next back (%v)", next, LoginPath("es", next), err)
		}
	})
}

// FuzzAcceptsGzip: the Accept-Encoding header. gzip is chosen only when the header
// names it without refusing it (q=0).
func FuzzAcceptsGzip(f *testing.F) {
	for _, s := range []string{"gzip", "gzip, deflate, br", "gzip;q=0", "br;q=1, gzip ; q=0.000", "GZIP;q=0.5", "*", "gzip;q=NaN", "identity"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if acceptsGzip(header) && !strings.Contains(strings.ToLower(header), "gzip") {
			t.Fatalf("acceptsGzip(%q) without gzip named", header)
		}
		if acceptsGzip("gzip;q=0," + header) {
			t.Fatalf("acceptsGzip(gzip;q=0,%q): gzip refused first", header)
		}
	})
}
