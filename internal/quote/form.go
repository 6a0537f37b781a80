package quote

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/libres/storefront/internal/apperr"
)

// Limits of a request.
const (
	MaxLines       = 50
	maxPerSize     = 100000
	maxDescription = 200
)

// RequestForm is a quote request as typed; field errors are keyed "deadline",
// "delivery_city", "notes", "lines" and "lines.N.field" (N from 0).
type RequestForm struct {
	Deadline     string // YYYY-MM-DD, a day in Bogotá
	DeliveryCity string
	Notes        string
	Lines        []LineForm
}

// LineForm is one garment of a request. Total is what the company says the sizes add up
// to; left empty it is not checked.
type LineForm struct {
	Garment       string
	Fabric        string
	Colour        string
	XS, S, M      string
	L, XL, XXL    string
	Total         string
	Customisation string
	Position      string
}

// Validate checks the form alone (not whether the deadline is still ahead: Request knows
// the date).
func (f RequestForm) Validate() error {
	_, _, err := f.parse()
	return err
}

// parse returns the deadline and the lines of a valid form.
func (f RequestForm) parse() (time.Time, []Line, error) {
	fe := map[string]string{}
	deadline, err := time.Parse(time.DateOnly, strings.TrimSpace(f.Deadline))
	if err != nil {
		fe["deadline"] = "quote.deadline_invalid"
	}
	if n := utf8.RuneCountInString(clean(f.DeliveryCity)); n == 0 || n > 100 {
		fe["delivery_city"] = "quote.city_required"
	}
	if utf8.RuneCountInString(strings.TrimSpace(plainText(f.Notes))) > 4000 {
		fe["notes"] = "quote.notes_too_long"
	}
	switch {
	case len(f.Lines) == 0:
		fe["lines"] = "quote.lines_required"
	case len(f.Lines) > MaxLines:
		fe["lines"] = "quote.lines_too_many"
	}
	lines := make([]Line, 0, len(f.Lines))
	for i, lf := range f.Lines {
		lines = append(lines, lf.parse(i+1, fmt.Sprintf("lines.%d.", i), fe))
	}
	if len(fe) > 0 {
		return time.Time{}, nil, apperr.Fields(fe)
	}
	return deadline, lines, nil
}

func (lf LineForm) parse(no int, prefix string, fe map[string]string) Line {
	l := Line{LineNo: no, Garment: strings.ToLower(strings.TrimSpace(lf.Garment)), Fabric: clean(lf.Fabric),
		Colour: clean(lf.Colour), Customisation: strings.ToLower(strings.TrimSpace(lf.Customisation)),
		Position: clean(lf.Position)}
	if !slices.Contains(Garments, l.Garment) {
		fe[prefix+"garment"] = "quote.garment_unknown"
	}
	if !slices.Contains(Customisations, l.Customisation) {
		fe[prefix+"customisation"] = "quote.customisation_unknown"
	}
	if utf8.RuneCountInString(l.Fabric) > maxDescription {
		fe[prefix+"fabric"] = "quote.text_too_long"
	}
	if utf8.RuneCountInString(l.Colour) > 100 {
		fe[prefix+"colour"] = "quote.text_too_long"
	}
	if utf8.RuneCountInString(l.Position) > maxDescription {
		fe[prefix+"position"] = "quote.text_too_long"
	}
	sizeOK := true
	for _, sz := range []struct {
		name string
		text string
		dst  *int
	}{{"xs", lf.XS, &l.XS}, {"s", lf.S, &l.S}, {"m", lf.M, &l.M}, {"l", lf.L, &l.L}, {"xl", lf.XL, &l.XL}, {"xxl", lf.XXL, &l.XXL}} {
		n, ok := quantity(sz.text)
		if !ok {
			fe[prefix+sz.name] = "quote.size_quantity_invalid"
			sizeOK = false
			continue
		}
		*sz.dst = n
		l.Quantity += n
	}
	if !sizeOK {
		return l
	}
	switch t := strings.TrimSpace(lf.Total); {
	case l.Quantity == 0:
		fe[prefix+"sizes"] = "quote.sizes_required"
	case t != "":
		if n, ok := quantity(t); !ok || n != l.Quantity {
			fe[prefix+"sizes"] = "quote.sizes_total_mismatch"
		}
	}
	return l
}

// quantity reads a count of garments; empty is zero.
func quantity(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxPerSize {
		return 0, false
	}
	return n, true
}
