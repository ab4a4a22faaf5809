-- A revoked token is kept, for the record of who did what, but never
-- authenticates again (`claimdb token revoke`).
ALTER TABLE tokens ADD COLUMN revoke_time INTEGER;
