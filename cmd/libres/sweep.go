package main

import (
	"context"
	"log/slog"
	"time"
)

// sweep runs task every interval until ctx ends (first run after one interval). The tasks
// are idempotent deletes of what has expired, so every replica may run them: two at once
// only find less to delete.
func sweep(ctx context.Context, log *slog.Logger, name string, interval time.Duration, task func(context.Context) (int64, error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := task(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("sweep failed", "task", name, "err", err)
		case n > 0:
			log.Info("swept", "task", name, "removed", n)
		}
	}
}
