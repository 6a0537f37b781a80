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

-- +goose Down
DROP TABLE email_outbox;
