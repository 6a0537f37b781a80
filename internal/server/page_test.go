package server

import "testing"

func TestSizeRange(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"38"}, "38"},
		{[]string{"M", "M", "M"}, "M"},
		{[]string{"XL", "S", "M", "L"}, "S–XL"},
		{[]string{"44", "35", "40"}, "35–44"},
	}
	for _, tt := range tests {
		if got := sizeRange(tt.in); got != tt.want {
			t.Errorf("sizeRange(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
