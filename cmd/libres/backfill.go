package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/media"
)

// mediaCmd runs `libres media backfill-webp`: WebP renditions for the photos stored
// before the pipeline made them, from their largest JPEG. Each photo is recorded once
// its renditions are stored, so an interrupted run is simply started again; a photo
// that fails (its JPEG gone) is reported and skipped, and the command exits 1.
func mediaCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "backfill-webp" {
		return errUsage
	}
	fs := flag.NewFlagSet("media backfill-webp", flag.ContinueOnError)
	conn, err := openWithFlags(ctx, cfg, fs, args[1:])
	if err != nil {
		return err
	}
	defer conn.Close()
	st, err := openMedia(ctx, cfg)
	if err != nil {
		return err
	}
	store, ok := st.(media.Getter)
	if !ok {
		return fmt.Errorf("media backfill-webp: the photo store cannot read photos back")
	}
	return backfillWebP(ctx, conn, store, log, stdout)
}

func backfillWebP(ctx context.Context, conn *sqlx.DB, store media.Getter, log *slog.Logger, stdout io.Writer) error {
	done, failed, after := 0, 0, ""
	for {
		batch, err := catalog.PhotosWithoutWebP(ctx, conn, after, 100)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for _, ph := range batch {
			after = ph.Key
			p := media.Photo{Key: ph.Key, Width: ph.Width, Height: ph.Height}
			for _, w := range ph.Renditions {
				p.Renditions = append(p.Renditions, int(w))
			}
			if err := media.BackfillWebP(ctx, store, p); err != nil {
				if ctx.Err() != nil {
					return err
				}
				log.Warn("photo skipped", "key", ph.Key, "err", err)
				failed++
				continue
			}
			if err := catalog.MarkWebP(ctx, conn, ph.Key); err != nil {
				return err
			}
			done++
		}
	}
	fmt.Fprintf(stdout, "WebP renditions made for %d photo(s)\n", done)
	if failed > 0 {
		return fmt.Errorf("media backfill-webp: %d photo(s) skipped (see the log)", failed)
	}
	return nil
}
