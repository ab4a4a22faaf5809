-- Issue 12: one person is one speaker in an article ("Donald Trump"), and
-- what the article called them beside the name ("US President") is kept
-- apart. NULL when the article wrote no role.
ALTER TABLE claims ADD COLUMN speaker_role TEXT;
