-- +goose Up
-- Every change to a cart's lines (or the cart itself: merged at login, deleted) tells
-- every serving process which cart changed, so each forgets the item count it keeps for
-- the header of cached pages (internal/web/pagecache). The payload names the cart the
-- way a request finds it: 'u:<user id>' or 't:<hex of the token's sha256>'.
-- +goose StatementBegin
CREATE FUNCTION cart_notify_key(uid bigint, token_hash bytea) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN uid IS NOT NULL THEN 'u:' || uid ELSE 't:' || encode(token_hash, 'hex') END
$$;
CREATE FUNCTION notify_cart_lines_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE FUNCTION notify_cart_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('cart_changed', cart_notify_key(OLD.user_id, OLD.token_hash));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('cart_changed', cart_notify_key(NEW.user_id, NEW.token_hash));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER cart_lines_notify AFTER INSERT OR UPDATE OR DELETE ON cart_lines
    FOR EACH ROW EXECUTE FUNCTION notify_cart_lines_changed();
CREATE TRIGGER carts_notify AFTER UPDATE OF user_id, token_hash OR DELETE ON carts
    FOR EACH ROW EXECUTE FUNCTION notify_cart_changed();

-- +goose Down
DROP TRIGGER carts_notify ON carts;
DROP TRIGGER cart_lines_notify ON cart_lines;
DROP FUNCTION notify_cart_changed();
DROP FUNCTION notify_cart_lines_changed();
DROP FUNCTION cart_notify_key(bigint, bytea);
