package shop

import (
	"fmt"
	"testing"
)

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

func TestPageWindow(t *testing.T) {
	tests := []struct {
		cur, pages int
		want       string
	}{
		{1, 1, "[1]"},
		{1, 2, "[1 2]"},
		{1, 10, "[1 2 3 0 10]"},
		{5, 10, "[1 0 3 4 5 6 7 0 10]"},
		{10, 10, "[1 0 8 9 10]"},
		{4, 7, "[1 2 3 4 5 6 7]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(pageWindow(tt.cur, tt.pages)); got != tt.want {
			t.Errorf("pageWindow(%d, %d) = %s, want %s", tt.cur, tt.pages, got, tt.want)
		}
	}
}
