-- Retention deletes finished queue items by age; without this the hourly purge scans the whole table.
CREATE INDEX ix_work_items_finished ON work_items (updated_at) WHERE state IN ('done', 'dead');
