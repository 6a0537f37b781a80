-- +goose Up
-- Gifts to the foundation without a purchase (package donation). A donation is its own
-- record with a number (DON-2026-000045); a received one posts to the ledger's
-- foundation_donations account (never a workshop) with source 'donation', a refund with
-- source 'donation_refund'.
CREATE SEQUENCE donation_number_seq;

CREATE TABLE donations (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number           text NOT NULL UNIQUE CHECK (number ~ '^DON-[0-9]{4}-[0-9]{6,}$'),
    status           text NOT NULL CHECK (status IN ('pending', 'received', 'refunded')),
    method           text NOT NULL CHECK (method IN ('transfer', 'card')),
    amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
    currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    name             text NOT NULL CHECK (name <> ''),
    email            text NOT NULL CHECK (position('@' IN email) > 1),
    doc_type         text NOT NULL DEFAULT '' CHECK (doc_type IN ('', 'CC', 'CE', 'NIT', 'PA')),
    doc_number       text NOT NULL DEFAULT '',
    anonymous        boolean NOT NULL DEFAULT false,
    consent_version  text NOT NULL CHECK (consent_version <> ''),
    consent_at       timestamptz NOT NULL,
    consent_ip       text NOT NULL DEFAULT '',
    lang             text NOT NULL DEFAULT 'es' CHECK (lang IN ('es', 'en')),
    session_id       text,
    payment_ref      text NOT NULL DEFAULT '',
    refund_ref       text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL,
    received_at      timestamptz,
    refunded_at      timestamptz,
    CHECK ((status = 'pending') = (received_at IS NULL)),
    CHECK ((status = 'refunded') = (refunded_at IS NOT NULL))
);
CREATE INDEX donations_created_idx ON donations (created_at DESC, id DESC);
CREATE INDEX donations_received_idx ON donations (received_at) WHERE received_at IS NOT NULL;
CREATE UNIQUE INDEX donations_session_idx ON donations (session_id) WHERE session_id IS NOT NULL;

ALTER TABLE ledger_entries DROP CONSTRAINT IF EXISTS ledger_entries_source_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_source_check
    CHECK (source IN ('order', 'refund', 'payout', 'adjustment', 'quote', 'quote_refund',
                      'donation', 'donation_refund'));

-- +goose Down
ALTER TABLE ledger_entries DROP CONSTRAINT IF EXISTS ledger_entries_source_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_source_check
    CHECK (source IN ('order', 'refund', 'payout', 'adjustment', 'quote', 'quote_refund'));
DROP TABLE donations;
DROP SEQUENCE donation_number_seq;
