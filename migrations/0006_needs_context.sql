-- Issue 12: a claim the extractor could not make stand alone keeps the
-- article's words and says so, rather than being dropped or guessed.
ALTER TABLE claims ADD COLUMN needs_context INTEGER NOT NULL DEFAULT 0 CHECK (needs_context IN (0, 1));
