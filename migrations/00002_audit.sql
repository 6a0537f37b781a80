-- +goose Up
-- Who changed what, when: every change made through the studio or the admin (products,
-- stock, photos, workshops, users) leaves one row. Rows are only ever inserted.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint,              -- users.id; NULL for the system or a command-line tool
    actor_email text NOT NULL DEFAULT '', -- kept as written: the user may be deleted later
    action      text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
    entity      text NOT NULL,
    entity_id   text NOT NULL DEFAULT '',
    workshop_id bigint,              -- the workshop concerned, so leads' changes can be filtered
    summary     text NOT NULL DEFAULT '',
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC);

-- +goose Down
DROP TABLE audit_log;
