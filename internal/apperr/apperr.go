// Package apperr owns the errors the store shows to people: a short list of codes
// (not found, invalid, conflict, unauthorized, forbidden, too many requests), a message
// key from the message catalog a user may read, field errors for forms, and the one
// table that maps codes to HTTP statuses. Causes stay wrapped for the logs.
package apperr

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// Code classifies an error by what the user can do about it.
type Code string

// The codes. Internal is every error that carries no code: the user cannot fix it.
const (
	Internal     Code = "internal"
	NotFound     Code = "not_found"
	Invalid      Code = "invalid"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized" // not logged in, or wrong credentials
	Forbidden    Code = "forbidden"    // logged in, not allowed
	TooMany      Code = "too_many"     // throttled
	Unavailable  Code = "unavailable"  // a service the store needs (its database) is unreachable: try again shortly
)

var statuses = map[Code]int{
	Internal:     http.StatusInternalServerError,
	NotFound:     http.StatusNotFound,
	Invalid:      http.StatusUnprocessableEntity,
	Conflict:     http.StatusConflict,
	Unauthorized: http.StatusUnauthorized,
	Forbidden:    http.StatusForbidden,
	TooMany:      http.StatusTooManyRequests,
	Unavailable:  http.StatusServiceUnavailable,
}

// Status is the HTTP status for a code: the one place codes meet HTTP.
func Status(c Code) int {
	if s, ok := statuses[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Error is a domain error. Key is a message-catalog key a user may see ("error.conflict",
// "product.stale"); Args fill its placeholders; Fields maps form field names to message
// keys; Err is the cause, for logs only.
type Error struct {
	Code   Code
	Key    string
	Args   []any
	Fields map[string]string
	Err    error
}

func (e *Error) Error() string {
	msg := string(e.Code)
	if e.Key != "" {
		msg += " (" + e.Key + ")"
	}
	if len(e.Fields) > 0 {
		msg += fmt.Sprintf(" fields=%v", e.Fields)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, apperr.ErrNotFound) true for any error of that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Key == "" && t.Err == nil && t.Fields == nil && t.Code == e.Code
}

// Sentinels for errors.Is; they carry only a code.
var (
	ErrNotFound     = &Error{Code: NotFound}
	ErrInvalid      = &Error{Code: Invalid}
	ErrConflict     = &Error{Code: Conflict}
	ErrUnauthorized = &Error{Code: Unauthorized}
	ErrForbidden    = &Error{Code: Forbidden}
	ErrTooMany      = &Error{Code: TooMany}
)

// New returns an error with a code and a user-visible message key.
func New(c Code, key string, args ...any) *Error { return &Error{Code: c, Key: key, Args: args} }

// Wrap gives a cause a code and a message key.
func Wrap(err error, c Code, key string) *Error { return &Error{Code: c, Key: key, Err: err} }

// Fields returns an Invalid error with one message key per form field.
func Fields(fields map[string]string) *Error {
	return &Error{Code: Invalid, Key: "form.invalid", Fields: fields}
}

// As returns the first *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// CodeOf returns err's code; Unavailable for a lost or refused connection (Unreachable);
// Internal when it has none (and for nil, which is no error a user should see a code
// for).
func CodeOf(err error) Code {
	if e := As(err); e != nil {
		return e.Code
	}
	if Unreachable(err) {
		return Unavailable
	}
	return Internal
}

// Unreachable says whether err is a connection to another service (PostgreSQL above
// all) refused, cut or shutting down, rather than a fault of the request: while the
// database restarts, every query fails this way, and the visitor should be told to come
// back in a moment (503), not that the store is broken (500). Drivers are recognised by
// what they share (net errors, driver.ErrBadConn, SQLSTATE classes), so this package
// imports none.
func Unreachable(err error) bool {
	if err == nil {
		return false
	}
	var netErr *net.OpError
	if errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		// 08: connection exception; 57P01-03: the server is shutting down, crashed or
		// starting; 53300: too many connections.
		switch s := coded.SQLState(); {
		case strings.HasPrefix(s, "08"), s == "57P01", s == "57P02", s == "57P03", s == "53300":
			return true
		}
	}
	return false
}

// KeyOf returns the user-visible message key of err, or the generic key of its code.
func KeyOf(err error) string {
	if e := As(err); e != nil && e.Key != "" {
		return e.Key
	}
	return "error." + string(CodeOf(err))
}

// FieldsOf returns the field errors carried by err (nil when there are none).
func FieldsOf(err error) map[string]string {
	if e := As(err); e != nil {
		return e.Fields
	}
	return nil
}
