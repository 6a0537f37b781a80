package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
)

const requestIDKey = "request_id"

// requestID gives every request an id, echoed in X-Request-ID and every log line. An
// incoming id is kept only when it is short and plain, so logs cannot be forged.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if !plainID(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

func plainID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	attrs := []any{
		"request_id", c.GetString(requestIDKey),
		"method", c.Request.Method,
		"path", c.Request.URL.Path,
		"status", status,
		"duration", time.Since(start),
		"bytes", c.Writer.Size(),
	}
	switch {
	case status >= 500:
		s.Log.Error("request", attrs...)
	default:
		s.Log.Info("request", attrs...)
	}
}

// recoverPanics turns a panic into a logged stack and a 500 page; the connection is
// answered, never dropped. http.ErrAbortHandler keeps its meaning (abort on purpose).
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
			panic(p)
		}
		s.Log.Error("panic", "request_id", c.GetString(requestIDKey), "panic", p, "stack", string(debug.Stack()))
		if c.Writer.Written() {
			return
		}
		c.Abort()
		s.renderError(c, langOfPath(c.Request.URL.Path), http.StatusInternalServerError, nil)
	}()
	c.Next()
}

// securityHeaders sets a strict policy: no scripts at all (the shop needs none), images
// only from the app and the photo host, forms only to the app, no framing.
func securityHeaders(mediaBase string) gin.HandlerFunc {
	img := "'self' data:"
	if u, err := url.Parse(mediaBase); err == nil && u.Host != "" {
		img += " " + u.Scheme + "://" + u.Host
	}
	csp := strings.Join([]string{
		"default-src 'self'", "img-src " + img, "style-src 'self'", "script-src 'none'",
		"object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
	}, "; ")
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		c.Next()
	}
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, apperr.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, errBadRequest):
		return http.StatusBadRequest
	default:
		return http.StatusInternalServerError
	}
}

// renderError writes the error page. Only 5xx are logged as errors: a 404 is a shopper's
// typo, not an incident.
func (s *Server) renderError(c *gin.Context, lang string, status int, err error) {
	if status >= 500 && err != nil {
		s.Log.Error("handler error", "request_id", c.GetString(requestIDKey), "path", c.Request.URL.Path, "err", err)
	}
	key := "error." + itoa(status)
	if status != 404 && status != 400 {
		key = "error.500"
	}
	p := s.page(c, lang, s.msgs.T(lang, key+".heading"), s.msgs.T(lang, key+".message"), nil)
	p.NoIndex = true
	p.Canonical, p.Alternates = "", nil // an error is not a page in any language
	p.Data = ErrorView{Status: status, Heading: s.msgs.T(lang, key+".heading"),
		Message: s.msgs.T(lang, key+".message"), RequestID: c.GetString(requestIDKey)}
	if rerr := s.render(c, status, "error", p); rerr != nil {
		s.Log.Error("render error page", "err", rerr)
		c.String(status, "%d %s", status, http.StatusText(status))
	}
}
