-- Stats read every release started in a window, but only these columns (sql/ledger-store.ts
-- statsQuery): a covering index lets PostgreSQL answer with an index-only scan of one range instead
-- of fetching the wide rows (JSONB columns) from the heap. Keyed like releases_started, so a plan
-- that picks it for newest-first history still needs no sort.
CREATE INDEX releases_stats ON releases (started_at DESC, id DESC) INCLUDE (cluster, namespace, workload_uid, kind, name, finished_at, outcome);
