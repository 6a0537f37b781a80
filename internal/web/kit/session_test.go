package kit

import "testing"

// TestSafeNext: login returns only to a local path, never to another site.
func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/studio":                    "/studio",
		"/studio/products/4?lang=en": "/studio/products/4?lang=en",
		"":                           "",
		"studio":                     "",
		"//evil.example/x":           "",
		"/\\evil.example":            "",
		"https://evil.example/":      "",
		"/ok\r\nSet-Cookie: x=1":     "",
		"javascript:alert(1)":        "",
	} {
		if got := SafeNext(next); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", next, got, want)
		}
	}
	if got := LoginPath("en", "/en/account"); got != "/en/login?next=%2Fen%2Faccount" {
		t.Errorf("LoginPath = %q", got)
	}
	if got := LoginPath("es", "//evil.example"); got != "/login" {
		t.Errorf("LoginPath with a foreign next = %q, want /login", got)
	}
}

func TestCookieNamesFollowTheScheme(t *testing.T) {
	if c := cookieNamesFor("https://libres.example.co"); c.session != "__Host-libres_session" || !c.secure {
		t.Errorf("https: %+v, want a __Host- Secure cookie", c)
	}
	if c := cookieNamesFor("http://localhost:8080"); c.session != "libres_session" || c.secure {
		t.Errorf("http: %+v, want a plain cookie (browsers refuse __Host- without TLS)", c)
	}
}
