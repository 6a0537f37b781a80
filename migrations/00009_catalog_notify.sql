-- +goose Up
-- Every change to what the catalog pages show (products, their variants' stock and
-- prices, photos, workshops, categories, site settings) tells every serving process, so
-- each drops the page bytes it keeps (internal/web/pagecache). pg_notify is sent when
-- the writing transaction commits, never for one that rolls back, and PostgreSQL folds
-- identical notifications of one transaction into one. Statement-level triggers: a bulk
-- stock update notifies once, not once per row.
-- +goose StatementBegin
CREATE FUNCTION notify_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('catalog_changed', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER workshops_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON workshops
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
CREATE TRIGGER categories_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
CREATE TRIGGER products_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
CREATE TRIGGER variants_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON variants
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
CREATE TRIGGER photos_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON photos
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
CREATE TRIGGER site_settings_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON site_settings
    FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();

-- +goose Down
DROP TRIGGER site_settings_notify ON site_settings;
DROP TRIGGER photos_notify ON photos;
DROP TRIGGER variants_notify ON variants;
DROP TRIGGER products_notify ON products;
DROP TRIGGER categories_notify ON categories;
DROP TRIGGER workshops_notify ON workshops;
DROP FUNCTION notify_catalog_changed();
