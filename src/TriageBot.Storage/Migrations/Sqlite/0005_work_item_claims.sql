-- How many times each queue item was claimed. A claim beyond the recorded attempts means an earlier run ended without
-- an outcome (its worker died): the handler checks whether the effect already happened before doing it again.
ALTER TABLE work_items ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;
-- A restarted worker releases the leases it still holds; heartbeats renew leases by owner.
CREATE INDEX ix_work_items_lease_owner ON work_items (lease_owner) WHERE state = 'pending' AND lease_owner IS NOT NULL;
