package order

import (
	"context"
	"io"

	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/payment"
)

// linkPaths are the order page behind the emailed link, per language; the web package
// registers its route from LinkPath so the two cannot drift apart.
var linkPaths = [2]string{"/pedido", "/en/order"}

// LinkPath is the page an order's emailed link opens, in lang; the token goes in the
// query parameter "token".
func LinkPath(lang string) string {
	if lang == "en" {
		return linkPaths[1]
	}
	return linkPaths[0]
}

// Order returns an order with its lines, or NotFound "order.not_found".
func (s *Service) Order(ctx context.Context, id int64) (Order, error) { return Order{}, errTODO }

// OrderByNumber returns an order with its lines when number and email both match, else
// NotFound "order.not_found" (the same for either being wrong).
func (s *Service) OrderByNumber(ctx context.Context, number, email string) (Order, error) {
	return Order{}, errTODO
}

// OrdersOf lists a user's orders, newest first (without lines).
func (s *Service) OrdersOf(ctx context.Context, userID int64) ([]Order, error) { return nil, errTODO }

// GuestLinkToken issues a new secret for the order page link and returns it: links sent
// before stop working (the database keeps only a hash, so an old token cannot be shown
// again). Place already issues one (Order.GuestToken); this is for "send me my link".
func (s *Service) GuestLinkToken(ctx context.Context, orderID int64) (string, error) {
	return "", errTODO
}

// OrderByGuestToken returns the order whose link token this is, or NotFound.
func (s *Service) OrderByGuestToken(ctx context.Context, token string) (Order, error) {
	return Order{}, errTODO
}

// AttachSession records the card provider's checkout session of an order.
func (s *Service) AttachSession(ctx context.Context, orderID int64, sessionID string) error {
	return errTODO
}

// CheckoutRequest is what the card provider needs to open a checkout for o: product,
// shipping and donation lines summing to the total, expiring with the reservation, with
// the order id as idempotency key.
func (s *Service) CheckoutRequest(o Order, successURL, cancelURL string) payment.CheckoutRequest {
	return payment.CheckoutRequest{}
}

// ApplyEvent applies a verified payment event once: see events.go.
func (s *Service) ApplyEvent(ctx context.Context, ev payment.Event) error { return errTODO }

// MarkPaid records a manual payment confirmed by staff.
func (s *Service) MarkPaid(ctx context.Context, actor audit.Actor, orderID int64, reference string) (Order, error) {
	return Order{}, errTODO
}

// Ship marks an order shipped and emails the carrier and tracking number.
func (s *Service) Ship(ctx context.Context, actor audit.Actor, orderID int64, carrier, tracking string) (Order, error) {
	return Order{}, errTODO
}

// MarkDelivered records the delivery (the withdrawal period counts from it).
func (s *Service) MarkDelivered(ctx context.Context, actor audit.Actor, orderID int64) (Order, error) {
	return Order{}, errTODO
}

// Cancel cancels an order and gives its reserved stock back. A paid order must have
// its money returned first: Cancel refuses it with Conflict "order.refund_first" while
// RefundDue(o) > 0 (the caller refunds through payment, RecordRefund, then Cancel).
func (s *Service) Cancel(ctx context.Context, actor audit.Actor, orderID int64, reason string) (Order, error) {
	return Order{}, errTODO
}

// RefundDue is what must still be refunded before a paid order can be cancelled.
func RefundDue(o Order) int64 { return 0 }

// RecordRefund records money returned (provider refund done, or a manual one): the
// amount, the reference, the order lines concerned (line numbers; empty: the whole
// order). A full refund moves a paid, shipped or delivered order to refunded.
func (s *Service) RecordRefund(ctx context.Context, actor audit.Actor, orderID int64, amountMinor int64, reference string, lines []int) (Order, error) {
	return Order{}, errTODO
}

// AddNote adds a staff note to the timeline.
func (s *Service) AddNote(ctx context.Context, actor audit.Actor, orderID int64, text string) error {
	return errTODO
}

// Events returns an order's timeline, oldest first.
func (s *Service) Events(ctx context.Context, orderID int64) ([]Event, error) { return nil, errTODO }

// List returns one page of orders, newest first, and how many match in all.
func (s *Service) List(ctx context.Context, f Filter) ([]Order, int, error) { return nil, 0, errTODO }

// WriteCSV writes every order matching f (one row per line) as a spreadsheet CSV.
func (s *Service) WriteCSV(ctx context.Context, f Filter, w io.Writer) error { return errTODO }

// RequestWithdrawal records a shopper's withdrawal (retracto, Ley 1480 art. 47) and
// emails the shopper and the seller. Allowed within WithdrawalDays business days of the
// delivery (or of the shipping while no delivery is recorded).
func (s *Service) RequestWithdrawal(ctx context.Context, orderID int64, reason string) error {
	return errTODO
}

// RequestReversal records a shopper's request for a payment reversal (Ley 1480 art. 51)
// and emails the shopper and the seller.
func (s *Service) RequestReversal(ctx context.Context, orderID int64, reason string) error {
	return errTODO
}
