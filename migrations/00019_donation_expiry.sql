-- +goose Up
-- A card gift whose hosted checkout was never completed expires (package donation's
-- ExpireDue): its own status, never a transfer gift (staff wait for those). A payment
-- that arrives later still receives it: expired_at stays as the record of the lapse.
-- Expand only (docs/migrations.md): a nullable column and widened checks, added
-- NOT VALID and validated in a second statement; the previous release never writes
-- 'expired' and reads it as a status it does not act on.
SET LOCAL lock_timeout = '5s';
ALTER TABLE donations ADD COLUMN expired_at timestamptz;
ALTER TABLE donations DROP CONSTRAINT donations_status_check;
ALTER TABLE donations ADD CONSTRAINT donations_status_check
    CHECK (status IN ('pending', 'received', 'refunded', 'expired')) NOT VALID;
ALTER TABLE donations VALIDATE CONSTRAINT donations_status_check;
ALTER TABLE donations DROP CONSTRAINT donations_check;
ALTER TABLE donations ADD CONSTRAINT donations_check
    CHECK ((status IN ('pending', 'expired')) = (received_at IS NULL)) NOT VALID;
ALTER TABLE donations VALIDATE CONSTRAINT donations_check;
ALTER TABLE donations ADD CONSTRAINT donations_expired_check
    CHECK (status <> 'expired' OR (expired_at IS NOT NULL AND method = 'card')) NOT VALID;
ALTER TABLE donations VALIDATE CONSTRAINT donations_expired_check;

-- +goose Down
SET LOCAL lock_timeout = '5s';
ALTER TABLE donations DROP CONSTRAINT donations_expired_check;
UPDATE donations SET status = 'pending' WHERE status = 'expired';
ALTER TABLE donations DROP CONSTRAINT donations_check;
ALTER TABLE donations ADD CONSTRAINT donations_check CHECK ((status = 'pending') = (received_at IS NULL));
ALTER TABLE donations DROP CONSTRAINT donations_status_check;
ALTER TABLE donations ADD CONSTRAINT donations_status_check CHECK (status IN ('pending', 'received', 'refunded'));
ALTER TABLE donations DROP COLUMN expired_at;
