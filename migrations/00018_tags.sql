-- +goose Up
-- Hang-tags: every product that has been printed on a tag has one short code, its QR
-- code's link (/t/{code}), kept so that tags printed months apart stay valid.
CREATE TABLE tag_codes (
    product_id  bigint PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9]{6,16}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Scans of a tag's QR code, counted per product per day (Bogotá's date) and nothing
-- else: no address, no agent, no visitor. The workshop's lead sees the totals.
CREATE TABLE tag_scans (
    product_id  bigint NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    day         date NOT NULL,
    scans       integer NOT NULL DEFAULT 0 CHECK (scans >= 0),
    PRIMARY KEY (product_id, day)
);

-- +goose Down
DROP TABLE tag_scans;
DROP TABLE tag_codes;
