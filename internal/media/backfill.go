package media

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"slices"
)

// Getter is a Store that can read objects back (S3Store and DiskStore are).
type Getter interface {
	Store
	Get(ctx context.Context, key string) ([]byte, error)
}

// BackfillWebP stores the WebP renditions of a photo processed before WebP
// renditions existed. The upload itself is not kept, so they are made from
// the largest JPEG rendition (a second lossy step, invisible at these
// sizes). Widths whose WebP is already stored are skipped, so a run that
// stopped half-way can simply be repeated.
func BackfillWebP(ctx context.Context, store Getter, p Photo) error {
	if len(p.Renditions) == 0 {
		return fmt.Errorf("backfill WebP of %s: no renditions", p.Key)
	}
	widths := slices.Clone(p.Renditions)
	slices.Sort(widths)
	var todo []int
	for _, w := range widths {
		ok, err := store.Exists(ctx, WebPKey(p.Key, w))
		if err != nil {
			return fmt.Errorf("backfill WebP of %s: %w", p.Key, err)
		}
		if !ok {
			todo = append(todo, w)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	largest := RenditionKey(p.Key, widths[len(widths)-1])
	src, err := store.Get(ctx, largest)
	if err != nil {
		return fmt.Errorf("backfill WebP of %s: %w", p.Key, err)
	}
	img, err := jpeg.Decode(bytes.NewReader(src))
	if err != nil {
		return fmt.Errorf("backfill WebP of %s: decode %s: %w", p.Key, largest, err)
	}
	b := img.Bounds()
	for _, w := range todo {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("backfill WebP of %s: %w", p.Key, err)
		}
		// The JPEG renditions are upright already: no orientation to apply.
		scaled := resizeOnWhite(img, w, scaledHeight(b.Dx(), b.Dy(), w))
		if err := storeRendition(ctx, store, p.Key, w, scaled, false); err != nil {
			return fmt.Errorf("backfill WebP of %s: %w", p.Key, err)
		}
	}
	return nil
}
