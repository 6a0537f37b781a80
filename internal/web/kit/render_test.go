package kit

import "testing"

func TestAcceptsGzip(t *testing.T) {
	tests := map[string]bool{
		"": false, "gzip": true, "br, gzip, deflate": true, "GZIP": true,
		"gzip;q=0": false, "gzip; q=0.5": true, "deflate": false, "gzip;q=0.0": false, "x-gzip": false,
	}
	for h, want := range tests {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}
