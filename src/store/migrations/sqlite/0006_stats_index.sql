-- Stats read every release started in a window, but only these columns (sql/ledger-store.ts
-- statsQuery): a covering index serves them without visiting the wide rows (JSON columns), so a
-- 30-day report reads one compact index range instead of tens of thousands of table pages.
CREATE INDEX releases_stats ON releases (started_at, cluster, namespace, workload_uid, kind, name, finished_at, outcome);
