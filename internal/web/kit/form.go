package kit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/apperr"
)

// Form is a submitted form as the user typed it: its values (re-shown on failure, so
// nothing typed is lost), field errors (field -> message key) and a top message.
type Form struct {
	Values  map[string]string
	Errors  map[string]string
	Message string // localised
}

// V returns the value of a field as typed.
func (f *Form) V(name string) string {
	if f == nil {
		return ""
	}
	return f.Values[name]
}

// Checked reports whether a checkbox field was ticked.
func (f *Form) Checked(name string) bool { return f.V(name) != "" }

// Err returns the message key of a field's error, "" when it has none.
func (f *Form) Err(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// EmptyForm is a form with nothing typed yet.
func EmptyForm() *Form { return &Form{Values: map[string]string{}, Errors: map[string]string{}} }

// ReadForm reads the named fields of a POSTed form (urlencoded or multipart), trimmed of
// surrounding spaces except for passwords (fields whose name contains "password").
func ReadForm(c *gin.Context, fields ...string) *Form {
	f := EmptyForm()
	for _, name := range fields {
		v := c.PostForm(name)
		if !strings.Contains(name, "password") {
			v = strings.TrimSpace(v)
		}
		f.Values[name] = v
	}
	return f
}

// Fail fills f from err when err is something the user can fix (invalid input, a
// conflict, a refused login, throttling) and returns its status; otherwise it returns
// 0 and the caller returns err for the error page.
func (k *Kit) Fail(f *Form, lang string, err error) int {
	e := apperr.As(err)
	if e == nil || e.Code == apperr.Internal || e.Code == apperr.NotFound || e.Code == apperr.Forbidden {
		return 0
	}
	for name, key := range e.Fields {
		f.Errors[name] = key
	}
	key := apperr.KeyOf(err)
	if key == "" || !k.Msgs.Has(key) {
		key = "error." + string(e.Code)
	}
	f.Message = k.T(lang, key, e.Args...)
	if wait := RetryAfterOf(err); wait > 0 && key == "error.too_many" {
		f.Message += " " + k.T(lang, "error.retry_in", int(wait.Minutes())+1)
	}
	return apperr.Status(e.Code)
}

// dict builds a map for passing several values to a partial template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// MaxFormBytes bounds an ordinary (urlencoded) form, the default for every route. The
// largest form the store shows is the product editor at its validation limits: two
// titles of 200 and two descriptions of 5,000 characters, 100 variants (SKU 64, size 20,
// colour 60 characters). Typed in Spanish it is under 40 KB; even with every character a
// 4-byte one, percent-encoded to 12 bytes, it is about 245 KB. The stock page's form
// (two short fields per variant) fits about 7,000 variants.
const MaxFormBytes = 256 << 10

// BodyLimit is what one route accepts as a request body when it is not an ordinary form:
// a route that takes files, or one that reads its body itself (a webhook). Routes
// without one take urlencoded forms of up to MaxFormBytes and no multipart bodies.
type BodyLimit struct {
	Method, Path string // as registered: "POST", "/studio/products/:id/photos"
	Max          int64  // bytes in the whole body
	// Files: multipart/form-data is accepted (the route takes uploads). Other bodies to
	// the route are still ordinary forms, bounded by MaxFormBytes.
	Files bool
	// Raw: any content type up to Max, read and checked by the handler itself; a refusal
	// is plain text, for a machine.
	Raw bool
}

// Refusals of a request body before its handler runs (413 and 415 pages).
var (
	ErrBodyTooLarge = errors.New("request body too large")
	ErrBodyType     = errors.New("request body of a type the route does not take")
)

// LimitBody refuses request bodies a route does not take before its handler runs, so a
// handler never acts on a form it could not read: a body over the route's limit is 413,
// a multipart body to a route that takes no files is 415. A body with its length
// announced is judged by that; a chunked form is read (it is small) and judged by what
// arrives; a chunked upload is cut at the route's limit while its handler reads it.
// routes lists the exceptions to the ordinary form (BodyLimit).
func (k *Kit) LimitBody(routes ...BodyLimit) gin.HandlerFunc {
	special := make(map[string]BodyLimit, len(routes))
	for _, l := range routes {
		special[l.Method+" "+l.Path] = l
	}
	return func(c *gin.Context) {
		r := c.Request
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			c.Next()
			return
		}
		l, ok := special[r.Method+" "+c.FullPath()]
		multipart := isMultipart(r.Header.Get("Content-Type"))
		limit := int64(MaxFormBytes)
		switch {
		case ok && l.Raw, ok && l.Files && multipart:
			limit = l.Max
		case multipart:
			k.refuseBody(c, l, ErrBodyType, limit)
			return
		}
		if r.ContentLength > limit {
			k.refuseBody(c, l, ErrBodyTooLarge, limit)
			return
		}
		if r.ContentLength < 0 && !l.Raw && !multipart {
			b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
			switch {
			case err != nil:
				k.refuseBody(c, l, fmt.Errorf("%w: %v", ErrBadRequest, err), limit)
				return
			case int64(len(b)) > limit:
				k.refuseBody(c, l, ErrBodyTooLarge, limit)
				return
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
		r.Body = http.MaxBytesReader(c.Writer, r.Body, limit)
		c.Next()
	}
}

// isMultipart reads a Content-Type as net/http's multipart parser does (spaces, case and
// parameters do not hide it).
func isMultipart(ct string) bool {
	d, _, err := mime.ParseMediaType(ct)
	if err != nil {
		d = strings.ToLower(strings.TrimSpace(ct))
	}
	return strings.HasPrefix(d, "multipart/")
}

func (k *Kit) refuseBody(c *gin.Context, l BodyLimit, err error, limit int64) {
	k.Log.Warn("request body refused", "request_id", c.GetString(RequestIDKey), "method", c.Request.Method,
		"path", c.Request.URL.Path, "content_type", c.ContentType(), "content_length", c.Request.ContentLength,
		"limit", limit, "err", err)
	c.Abort()
	// The rest of an unread body is not worth waiting for: close the connection after.
	c.Header("Connection", "close")
	if l.Raw {
		c.String(StatusOf(err), "%s\n", err)
		return
	}
	k.RenderError(c, LangOfPath(c.Request.URL.Path), err)
}
