-- +goose Up
-- Indexes for the storefront's listings at 10,000 products (docs/performance.md). A
-- listing picks its page's product ids first: these let it walk the products on sale in
-- the page's order and stop at the page's end, and count the matches from the index
-- alone (index-only scans), without reading the wide product rows (descriptions and
-- search vectors). None of them includes a variant's stock, so stock updates stay HOT.
CREATE INDEX products_sale_newest_idx ON products (status, published_at DESC NULLS LAST, id DESC)
    INCLUDE (workshop_id, category_id, price_minor, featured);
CREATE INDEX products_sale_price_idx ON products (status, price_minor, id DESC)
    INCLUDE (workshop_id, category_id, featured);
-- Counts per workshop (the workshops page, a listing filtered by workshop) from the index.
CREATE INDEX products_workshop_status_idx ON products (workshop_id, status);
DROP INDEX products_workshop_idx;

-- +goose Down
CREATE INDEX products_workshop_idx ON products (workshop_id);
DROP INDEX products_workshop_status_idx;
DROP INDEX products_sale_price_idx;
DROP INDEX products_sale_newest_idx;
