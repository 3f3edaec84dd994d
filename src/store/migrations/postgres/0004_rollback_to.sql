-- A rollback release names the earlier release (its per-workload number) whose template it returns to.
ALTER TABLE releases ADD COLUMN rollback_to BIGINT;
