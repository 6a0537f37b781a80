package main

import (
	"context"
	"log/slog"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/notify"
)

// startWorkers builds the email queue on the store's pool and, unless
// LIBRES_WORKERS=false or SMTP_URL is empty, starts delivering. The queue always
// enqueues (use cases insert emails in their transactions); stop ends delivery,
// waiting for emails being sent until its context is done. serve calls stop after the
// HTTP server has shut down, so a request's last email is already queued.
func startWorkers(ctx context.Context, conn *sqlx.DB, cfg config.Config, log *slog.Logger) (stop func(context.Context) error, queue *notify.Queue, err error) {
	s := cfg.Seller
	q, err := notify.NewQueue(conn, notify.Options{
		SMTPURL: cfg.SMTPURL,
		From:    cfg.MailFrom,
		Seller:  notify.Seller{Name: s.Name, NIT: s.NIT, Address: s.Address, Phone: s.Phone, Email: s.Email},
		ShopURL: cfg.BaseURL,
		Work:    cfg.Workers,
		Logger:  log.With("component", "email"),
	})
	if err != nil {
		return nil, nil, err
	}
	if err := q.Start(ctx); err != nil {
		return nil, nil, err
	}
	return q.Stop, q, nil
}
