package account

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"

	"github.com/libres/storefront/internal/apperr"
)

// Password length bounds, in characters. The upper one only keeps hashing cheap; it is
// far above any password a person types.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// Message keys for a refused password, each saying why.
const (
	keyPwTooShort = "account.password.too_short"
	keyPwTooLong  = "account.password.too_long"
	keyPwCommon   = "account.password.common"   // a known password or dictionary word
	keyPwPersonal = "account.password.personal" // built from the person's email or name
	keyPwPattern  = "account.password.pattern"  // repeats, sequences, keyboard walks, dates
	keyPwWeak     = "account.password.weak"     // guessable, for no single reason
)

// minScore is zxcvbn's "safely unguessable" (about 10^8 guesses or more).
const minScore = 3

// CheckPassword returns nil for a password strong enough, or an Invalid error whose
// Fields["password"] is a message key saying why not. userInputs are words an attacker
// would try first: the person's email and name.
func CheckPassword(pw string, userInputs ...string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return passwordError(keyPwTooShort)
	case n > MaxPasswordLen:
		return passwordError(keyPwTooLong)
	case !utf8.ValidString(pw):
		return passwordError(keyPwWeak)
	}
	personal := personalWords(userInputs)
	if containsIdentity(pw, userInputs) {
		return passwordError(keyPwPersonal)
	}
	// Personal words rank first, so a match ranked within them is personal; the Spanish
	// list follows because zxcvbn's dictionaries are English only.
	inputs := append(append([]string(nil), personal...), spanishCommon...)
	res := zxcvbn.PasswordStrength(pw, inputs)
	if res.Score >= minScore {
		return nil
	}
	return passwordError(weakReason(res.Sequence, len(personal)))
}

func passwordError(key string) error {
	return apperr.Fields(map[string]string{"password": key})
}

// weakReason picks the message for a weak password from the parts zxcvbn recognised:
// the person's own words first, then common words, then patterns.
func weakReason(seq []*match.Match, nPersonal int) string {
	var common, pattern bool
	for _, m := range seq {
		switch m.Pattern {
		case "dictionary":
			if m.DictionaryName == "user_inputs" && m.Rank <= nPersonal {
				return keyPwPersonal
			}
			common = true
		case "repeat", "sequence", "spatial", "date", "regex":
			pattern = true
		}
	}
	switch {
	case common:
		return keyPwCommon
	case pattern:
		return keyPwPattern
	}
	return keyPwWeak
}

// personalWords splits an email and a name into the lowercase pieces someone would build
// a password from: "ana.perez@example.org" -> ana.perez@example.org, ana.perez, ana, perez,
// example.
func personalWords(inputs []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		w = strings.ToLower(strings.TrimSpace(w))
		if utf8.RuneCountInString(w) >= 3 && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for _, in := range inputs {
		add(in)
		local, domain, isEmail := strings.Cut(in, "@")
		if isEmail {
			add(local)
			if label, _, ok := strings.Cut(domain, "."); ok {
				add(label)
			}
		}
		for _, w := range strings.FieldsFunc(local, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			add(w)
			add(unaccent(w))
		}
	}
	return out
}

// containsIdentity reports whether pw holds an email's local part or a whole name,
// separators and accents ignored: "Anaperez!2026" for ana.perez@example.org, or
// "luzgomez2026" for Luz Gómez.
func containsIdentity(pw string, inputs []string) bool {
	p := alnum(pw)
	for _, in := range inputs {
		local, _, _ := strings.Cut(in, "@")
		if l := alnum(local); utf8.RuneCountInString(l) >= 4 && strings.Contains(p, l) {
			return true
		}
	}
	return false
}

func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, unaccent(strings.ToLower(s)))
}

func unaccent(s string) string {
	return strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u", "ñ", "n").Replace(s)
}

// spanishCommon are words and passwords common in Colombia that zxcvbn's English
// dictionaries miss, most common first. Digits and capitals around them are zxcvbn's job.
var spanishCommon = []string{
	"contraseña", "contrasena", "clave", "tequiero", "teamo", "teamomucho", "amor", "amorcito",
	"colombia", "hola", "holamundo", "bienvenido", "bienvenida", "usuario", "administrador",
	"secreto", "princesa", "corazon", "corazón", "mariposa", "estrella", "familia", "felicidad",
	"dios", "diosteama", "diosmio", "jesus", "jesús", "cristo", "virgen", "angel", "ángel",
	"bogota", "bogotá", "medellin", "medellín", "cali", "barranquilla", "cartagena", "bucaramanga",
	"millonarios", "nacional", "atletico", "atlético", "america", "américa", "junior", "santafe",
	"futbol", "fútbol", "barcelona", "realmadrid", "madrid", "mexico", "méxico", "argentina",
	"venezuela", "españa", "espana", "libres", "tienda", "taller", "calzado", "zapatos",
	"maria", "maría", "jose", "josé", "juan", "carlos", "andres", "andrés", "daniel", "alejandro",
	"alejandra", "valentina", "camila", "sofia", "sofía", "isabella", "santiago", "sebastian",
	"sebastián", "natalia", "carolina", "paola", "juliana", "laura", "diana", "angela", "ángela",
	"fernando", "luis", "jorge", "javier", "david", "diego", "felipe", "mateo", "samuel", "gabriel",
	"perro", "perrito", "gato", "gatito", "casa", "sol", "luna", "cielo", "mar", "flor",
	"chocolate", "pelota", "verano", "invierno", "primavera", "otoño", "amigo", "amiga", "amigos",
	"lunes", "martes", "miercoles", "miércoles", "jueves", "viernes", "sabado", "sábado", "domingo",
	"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
	"octubre", "noviembre", "diciembre", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete",
	"ocho", "nueve", "diez", "cero", "mama", "mamá", "papa", "papá", "mamita", "papito", "bebe",
	"bebé", "hijo", "hija", "hermano", "hermana", "abuela", "abuelo", "novio", "novia", "esposa",
	"esposo", "vida", "mivida", "miamor", "cielito", "tesoro", "gordo", "gorda", "flaco", "flaca",
	"negro", "negra", "mono", "mona", "rojo", "azul", "verde", "amarillo", "blanco",
}
