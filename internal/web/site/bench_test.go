package site

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Benchmarks of whole pages through the Gin engine on the demo catalog (real
// PostgreSQL). `make bench` measures the same pages over HTTP with wrk.
func benchPage(b *testing.B, path string) {
	h := testSrv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s = %d", path, rec.Code)
		}
	}
}

func BenchmarkListing(b *testing.B) { benchPage(b, "/catalogo") }
func BenchmarkSearch(b *testing.B)  { benchPage(b, "/buscar?q=zapato") }
func BenchmarkHome(b *testing.B)    { benchPage(b, "/") }
