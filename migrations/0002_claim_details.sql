-- What the extractor says about each claim beyond its text: the proposition
-- without its reporting frame, kind, checkability, stance, and the entities,
-- quantities, dates and rewrites it carries (issue 3).

ALTER TABLE claims ADD COLUMN content TEXT NOT NULL DEFAULT '';        -- the proposition without the reporting frame
ALTER TABLE claims ADD COLUMN kind TEXT NOT NULL DEFAULT 'STATEMENT'
    CHECK (kind IN ('STATISTIC', 'EVENT', 'STATEMENT', 'PREDICTION', 'OPINION'));
ALTER TABLE claims ADD COLUMN checkable INTEGER NOT NULL DEFAULT 1 CHECK (checkable IN (0, 1));
ALTER TABLE claims ADD COLUMN reporting_verb TEXT;                      -- stance: says, denies, warns, threatens...; NULL when unattributed
ALTER TABLE claims ADD COLUMN polarity TEXT NOT NULL DEFAULT 'AFFIRMS' CHECK (polarity IN ('AFFIRMS', 'DENIES'));
ALTER TABLE claims ADD COLUMN quantities TEXT NOT NULL DEFAULT '[]';    -- JSON array, store-private serde types
ALTER TABLE claims ADD COLUMN rewrites TEXT NOT NULL DEFAULT '[]';      -- JSON array, store-private serde types

CREATE TABLE claim_entities (claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    name TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('PERSON', 'ORGANISATION', 'PLACE', 'OTHER')),
    PRIMARY KEY (claim_id, name, kind)) STRICT;
CREATE INDEX claim_entities_by_name ON claim_entities (name, claim_id);

CREATE TABLE claim_dates (claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    start TEXT NOT NULL, end TEXT NOT NULL, text TEXT NOT NULL) STRICT;   -- ISO YYYY-MM-DD, start <= end
CREATE INDEX claim_dates_by_range ON claim_dates (start, end, claim_id);
CREATE INDEX claim_dates_by_claim ON claim_dates (claim_id);
