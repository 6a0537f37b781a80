-- +goose Up
-- Corporate quotes, the rest of the path (package quote): which workshops do the work and
-- their share of it, the proof the client approves, acceptance, the message thread,
-- deposit and balance payments (card through the payment provider, or a bank transfer
-- staff mark received), production progress per line and size, delivery. Payments
-- credit the workshops in ledger_entries with source 'quote' (refunds 'quote_refund').

ALTER TABLE quotes
    ADD COLUMN accepted_version  int,
    ADD COLUMN accepted_by       bigint REFERENCES users (id),
    ADD COLUMN accepted_at       timestamptz,
    ADD COLUMN proof_approved_at timestamptz,
    ADD COLUMN reminded_at       timestamptz, -- the expiry reminder went out
    ADD COLUMN delivered_at      timestamptz,
    ADD COLUMN delivery_note     text NOT NULL DEFAULT '' CHECK (length(delivery_note) <= 1000);

-- A file is the company's reference artwork or, attached to a version by staff, the proof
-- of the logo placement the client approves.
ALTER TABLE quote_files
    ADD COLUMN kind    text NOT NULL DEFAULT 'reference' CHECK (kind IN ('reference', 'proof')),
    ADD COLUMN version int,
    ADD CONSTRAINT quote_files_proof_version CHECK ((kind = 'proof') = (version IS NOT NULL));

-- The workshops that do a version's work and their share of it (basis points, summing to
-- 10000 per version; checked by the application inside the transaction that writes them).
CREATE TABLE quote_workshops (
    quote_id    bigint NOT NULL,
    version     int NOT NULL,
    workshop_id bigint NOT NULL REFERENCES workshops (id),
    work_bps    int NOT NULL CHECK (work_bps BETWEEN 1 AND 10000),
    PRIMARY KEY (quote_id, version, workshop_id),
    FOREIGN KEY (quote_id, version) REFERENCES quote_versions (quote_id, version) ON DELETE CASCADE
);
CREATE INDEX quote_workshops_workshop_idx ON quote_workshops (workshop_id);

CREATE TABLE quote_messages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    quote_id   bigint NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    author_id  bigint REFERENCES users (id),
    staff      boolean NOT NULL, -- written by the foundation's staff (else the company)
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quote_messages_quote_idx ON quote_messages (quote_id, id);

-- Money received for a quote. A card payment is 'pending' while its hosted checkout is
-- open; a transfer is recorded already paid. refunded_minor grows with refunds.
CREATE TABLE quote_payments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    quote_id       bigint NOT NULL REFERENCES quotes (id),
    kind           text NOT NULL CHECK (kind IN ('deposit', 'balance')),
    method         text NOT NULL CHECK (method IN ('card', 'transfer')),
    status         text NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'expired')),
    amount_minor   bigint NOT NULL CHECK (amount_minor > 0),
    refunded_minor bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
    currency       char(3) NOT NULL DEFAULT 'COP' CHECK (currency ~ '^[A-Z]{3}$'),
    session_id     text UNIQUE,          -- the provider's checkout session
    payment_ref    text NOT NULL DEFAULT '', -- the provider's payment, or the transfer's reference
    recorded_by    bigint REFERENCES users (id),
    paid_at        timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);
CREATE INDEX quote_payments_quote_idx ON quote_payments (quote_id);

CREATE TABLE quote_refunds (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id   bigint NOT NULL REFERENCES quote_payments (id),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    reason       text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    provider_ref text NOT NULL DEFAULT '',
    created_by   bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Production progress: garments cut, sewn and finished per line and size.
CREATE TABLE quote_progress (
    quote_id   bigint NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    line_no    int NOT NULL,
    size       text NOT NULL CHECK (size IN ('xs', 's', 'm', 'l', 'xl', 'xxl')),
    cut        int NOT NULL DEFAULT 0 CHECK (cut >= 0),
    sewn       int NOT NULL DEFAULT 0 CHECK (sewn >= 0 AND sewn <= cut),
    finished   int NOT NULL DEFAULT 0 CHECK (finished >= 0 AND finished <= sewn),
    updated_by bigint REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (quote_id, line_no, size),
    FOREIGN KEY (quote_id, line_no) REFERENCES quote_lines (quote_id, line_no) ON DELETE CASCADE
);

-- Quote payments and their refunds post to the ledger.
ALTER TABLE ledger_entries DROP CONSTRAINT IF EXISTS ledger_entries_source_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_source_check
    CHECK (source IN ('order', 'refund', 'payout', 'adjustment', 'quote', 'quote_refund'));

-- +goose Down
ALTER TABLE ledger_entries DROP CONSTRAINT IF EXISTS ledger_entries_source_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_source_check
    CHECK (source IN ('order', 'refund', 'payout', 'adjustment', 'quote'));
DROP TABLE quote_progress;
DROP TABLE quote_refunds;
DROP TABLE quote_payments;
DROP TABLE quote_messages;
DROP TABLE quote_workshops;
ALTER TABLE quote_files DROP CONSTRAINT quote_files_proof_version, DROP COLUMN version, DROP COLUMN kind;
ALTER TABLE quotes DROP COLUMN accepted_version, DROP COLUMN accepted_by, DROP COLUMN accepted_at,
    DROP COLUMN proof_approved_at, DROP COLUMN reminded_at, DROP COLUMN delivered_at, DROP COLUMN delivery_note;
