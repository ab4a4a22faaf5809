-- Issue 15: each claim's sentence embedding (`embed`, all-MiniLM-L6-v2),
-- quantised to int8 with one scale, made by the server's background embedder
-- off the request path. A claim without a row is waiting for it; correcting a
-- claim's text deletes its row, so a row is always of the current text.
-- (0010: another branch takes 0009.)
CREATE TABLE claim_embeddings (
    claim_id INTEGER PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
    -- `embed::MODEL`: a new model re-embeds every claim.
    model    TEXT NOT NULL,
    scale    REAL NOT NULL CHECK (scale >= 0),
    vector   BLOB NOT NULL CHECK (length(vector) = 384)
) STRICT;
