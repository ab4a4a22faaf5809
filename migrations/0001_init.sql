-- The first schema: articles, their claims, API tokens and server settings.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('reader', 'reviewer', 'admin')),
    -- SHA-256 of the token; the token itself is never stored.
    token_sha256 BLOB NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    create_time  INTEGER NOT NULL
) STRICT;

CREATE TABLE articles (
    id                INTEGER PRIMARY KEY,
    sha256            BLOB NOT NULL UNIQUE CHECK (length(sha256) = 32),
    body              TEXT NOT NULL,
    title             TEXT,
    source_url        TEXT,
    publisher         TEXT,
    credit            TEXT,
    dateline          TEXT,
    published_date    TEXT,
    extractor_version TEXT NOT NULL,
    claim_count       INTEGER NOT NULL CHECK (claim_count >= 0),
    -- Microseconds since the Unix epoch.
    create_time       INTEGER NOT NULL
) STRICT;

CREATE TABLE claims (
    id                INTEGER PRIMARY KEY,
    article_id        INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    text              TEXT NOT NULL,
    sentence          TEXT NOT NULL,
    -- UTF-8 byte offsets into articles.body.
    span_start        INTEGER NOT NULL CHECK (span_start >= 0),
    span_end          INTEGER NOT NULL CHECK (span_end >= span_start),
    speaker           TEXT NOT NULL,
    checkworthiness   REAL NOT NULL CHECK (checkworthiness BETWEEN 0 AND 1),
    extractor_version TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('UNREVIEWED', 'REVIEWED')),
    create_time       INTEGER NOT NULL
) STRICT;

CREATE INDEX claims_by_article ON claims (article_id, id);
