package catalog

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// PhotosWithoutWebP returns up to limit stored photos (one row per object key, in key
// order, keys after after) whose WebP renditions are not recorded: photos uploaded
// before the pipeline made them. Only Key, Width, Height and Renditions are filled.
func PhotosWithoutWebP(ctx context.Context, q sqlx.QueryerContext, after string, limit int) ([]Photo, error) {
	const sel = `SELECT DISTINCT ON (object_key) object_key, width, height, renditions
		FROM photos WHERE NOT webp AND object_key > $1 ORDER BY object_key LIMIT $2`
	var ps []Photo
	if err := sqlx.SelectContext(ctx, q, &ps, sel, after, limit); err != nil {
		return nil, fmt.Errorf("photos without WebP: %w", err)
	}
	return ps, nil
}

// MarkWebP records that the photo stored under key has its WebP renditions, for every
// product that shows it; pages offer them from the next render on.
func MarkWebP(ctx context.Context, ext sqlx.ExecerContext, key string) error {
	if _, err := ext.ExecContext(ctx, `UPDATE photos SET webp = true WHERE object_key = $1 AND NOT webp`, key); err != nil {
		return fmt.Errorf("mark WebP of %s: %w", key, err)
	}
	return nil
}
