package payment

import (
	"testing"
	"time"
)

func TestSessionExpiry(t *testing.T) {
	now := time.Date(2026, 5, 4, 10, 0, 10, 0, time.UTC)
	tests := []struct {
		name        string
		want, got   time.Time
		clamped     bool
		stableUntil time.Duration // a retry this much later sends the same value
	}{
		{"none asked: Stripe's default", time.Time{}, time.Time{}, false, 0},
		{"inside the window", now.Add(45 * time.Minute), now.Add(45 * time.Minute), false, 10 * time.Minute},
		{"too soon: 31 min, rounded up", now.Add(10 * time.Minute), time.Date(2026, 5, 4, 10, 35, 0, 0, time.UTC), true, 3 * time.Minute},
		{"too late: 24 h less 2 min, rounded down", now.Add(30 * time.Hour), time.Date(2026, 5, 5, 9, 55, 0, 0, time.UTC), true, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, clamped := sessionExpiry(tt.want, now)
			if !got.Equal(tt.got) || clamped != tt.clamped {
				t.Fatalf("sessionExpiry = %v, %v; want %v, %v", got, clamped, tt.got, tt.clamped)
			}
			if tt.stableUntil > 0 {
				if again, _ := sessionExpiry(tt.want, now.Add(tt.stableUntil)); !again.Equal(got) {
					t.Errorf("%v later: %v, want the same %v", tt.stableUntil, again, got)
				}
			}
			if clamped && (got.Sub(now) < 30*time.Minute || got.Sub(now) > 24*time.Hour) {
				t.Errorf("clamped to now+%v, outside Stripe's window", got.Sub(now))
			}
		})
	}
}
