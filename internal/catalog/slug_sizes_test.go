package catalog

import (
	"strings"
	"testing"

	"github.com/libres/storefront/internal/apperr"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Zapato Oxford en cuero", "zapato-oxford-en-cuero"},
		{"  Botas llaneras — talla única!  ", "botas-llaneras-talla-unica"},
		{"Bolso café con ÑANDÚ", "bolso-cafe-con-nandu"},
		{"Camiseta 100% algodón (niños)", "camiseta-100-algodon-ninos"},
		{"¡¡!!", ""},
		{"日本語", ""},
		{"a\xffb", "a-b"},
		{strings.Repeat("palabra ", 30), "palabra-palabra-palabra-palabra-palabra-palabra-palabra-palabra-palabra-palabra"},
	}
	for _, tt := range tests {
		got := Slugify(tt.in)
		if got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != "" && (!ValidSlug(got) || len(got) > MaxSlugLen) {
			t.Errorf("Slugify(%q) = %q is not a valid slug", tt.in, got)
		}
	}
}

func TestValidSlug(t *testing.T) {
	for s, want := range map[string]bool{
		"zapato-oxford": true, "a": true, "bota-2": true,
		"": false, "-a": false, "a-": false, "a--b": false, "Zapato": false, "a_b": false, "café": false,
		"a/b": false, strings.Repeat("a", 201): false, strings.Repeat("a", 200): true, "\xff": false,
	} {
		if got := ValidSlug(s); got != want {
			t.Errorf("ValidSlug(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Zapato Oxford", "ñandú", "--a--", "\xff", strings.Repeat("x-", 60)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := Slugify(s); got != "" && (!ValidSlug(got) || len(got) > MaxSlugLen) {
			t.Fatalf("Slugify(%q) = %q", s, got)
		}
	})
}

func TestExpandSizeRun(t *testing.T) {
	tests := []struct {
		in   string
		want string // sizes joined by " "
		key  string
	}{
		{"35-44", "35 36 37 38 39 40 41 42 43 44", ""},
		{"XS-XXL", "XS S M L XL XXL", ""},
		{"xs - xxl", "XS S M L XL XXL", ""},
		{"S,M,L", "S M L", ""},
		{"38", "38", ""},
		{"36, 38-40, 38", "36 38 39 40", ""},
		{"37-39.5", "37 37.5 38 38.5 39 39.5", ""},
		{"Única", "Única", ""},
		{"44-35", "", "sizes.reversed"},
		{"XL-S", "", "sizes.reversed"},
		{"S-44", "", "sizes.unknown"},
		{"foo-bar", "", "sizes.unknown"},
		{"38.3", "", "sizes.unknown"},
		{"1-1000", "", "sizes.too_many"},
		{"1-41", "", "sizes.too_many"},
		{"1-40", "(40 sizes)", ""},
		{"", "", "sizes.empty"},
		{" , ,", "", "sizes.empty"},
		{"<script>", "", "sizes.unknown"},
	}
	for _, tt := range tests {
		got, err := ExpandSizeRun(tt.in)
		if tt.key != "" {
			if apperr.CodeOf(err) != apperr.Invalid || apperr.KeyOf(err) != tt.key {
				t.Errorf("ExpandSizeRun(%q) = %v, %v; want key %s", tt.in, got, err, tt.key)
			}
			continue
		}
		if err != nil {
			t.Errorf("ExpandSizeRun(%q): %v", tt.in, err)
			continue
		}
		if tt.in == "1-40" {
			if len(got) != 40 {
				t.Errorf("1-40 gave %d sizes", len(got))
			}
			continue
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("ExpandSizeRun(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzExpandSizeRun(f *testing.F) {
	for _, s := range []string{"35-44", "XS-XXL", "S,M,L", "38.5", "1-999", "a-b-c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ExpandSizeRun(s)
		if err == nil && (len(got) == 0 || len(got) > MaxSizeRun) {
			t.Fatalf("ExpandSizeRun(%q) = %d sizes", s, len(got))
		}
		if err != nil && apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("ExpandSizeRun(%q): %v", s, err)
		}
	})
}
