-- +goose Up
-- Emails waiting to become delivery jobs (internal/notify): a use case writes its email
-- here, one small row in its own transaction, and a working process moves the rows into
-- River's jobs in batches, deleting them in the transaction that inserts the jobs, so
-- each row becomes exactly one job. A River job inserted directly costs a statement
-- several times heavier, in the transactions that hold the stock of a checkout.
CREATE TABLE email_outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message    json NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A transaction that sets libres.notify_after_commit (set_config(..., true)) sends the
-- catalog_changed and cart_changed notifications of its changes itself, after it
-- commits: the checkout's statement (internal/order, placeSQL). PostgreSQL commits the
-- transactions that notify one at a time (a database-wide lock taken at commit), and
-- checkouts waiting for it while holding their variants' rows made each wait for all
-- the others; a notification sent after the commit holds no row. Every other change
-- notifies as before, in its transaction.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION notify_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('libres.notify_after_commit', true) IS DISTINCT FROM 'on' THEN
        PERFORM pg_notify('catalog_changed', TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION notify_cart_lines_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k text;
BEGIN
    IF current_setting('libres.notify_after_commit', true) = 'on' THEN
        RETURN NULL;
    END IF;
    SELECT cart_notify_key(c.user_id, c.token_hash) INTO k FROM carts c
        WHERE c.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.cart_id ELSE NEW.cart_id END;
    IF k IS NOT NULL THEN
        PERFORM pg_notify('cart_changed', k);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- The checkout's statement takes the stock of every line where there is enough; when a
-- line is short it calls this, which raises SQLSTATE LB409 so that nothing of the
-- statement stays (the stock taken for the other lines, the order written).
-- +goose StatementBegin
CREATE FUNCTION checkout_sold_out() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION 'checkout: a line is short of stock' USING ERRCODE = 'LB409';
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION checkout_sold_out();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION notify_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('catalog_changed', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION notify_cart_lines_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k text;
BEGIN
    SELECT cart_notify_key(c.user_id, c.token_hash) INTO k FROM carts c
        WHERE c.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.cart_id ELSE NEW.cart_id END;
    IF k IS NOT NULL THEN
        PERFORM pg_notify('cart_changed', k);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
DROP TABLE email_outbox;
