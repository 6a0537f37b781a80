package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/libres/storefront/internal/media"
)

// lazyStore opens the photo store on first use, so `serve` starts (and the shop browses)
// while the object store is down; an upload then fails with a message and the next one
// tries to connect again.
type lazyStore struct {
	open func(context.Context) (media.Store, error)
	base string // public base URL, for URL without connecting

	mu    sync.Mutex
	store media.Store
}

func (l *lazyStore) get(ctx context.Context) (media.Store, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.store != nil {
		return l.store, nil
	}
	s, err := l.open(ctx)
	if err != nil {
		return nil, err
	}
	l.store = s
	return s, nil
}

func (l *lazyStore) Put(ctx context.Context, key string, body []byte, contentType string) error {
	s, err := l.get(ctx)
	if err != nil {
		return err
	}
	return s.Put(ctx, key, body, contentType)
}

func (l *lazyStore) Exists(ctx context.Context, key string) (bool, error) {
	s, err := l.get(ctx)
	if err != nil {
		return false, err
	}
	return s.Exists(ctx, key)
}

func (l *lazyStore) Delete(ctx context.Context, key string) error {
	s, err := l.get(ctx)
	if err != nil {
		return err
	}
	return s.Delete(ctx, key)
}

func (l *lazyStore) URL(key string) string { return strings.TrimRight(l.base, "/") + "/" + key }

// SignedURL links to a private object; the store must be able to sign (S3 and disk can).
func (l *lazyStore) SignedURL(ctx context.Context, key, name string, ttl time.Duration) (string, error) {
	s, err := l.get(ctx)
	if err != nil {
		return "", err
	}
	sg, ok := s.(media.Signer)
	if !ok {
		return "", fmt.Errorf("media store %T cannot sign links", s)
	}
	return sg.SignedURL(ctx, key, name, ttl)
}
