-- +goose Up
-- Accounts: users and their roles, workshop memberships, companies (minimal: a later
-- migration adds what quotes need), sessions, single-use links, login throttling, and
-- the records Ley 1581 asks for (consents, deletion requests).
CREATE EXTENSION IF NOT EXISTS citext;

CREATE TYPE user_role AS ENUM ('admin', 'workshop_lead', 'corporate_client', 'customer');
CREATE TYPE account_token_purpose AS ENUM ('reset', 'verify', 'invite');

CREATE TABLE companies (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    nit         text NOT NULL UNIQUE, -- as DIAN writes it, with its check digit: 900.123.456-7
    approved_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email             citext NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1),
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role              user_role NOT NULL,
    password_hash     text,   -- PHC string (argon2id); NULL until an invitee sets one
    lang              text NOT NULL DEFAULT 'es' CHECK (lang IN ('es', 'en')),
    email_verified_at timestamptz,
    disabled_at       timestamptz,
    company_id        bigint REFERENCES companies (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- A corporate client acts for exactly one company; nobody else belongs to one.
    CONSTRAINT users_company_role CHECK ((role = 'corporate_client') = (company_id IS NOT NULL))
);
CREATE INDEX users_company_idx ON users (company_id) WHERE company_id IS NOT NULL;
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE workshop_members (
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workshop_id bigint NOT NULL REFERENCES workshops (id),
    PRIMARY KEY (user_id, workshop_id)
);
CREATE INDEX workshop_members_workshop_idx ON workshop_members (workshop_id);

-- The session token is only ever in the visitor's cookie; a stolen copy of this table
-- holds nothing that logs anyone in.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32), -- sha256(token)
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL, -- absolute: no activity extends it
    ip           text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Single-use links sent by email (password reset, email verification, invitation).
CREATE TABLE account_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32), -- sha256(token)
    purpose    account_token_purpose NOT NULL,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);

-- Failed logins, counted per email and per IP, so throttling holds across replicas.
CREATE TABLE login_failures (
    key text NOT NULL CHECK (key ~ '^(email|ip):'), -- 'email:<address>' or 'ip:<address>'
    at  timestamptz NOT NULL
);
CREATE INDEX login_failures_key_idx ON login_failures (key, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);

-- What a person agreed to, which version of the text, when and from where (Ley 1581).
CREATE TABLE consents (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    what           text NOT NULL CHECK (what ~ '^[a-z_]+$'), -- 'data_policy'
    policy_version text NOT NULL CHECK (policy_version <> ''),
    accepted_at    timestamptz NOT NULL,
    ip             text NOT NULL DEFAULT ''
);
CREATE INDEX consents_user_idx ON consents (user_id);

-- A person asked for their data to be deleted; staff handle it (orders must be kept for
-- the tax records, so deletion is a reviewed step, not a cascade).
CREATE TABLE deletion_requests (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    requested_at timestamptz NOT NULL,
    handled_at   timestamptz
);
CREATE UNIQUE INDEX deletion_requests_open_idx ON deletion_requests (user_id) WHERE handled_at IS NULL;

-- +goose Down
DROP TABLE deletion_requests;
DROP TABLE consents;
DROP TABLE login_failures;
DROP TABLE account_tokens;
DROP TABLE sessions;
DROP TABLE workshop_members;
DROP TRIGGER users_updated_at ON users;
DROP TABLE users;
DROP TABLE companies;
DROP TYPE account_token_purpose;
DROP TYPE user_role;
DROP EXTENSION IF EXISTS citext;
