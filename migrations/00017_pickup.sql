-- +goose Up
-- Pickup at the foundation's own store (issue 13). An order is delivered by shipping (as
-- before) or picked up at a pickup point: the points are configuration
-- (LIBRES_PICKUP_POINTS), so the order keeps the point's id, and its address fields hold
-- the point's address as it was when the order was placed. Staff mark a pickup order
-- ready (pickup_ready_at, the shopper is emailed the address and hours) and then picked
-- up (picked_up_at; the order becomes delivered).
ALTER TABLE orders
    ADD COLUMN delivery_method text NOT NULL DEFAULT 'shipping'
        CHECK (delivery_method IN ('shipping', 'pickup')),
    ADD COLUMN pickup_point text NOT NULL DEFAULT '' CHECK (length(pickup_point) <= 64),
    ADD COLUMN pickup_ready_at timestamptz,
    ADD COLUMN picked_up_at timestamptz,
    ADD CONSTRAINT orders_pickup_names_point CHECK ((delivery_method = 'pickup') = (pickup_point <> '')),
    ADD CONSTRAINT orders_pickup_ready_check CHECK (pickup_ready_at IS NULL OR delivery_method = 'pickup');

-- The admin's "not collected" filter: pickup orders ready and still waiting.
CREATE INDEX orders_pickup_waiting_idx ON orders (pickup_ready_at)
    WHERE delivery_method = 'pickup' AND picked_up_at IS NULL AND pickup_ready_at IS NOT NULL;

-- +goose Down
DROP INDEX orders_pickup_waiting_idx;
ALTER TABLE orders DROP CONSTRAINT orders_pickup_ready_check, DROP CONSTRAINT orders_pickup_names_point,
    DROP COLUMN picked_up_at, DROP COLUMN pickup_ready_at, DROP COLUMN pickup_point, DROP COLUMN delivery_method;
