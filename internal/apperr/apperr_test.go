package apperr

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

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
