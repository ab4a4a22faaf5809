-- Issue 15: claims imported with another fact-checker's review (ClaimReview).
-- One row per such claim; the claim's own verdict columns carry the mapped
-- verdict, this row what the publisher wrote and where.
CREATE TABLE external_reviews (
    claim_id      INTEGER PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
    publisher     TEXT NOT NULL,
    publisher_url TEXT,
    -- The review page; what identifies the review when it has one.
    url           TEXT UNIQUE,
    -- `review::claimreview::external_review_key`: normalised publisher and
    -- claim text, what identifies a review that has no URL.
    review_key    TEXT NOT NULL,
    review_date   TEXT,                 -- YYYY-MM-DD
    rating        TEXT NOT NULL,        -- the words as published
    verdict       TEXT NOT NULL
        CHECK (verdict IN ('TRUE', 'MOSTLY_TRUE', 'MIXED', 'MOSTLY_FALSE', 'FALSE',
                           'MISLEADING', 'UNVERIFIABLE', 'NOT_A_CLAIM')),
    create_time   INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX external_reviews_without_url ON external_reviews (review_key) WHERE url IS NULL;
