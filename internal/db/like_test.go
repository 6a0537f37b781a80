package db

import "testing"

func TestLikeEscape(t *testing.T) {
	for in, want := range map[string]string{"zapato": "zapato", "50%": `50\%`, "a_b": `a\_b`, `c:\x`: `c:\\x`, `%_\`: `\%\_\\`} {
		if got := LikeEscape(in); got != want {
			t.Errorf("LikeEscape(%q) = %q, want %q", in, got, want)
		}
	}
}
