package order

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/notify"
)

// The order emails (web/templates/mail/order_*). Every one has Name, Number, Link (the
// order page, through the signed link) and Total; see notify.Message for the rest.
const (
	mailReceived = "order_received"
	mailReminder = "order_payment_reminder"
	mailPaid     = "order_paid"
	mailShipped  = "order_shipped"
	mailCancel   = "order_cancelled"
	mailRefunded = "order_refunded"
	mailRequest  = "order_request_received"
	mailStaff    = "order_request_staff"
)

// colombia is the shop's time zone (UTC-5 all year, no daylight saving).
var colombia = time.FixedZone("COT", -5*60*60)

// GuestLinkToken is the secret of o's order page link: the order id and an HMAC of it
// under Options.LinkKey, so the database holds nothing that opens an order page and a
// new key revokes every link. Anyone with the link sees the order (as with a receipt).
func (s *Service) GuestLinkToken(o Order) string {
	return strconv.FormatInt(o.ID, 10) + "." + base64.RawURLEncoding.EncodeToString(s.linkMAC(o.ID, o.Number))
}

func (s *Service) linkMAC(id int64, number string) []byte {
	m := hmac.New(sha256.New, s.opts.LinkKey)
	fmt.Fprintf(m, "libres-order-link\x00%d\x00%s", id, number)
	return m.Sum(nil)
}

// OrderByGuestToken returns the order of a link token, with its lines, or NotFound.
func (s *Service) OrderByGuestToken(ctx context.Context, token string) (Order, error) {
	idPart, macPart, ok := strings.Cut(token, ".")
	id, err := strconv.ParseInt(idPart, 10, 64)
	mac, err2 := base64.RawURLEncoding.DecodeString(macPart)
	if !ok || err != nil || err2 != nil || id <= 0 {
		return Order{}, apperr.New(apperr.NotFound, keyNotFound)
	}
	o, err := getOrder(ctx, s.db, id, false)
	if err != nil {
		return Order{}, err
	}
	if !hmac.Equal(mac, s.linkMAC(o.ID, o.Number)) {
		return Order{}, apperr.New(apperr.NotFound, keyNotFound)
	}
	return o, nil
}

// Link is the absolute URL of o's order page (signed link) in o's language.
func (s *Service) Link(o Order) string {
	return s.opts.BaseURL + LinkPath(o.Lang) + "?token=" + url.QueryEscape(s.GuestLinkToken(o))
}

var errNoMailer = errors.New("order: no mail enqueuer configured")

func (s *Service) amount(minor int64, lang string) string {
	return money.Format(money.Amount{Minor: minor, Currency: s.opts.Currency}, lang)
}

// when formats a time for an email, in Colombia's time.
func when(t time.Time, lang string) string {
	t = t.In(colombia)
	if lang == "en" {
		return t.Format("Jan 2, 2006, 3:04 PM") + " (Colombia)"
	}
	return t.Format("02/01/2006 15:04") + " (hora de Colombia)"
}

// mailData is what every order email gets.
func (s *Service) mailData(o Order) map[string]any {
	return map[string]any{"Name": o.Name, "Number": o.Number, "Link": s.Link(o), "Total": s.amount(o.Total, o.Lang)}
}

// receiptData adds the lines, totals and shipping address (received and paid emails).
func (s *Service) receiptData(o Order, d map[string]any) {
	var lines []map[string]any
	exempt := false
	for _, l := range o.Lines {
		details := strings.Join(nonEmpty(l.Size, l.Color(o.Lang)), " · ")
		ex := l.TaxClass != "standard"
		exempt = exempt || ex
		lines = append(lines, map[string]any{"Title": l.Title(o.Lang), "Details": details, "SKU": l.SKU,
			"Quantity": l.Quantity, "Unit": s.amount(l.UnitMinor, o.Lang), "Total": s.amount(l.TotalMinor, o.Lang),
			"Exempt": ex})
	}
	d["Lines"] = lines
	d["HasExempt"] = exempt
	d["Subtotal"] = s.amount(o.Subtotal, o.Lang)
	d["Tax"] = s.amount(o.Tax, o.Lang)
	d["Shipping"] = s.amount(o.Shipping, o.Lang)
	d["Donation"] = ""
	if o.Donation > 0 {
		d["Donation"] = s.amount(o.Donation, o.Lang)
	}
	d["Address"] = o.Address + ", " + o.City + ", " + o.Department
	d["Pickup"] = o.Delivery == DeliveryPickup // Address is then the pickup point's
	d["Method"] = string(o.Method)
}

// manualData adds the payment instructions and deadline of a manual-payment order.
func (s *Service) manualData(o Order, d map[string]any) {
	d["Instructions"], d["Deadline"] = "", ""
	if !o.Manual() {
		return
	}
	d["Instructions"] = s.opts.ManualInstructions[o.Lang]
	if o.ExpiresAt != nil {
		d["Deadline"] = when(*o.ExpiresAt, o.Lang)
	}
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// send queues an order email in tx and records it on the timeline.
func (s *Service) send(ctx context.Context, tx *sqlx.Tx, o Order, to, template string, data map[string]any, now time.Time) error {
	if s.mail == nil {
		return errNoMailer
	}
	m := notify.Message{To: to, Lang: o.Lang, Template: template, Data: data}
	if err := s.mail.Enqueue(ctx, tx, m); err != nil {
		return fmt.Errorf("order %s: enqueue %s: %w", o.Number, template, err)
	}
	return addEvent(ctx, tx, o.ID, now, EventEmailQueued, "system", template+" → "+to)
}

// constantTimeEqualFold compares two strings case-insensitively in time that depends
// only on their lengths.
func constantTimeEqualFold(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(a)), []byte(strings.ToLower(b))) == 1
}
