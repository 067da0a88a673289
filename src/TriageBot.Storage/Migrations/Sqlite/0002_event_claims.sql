-- Event claims: a row with lease_until set is being processed (by a claim that may have died); NULL means done.
-- Rows written before this migration were marked processed at once, so NULL is right for them.
ALTER TABLE processed_events ADD COLUMN lease_until INTEGER NULL;
