package kit

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
)

// RequestIDKey is the Gin context key of the request id.
const RequestIDKey = "request_id"

// RequestID gives every request an id, echoed in X-Request-ID and every log line. An
// incoming id is kept only when it is short and plain, so logs cannot be forged.
func (k *Kit) RequestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if !plainID(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Set(RequestIDKey, id)
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

// LogRequests logs one line per request ("request"); 5xx at error level. Its fields,
// which log searches (Loki, ELK) rely on with LIBRES_LOG_FORMAT=json: request_id (the
// X-Request-ID; the emails the request queued log it too), method, path, route (the
// route template, "" when none matched), status, duration (nanoseconds in JSON; "1.2ms"
// as text), bytes (of the body written) and, when logged in, user_id.
func (k *Kit) LogRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	if !k.Log.Enabled(c.Request.Context(), level) {
		return // (LIBRES_LOG_LEVEL=warn: no access log, and nothing built for it)
	}
	attrs := []any{
		"request_id", c.GetString(RequestIDKey),
		"method", c.Request.Method,
		"path", c.Request.URL.Path,
		"route", c.FullPath(),
		"status", status,
		"duration", time.Since(start),
		"bytes", c.Writer.Size(),
	}
	if u := CurrentUser(c); u != nil {
		attrs = append(attrs, "user_id", u.ID)
	}
	if status >= 500 {
		k.Log.Error("request", attrs...)
		return
	}
	k.Log.Info("request", attrs...)
}

// Recover turns a panic into a logged stack and a 500 page; the connection is answered,
// never dropped. http.ErrAbortHandler keeps its meaning (abort on purpose).
func (k *Kit) Recover(c *gin.Context) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
			panic(p)
		}
		k.Log.Error("panic", "request_id", c.GetString(RequestIDKey), "panic", p, "stack", string(debug.Stack()))
		if c.Writer.Written() {
			return
		}
		c.Abort()
		k.RenderError(c, LangOfPath(c.Request.URL.Path), errors.New("panic"))
	}()
	c.Next()
}

// SecurityHeaders sets a strict policy: no scripts at all (the shop needs none), images
// only from the app and the photo host, forms only to the app, no framing. HSTS goes with
// every response of an https origin (LIBRES_BASE_URL), which is served behind a
// TLS-terminating proxy whether or not that proxy says so in X-Forwarded-Proto (a header
// any client can send, so it is not consulted), and with any response over TLS.
func (k *Kit) SecurityHeaders() gin.HandlerFunc {
	img := "'self' data:"
	if u, err := url.Parse(k.MediaBaseURL); err == nil && u.Host != "" {
		img += " " + u.Scheme + "://" + u.Host
	}
	formAction := strings.Join(append([]string{"form-action 'self'"}, k.FormTargets...), " ")
	csp := strings.Join([]string{
		"default-src 'self'", "img-src " + img, "style-src 'self'", "script-src 'none'",
		"object-src 'none'", "base-uri 'self'", formAction, "frame-ancestors 'none'",
	}, "; ")
	// The values are made once and shared by every response (net/http only reads them; a
	// handler that changes one replaces the slice): no canonicalising or allocating
	// per request, which shows on pages answered from memory.
	headers := map[string][]string{
		"Content-Security-Policy":    {csp},
		"X-Content-Type-Options":     {"nosniff"},
		"X-Frame-Options":            {"DENY"},
		"Referrer-Policy":            {"strict-origin-when-cross-origin"},
		"Permissions-Policy":         {"camera=(), microphone=(), geolocation=(), interest-cohort=()"},
		"Cross-Origin-Opener-Policy": {"same-origin"},
	}
	hsts := []string{"max-age=31536000; includeSubDomains"}
	return func(c *gin.Context) {
		h := c.Writer.Header()
		for name, v := range headers {
			h[name] = v[:1:1]
		}
		if k.cookie.secure || c.Request.TLS != nil {
			h["Strict-Transport-Security"] = hsts[:1:1]
		}
		c.Next()
	}
}

// CrossOrigin refuses state-changing requests that a browser marks as coming from
// another site (Go's http.CrossOriginProtection: Sec-Fetch-Site, then Origin vs Host)
// with a 403 page. It is the store's CSRF defence for every form: shoppers' catalog
// pages carry no per-visitor token, so they can be cached.
func (k *Kit) CrossOrigin() gin.HandlerFunc {
	cop := http.NewCrossOriginProtection()
	return func(c *gin.Context) {
		if err := cop.Check(c.Request); err != nil {
			k.Log.Warn("cross-origin request refused", "request_id", c.GetString(RequestIDKey),
				"method", c.Request.Method, "path", c.Request.URL.Path, "origin", c.GetHeader("Origin"))
			c.Abort()
			k.RenderError(c, LangOfPath(c.Request.URL.Path), apperr.New(apperr.Forbidden, "error.cross_origin"))
			return
		}
		c.Next()
	}
}

// Handle turns a handler that returns an error into a Gin handler; errors become
// statuses and error pages in one place, RenderError.
func (k *Kit) Handle(lang string, h func(c *gin.Context, lang string) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c, lang); err != nil {
			if c.Request.Context().Err() != nil {
				// The visitor left (closed the tab, lost signal): nobody to answer, and
				// not the server's fault, so no error page and no error log.
				k.Log.Debug("request abandoned", "request_id", c.GetString(RequestIDKey), "err", err)
				c.AbortWithStatus(499)
				return
			}
			k.RenderError(c, lang, err)
		}
	}
}

// HandlePrivate is Handle for the back offices and account pages, whose language is the
// user's (UserLang), not the path's.
func (k *Kit) HandlePrivate(h func(c *gin.Context, lang string) error) gin.HandlerFunc {
	return func(c *gin.Context) { k.Handle(k.UserLang(c), h)(c) }
}

// ErrBadRequest marks input a page cannot make sense of (400 page).
var ErrBadRequest = errors.New("bad request")

// StatusOf is the HTTP status for an error: apperr's table, plus 400 for ErrBadRequest
// and 413/415 for a refused request body (LimitBody).
func StatusOf(err error) int {
	switch {
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrBodyType):
		return http.StatusUnsupportedMediaType
	}
	return apperr.Status(apperr.CodeOf(err))
}

// RenderError writes the error page for err. Only 5xx are logged as errors: a 404 is a
// typo, not an incident. An unauthenticated visitor is sent to the login page instead.
func (k *Kit) RenderError(c *gin.Context, lang string, err error) {
	status := StatusOf(err)
	if status >= 500 {
		k.Log.Error("handler error", "request_id", c.GetString(RequestIDKey), "path", c.Request.URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized && c.Request.Method == http.MethodGet {
		Redirect(c, LoginPath(lang, c.Request.URL.RequestURI()))
		return
	}
	heading, message := k.errorText(lang, status, err)
	p := k.Page(c, lang, heading, message, nil)
	p.NoIndex = true
	p.Canonical, p.Alternates = "", nil // an error is not a page in any language
	v := ErrorView{Status: status, Heading: heading, Message: message, RequestID: c.GetString(RequestIDKey)}
	if status == http.StatusTooManyRequests {
		if wait := RetryAfterOf(err); wait > 0 {
			secs := int(wait.Round(time.Second) / time.Second)
			c.Header("Retry-After", itoa(secs))
			v.RetryIn = k.T(lang, "error.retry_in", (secs+59)/60)
		}
	}
	p.Data = v
	c.Header("Cache-Control", "no-store")
	if rerr := k.Render(c, status, "shop/error", p); rerr != nil {
		k.Log.Error("render error page", "err", rerr)
		c.String(status, "%d %s", status, http.StatusText(status))
	}
}

// errorText picks the heading and message of an error page: the error's own message key
// when the catalog has it, else the generic text of its status.
func (k *Kit) errorText(lang string, status int, err error) (heading, message string) {
	generic := "error." + itoa(status)
	if !k.Msgs.Has(generic + ".heading") {
		generic = "error.500"
	}
	heading, message = k.T(lang, generic+".heading"), k.T(lang, generic+".message")
	if e := apperr.As(err); e != nil && e.Key != "" && k.Msgs.Has(e.Key) && status < 500 {
		message = k.T(lang, e.Key, e.Args...)
	}
	return heading, message
}

// RetryAfterOf finds how long a throttled caller must wait, from an error that carries
// it (RetryAfter() time.Duration); 0 when none does.
func RetryAfterOf(err error) time.Duration {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		return ra.RetryAfter()
	}
	return 0
}
