package apperr

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"testing"
)

// sqlState is a driver error with a SQLSTATE code, as lib/pq's and pgx's are.
type sqlState string

func (s sqlState) Error() string    { return "pq: " + string(s) }
func (s sqlState) SQLState() string { return string(s) }

func TestCodesAndStatuses(t *testing.T) {
	cause := errors.New("row 7 missing")
	err := fmt.Errorf("load product 7: %w", Wrap(cause, NotFound, "product.not_found"))
	if !errors.Is(err, ErrNotFound) {
		t.Fatal("errors.Is(err, ErrNotFound) = false for a wrapped not-found error")
	}
	if errors.Is(err, ErrConflict) {
		t.Fatal("a not-found error matched ErrConflict")
	}
	if !errors.Is(err, cause) {
		t.Fatal("the cause is not reachable through Unwrap")
	}
	if got := KeyOf(err); got != "product.not_found" {
		t.Fatalf("KeyOf = %q", got)
	}
	tests := []struct {
		err  error
		code Code
		want int
		key  string
	}{
		{errors.New("disk on fire"), Internal, http.StatusInternalServerError, "error.internal"},
		{ErrNotFound, NotFound, http.StatusNotFound, "error.not_found"},
		{Fields(map[string]string{"title_es": "form.required"}), Invalid, http.StatusUnprocessableEntity, "form.invalid"},
		{New(Conflict, "product.stale"), Conflict, http.StatusConflict, "product.stale"},
		{ErrUnauthorized, Unauthorized, http.StatusUnauthorized, "error.unauthorized"},
		{ErrForbidden, Forbidden, http.StatusForbidden, "error.forbidden"},
		{ErrTooMany, TooMany, http.StatusTooManyRequests, "error.too_many"},
		{fmt.Errorf("product: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), Unavailable, http.StatusServiceUnavailable, "error.unavailable"},
		{fmt.Errorf("cart: %w", driver.ErrBadConn), Unavailable, http.StatusServiceUnavailable, "error.unavailable"},
		{fmt.Errorf("place: %w", sqlState("57P01")), Unavailable, http.StatusServiceUnavailable, "error.unavailable"},
		{fmt.Errorf("place: %w", sqlState("23502")), Internal, http.StatusInternalServerError, "error.internal"},
	}
	for _, tt := range tests {
		if c := CodeOf(tt.err); c != tt.code {
			t.Errorf("CodeOf(%v) = %s, want %s", tt.err, c, tt.code)
		}
		if s := Status(CodeOf(tt.err)); s != tt.want {
			t.Errorf("Status(%s) = %d, want %d", tt.code, s, tt.want)
		}
		if k := KeyOf(tt.err); k != tt.key {
			t.Errorf("KeyOf(%v) = %q, want %q", tt.err, k, tt.key)
		}
	}
	if f := FieldsOf(fmt.Errorf("save: %w", Fields(map[string]string{"price": "form.price"}))); f["price"] != "form.price" {
		t.Fatalf("FieldsOf lost the field errors: %v", f)
	}
}
