-- Indexes that serve a ListClaims filter and its order together (issue 16,
-- "reads at tonic speed"), so that a page reads its 50 claims in order
-- instead of sorting every match: `status = X` oldest first (the default
-- order) and newest first.

CREATE INDEX claims_by_state ON claims (review_state, id);
CREATE INDEX claims_by_state_time ON claims (review_state, create_time, id);

-- The agencies of each article's credit line, one row each, as the
-- `agency` filter reads them: the credit line lower-cased (SQLite's
-- `lower`, ASCII), `, ` read as `,`, split at every comma, empty names left
-- out. `agency = x` was a test of every article's credit line; it is now an
-- index lookup. The trigger keeps it for every way an article is stored
-- (articles are never updated nor deleted but through their claims).

CREATE TABLE article_agencies (
    agency     TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (agency, article_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX article_agencies_by_article ON article_agencies (article_id);

INSERT OR IGNORE INTO article_agencies (agency, article_id)
SELECT names.value, a.id
FROM articles a,
     json_each('[' || replace(json_quote(replace(lower(a.credit), ', ', ',')), ',', '","') || ']') AS names
WHERE a.credit IS NOT NULL AND names.value != '';

CREATE TRIGGER article_agencies_on_insert AFTER INSERT ON articles
WHEN NEW.credit IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO article_agencies (agency, article_id)
    SELECT names.value, NEW.id
    FROM json_each('[' || replace(json_quote(replace(lower(NEW.credit), ', ', ',')), ',', '","') || ']') AS names
    WHERE names.value != '';
END;

-- `source = x` compares the publisher in any case, as `agency` does.
CREATE INDEX articles_by_publisher_lower ON articles (lower(coalesce(publisher, '')), id);
