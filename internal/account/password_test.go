package account

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/libres/storefront/internal/apperr"
)

func TestHashPasswordFormatAndVerify(t *testing.T) {
	h, err := HashPassword("pájaro azul en la ventana")
	if err != nil {
		t.Fatal(err)
	}
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h) {
		t.Fatalf("hash %q is not the expected PHC string", h)
	}
	if h2, _ := HashPassword("pájaro azul en la ventana"); h2 == h {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		pw     string
		wantOK bool
	}{
		{"pájaro azul en la ventana", true},
		{"pajaro azul en la ventana", false},
		{"pájaro azul en la ventana ", false},
		{"", false},
	}
	for _, tt := range tests {
		ok, rehash, err := VerifyPassword(h, tt.pw)
		if err != nil || ok != tt.wantOK || rehash {
			t.Errorf("VerifyPassword(%q) = %v, %v, %v; want %v, false, nil", tt.pw, ok, rehash, err, tt.wantOK)
		}
	}
}

func TestVerifyPasswordAsksToRehashOldParameters(t *testing.T) {
	// A hash made with weaker parameters, as an older release would have written it.
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("clave vieja de prueba"), salt, 1, 8*1024, 1, 32)
	b64 := base64.RawStdEncoding
	old := fmt.Sprintf("$argon2id$v=19$m=%d,t=1,p=1$%s$%s", 8*1024, b64.EncodeToString(salt), b64.EncodeToString(key))
	ok, rehash, err := VerifyPassword(old, "clave vieja de prueba")
	if err != nil || !ok || !rehash {
		t.Fatalf("VerifyPassword(old hash) = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
	if ok, _, _ := VerifyPassword(old, "otra clave"); ok {
		t.Fatal("wrong password accepted against an old hash")
	}
}

func TestVerifyPasswordRefusesMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA", "$argon2id$v=19$m=0,t=2,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaA", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$"} {
		if ok, _, err := VerifyPassword(h, "x"); err == nil || ok {
			t.Errorf("VerifyPassword(%q) = %v, %v; want an error", h, ok, err)
		}
	}
}

func TestCheckPasswordSaysWhy(t *testing.T) {
	t.Parallel()
	ana := []string{"ana.perez@example.org", "Ana Pérez"}
	tests := []struct {
		pw     string
		inputs []string
		want   string // "" = accepted
	}{
		{"corto", nil, keyPwTooShort},
		{"nueve1234", nil, keyPwTooShort},
		{strings.Repeat("árbol frondoso ", 20), nil, keyPwTooLong},
		{"password123", nil, keyPwCommon},
		{"contraseña1", nil, keyPwCommon},
		{"Contrasena2026", nil, keyPwCommon},
		{"colombia1234", nil, keyPwCommon},
		{"aaaaaaaaaaaa", nil, keyPwPattern},
		{"abcdefghijkl", nil, keyPwPattern},
		{"ana.perez2026", ana, keyPwPersonal},
		{"Anaperez!2026", ana, keyPwPersonal},
		{"ANA-PEREZ-en-2026", ana, keyPwPersonal},
		{"luzgomez#2026", []string{"lider@example.org", "Luz Gómez"}, keyPwPersonal},
		{"tortuga verde sube la escalera", ana, ""},
		{"mi perro come galletas los domingos", ana, ""},
		{"Libres-demo-2026!", []string{"admin@libres.example", "Administración Libres"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.pw, func(t *testing.T) {
			err := CheckPassword(tt.pw, tt.inputs...)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckPassword = %v, want nil", err)
				}
				return
			}
			if apperr.CodeOf(err) != apperr.Invalid || apperr.FieldsOf(err)["password"] != tt.want {
				t.Fatalf("CheckPassword = %v, want field password = %s", err, tt.want)
			}
		})
	}
}

func TestPersonalWords(t *testing.T) {
	got := personalWords([]string{"Ana.Pérez@Example.org", "Ana  Pérez"})
	want := []string{"ana.pérez@example.org", "ana.pérez", "example", "ana", "pérez", "perez", "ana  pérez"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("personalWords = %q, want %q", got, want)
	}
}
