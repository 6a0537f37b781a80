// Package hooks receives the payment provider's webhooks: POST /webhooks/stripe. The
// signature is the authentication, so the route has no session and no CSRF token; the
// raw body is verified, reduced to a payment.Event and handed to the order use case (or,
// for a corporate quote's payment, to the quote service; for a donation, to the
// donation service).
// Answers follow what Stripe does with them: 2xx is done, anything else is delivered
// again (with backoff, for up to three days).
package hooks

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/payment"
	"github.com/libres/storefront/internal/web/kit"
)

// MaxBody bounds a delivery. Stripe's events are a few KiB (a Checkout Session with its
// fields is under 10 KiB); anything bigger is not Stripe's and is refused unread.
const MaxBody = 256 << 10

// Path is where the Stripe webhook endpoint points (https://HOST/webhooks/stripe).
const Path = "/webhooks/stripe"

// EventParser verifies and parses a delivery (*payment.Stripe).
type EventParser interface {
	ParseEvent(payload []byte, sigHeader string) (payment.Event, error)
}

// Sink applies a verified event (the order service). It returns nil once the event is
// applied, or was already (a redelivery), or concerns nothing of ours; an error means
// "not now", and Stripe delivers the event again later.
type Sink interface {
	ApplyEvent(ctx context.Context, e payment.Event) error
}

// Handler is the webhooks room.
type Handler struct {
	Log    *slog.Logger
	Stripe EventParser
	Sink   Sink
	// Quotes applies events about corporate quote payments (Event.QuotePaymentID set);
	// nil: such events are acknowledged and ignored.
	Quotes Sink
	// Donations applies events about gifts to the foundation (Event.DonationID set);
	// nil: such events are acknowledged and ignored.
	Donations Sink
	// OnFailure, when set, is told of each delivery not applied (metrics), by reason:
	// "body" (too large or unreadable), "signature", "database_unavailable" (503) or
	// "internal" (500).
	OnFailure func(reason string)
}

func (h *Handler) failed(reason string) {
	if h.OnFailure != nil {
		h.OnFailure(reason)
	}
}

// Routes registers the webhook endpoint. Mount it on the engine itself, outside the
// session group: Stripe sends no cookie, and its POST carries neither Origin nor
// Sec-Fetch-Site, so the cross-origin check lets it through.
func (h *Handler) Routes(r gin.IRouter) {
	r.POST(Path, h.handleStripe)
}

func (h *Handler) handleStripe(c *gin.Context) {
	log := h.Log.With("request_id", c.GetString(kit.RequestIDKey), "path", c.Request.URL.Path)
	if c.Request.ContentLength > MaxBody {
		log.Warn("webhook refused: body too large", "content_length", c.Request.ContentLength)
		h.failed("body")
		c.String(http.StatusRequestEntityTooLarge, "body too large\n")
		return
	}
	payload, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxBody))
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			log.Warn("webhook refused: body too large", "limit", MaxBody)
			h.failed("body")
			c.String(http.StatusRequestEntityTooLarge, "body too large\n")
			return
		}
		log.Warn("webhook body unreadable", "err", err)
		h.failed("body")
		c.String(http.StatusBadRequest, "unreadable body\n")
		return
	}
	ev, err := h.Stripe.ParseEvent(payload, c.GetHeader("Stripe-Signature"))
	if err != nil {
		// An attacker's probe, a mis-set secret (every delivery then fails: the warnings
		// say so) or a body we cannot read. Stripe retries; a fixed secret lets it in.
		log.Warn("webhook refused: not a verified Stripe event", "err", err)
		h.failed("signature")
		c.String(http.StatusBadRequest, "invalid event\n")
		return
	}
	log = log.With("event_id", ev.ID, "event_type", ev.RawType)
	if ev.Type == payment.EventIgnored {
		log.Debug("webhook event ignored")
		c.String(http.StatusOK, "ignored\n")
		return
	}
	sink, what := h.Sink, slog.Int64("order_id", ev.OrderID)
	if ev.QuotePaymentID != 0 {
		// A corporate quote's payment: the quote service's, never the orders'.
		sink, what = h.Quotes, slog.Int64("quote_payment_id", ev.QuotePaymentID)
		if h.Quotes == nil {
			log.Warn("webhook event about a quote payment ignored: no quote service", what)
			c.String(http.StatusOK, "ignored\n")
			return
		}
	}
	if ev.DonationID != 0 {
		// A gift to the foundation: the donation service's.
		sink, what = h.Donations, slog.Int64("donation_id", ev.DonationID)
		if h.Donations == nil {
			log.Warn("webhook event about a donation ignored: no donation service", what)
			c.String(http.StatusOK, "ignored\n")
			return
		}
	}
	if err := sink.ApplyEvent(c.Request.Context(), ev); err != nil {
		if apperr.CodeOf(err) == apperr.Unavailable {
			// The database restarting: not a fault of the store's code. Stripe delivers
			// the event again, as after any answer but a 2xx.
			log.Warn("webhook event not applied: database unreachable; Stripe will deliver it again", what, "err", err)
			h.failed("database_unavailable")
			c.Header("Retry-After", "5")
			c.String(http.StatusServiceUnavailable, "unavailable, retry later\n")
			return
		}
		log.Error("webhook event not applied; Stripe will deliver it again", what, "err", err)
		h.failed("internal")
		c.String(http.StatusInternalServerError, "not applied, retry later\n")
		return
	}
	log.Info("webhook event applied", what, "type", ev.Type)
	c.String(http.StatusOK, "ok\n")
}
