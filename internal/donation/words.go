package donation

import "strings"

// Words spells a whole amount of pesos as a certificate writes it beside the figures:
// "cincuenta mil pesos" (Spanish), "fifty thousand pesos" (English). Amounts up to
// 999.999.999.999 are spelled; cents are not (gifts are whole pesos).
func Words(pesos int64, lang string) string {
	if lang == "en" {
		return wordsEN(pesos) + " pesos"
	}
	w := wordsES(pesos)
	// "un millón de pesos", "dos millones de pesos": a round million takes "de".
	if pesos >= 1_000_000 && pesos%1_000_000 == 0 {
		return w + " de pesos"
	}
	return w + " pesos"
}

var (
	esUnits = []string{"cero", "un", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
		"once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve", "veinte",
		"veintiún", "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve"}
	esTens     = []string{"", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"}
	esHundreds = []string{"", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos", "seiscientos",
		"setecientos", "ochocientos", "novecientos"}
)

// es999 spells 0 < n < 1000.
func es999(n int64) string {
	var parts []string
	if h := n / 100; h > 0 {
		if n == 100 {
			return "cien"
		}
		parts = append(parts, esHundreds[h])
	}
	switch r := n % 100; {
	case r == 0:
	case r < 30:
		parts = append(parts, esUnits[r])
	default:
		t := esTens[r/10]
		if r%10 != 0 {
			t += " y " + esUnits[r%10]
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}

func wordsES(n int64) string {
	if n <= 0 {
		return esUnits[0]
	}
	var parts []string
	if m := n / 1_000_000; m > 0 {
		if m == 1 {
			parts = append(parts, "un millón")
		} else {
			parts = append(parts, wordsES(m)+" millones")
		}
		n %= 1_000_000
	}
	if k := n / 1000; k > 0 {
		if k == 1 {
			parts = append(parts, "mil")
		} else {
			parts = append(parts, es999(k)+" mil")
		}
		n %= 1000
	}
	if n > 0 {
		parts = append(parts, es999(n))
	}
	return strings.Join(parts, " ")
}

var (
	enUnits = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
		"twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	enTens = []string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
)

func en999(n int64) string {
	var parts []string
	if h := n / 100; h > 0 {
		parts = append(parts, enUnits[h]+" hundred")
	}
	switch r := n % 100; {
	case r == 0:
	case r < 20:
		parts = append(parts, enUnits[r])
	default:
		t := enTens[r/10]
		if r%10 != 0 {
			t += "-" + enUnits[r%10]
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}

func wordsEN(n int64) string {
	if n <= 0 {
		return enUnits[0]
	}
	var parts []string
	for _, s := range []struct {
		div  int64
		name string
	}{{1_000_000_000, " billion"}, {1_000_000, " million"}, {1000, " thousand"}} {
		if q := n / s.div; q > 0 {
			parts = append(parts, en999(q)+s.name)
			n %= s.div
		}
	}
	if n > 0 {
		parts = append(parts, en999(n))
	}
	return strings.Join(parts, " ")
}
