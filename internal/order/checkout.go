package order

import (
	"context"

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
	AcceptPolicy  bool   // the data-policy box was ticked
	PolicyVersion string // the version of the policy shown
	IP            string

	Lang                  string // "es" or "en"
	UserID                int64  // 0 for a guest
	PolicyAlreadyAccepted bool   // a logged-in user who accepted the current policy
}

// Validate checks the form alone (not the cart nor the enabled methods) and returns
// apperr.Fields keyed by field name, or nil.
func (in CheckoutInput) Validate() error {
	return errTODO
}

// Quote prices a cart for a checkout form: line taxes, shipping to the department (the
// default rate while none is chosen) and the donation. A bad donation is a field error.
func (s *Service) Quote(ctx context.Context, c Cart, in CheckoutInput) (Totals, error) {
	return Totals{}, errTODO
}

// Place turns the cart into an order in one transaction: see the package notes in
// place.go. Errors: field errors (form.invalid), Conflict "order.empty_cart",
// Conflict "order.sold_out" (Fields "line.<variantID>": "order.sold_out"), NotFound
// "cart.variant_unknown" for a line no longer on sale.
func (s *Service) Place(ctx context.Context, token string, userID int64, in CheckoutInput) (Order, error) {
	return Order{}, errTODO
}

// Methods returns the payment methods this store offers, in the form's order.
func (s *Service) Methods() []payment.Method { return s.opts.Methods }
