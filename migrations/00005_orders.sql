-- +goose Up
-- Carts, orders and their lines, stock reservations, the order timeline and the payment
-- events already applied. Stock: variants.stock_on_hand is what shoppers can still buy;
-- placing an order takes its quantities off it (a reservation), an expiry or a cancel
-- gives them back, a payment commits them (nothing moves).
CREATE TYPE order_status AS ENUM ('pending_payment', 'awaiting_payment', 'paid', 'shipped',
    'delivered', 'cancelled', 'refunded');
CREATE TYPE payment_method AS ENUM ('card', 'transfer', 'cod');

-- An anonymous cart is found by the sha256 of the random token in the shopper's cookie;
-- a logged-in shopper's by the user. placed_order_id remembers the order the cart just
-- became, so a double-submitted checkout returns that order instead of a second one.
CREATE TABLE carts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash      bytea UNIQUE CHECK (length(token_hash) = 32),
    user_id         bigint UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    placed_order_id bigint,
    placed_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (token_hash IS NOT NULL OR user_id IS NOT NULL)
);
CREATE INDEX carts_updated_idx ON carts (updated_at);

CREATE TABLE cart_lines (
    cart_id               bigint NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id            bigint NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    quantity              int NOT NULL CHECK (quantity > 0),
    unit_minor_when_added bigint NOT NULL CHECK (unit_minor_when_added >= 0),
    added_at              timestamptz NOT NULL,
    PRIMARY KEY (cart_id, variant_id)
);

CREATE SEQUENCE order_number_seq;

CREATE TABLE orders (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number              text NOT NULL UNIQUE CHECK (number ~ '^LIB-[0-9]{4}-[0-9]{6,}$'),
    status              order_status NOT NULL,
    payment_method      payment_method NOT NULL,
    user_id             bigint REFERENCES users (id) ON DELETE SET NULL,
    email               text NOT NULL CHECK (position('@' IN email) > 1),
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone               text NOT NULL,
    lang                text NOT NULL CHECK (lang IN ('es', 'en')),
    department          text NOT NULL,
    city                text NOT NULL,
    address_line        text NOT NULL,
    notes               text NOT NULL DEFAULT '',
    currency            char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    subtotal_minor      bigint NOT NULL CHECK (subtotal_minor >= 0),
    tax_minor           bigint NOT NULL CHECK (tax_minor >= 0),
    shipping_minor      bigint NOT NULL CHECK (shipping_minor >= 0),
    donation_minor      bigint NOT NULL CHECK (donation_minor >= 0),
    total_minor         bigint NOT NULL CHECK (total_minor = subtotal_minor + shipping_minor + donation_minor),
    refunded_minor      bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= total_minor),
    provider_session_id text NOT NULL DEFAULT '',
    payment_ref         text NOT NULL DEFAULT '',
    expires_at          timestamptz,  -- the reservation's expiry while unpaid
    reminder_sent_at    timestamptz,
    flagged             boolean NOT NULL DEFAULT false,
    flag_reason         text NOT NULL DEFAULT '',
    carrier             text NOT NULL DEFAULT '',
    tracking            text NOT NULL DEFAULT '',
    -- Ley 1581 consent of a guest (a user's goes to consents).
    policy_version      text NOT NULL DEFAULT '',
    policy_accepted_at  timestamptz,
    policy_ip           text NOT NULL DEFAULT '',
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    paid_at             timestamptz,
    shipped_at          timestamptz,
    delivered_at        timestamptz,
    cancelled_at        timestamptz
);
CREATE INDEX orders_user_idx ON orders (user_id, created_at DESC) WHERE user_id IS NOT NULL;
CREATE INDEX orders_created_idx ON orders (created_at DESC);
CREATE INDEX orders_status_idx ON orders (status, created_at DESC);
CREATE INDEX orders_open_expiry_idx ON orders (expires_at)
    WHERE status IN ('pending_payment', 'awaiting_payment');
CREATE INDEX orders_email_idx ON orders (lower(email));
CREATE INDEX orders_session_idx ON orders (provider_session_id) WHERE provider_session_id <> '';
CREATE TRIGGER orders_updated_at BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE carts ADD CONSTRAINT carts_placed_order_fk FOREIGN KEY (placed_order_id)
    REFERENCES orders (id) ON DELETE SET NULL;

-- Snapshots: what was bought, at what price, made by which workshop, whatever the
-- catalog says later. variant/product ids are kept for links, not as foreign keys
-- (a product may be deleted; the sale stays).
CREATE TABLE order_lines (
    order_id         bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no          int NOT NULL CHECK (line_no >= 1),
    variant_id       bigint NOT NULL,
    product_id       bigint NOT NULL,
    workshop_id      bigint NOT NULL REFERENCES workshops (id),
    workshop_name    text NOT NULL,
    product_slug     text NOT NULL,
    title_es         text NOT NULL,
    title_en         text NOT NULL,
    sku              text NOT NULL,
    size             text NOT NULL DEFAULT '',
    color_es         text NOT NULL DEFAULT '',
    color_en         text NOT NULL DEFAULT '',
    unit_minor       bigint NOT NULL CHECK (unit_minor >= 0),
    quantity         int NOT NULL CHECK (quantity > 0),
    tax_class        tax_class NOT NULL,
    tax_minor        bigint NOT NULL CHECK (tax_minor >= 0),
    line_total_minor bigint NOT NULL CHECK (line_total_minor = unit_minor * quantity),
    PRIMARY KEY (order_id, line_no),
    UNIQUE (order_id, variant_id)
);
CREATE INDEX order_lines_workshop_idx ON order_lines (workshop_id);
CREATE INDEX order_lines_variant_idx ON order_lines (variant_id);

-- Stock taken off variants.stock_on_hand for an unpaid order: given back once when
-- released, kept when committed (paid); never both.
CREATE TABLE stock_reservations (
    order_id     bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    variant_id   bigint NOT NULL REFERENCES variants (id),
    quantity     int NOT NULL CHECK (quantity > 0),
    expires_at   timestamptz,  -- NULL: held until staff act (cash on delivery)
    released_at  timestamptz,
    committed_at timestamptz,
    PRIMARY KEY (order_id, variant_id),
    CHECK (released_at IS NULL OR committed_at IS NULL)
);
CREATE INDEX stock_reservations_open_idx ON stock_reservations (expires_at)
    WHERE released_at IS NULL AND committed_at IS NULL;

-- The order's timeline, append-only.
CREATE TABLE order_events (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    at       timestamptz NOT NULL,
    kind     text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
    actor    text NOT NULL DEFAULT '',
    detail   text NOT NULL DEFAULT ''
);
CREATE INDEX order_events_order_idx ON order_events (order_id, at, id);

-- Provider events already applied: inserted in the same transaction as the event's
-- effect, so a redelivered event finds its row and does nothing.
CREATE TABLE payment_events (
    provider    text NOT NULL,
    event_id    text NOT NULL,
    order_id    bigint REFERENCES orders (id) ON DELETE SET NULL,
    type        text NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (provider, event_id)
);
CREATE INDEX payment_events_order_idx ON payment_events (order_id);

-- +goose Down
DROP TABLE payment_events;
DROP TABLE order_events;
DROP TABLE stock_reservations;
DROP TABLE order_lines;
ALTER TABLE carts DROP CONSTRAINT carts_placed_order_fk;
DROP TRIGGER orders_updated_at ON orders;
DROP TABLE orders;
DROP SEQUENCE order_number_seq;
DROP TABLE cart_lines;
DROP TABLE carts;
DROP TYPE payment_method;
DROP TYPE order_status;
