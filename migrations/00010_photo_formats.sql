-- +goose Up
-- Photos processed from now on have a WebP rendition beside each JPEG one (same key
-- prefix, ".webp"); pages offer it in <picture> only when this says it is stored, so
-- photos uploaded before keep working with their JPEGs until `libres media
-- backfill-webp` makes theirs.
ALTER TABLE photos ADD COLUMN webp boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE photos DROP COLUMN webp;
