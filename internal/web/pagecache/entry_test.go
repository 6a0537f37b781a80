package pagecache

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestStitchedGzipIsThePage: the gzip spliced from a kept page's parts and a visitor's
// fragments (empty, small, larger than one stored block) decodes to exactly the page
// with those fragments in place, at either set of compression levels.
func TestStitchedGzipIsThePage(t *testing.T) {
	for _, fast := range []bool{false, true} {
		stitchedGzipIsThePage(t, fast)
	}
}

func stitchedGzipIsThePage(t *testing.T, fast bool) {
	page := "<html><header><ul>" + markerStart + "nav" + markerEnd + "</ul></header><main>" +
		markerStart + "flash" + markerEnd + strings.Repeat("<p>catálogo de talleres</p>", 2000) + "</main></html>"
	e, err := newEntry([]byte(page), "text/html", map[string][]byte{"nav": []byte("<li>Cuenta</li>")}, fast)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.slots) != 2 || e.slots[0] != "nav" || e.slots[1] != "flash" {
		t.Fatalf("slots %q", e.slots)
	}
	if got := string(e.plain); got != strings.Replace(strings.Replace(page, markerStart+"nav"+markerEnd, "<li>Cuenta</li>", 1), markerStart+"flash"+markerEnd, "", 1) {
		t.Fatalf("plain page is not the page with the anonymous parts")
	}
	for _, frags := range [][][]byte{
		{nil, nil},
		{[]byte("<li>Ana</li>"), []byte(`<p class="flash">Listo</p>`)},
		{bytes.Repeat([]byte("x"), 70000), []byte("y")},
	} {
		want := string(e.parts[0]) + string(frags[0]) + string(e.parts[1]) + string(frags[1]) + string(e.parts[2])
		zr, err := gzip.NewReader(bytes.NewReader(stitchGzip(e, frags)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("fragments of %d and %d bytes: %v", len(frags[0]), len(frags[1]), err)
		}
		if string(got) != want {
			t.Errorf("fragments of %d and %d bytes: decoded page differs", len(frags[0]), len(frags[1]))
		}
	}
}

// TestKeyKeepsOnlyKnownParameters: the same page under reordered parameters is one
// entry; unknown parameters, other methods and oversized queries are not cached.
func TestKeyKeepsOnlyKnownParameters(t *testing.T) {
	r := Route{Lang: "es", Params: []string{"sort", "page", "size"}}
	key := func(method, target string) (string, bool) {
		req, _ := http.NewRequest(method, target, nil)
		return r.Key(req)
	}
	a, okA := key("GET", "/catalogo?page=2&sort=price_asc&size=M&size=L")
	b, okB := key("HEAD", "/catalogo?size=M&size=L&sort=price_asc&page=2")
	if !okA || !okB || a != b {
		t.Errorf("reordered parameters: %q %v, %q %v", a, okA, b, okB)
	}
	for _, target := range []string{"/catalogo?utm_source=x", "/catalogo?page=%zz", "/catalogo?q=" + strings.Repeat("a", 600)} {
		if k, ok := key("GET", target); ok {
			t.Errorf("%s cached as %q", target, k)
		}
	}
	if _, ok := key("POST", "/catalogo"); ok {
		t.Errorf("POST cached")
	}
}

// TestCacheStaysWithinBound: entries beyond the bound push out the least recently
// used; a page rendered across a drop is not kept.
func TestCacheStaysWithinBound(t *testing.T) {
	c := New(Options{MaxBytes: 64 << 10, Standalone: true})
	body := []byte(strings.Repeat("<p>página</p>", 300))
	for i := range 100 {
		e, err := newEntry(append(body, byte(i)), "text/html", nil, i%2 == 1)
		if err != nil {
			t.Fatal(err)
		}
		c.put(string(rune('a'+i%26))+strings.Repeat("x", i), e, c.Generation())
		if c.Size() > 64<<10 {
			t.Fatalf("%d bytes kept after %d pages", c.Size(), i+1)
		}
	}
	if c.Len() == 0 || c.get("v"+strings.Repeat("x", 99)) == nil {
		t.Fatalf("the most recent page is not kept (%d kept)", c.Len())
	}
	gen := c.Generation()
	c.Drop()
	e, _ := newEntry(body, "text/html", nil, false)
	c.put("late", e, gen)
	if c.Len() != 0 || c.get("late") != nil {
		t.Errorf("a page rendered before a drop was kept")
	}
}
