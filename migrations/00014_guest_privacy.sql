-- +goose Up
-- Ley 1581 gives every data subject the right to have their data deleted, not only
-- people with an account: a guest's name, email, phone and address sit in their orders.
-- A guest asks by email; a single-use link sent there proves the address (the same
-- machinery as the account links: only the token's SHA-256 is stored), and following it
-- records a deletion request for the address, which staff carry out like an account's.

CREATE TABLE guest_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32), -- sha256(token)
    email      citext NOT NULL,
    lang       text NOT NULL DEFAULT 'es' CHECK (lang IN ('es', 'en')),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX guest_tokens_email_idx ON guest_tokens (email, created_at);

-- A request names either an account or, for a guest, an email (replaced by a
-- placeholder once it has been carried out).
ALTER TABLE deletion_requests
    ALTER COLUMN user_id DROP NOT NULL,
    ADD COLUMN email citext,
    ADD COLUMN lang text NOT NULL DEFAULT 'es' CHECK (lang IN ('es', 'en')),
    ADD CONSTRAINT deletion_requests_subject CHECK ((user_id IS NULL) <> (email IS NULL));
CREATE UNIQUE INDEX deletion_requests_open_email_idx ON deletion_requests (email)
    WHERE handled_at IS NULL AND email IS NOT NULL;

-- +goose Down
DELETE FROM deletion_requests WHERE user_id IS NULL;
DROP INDEX deletion_requests_open_email_idx;
ALTER TABLE deletion_requests
    DROP CONSTRAINT deletion_requests_subject,
    DROP COLUMN lang,
    DROP COLUMN email,
    ALTER COLUMN user_id SET NOT NULL;
DROP TABLE guest_tokens;
