package order

import (
	"context"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/payment"
)

// Departments are Colombia's 32 departments and the capital district, as the checkout
// form offers them and the shipping table is keyed.
var Departments = []string{
	"Amazonas", "Antioquia", "Arauca", "Atlántico", "Bogotá D.C.", "Bolívar", "Boyacá",
	"Caldas", "Caquetá", "Casanare", "Cauca", "Cesar", "Chocó", "Córdoba", "Cundinamarca",
	"Guainía", "Guaviare", "Huila", "La Guajira", "Magdalena", "Meta", "Nariño",
	"Norte de Santander", "Putumayo", "Quindío", "Risaralda", "San Andrés y Providencia",
	"Santander", "Sucre", "Tolima", "Valle del Cauca", "Vaupés", "Vichada",
}

// CheckoutInput is the checkout form as typed, plus what the page knows of the shopper.
// Prices never come from the form: Place reads them from the catalog.
type CheckoutInput struct {
	Email       string
	Name        string
	Phone       string
	Department  string
	City        string
	AddressLine string
	Notes       string
	// Donation is the chosen amount in whole pesos ("0", "5000", as DonationChoice
	// writes them) or "other", and then DonationOther is the amount typed ("12.000").
	Donation      string
	DonationOther string
	PaymentMethod string // "card", "transfer", "cod"
	// Delivery is "shipping" (or empty) or "pickup"; a pickup names its PickupPoint, and
	// then Department, City and AddressLine are not asked (the point's are kept).
	Delivery      string
	PickupPoint   string
	AcceptPolicy  bool   // the data-policy box was ticked
	PolicyVersion string // the version of the policy shown
	// QuotedTotal is the total the shopper confirmed, in minor units; Place refuses to
	// charge another (0: not checked).
	QuotedTotal int64
	IP          string

	Lang                  string // "es" or "en"
	UserID                int64  // 0 for a guest
	PolicyAlreadyAccepted bool   // a logged-in user who accepted the current policy
}

// Field message keys of the checkout form.
const (
	keyEmailInvalid      = "order.email_invalid"
	keyNameRequired      = "order.name_required"
	keyTooLong           = "order.too_long"
	keyPhoneInvalid      = "order.phone_invalid"
	keyDepartmentInvalid = "order.department_invalid"
	keyCityRequired      = "order.city_required"
	keyAddressRequired   = "order.address_required"
	keyDonationInvalid   = "order.donation_invalid"
	keyMethodInvalid     = "order.method_invalid"
	keyPolicyRequired    = "order.policy_required"
)

// Field length limits, in characters.
const (
	maxName    = 200
	maxCity    = 100
	maxAddress = 200
	maxNotes   = 500
)

// checkout is a validated CheckoutInput, cleaned.
type checkout struct {
	Email, Name, Phone, Department, City, Address, Notes, Lang string
	Donation                                                   int64
	Method                                                     payment.Method
	Delivery                                                   Delivery
	PickupPoint                                                string
}

// Validate checks the form alone (not the cart nor the enabled methods) and returns
// apperr.Fields keyed by field name, or nil.
func (in CheckoutInput) Validate() error {
	_, err := in.clean(5_000_000 * 100)
	return err
}

func (in CheckoutInput) clean(maxDonation int64) (checkout, error) {
	f := map[string]string{}
	c := checkout{Lang: "es"}
	if in.Lang == "en" {
		c.Lang = "en"
	}
	c.Email = strings.TrimSpace(in.Email)
	if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || len(c.Email) > 254 ||
		!strings.Contains(c.Email[strings.LastIndexByte(c.Email, '@'):], ".") {
		f["email"] = keyEmailInvalid
	}
	c.Name = oneLine(in.Name)
	text(f, "name", c.Name, maxName, keyNameRequired)
	if p, ok := NormalizePhone(in.Phone); ok {
		c.Phone = p
	} else {
		f["phone"] = keyPhoneInvalid
	}
	c.Delivery = DeliveryShipping
	switch strings.TrimSpace(in.Delivery) {
	case "", string(DeliveryShipping):
		c.Department = strings.TrimSpace(in.Department)
		if !slices.Contains(Departments, c.Department) {
			f["department"] = keyDepartmentInvalid
		}
		c.City = oneLine(in.City)
		text(f, "city", c.City, maxCity, keyCityRequired)
		c.Address = oneLine(in.AddressLine)
		text(f, "address_line", c.Address, maxAddress, keyAddressRequired)
	case string(DeliveryPickup):
		// The point's existence and that it keeps the cart's items are checked by Place
		// and Quote, which know the points.
		c.Delivery, c.PickupPoint = DeliveryPickup, strings.TrimSpace(in.PickupPoint)
		if c.PickupPoint == "" || utf8.RuneCountInString(c.PickupPoint) > 64 {
			f["pickup_point"] = keyPickupPointInvalid
		}
	default:
		f["delivery"] = keyPickupUnavailable
	}
	c.Notes = strings.TrimSpace(storable(in.Notes))
	if utf8.RuneCountInString(c.Notes) > maxNotes {
		f["notes"] = keyTooLong
	}
	if d, ok := parseDonation(in.Donation, in.DonationOther, maxDonation); ok {
		c.Donation = d
	} else {
		f["donation"] = keyDonationInvalid
	}
	c.Method = payment.Method(strings.TrimSpace(in.PaymentMethod))
	if !slices.Contains([]payment.Method{payment.MethodCard, payment.MethodTransfer, payment.MethodCOD}, c.Method) {
		f["payment_method"] = keyMethodInvalid
	}
	if !in.AcceptPolicy && !in.PolicyAlreadyAccepted {
		f["accept_policy"] = keyPolicyRequired
	}
	if len(f) > 0 {
		return c, apperr.Fields(f)
	}
	return c, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(storable(s)), " ") }

// storable drops invalid UTF-8 and control characters other than line breaks and tabs:
// PostgreSQL refuses NUL in text, which made a stray %00 in the form a 500 instead of
// an order (found by FuzzCheckoutForm).
func storable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

func text(f map[string]string, field, v string, max int, required string) {
	switch {
	case v == "":
		f[field] = required
	case utf8.RuneCountInString(v) > max:
		f[field] = keyTooLong
	}
}

// NormalizePhone accepts a Colombian phone as people type it ("300 123 4567",
// "+57 300-123-4567", "(601) 234 5678", "2345678") and returns its national digits:
// a mobile (10 digits starting with 3) or a landline (7 to 10 digits; since 2021
// landlines are 10 digits starting with 60, older 7-digit forms are still typed).
func NormalizePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	var b strings.Builder
	for _, r := range strings.TrimPrefix(s, "+") {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	d := b.String()
	if plus {
		if !strings.HasPrefix(d, "57") {
			return "", false
		}
		d = d[2:]
	} else if len(d) == 12 && strings.HasPrefix(d, "57") {
		d = d[2:]
	}
	switch {
	case len(d) == 10 && d[0] == '3':
		return d, true
	case len(d) >= 7 && len(d) <= 10 && d[0] != '0' && d[0] != '3':
		return d, true
	}
	return "", false
}

// parseDonation reads the donation choice: whole pesos, or "other" with the amount typed.
func parseDonation(choice, other string, max int64) (int64, bool) {
	choice = strings.TrimSpace(choice)
	if choice == "" || choice == "0" {
		return 0, true
	}
	if choice == "other" {
		choice = other
		if strings.TrimSpace(choice) == "" {
			return 0, true
		}
	}
	minor, ok := money.ParseWholePesos(choice)
	if !ok || minor > max {
		return 0, false
	}
	return minor, true
}

// DonationChoice is the form value of a donation amount in minor units (whole pesos).
func DonationChoice(minor int64) string { return strconv.FormatInt(minor/100, 10) }

// LineTax is the IVA contained in a line total (prices include IVA): for the standard
// class round(total × 19 / 119), rounded half up in integer arithmetic
// ((2·total·19 + 119) / (2·119)); exempt lines carry none. It is computed per line, on
// the line's total, so the receipt's lines add up to its IVA.
func LineTax(class catalog.TaxClass, totalMinor int64) int64 {
	if class != catalog.TaxStandard || totalMinor <= 0 {
		return 0
	}
	return (2*totalMinor*19 + 119) / (2 * 119)
}

// Price is the price of shipping a subtotal to a department.
func (t ShippingTable) Price(department string, subtotal int64) int64 {
	if t.FreeFrom > 0 && subtotal >= t.FreeFrom {
		return 0
	}
	if p, ok := t.ByDepartment[department]; ok {
		return p
	}
	return t.Default
}

// totals prices lines (unit price, quantity, tax class) for a department and donation;
// a pickup pays no shipping.
func (s *Service) totals(lines []CartLine, department string, donation int64, pickup bool) Totals {
	t := Totals{Currency: s.opts.Currency, Donation: donation}
	for _, l := range lines {
		lt := l.UnitMinor * int64(l.Quantity)
		t.Subtotal += lt
		t.Tax += LineTax(l.TaxClass, lt)
	}
	if len(lines) > 0 && !pickup {
		t.Shipping = s.opts.Shipping.Price(department, t.Subtotal)
	}
	t.Total = t.Subtotal + t.Shipping + t.Donation
	return t
}

// Quote prices a cart for a checkout form: line taxes, shipping to the department (the
// default rate while none is chosen; nothing for an empty cart) and the donation. Only
// a bad donation is an error (field "donation"); the rest of the form is not checked.
//
// A pickup (CheckoutInput.Delivery "pickup") pays no shipping; a point that does not
// exist is field "pickup_point", one that does not keep every line field "delivery".
func (s *Service) Quote(ctx context.Context, c Cart, in CheckoutInput) (Totals, error) {
	pickup := strings.TrimSpace(in.Delivery) == string(DeliveryPickup)
	d, ok := parseDonation(in.Donation, in.DonationOther, s.opts.MaxDonation)
	if !ok {
		return s.totals(c.Lines, strings.TrimSpace(in.Department), 0, pickup), apperr.Fields(map[string]string{"donation": keyDonationInvalid})
	}
	t := s.totals(c.Lines, strings.TrimSpace(in.Department), d, pickup)
	if pickup {
		if _, err := s.pickupFor(ctx, c.Lines, strings.TrimSpace(in.PickupPoint)); err != nil {
			return t, err
		}
	}
	return t, nil
}

// Methods returns the payment methods this store offers, in the form's order.
func (s *Service) Methods() []payment.Method { return s.opts.Methods }
