package main

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/notify"
	"github.com/libres/storefront/internal/notify/mailpittest"
)

func TestStartWorkersDeliversAndStops(t *testing.T) {
	smtpURL := mailpittest.SMTPURL(t)
	conn := dbtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tt := range []struct {
		workers string
		working bool
	}{{"true", true}, {"false", false}} {
		t.Run("LIBRES_WORKERS="+tt.workers, func(t *testing.T) {
			cfg, err := config.Load(func(k string) string {
				return map[string]string{"SMTP_URL": smtpURL, "LIBRES_WORKERS": tt.workers, "LIBRES_BASE_URL": "https://libres.test"}[k]
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			stop, q, err := startWorkers(ctx, conn, cfg, log)
			if err != nil {
				t.Fatal(err)
			}
			if q.Working() != tt.working {
				t.Errorf("Working = %v, want %v", q.Working(), tt.working)
			}
			if tt.working {
				to := mailpittest.Address(t)
				link := "https://libres.test/cuenta/verificar?token=t1"
				err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
					return q.Enqueue(ctx, tx, notify.Message{To: to, Lang: "es", Template: "account_verify",
						Data: map[string]any{"Name": "Ana", "Link": link}})
				})
				if err != nil {
					t.Fatal(err)
				}
				m := mailpittest.WaitFor(t, to, 15*time.Second)
				if m.Subject != "Confirma tu correo en Libres" || !slices.Contains(mailpittest.Links(m.Text), link) {
					t.Errorf("got %v with links %v", m, mailpittest.Links(m.Text))
				}
				if m.From.Address != "no-reply@libres.test" {
					t.Errorf("From = %+v, want the default derived from LIBRES_BASE_URL", m.From)
				}
			}
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := stop(sctx); err != nil {
				t.Errorf("stop: %v", err)
			}
		})
	}
}
