-- +goose Up
CREATE EXTENSION IF NOT EXISTS unaccent;

-- Search configuration: Spanish stemming on unaccented, lowercased text, so "cafe" finds
-- "Café" and "zapatos" finds "Zapato". English text is indexed with the English stemmer.
CREATE TEXT SEARCH CONFIGURATION libres_es (COPY = pg_catalog.spanish);
ALTER TEXT SEARCH CONFIGURATION libres_es
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
CREATE TEXT SEARCH CONFIGURATION libres_en (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION libres_en
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

CREATE TYPE facility_kind AS ENUM ('prison', 'post_release');
CREATE TYPE product_status AS ENUM ('draft', 'active', 'archived');
CREATE TYPE tax_class AS ENUM ('standard', 'exempt');

CREATE TABLE workshops (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    facility        text NOT NULL CHECK (length(facility) BETWEEN 1 AND 200),
    facility_kind   facility_kind NOT NULL,
    city            text NOT NULL,
    department      text NOT NULL,
    craft_es        text NOT NULL,
    craft_en        text NOT NULL,
    story_es        text NOT NULL DEFAULT '',
    story_en        text NOT NULL DEFAULT '',
    active          boolean NOT NULL DEFAULT true,
    -- Consent record: what the workshop's members agreed may be shown publicly.
    -- Workshop-level credit is always allowed; the rest defaults to no.
    consent_workshop_photos boolean NOT NULL DEFAULT false,
    consent_first_names     boolean NOT NULL DEFAULT false,
    consent_people_photos   boolean NOT NULL DEFAULT false,
    consent_recorded_on     date,
    consent_recorded_by     text NOT NULL DEFAULT '',
    consent_note            text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE categories (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key         text NOT NULL UNIQUE,
    slug_es     text NOT NULL UNIQUE CHECK (slug_es ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    slug_en     text NOT NULL UNIQUE CHECK (slug_en ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name_es     text NOT NULL,
    name_en     text NOT NULL,
    description_es text NOT NULL DEFAULT '',
    description_en text NOT NULL DEFAULT '',
    position    int NOT NULL DEFAULT 0
);

CREATE TABLE products (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    workshop_id     bigint NOT NULL REFERENCES workshops(id),
    category_id     bigint NOT NULL REFERENCES categories(id),
    title_es        text NOT NULL CHECK (length(title_es) BETWEEN 1 AND 200),
    title_en        text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 200),
    description_es  text NOT NULL DEFAULT '',
    description_en  text NOT NULL DEFAULT '',
    status          product_status NOT NULL DEFAULT 'draft',
    price_minor     bigint NOT NULL CHECK (price_minor >= 0),
    currency        char(3) NOT NULL DEFAULT 'COP' CHECK (currency ~ '^[A-Z]{3}$'),
    tax_class       tax_class NOT NULL DEFAULT 'standard',
    featured        boolean NOT NULL DEFAULT false,
    published_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    search_es       tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('libres_es', title_es), 'A') ||
        setweight(to_tsvector('libres_es', description_es), 'C')) STORED,
    search_en       tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('libres_en', title_en), 'A') ||
        setweight(to_tsvector('libres_en', description_en), 'C')) STORED
);
CREATE INDEX products_workshop_idx ON products (workshop_id);
CREATE INDEX products_category_idx ON products (category_id, status);
CREATE INDEX products_search_es_idx ON products USING gin (search_es);
CREATE INDEX products_search_en_idx ON products USING gin (search_en);

CREATE TABLE variants (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id      bigint NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    sku             text NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 64),
    size            text NOT NULL DEFAULT '',
    color_es        text NOT NULL DEFAULT '',
    color_en        text NOT NULL DEFAULT '',
    price_override_minor bigint CHECK (price_override_minor >= 0),
    stock_on_hand   int NOT NULL DEFAULT 0 CHECK (stock_on_hand >= 0),
    position        int NOT NULL DEFAULT 0,
    UNIQUE (product_id, size, color_es)
);
CREATE INDEX variants_product_idx ON variants (product_id);

CREATE TABLE photos (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id  bigint NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    object_key  text NOT NULL,
    width       int NOT NULL CHECK (width > 0),
    height      int NOT NULL CHECK (height > 0),
    renditions  int[] NOT NULL,
    alt_es      text NOT NULL DEFAULT '',
    alt_en      text NOT NULL DEFAULT '',
    position    int NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (product_id, object_key)
);
CREATE INDEX photos_product_idx ON photos (product_id, position);

-- updated_at follows every change (sitemap lastmod, caches), whoever writes the row.
-- +goose StatementBegin
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER products_updated_at BEFORE UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER workshops_updated_at BEFORE UPDATE ON workshops
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Small key/value settings, e.g. demo=true when the catalog is sample data.
CREATE TABLE site_settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- +goose Down
DROP TABLE site_settings;
DROP TRIGGER workshops_updated_at ON workshops;
DROP TRIGGER products_updated_at ON products;
DROP FUNCTION set_updated_at();
DROP TABLE photos;
DROP TABLE variants;
DROP TABLE products;
DROP TABLE categories;
DROP TABLE workshops;
DROP TYPE tax_class;
DROP TYPE product_status;
DROP TYPE facility_kind;
DROP TEXT SEARCH CONFIGURATION libres_en;
DROP TEXT SEARCH CONFIGURATION libres_es;
DROP EXTENSION IF EXISTS unaccent;
