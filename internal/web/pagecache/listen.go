package pagecache

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Channel is the PostgreSQL notification channel the catalog's triggers notify
// (migrations/00009_catalog_notify.sql).
const Channel = "catalog_changed"

// pingEvery checks the listening connection when no notification has come for a while,
// so a connection dropped silently (a NAT, a failover) is noticed and re-established.
const pingEvery = 30 * time.Second

// Listen keeps a connection to dsn listening on Channel until ctx ends: every
// notification drops the cache (and one on CartChannel forgets that cart's count and
// pages). Pages are served from memory only while the connection
// is up; losing it or getting it back drops everything (notifications sent in between
// are lost). Call it in its own goroutine; it returns nil when ctx ends.
func (c *Cache) Listen(ctx context.Context, dsn string) error {
	if c == nil {
		return nil
	}
	l := pq.NewListener(dsn, 100*time.Millisecond, 5*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected:
			c.log.Warn("page cache: notifications lost, serving uncached until reconnected", "err", err)
			c.setLive(false)
		case pq.ListenerEventReconnected:
			c.log.Info("page cache: notifications back")
			c.setLive(true)
		case pq.ListenerEventConnectionAttemptFailed:
			c.log.Warn("page cache: cannot listen for catalog changes", "err", err)
		}
	})
	defer l.Close()
	subscribed := make(chan error, 1)
	go func() {
		err := l.Listen(Channel)
		if err == nil {
			err = l.Listen(CartChannel)
		}
		subscribed <- err
	}()
	select {
	case err := <-subscribed:
		if err != nil {
			return fmt.Errorf("listen for catalog changes: %w", err)
		}
	case <-ctx.Done():
		return nil
	}
	c.setLive(true)
	t := time.NewTicker(pingEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			c.setLive(false)
			return nil
		case n, ok := <-l.Notify:
			if !ok {
				c.setLive(false)
				return nil
			}
			switch {
			case n == nil: // after a reconnect: the event handler dropped everything
			case n.Channel == CartChannel:
				c.ForgetCart(n.Extra)
			default:
				c.Drop()
			}
		case <-t.C:
			if err := l.Ping(); err != nil {
				c.log.Warn("page cache: listener ping", "err", err)
			}
		}
	}
}
