-- +goose Up
-- Optimistic locking for the product editor: every save names the version it started
-- from and bumps it, so a second editor's save is refused instead of overwriting.
ALTER TABLE products ADD COLUMN version int NOT NULL DEFAULT 1 CHECK (version >= 1);

-- Leads write Spanish first; the English title may wait (pages fall back to Spanish).
ALTER TABLE products DROP CONSTRAINT products_title_en_check;
ALTER TABLE products ADD CONSTRAINT products_title_en_check CHECK (length(title_en) <= 200);

-- +goose Down
UPDATE products SET title_en = title_es WHERE title_en = '';
ALTER TABLE products DROP CONSTRAINT products_title_en_check;
ALTER TABLE products ADD CONSTRAINT products_title_en_check CHECK (length(title_en) BETWEEN 1 AND 200);
ALTER TABLE products DROP COLUMN version;
