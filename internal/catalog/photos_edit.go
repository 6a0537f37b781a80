package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/media"
)

// Upload is one uploaded file: its name as the uploader's device called it (for
// messages only; the type is sniffed from the bytes) and a way to open it, so files are
// read one at a time (multipart.FileHeader.Open fits).
type Upload struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// photoErrorKeys are the message keys for images the uploader must fix.
// The main key's message names the file and the limit (arguments: file name, limit);
// the field key's message stands alone beside the file input.
var photoErrorKeys = []struct {
	err        error
	key, field string
	limit      int
}{
	{media.ErrTooLarge, "photo.too_large", "photo.field.too_large", media.MaxUploadBytes >> 20},
	{media.ErrUnsupportedType, "photo.unsupported", "photo.field.unsupported", 0},
	{media.ErrTooManyPixels, "photo.too_many_pixels", "photo.field.too_many_pixels", media.MaxPixels / 1_000_000},
}

// AddPhotos processes each upload through media.Process (type sniffed, size and pixel
// limits, metadata stripped, renditions stored) and records the photos after the
// product's others, alt text defaulting to the product's title. If any file is refused,
// nothing is recorded: the error is Invalid with a "photo.*" key whose arguments (file
// name, limit) and field ("photos.N", key "photo.field.*") name the file. Renditions already stored for the files before it
// stay in the store: they are content-addressed, harmless, and reused on a retry.
func (e *Editor) AddPhotos(ctx context.Context, scope Scope, actor audit.Actor, productID int64, store media.Store, files []Upload) ([]Photo, error) {
	p, err := loadProduct(ctx, e.db, scope, productID, false)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, apperr.New(apperr.Invalid, "photo.none")
	}
	// Checked again under the lock below; this spares processing files that cannot fit.
	var have int
	if err := sqlx.GetContext(ctx, e.db, &have, `SELECT count(*) FROM photos WHERE product_id = $1`, productID); err != nil {
		return nil, fmt.Errorf("count photos of product %d: %w", productID, err)
	}
	if have+len(files) > MaxPhotos {
		return nil, apperr.New(apperr.Invalid, "photo.too_many")
	}
	processed := make([]media.Photo, 0, len(files))
	for i, f := range files {
		ph, err := processUpload(ctx, store, f)
		if err != nil {
			for _, pk := range photoErrorKeys {
				if errors.Is(err, pk.err) {
					args := []any{f.Name}
					if pk.limit > 0 {
						args = append(args, pk.limit)
					}
					return nil, &apperr.Error{Code: apperr.Invalid, Key: pk.key, Args: args,
						Fields: map[string]string{"photos." + strconv.Itoa(i): pk.field}, Err: err}
				}
			}
			return nil, fmt.Errorf("photo %q for product %d: %w", f.Name, productID, err)
		}
		processed = append(processed, ph)
	}
	var added []Photo
	err = db.InTx(ctx, e.db, func(tx *sqlx.Tx) error {
		added = nil
		// Lock the product, so concurrent uploads take positions one after the other.
		if p, err = loadProduct(ctx, tx, scope, productID, true); err != nil {
			return err
		}
		var n struct {
			Count int `db:"count"`
			Next  int `db:"next"`
		}
		if err := sqlx.GetContext(ctx, tx, &n, `SELECT count(*) AS count, COALESCE(max(position) + 1, 0) AS next
			FROM photos WHERE product_id = $1`, productID); err != nil {
			return fmt.Errorf("count photos of product %d: %w", productID, err)
		}
		if n.Count+len(processed) > MaxPhotos {
			return apperr.New(apperr.Invalid, "photo.too_many")
		}
		const ins = `INSERT INTO photos (product_id, object_key, width, height, renditions, alt_es, alt_en, position, webp)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (product_id, object_key) DO NOTHING
			RETURNING id, product_id, object_key, width, height, renditions, webp, alt_es, alt_en, position`
		for _, ph := range processed {
			rends := make(pq.Int64Array, len(ph.Renditions))
			for i, w := range ph.Renditions {
				rends[i] = int64(w)
			}
			var rows []Photo // none when this product already has the same photo
			if err := sqlx.SelectContext(ctx, tx, &rows, ins, productID, ph.Key, ph.Width, ph.Height, rends,
				p.TitleES, p.TitleEN, n.Next, ph.WebP); err != nil {
				return fmt.Errorf("record photo %s: %w", ph.Key, db.Translate(err))
			}
			if len(rows) == 1 {
				added = append(added, rows[0])
				n.Next++
			}
		}
		if len(added) == 0 {
			return nil
		}
		keys := make([]string, len(added))
		for i, ph := range added {
			keys[i] = ph.Key
		}
		return touchAndAudit(ctx, tx, actor, p, "photo.add", fmt.Sprintf("added %d photo(s)", len(added)), nil, keys)
	})
	if err != nil {
		return nil, fmt.Errorf("add photos to product %d: %w", productID, err)
	}
	return added, nil
}

func processUpload(ctx context.Context, store media.Store, f Upload) (media.Photo, error) {
	r, err := f.Open()
	if err != nil {
		return media.Photo{}, fmt.Errorf("open upload: %w", err)
	}
	defer r.Close()
	return media.Process(ctx, store, r)
}

// ReorderPhotos puts the product's photos in the given order (the first is the one
// listings show). orderedIDs must name each of the product's photos exactly once.
func (e *Editor) ReorderPhotos(ctx context.Context, scope Scope, actor audit.Actor, productID int64, orderedIDs []int64) error {
	err := db.InTx(ctx, e.db, func(tx *sqlx.Tx) error {
		p, err := loadProduct(ctx, tx, scope, productID, true)
		if err != nil {
			return err
		}
		cur, err := loadPhotos(ctx, tx, productID)
		if err != nil {
			return err
		}
		if !samePhotoSet(cur, orderedIDs) {
			return apperr.New(apperr.Invalid, "photo.order.invalid")
		}
		before := make([]int64, len(cur))
		for i, ph := range cur {
			before[i] = ph.ID
		}
		const upd = `UPDATE photos SET position = array_position($2::bigint[], id) - 1 WHERE product_id = $1`
		if _, err := tx.ExecContext(ctx, upd, productID, pqInt64s(orderedIDs)); err != nil {
			return fmt.Errorf("reorder photos: %w", db.Translate(err))
		}
		return touchAndAudit(ctx, tx, actor, p, "photo.reorder", "photos reordered", before, orderedIDs)
	})
	if err != nil {
		return fmt.Errorf("reorder photos of product %d: %w", productID, err)
	}
	return nil
}

func samePhotoSet(cur []Photo, ids []int64) bool {
	if len(cur) != len(ids) {
		return false
	}
	want := map[int64]bool{}
	for _, ph := range cur {
		want[ph.ID] = true
	}
	for _, id := range ids {
		if !want[id] {
			return false
		}
		delete(want, id)
	}
	return true
}

// UpdatePhotoAlt sets a photo's alternative text in both languages (what a screen
// reader says instead of the picture).
func (e *Editor) UpdatePhotoAlt(ctx context.Context, scope Scope, actor audit.Actor, productID, photoID int64, altES, altEN string) error {
	altES, altEN = strings.TrimSpace(altES), strings.TrimSpace(altEN)
	fields := map[string]string{}
	textField(fields, "alt_es", altES, MaxAltRunes, false, "", "photo.alt.too_long")
	textField(fields, "alt_en", altEN, MaxAltRunes, false, "", "photo.alt.too_long")
	if len(fields) > 0 {
		return invalidFields(fields)
	}
	err := db.InTx(ctx, e.db, func(tx *sqlx.Tx) error {
		p, ph, err := lockPhoto(ctx, tx, scope, productID, photoID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE photos SET alt_es = $2, alt_en = $3 WHERE id = $1`, photoID, altES, altEN); err != nil {
			return fmt.Errorf("set alt text: %w", db.Translate(err))
		}
		return touchAndAudit(ctx, tx, actor, p, "photo.alt", "alt text of photo "+strconv.FormatInt(photoID, 10),
			map[string]string{"alt_es": ph.AltES, "alt_en": ph.AltEN}, map[string]string{"alt_es": altES, "alt_en": altEN})
	})
	if err != nil {
		return fmt.Errorf("alt text of photo %d: %w", photoID, err)
	}
	return nil
}

// DeletePhoto removes a photo from a product. The last photo of a product on sale
// cannot be removed (products on sale show at least one photo): archive it or add
// another first. The stored renditions stay: they are content-addressed and may be
// shared by another product with the same picture; a sweep can collect unreferenced
// keys later.
func (e *Editor) DeletePhoto(ctx context.Context, scope Scope, actor audit.Actor, productID, photoID int64) error {
	err := db.InTx(ctx, e.db, func(tx *sqlx.Tx) error {
		p, ph, err := lockPhoto(ctx, tx, scope, productID, photoID)
		if err != nil {
			return err
		}
		if p.Status == StatusActive {
			left, err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM photos WHERE product_id = $1 AND id <> $2)`, productID, photoID)
			if err != nil {
				return err
			}
			if !left {
				return apperr.New(apperr.Invalid, "photo.delete.last_active")
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM photos WHERE id = $1`, photoID); err != nil {
			return fmt.Errorf("delete photo: %w", db.Translate(err))
		}
		const renumber = `UPDATE photos SET position = r.n - 1 FROM (
				SELECT id, row_number() OVER (ORDER BY position, id) AS n FROM photos WHERE product_id = $1) r
			WHERE photos.id = r.id AND photos.position <> r.n - 1`
		if _, err := tx.ExecContext(ctx, renumber, productID); err != nil {
			return fmt.Errorf("renumber photos: %w", db.Translate(err))
		}
		return touchAndAudit(ctx, tx, actor, p, "photo.delete", "deleted photo "+ph.Key, ph, nil)
	})
	if err != nil {
		return fmt.Errorf("delete photo %d: %w", photoID, err)
	}
	return nil
}

// lockPhoto returns the locked product (in scope) and one of its photos, or not found.
func lockPhoto(ctx context.Context, tx *sqlx.Tx, scope Scope, productID, photoID int64) (Product, Photo, error) {
	p, err := loadProduct(ctx, tx, scope, productID, true)
	if err != nil {
		return p, Photo{}, err
	}
	var ph []Photo
	const sel = `SELECT id, product_id, object_key, width, height, renditions, webp, alt_es, alt_en, position
		FROM photos WHERE id = $1 AND product_id = $2`
	if err := sqlx.SelectContext(ctx, tx, &ph, sel, photoID, productID); err != nil {
		return p, Photo{}, fmt.Errorf("photo %d: %w", photoID, err)
	}
	if len(ph) == 0 {
		return p, Photo{}, apperr.New(apperr.NotFound, "photo.not_found")
	}
	return p, ph[0], nil
}

// touchAndAudit records a photo change and marks the product changed (updated_at, for
// caches and the sitemap) without bumping its version: the edit form has no photo
// fields to overwrite.
func touchAndAudit(ctx context.Context, tx *sqlx.Tx, actor audit.Actor, p Product, action, summary string, before, after any) error {
	if _, err := tx.ExecContext(ctx, `UPDATE products SET updated_at = now() WHERE id = $1`, p.ID); err != nil {
		return fmt.Errorf("touch product %d: %w", p.ID, db.Translate(err))
	}
	return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: action, Entity: "product",
		EntityID: strconv.FormatInt(p.ID, 10), WorkshopID: p.WorkshopID, Summary: summary, Before: before, After: after})
}
