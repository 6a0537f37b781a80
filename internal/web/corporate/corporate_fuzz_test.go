package corporate

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/libres/storefront/internal/quote"
)

// FuzzKeptFile: the signed token that keeps an uploaded file across a refused quote
// request. A token opens to the file it was made for, only for the user it was made for;
// any other token opens only if it carries the very payload signed for that user.
func FuzzKeptFile(f *testing.F) {
	f.Add(int64(7), int64(8), "quotes/stash/ab12/logo.png", "logo acme.png", "")
	f.Add(int64(7), int64(7), "k", "\xff", "eyJrIjoieCJ9.AAAA")
	f.Add(int64(0), int64(-1), "", "", "e30.")
	h := &Handler{}
	f.Fuzz(func(t *testing.T, user, other int64, key, name, token string) {
		kept := quote.Kept{Key: key, Name: name, ContentType: "image/png", Size: 1}
		signed := h.signKept(user, kept)
		got, ok := h.openKept(user, signed)
		if len(signed) <= 2048 && (!ok || got != kept && utf8.ValidString(key) && utf8.ValidString(name)) { // JSON replaces invalid UTF-8
			t.Fatalf("kept file %+v opens as %+v, %v", kept, got, ok)
		}
		if _, ok := h.openKept(other, signed); ok && other != user {
			t.Fatalf("a token made for user %d opened for user %d", user, other)
		}
		if _, ok := h.openKept(user, token); ok {
			payload, _, _ := strings.Cut(token, ".")
			mine, _, _ := strings.Cut(signed, ".")
			if payload != mine {
				t.Fatalf("token %q opened without being signed", token)
			}
		}
	})
}
