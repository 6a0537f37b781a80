package admin

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/money"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/kit"
)

// refundFields are the refund form's fields; "lines" (checkboxes) is read apart.
var refundFields = []string{"mode", "amount", "refund_reference", "refunded_before"}

// Message keys of the refund form.
const (
	keyRefundMode        = "adminorders.refund.mode_required"
	keyRefundAmountText  = "adminorders.refund.amount_invalid"
	keyRefundReference   = "adminorders.refund.reference_required"
	keyRefundStale       = "adminorders.refund.stale"
	keyRefundNoProvider  = "adminorders.refund.no_provider"
	keyRefundNoReference = "adminorders.refund.no_payment_ref"
	keyRefundUnavailable = "adminorders.refund.unavailable"
)

// orderRefund returns money: the whole amount still due, the chosen lines, or an amount
// typed in pesos. A card payment is refunded through the provider first, and recorded
// with the provider's refund id; a manual one is recorded with the reference staff
// type (the transfer they made). The provider being down is said plainly, and nothing is
// recorded.
func (h *Handler) orderRefund(c *gin.Context, lang string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	f := kit.ReadForm(c, refundFields...)
	lines := lineNumbers(c.PostFormArray("lines"))
	f.Values["lines"] = joinInts(lines)
	o, err := h.Orders.Order(ctx, id)
	if err != nil {
		return err
	}
	okKey, err := h.refund(ctx, actor(c), o, f, lines)
	if errors.Is(err, payment.ErrUnavailable) {
		h.Log.Warn("card refund: provider unavailable", "request_id", c.GetString(kit.RequestIDKey), "order", o.Number, "err", err)
		f.Message = h.T(lang, keyRefundUnavailable)
		return h.renderOrder(c, lang, http.StatusServiceUnavailable, id, "refund", f)
	}
	if err != nil {
		if status := h.Fail(f, lang, err); status != 0 {
			return h.renderOrder(c, lang, status, id, "refund", f)
		}
		return err
	}
	h.SetFlash(c, "ok", okKey)
	kit.Redirect(c, withLang(c, ordersPath+"/"+itoa(id)))
	return nil
}

// refund plans the refund the form asks for, has the provider make it when the order
// was paid by card, and records it; it returns the flash message's key.
func (h *Handler) refund(ctx context.Context, who audit.Actor, o order.Order, f *kit.Form, lines []int) (string, error) {
	amountMinor, lines, err := planRefund(o, f.V("mode"), f.V("amount"), lines)
	if err != nil {
		return "", err
	}
	// The page sent the refunded total it showed; if it moved since, this is a second
	// submit of a refund already made (or someone else refunded meanwhile): refuse.
	if before, err := strconv.ParseInt(f.V("refunded_before"), 10, 64); err != nil || before != o.RefundedMinor {
		return "", apperr.New(apperr.Conflict, keyRefundStale)
	}
	reference := f.V("refund_reference")
	if !o.Manual() {
		switch {
		case h.Card == nil:
			return "", apperr.New(apperr.Conflict, keyRefundNoProvider)
		case o.PaymentRef == "":
			return "", apperr.New(apperr.Conflict, keyRefundNoReference)
		}
		refundID, err := h.Card.Refund(ctx, refundRequest(o, amountMinor))
		if err != nil {
			if errors.Is(err, payment.ErrUnavailable) || ctx.Err() != nil {
				return "", err
			}
			// Stripe refused (already refunded in its dashboard, an amount above what
			// is left there…): staff see why, nothing is recorded.
			return "", apperr.Wrap(err, apperr.Conflict, "adminorders.refund.refused")
		}
		// The provider's refund webhook may have recorded it while we waited, or a
		// double submit made the same request (same idempotency key, same refund):
		// then only a note says who asked for it.
		now, err := h.Orders.Order(ctx, o.ID)
		if err != nil {
			return "", err
		}
		if now.RefundedMinor >= o.RefundedMinor+amountMinor {
			note := h.T("es", "adminorders.refund.note", refundID, amount(amountMinor, o.Currency, "es"))
			return "adminorders.refund.already_recorded", h.Orders.AddNote(ctx, who, o.ID, note)
		}
		reference = refundID
	} else if strings.TrimSpace(reference) == "" {
		return "", apperr.Fields(map[string]string{"refund_reference": keyRefundReference})
	}
	// Recorded only if nobody recorded a refund since the page was read: a double submit
	// records it once.
	if _, err := h.Orders.RecordRefundFrom(ctx, who, o.ID, o.RefundedMinor, amountMinor, reference, lines); err != nil {
		return "", err
	}
	return "adminorders.refund.done", nil
}

// refundRequest is the provider's refund of amountMinor more of o. Its idempotency key
// is the order and the refunded total it leads to: the same refund asked twice (a double
// submit) is made once, while a later second partial refund is a new one.
func refundRequest(o order.Order, amountMinor int64) payment.RefundRequest {
	return payment.RefundRequest{OrderID: o.ID, PaymentRef: o.PaymentRef, AmountMinor: amountMinor, Currency: o.Currency,
		IdempotencyKey: "order-" + strconv.FormatInt(o.ID, 10) + "-refund-to-" + strconv.FormatInt(o.RefundedMinor+amountMinor, 10)}
}

// planRefund turns the form's choice into an amount and the lines concerned: "full" is
// what is still due (order.RefundDue), "lines" the chosen lines' totals, "amount" whole
// pesos as typed (the chosen lines, if any, are recorded with it).
func planRefund(o order.Order, mode, typed string, lines []int) (int64, []int, error) {
	var amountMinor int64
	for _, n := range lines {
		if n < 1 || n > len(o.Lines) {
			return 0, nil, apperr.Fields(map[string]string{"lines": "order.refund_lines"})
		}
	}
	switch mode {
	case "full":
		amountMinor, lines = order.RefundDue(o), nil
	case "lines":
		if len(lines) == 0 {
			return 0, nil, apperr.Fields(map[string]string{"lines": "order.refund_lines"})
		}
		for _, l := range o.Lines {
			for _, n := range lines {
				if l.LineNo == n {
					amountMinor += l.TotalMinor
				}
			}
		}
	case "amount":
		m, ok := money.ParseWholePesos(typed)
		if !ok || m == 0 {
			return 0, nil, apperr.Fields(map[string]string{"amount": keyRefundAmountText})
		}
		amountMinor = m
	default:
		return 0, nil, apperr.Fields(map[string]string{"mode": keyRefundMode})
	}
	if amountMinor <= 0 || amountMinor > order.RefundDue(o) {
		return 0, nil, apperr.Fields(map[string]string{"amount": "order.refund_amount"})
	}
	return amountMinor, lines, nil
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
