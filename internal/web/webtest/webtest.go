// Package webtest sets up what the web packages' tests share: a fresh database with the
// demo catalog and accounts (on the cluster `make test` starts), a photo directory, the
// email queue (enqueue only) and the account service. Callers assemble the site from it,
// so this package does not import the site it tests.
package webtest

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/donation"
	"github.com/libres/storefront/internal/ledger"
	"github.com/libres/storefront/internal/media"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/order"
	"github.com/libres/storefront/internal/quote"
	"github.com/libres/storefront/internal/seed"
)

// Env is a test store's parts.
type Env struct {
	DB        *sqlx.DB
	Photos    *media.DiskStore
	Accounts  *account.Service
	Orders    *order.Service    // transfer and cash on delivery; no card provider
	Ledger    *ledger.Ledger    // the orders' ledger: their sales and refunds post to it
	Quotes    *quote.Service    // corporate quotes (files in Photos' directory; no card provider)
	Donations *donation.Service // gifts by transfer (no card provider), on the orders' ledger
	Seller    config.Seller     // the sample seller of an unconfigured store
	Log       *slog.Logger      // discards
}

// Setup creates and migrates a database, loads the demo data (small photos) and builds
// the services for a site whose public origin is baseURL. Emails are only queued (no
// worker): the journeys that read them run in the browser suite. cleanup drops it all.
// It returns dbtest.ErrNoCluster when no test cluster is configured.
func Setup(ctx context.Context, baseURL string) (env Env, cleanup func(), err error) {
	var undo []func()
	cleanup = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	dbURL, drop, err := dbtest.Create(ctx)
	if err != nil {
		return env, cleanup, err
	}
	undo = append(undo, func() { _ = drop() })
	conn, err := dbtest.OpenMigrated(ctx, dbURL)
	if err != nil {
		return env, cleanup, err
	}
	undo = append(undo, func() { conn.Close() })
	dir, err := os.MkdirTemp("", "libres-web-media-")
	if err != nil {
		return env, cleanup, err
	}
	undo = append(undo, func() { os.RemoveAll(dir) })
	photos, err := media.NewDisk(dir, "/media")
	if err != nil {
		return env, cleanup, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := seed.Load(ctx, conn, photos, quiet, seed.Options{PhotoWidth: 320}); err != nil {
		return env, cleanup, err
	}
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		return env, cleanup, err
	}
	queue, err := notify.NewQueue(conn, notify.Options{From: "Libres <no-reply@libres.test>", ShopURL: baseURL})
	if err != nil {
		return env, cleanup, err
	}
	led := ledger.New(conn, ledger.Options{})
	var points []order.PickupPoint // as main: the configured pickup points (the sample store)
	for _, p := range cfg.Orders.PickupPoints {
		points = append(points, order.PickupPoint(p))
	}
	quotes := quote.New(conn, photos, nil)
	quotes.Mail, quotes.Ledger, quotes.BaseURL = queue, led, baseURL
	manual := map[string]string{"es": "Transfiere a la cuenta de ahorros 000-000000-00.", "en": "Transfer to savings account 000-000000-00."}
	donations := donation.New(conn, queue, donation.Options{BaseURL: baseURL, Ledger: led, Instructions: manual,
		LinkKey: []byte("webtest-donation-link-key-0123456789abcdef")})
	return Env{Quotes: quotes, Donations: donations, DB: conn, Photos: photos, Accounts: account.New(conn, queue, account.Options{BaseURL: baseURL}), Ledger: led,
		Orders: order.New(conn, queue, order.Options{BaseURL: baseURL, LinkKey: []byte("webtest-order-link-key-0123456789abcdef"), Ledger: led,
			ManualInstructions: manual,
			PickupPoints:       points}),
		Seller: cfg.Seller, Log: quiet}, cleanup, nil
}
