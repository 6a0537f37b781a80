package pagecache

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

type anonStitcher struct{}

func (anonStitcher) AnonymousSlots(string) (map[string][]byte, error) { return nil, nil }
func (anonStitcher) VisitorSlots(*gin.Context, string) (map[string][]byte, string, bool, error) {
	return nil, "", false, nil
}

// TestWaitersShareOneRender: a request for a page another request is rendering waits
// and is answered with that render; the page is not rendered twice.
func TestWaitersShareOneRender(t *testing.T) {
	c := New(Options{MaxBytes: 1 << 20, Standalone: true})
	rendered := 0
	h := c.Wrap(Route{Lang: "es"}, anonStitcher{}, func(g *gin.Context) {
		rendered++
		g.String(http.StatusOK, "rendered again")
	})
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/p", h)

	f, leader := c.join("/p")
	if !leader {
		t.Fatal("no render under way, yet not the leader")
	}
	res := make(chan *httptest.ResponseRecorder)
	go func() {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/p", nil))
		res <- rec
	}()
	e, err := newEntry([]byte("<p>página</p>"), "text/html; charset=utf-8", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	gen := c.Generation()
	c.put("/p", e, gen)
	c.leave("/p", f, e)
	rec := <-res
	if rendered != 0 || rec.Body.String() != "<p>página</p>" {
		t.Errorf("rendered %d times, answered %q (%s)", rendered, rec.Body.String(), rec.Header().Get("X-Page-Cache"))
	}
}
