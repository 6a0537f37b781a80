package account

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/libres/storefront/internal/apperr"
)

// FuzzSignUpFields: the sign-up (and invitation, profile) form's email and name. An
// accepted email is a plain address; an accepted name is one line of text PostgreSQL
// stores (valid UTF-8, no NUL or other control characters), at most 200 characters, and
// checking it again changes nothing.
func FuzzSignUpFields(f *testing.F) {
	f.Add("ana@example.co", "Ana  Pérez ")
	f.Add("Ana <ana@example.co>", "")
	f.Add("ana@localhost", "\t\n")
	f.Add("ana@example.co", "Ana\x00")
	f.Add("ana@example.co", "Ana\xff")
	f.Fuzz(func(t *testing.T, email, name string) {
		fe := fieldErrs{}
		e := checkEmail(fe, email)
		n := checkName(fe, name)
		if fe["email"] == "" {
			if strings.ContainsAny(e, " <>\r\n\t\x00") || !utf8.ValidString(e) || strings.Count(e, "@") < 1 {
				t.Fatalf("email %q accepted", e)
			}
		}
		if fe["name"] != "" {
			return
		}
		if n == "" || utf8.RuneCountInString(n) > 200 || !utf8.ValidString(n) {
			t.Fatalf("name %q accepted", n)
		}
		for _, r := range n {
			if unicode.IsControl(r) {
				t.Fatalf("name %q accepted with control character %U", n, r)
			}
		}
		again := fieldErrs{}
		if n2 := checkName(again, n); n2 != n || len(again) > 0 {
			t.Fatalf("name %q checks again as %q, %v", n, n2, again)
		}
	})
}

// FuzzCheckPassword: whatever is typed as a password, CheckPassword answers without
// panicking, either nil or a password field error; and a password is never refused for
// being too short or too long when its length is within bounds.
func FuzzCheckPassword(f *testing.F) {
	f.Add("correct horse battery staple", "ana@example.co", "Ana Pérez")
	f.Add("anaperez2026", "ana@example.co", "Ana Pérez")
	f.Add("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6", "", "")
	f.Add("contraseña", "", "")
	f.Fuzz(func(t *testing.T, pw, email, name string) {
		if len(pw) > 4*MaxPasswordLen {
			return // refused before zxcvbn by its length; keeps each run short
		}
		err := CheckPassword(pw, email, name)
		if err == nil {
			if n := utf8.RuneCountInString(pw); n < MinPasswordLen || n > MaxPasswordLen || !utf8.ValidString(pw) {
				t.Fatalf("password %q accepted", pw)
			}
			return
		}
		key := apperr.FieldsOf(err)["password"]
		if apperr.CodeOf(err) != apperr.Invalid || !strings.HasPrefix(key, "account.password.") {
			t.Fatalf("CheckPassword(%q): %v", pw, err)
		}
	})
}
