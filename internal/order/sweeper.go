package order

import (
	"context"
	"time"
)

// ExpireDue cancels unpaid orders whose reservation expired and gives their stock back;
// it returns how many it cancelled. Safe to run in several processes at once.
func (s *Service) ExpireDue(ctx context.Context) (int, error) { return 0, errTODO }

// SendReminders emails one payment reminder to each manual-payment order whose
// reservation lapses within ReminderBefore; it returns how many it queued.
func (s *Service) SendReminders(ctx context.Context) (int, error) { return 0, errTODO }

// Sweeper runs ExpireDue and SendReminders every Interval until its context ends.
type Sweeper struct {
	Service  *Service
	Interval time.Duration // default one minute
	// OnError receives each round's error (main logs it); nil ignores them.
	OnError func(error)
}

// Run loops until ctx is done; it returns nil then.
func (w *Sweeper) Run(ctx context.Context) error { return errTODO }
