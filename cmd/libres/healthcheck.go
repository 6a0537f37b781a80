package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/libres/storefront/internal/config"
)

// healthcheckTimeout bounds the whole check: an orchestrator's probe that hangs is
// worse than one that says no.
const healthcheckTimeout = 2 * time.Second

// healthcheck asks this machine's own server whether it is alive (GET /healthz on
// PORT): the container image's HEALTHCHECK runs it because its distroless base has
// no shell, curl or wget. It returns nil (exit 0) on a 200, an error (exit 1) on
// anything else, including no answer within two seconds.
func healthcheck(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	url := fmt.Sprintf("http://127.0.0.1:%d/healthz", cfg.Port)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck %s: %w", url, err)
	}
	// Straight to loopback: no HTTP_PROXY, no keep-alive to clean up.
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck %s: %w", url, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4<<10))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck %s: status %d", url, res.StatusCode)
	}
	fmt.Fprintf(stdout, "healthy: %s\n", url)
	return nil
}
