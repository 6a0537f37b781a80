-- +goose Up
-- Revenue attribution (package ledger). ledger_entries is append-only: the application
-- never updates or deletes a row and the triggers below refuse it for everyone (the app
-- connects as the table's owner, so privileges alone would not stop it); a correction is
-- a new entry. The source documents beside it (order_refunds, payouts, workshop_shares)
-- are append-only too, so that `libres reconcile` can always recompute the ledger.

-- +goose StatementBegin
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'record a correction as a new entry';
END;
$$;
-- +goose StatementEnd

-- A workshop's share of its net sales, in basis points, from effective_from until the
-- next row (the latest effective_from <= t wins; same instant: the latest id).
CREATE TABLE workshop_shares (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workshop_id    bigint NOT NULL REFERENCES workshops (id),
    bps            int NOT NULL CHECK (bps BETWEEN 0 AND 10000),
    effective_from timestamptz NOT NULL,
    created_by     text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workshop_shares_idx ON workshop_shares (workshop_id, effective_from DESC, id DESC);

-- Money given back for an order, one row per refund (package order writes it in the
-- refund's transaction): the amount and the lines chosen (empty: an amount for the
-- whole order), so the ledger's split can be recomputed.
CREATE TABLE order_refunds (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES orders (id),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    lines        int[] NOT NULL DEFAULT '{}',
    reference    text NOT NULL DEFAULT '',
    actor        text NOT NULL DEFAULT '',
    at           timestamptz NOT NULL
);
CREATE INDEX order_refunds_order_idx ON order_refunds (order_id, id);
CREATE INDEX order_refunds_at_idx ON order_refunds (at);

CREATE TABLE payouts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workshop_id  bigint NOT NULL REFERENCES workshops (id),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    currency     char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    paid_on      date NOT NULL,
    method       text NOT NULL CHECK (method IN ('transfer', 'cash', 'other')),
    reference    text NOT NULL DEFAULT '',
    memo         text NOT NULL DEFAULT '',
    created_by   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payouts_workshop_idx ON payouts (workshop_id, paid_on DESC);

CREATE SEQUENCE ledger_adjustment_seq;

CREATE TABLE ledger_entries (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account      text NOT NULL CHECK (account IN ('workshop', 'foundation_shipping',
                     'foundation_donations', 'foundation')),
    workshop_id  bigint REFERENCES workshops (id),
    kind         text NOT NULL CHECK (kind IN ('sale', 'refund', 'payout', 'adjustment')),
    source       text NOT NULL CHECK (source IN ('order', 'refund', 'payout', 'adjustment', 'quote')),
    source_ref   text NOT NULL CHECK (source_ref <> ''),
    order_id     bigint REFERENCES orders (id),
    order_number text NOT NULL DEFAULT '',
    line_no      int NOT NULL DEFAULT 0 CHECK (line_no >= 0),
    product_id   bigint NOT NULL DEFAULT 0,
    variant_id   bigint NOT NULL DEFAULT 0,
    title        text NOT NULL DEFAULT '',
    size         text NOT NULL DEFAULT '',
    quantity     int NOT NULL DEFAULT 0,
    amount_minor bigint NOT NULL,
    share_bps    int NOT NULL DEFAULT 0 CHECK (share_bps BETWEEN 0 AND 10000),
    share_minor  bigint NOT NULL DEFAULT 0,
    currency     char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    occurred_at  timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL DEFAULT '',
    memo         text NOT NULL DEFAULT '',
    CHECK ((account = 'workshop') = (workshop_id IS NOT NULL)),
    CHECK (kind <> 'sale' OR amount_minor >= 0),
    CHECK (kind <> 'refund' OR amount_minor <= 0),
    CHECK (kind <> 'payout' OR (amount_minor < 0 AND share_minor = amount_minor)),
    -- One entry per source document, account and line: a retried transaction cannot
    -- post twice.
    UNIQUE (source, source_ref, account, line_no)
);
CREATE INDEX ledger_entries_workshop_idx ON ledger_entries (workshop_id, occurred_at);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account, occurred_at);
CREATE INDEX ledger_entries_order_idx ON ledger_entries (order_id) WHERE order_id IS NOT NULL;

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER order_refunds_append_only BEFORE UPDATE OR DELETE ON order_refunds
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER order_refunds_no_truncate BEFORE TRUNCATE ON order_refunds
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER payouts_append_only BEFORE UPDATE OR DELETE ON payouts
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER payouts_no_truncate BEFORE TRUNCATE ON payouts
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER workshop_shares_append_only BEFORE UPDATE OR DELETE ON workshop_shares
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- +goose Down
DROP TABLE ledger_entries;
DROP SEQUENCE ledger_adjustment_seq;
DROP TABLE payouts;
DROP TABLE order_refunds;
DROP TABLE workshop_shares;
DROP FUNCTION refuse_change();
