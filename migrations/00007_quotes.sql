-- +goose Up
-- Corporate quotes (package quote), first slice: companies sign up and wait for staff
-- approval; an approved company's people request quotes for custom clothing (lines with
-- a size breakdown, reference files); staff price them in versions. Payments, production
-- and the ledger come in later migrations.

-- Companies created by staff before this migration (and by account.CreateCompany) are
-- trusted, hence the default 'approved'; a self sign-up inserts 'pending' explicitly.
ALTER TABLE companies
    ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'approved'
        CONSTRAINT companies_status_check CHECK (status IN ('pending', 'approved', 'rejected')),
    ADD COLUMN IF NOT EXISTS approved_by bigint REFERENCES users (id),
    ADD COLUMN IF NOT EXISTS rejected_at timestamptz,
    ADD COLUMN IF NOT EXISTS rejected_by bigint REFERENCES users (id),
    ADD COLUMN IF NOT EXISTS reject_reason text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS billing_address text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS city text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS contact_name text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS contact_phone text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS contact_email text NOT NULL DEFAULT '';

CREATE TYPE quote_status AS ENUM ('requested', 'quoted', 'accepted', 'declined', 'expired',
    'deposit_paid', 'in_production', 'ready', 'delivered', 'settled', 'cancelled');

-- COT-2026-00042: the year is the request's year in Bogotá; the counter never restarts,
-- so a number is never issued twice.
CREATE SEQUENCE quote_number_seq;

CREATE TABLE quotes (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number        text NOT NULL UNIQUE CHECK (number ~ '^COT-[0-9]{4}-[0-9]{5,}$'),
    company_id    bigint NOT NULL REFERENCES companies (id),
    requested_by  bigint NOT NULL REFERENCES users (id),
    status        quote_status NOT NULL DEFAULT 'requested',
    deadline      date NOT NULL,
    delivery_city text NOT NULL CHECK (length(delivery_city) BETWEEN 1 AND 100),
    notes         text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    status_reason text NOT NULL DEFAULT '',
    valid_until   date, -- of the latest version; NULL until quoted
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quotes_company_idx ON quotes (company_id, created_at DESC);
CREATE INDEX quotes_expiry_idx ON quotes (valid_until) WHERE status = 'quoted';
CREATE TRIGGER quotes_updated_at BEFORE UPDATE ON quotes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE quote_lines (
    quote_id      bigint NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    line_no       int NOT NULL CHECK (line_no >= 1),
    garment       text NOT NULL CHECK (garment IN ('polo', 't-shirt', 'shirt', 'jacket', 'apron', 'cap', 'tote-bag')),
    fabric        text NOT NULL DEFAULT '' CHECK (length(fabric) <= 200),
    colour        text NOT NULL DEFAULT '' CHECK (length(colour) <= 100),
    qty_xs        int NOT NULL DEFAULT 0 CHECK (qty_xs >= 0),
    qty_s         int NOT NULL DEFAULT 0 CHECK (qty_s >= 0),
    qty_m         int NOT NULL DEFAULT 0 CHECK (qty_m >= 0),
    qty_l         int NOT NULL DEFAULT 0 CHECK (qty_l >= 0),
    qty_xl        int NOT NULL DEFAULT 0 CHECK (qty_xl >= 0),
    qty_xxl       int NOT NULL DEFAULT 0 CHECK (qty_xxl >= 0),
    quantity      int NOT NULL CHECK (quantity >= 1),
    customisation text NOT NULL CHECK (customisation IN ('embroidery', 'print')),
    position      text NOT NULL DEFAULT '' CHECK (length(position) <= 200),
    PRIMARY KEY (quote_id, line_no),
    CONSTRAINT quote_lines_total CHECK (quantity = qty_xs + qty_s + qty_m + qty_l + qty_xl + qty_xxl)
);

-- Reference files (logos, artwork). The bytes live in the media store under "quotes/".
CREATE TABLE quote_files (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    quote_id     bigint NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    object_key   text NOT NULL CHECK (object_key LIKE 'quotes/%'),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'application/pdf')),
    size_bytes   bigint NOT NULL CHECK (size_bytes BETWEEN 1 AND 20971520),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quote_files_quote_idx ON quote_files (quote_id);

-- Every price staff give is kept: a new version never replaces an earlier one.
CREATE TABLE quote_versions (
    quote_id        bigint NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    version         int NOT NULL CHECK (version >= 1),
    currency        text NOT NULL DEFAULT 'COP' CHECK (currency = 'COP'),
    unit_prices     jsonb NOT NULL, -- [{"line_no":1,"unit_minor":3500000}, ...]
    setup_fee_minor bigint NOT NULL DEFAULT 0 CHECK (setup_fee_minor >= 0),
    total_minor     bigint NOT NULL CHECK (total_minor >= 0),
    lead_time_days  int NOT NULL CHECK (lead_time_days BETWEEN 1 AND 365),
    valid_until     date NOT NULL,
    deposit_pct     int NOT NULL DEFAULT 50 CHECK (deposit_pct BETWEEN 1 AND 100),
    created_by      bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (quote_id, version)
);

-- +goose Down
DROP TABLE quote_versions;
DROP TABLE quote_files;
DROP TABLE quote_lines;
DROP TABLE quotes;
DROP SEQUENCE quote_number_seq;
DROP TYPE quote_status;
ALTER TABLE companies
    DROP COLUMN IF EXISTS status,
    DROP COLUMN IF EXISTS approved_by,
    DROP COLUMN IF EXISTS rejected_at,
    DROP COLUMN IF EXISTS rejected_by,
    DROP COLUMN IF EXISTS reject_reason,
    DROP COLUMN IF EXISTS billing_address,
    DROP COLUMN IF EXISTS city,
    DROP COLUMN IF EXISTS contact_name,
    DROP COLUMN IF EXISTS contact_phone,
    DROP COLUMN IF EXISTS contact_email;
