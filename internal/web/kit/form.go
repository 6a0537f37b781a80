package kit

import (
	"fmt"
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

// MaxFormBytes bounds a urlencoded form body (photos are multipart and bounded apart).
const MaxFormBytes = 4 << 20

// LimitBody caps request bodies so a huge POST cannot exhaust memory; multipart bodies
// get limit, other bodies MaxFormBytes.
func LimitBody(limit int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			n := int64(MaxFormBytes)
			if strings.HasPrefix(c.ContentType(), "multipart/") {
				n = limit
			}
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}
