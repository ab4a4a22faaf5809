-- Reviewing claims (issue 4): review state, verdicts, leases, the review
-- history, claim edit history, the audit log and full-text search.

-- `status` (0001) cannot hold DISPUTED because of its CHECK constraint, and
-- SQLite cannot change a constraint in place; `review_state` is the full
-- review state and what the API serves. `status` is kept in step
-- ('REVIEWED' once a claim has any verdict) for readers of the old column.
ALTER TABLE claims ADD COLUMN review_state TEXT NOT NULL DEFAULT 'UNREVIEWED'
    CHECK (review_state IN ('UNREVIEWED', 'REVIEWED', 'DISPUTED'));
-- The latest review's verdict; NULL while unreviewed.
ALTER TABLE claims ADD COLUMN verdict TEXT
    CHECK (verdict IN ('TRUE', 'MOSTLY_TRUE', 'MIXED', 'MOSTLY_FALSE', 'FALSE',
                       'MISLEADING', 'UNVERIFIABLE', 'NOT_A_CLAIM'));
-- 1 once the verdict needs no further review (at once, or after a second
-- reviewer agreed when second review is on).
ALTER TABLE claims ADD COLUMN verdict_final INTEGER NOT NULL DEFAULT 0
    CHECK (verdict_final IN (0, 1));
-- Who gave the latest verdict, so the queue can keep a claim away from the
-- reviewer it waits on a second opinion from.
ALTER TABLE claims ADD COLUMN last_reviewer TEXT;
-- Grows by one on every change of the claim's content or review state; the
-- etag is derived from it.
ALTER TABLE claims ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
-- The reviewer holding the claim and until when (microseconds since the
-- epoch); a lease whose time has passed is no lease.
ALTER TABLE claims ADD COLUMN lease_holder TEXT;
ALTER TABLE claims ADD COLUMN lease_expire_time INTEGER;
-- Microseconds since the epoch of the last change; NULL if never changed.
ALTER TABLE claims ADD COLUMN update_time INTEGER;

-- The review queue (most check-worthy first within a state) and the orders
-- and filters ListClaims offers.
CREATE INDEX claims_queue ON claims (review_state, checkworthiness, id);
CREATE INDEX claims_by_checkworthiness ON claims (checkworthiness, id);
CREATE INDEX claims_by_create_time ON claims (create_time, id);
CREATE INDEX claims_by_speaker ON claims (speaker, id);
CREATE INDEX claims_by_speaker_time ON claims (speaker, create_time, id);
CREATE INDEX claims_by_verdict ON claims (verdict, id) WHERE verdict IS NOT NULL;

-- Every verdict ever given, append-only.
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    -- The token owner's name.
    reviewer    TEXT NOT NULL,
    token_id    INTEGER NOT NULL,
    verdict     TEXT NOT NULL
        CHECK (verdict IN ('TRUE', 'MOSTLY_TRUE', 'MIXED', 'MOSTLY_FALSE', 'FALSE',
                           'MISLEADING', 'UNVERIFIABLE', 'NOT_A_CLAIM')),
    rationale   TEXT NOT NULL CHECK (length(rationale) > 0),
    create_time INTEGER NOT NULL
) STRICT;
CREATE INDEX reviews_by_claim ON reviews (claim_id, id);
CREATE INDEX reviews_by_reviewer ON reviews (reviewer, create_time);

CREATE TABLE review_evidence (
    review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    idx       INTEGER NOT NULL CHECK (idx >= 0),
    url       TEXT NOT NULL,
    PRIMARY KEY (review_id, idx)
) STRICT;

CREATE TRIGGER reviews_append_only BEFORE UPDATE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'reviews are append-only');
END;
CREATE TRIGGER review_evidence_append_only BEFORE UPDATE ON review_evidence
BEGIN
    SELECT RAISE(ABORT, 'review evidence is append-only');
END;

-- Earlier values of corrected claim fields, one row per field changed.
CREATE TABLE claim_history (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    -- The claim's version the old value belonged to.
    version     INTEGER NOT NULL,
    field       TEXT NOT NULL,
    old_value   TEXT,
    new_value   TEXT,
    editor      TEXT NOT NULL,
    create_time INTEGER NOT NULL
) STRICT;
CREATE INDEX claim_history_by_claim ON claim_history (claim_id, id);

-- Who wrote what, when: one row per write, in the write's transaction.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY,
    create_time INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    token_id    INTEGER,
    method      TEXT NOT NULL,
    resource    TEXT NOT NULL,
    details     TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Full-text index over claim text, sentence and speaker (external content:
-- the words live in `claims`), kept in step by triggers so every write
-- path updates it in the same transaction.
CREATE VIRTUAL TABLE claims_fts USING fts5 (
    text, sentence, speaker,
    content = 'claims', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims
BEGIN
    INSERT INTO claims_fts (rowid, text, sentence, speaker)
    VALUES (new.id, new.text, new.sentence, new.speaker);
END;
CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims
BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text, sentence, speaker)
    VALUES ('delete', old.id, old.text, old.sentence, old.speaker);
END;
CREATE TRIGGER claims_fts_update AFTER UPDATE OF text, sentence, speaker ON claims
BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text, sentence, speaker)
    VALUES ('delete', old.id, old.text, old.sentence, old.speaker);
    INSERT INTO claims_fts (rowid, text, sentence, speaker)
    VALUES (new.id, new.text, new.sentence, new.speaker);
END;
INSERT INTO claims_fts (claims_fts) VALUES ('rebuild');
