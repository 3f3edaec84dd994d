-- Stats kept incrementally (sql/stats-days.ts): a report over 30 days at a million releases read and
-- reduced ~80,000 rows; it now reads one row per cluster, namespace and day. Both tables are
-- maintained by the release upsert in its transaction; this migration backfills them.

-- One workload's releases in start order, with what incidents need: the upsert re-derives the
-- incidents of the stretch of history a change can affect from this index alone.
CREATE INDEX releases_workload_started ON releases (cluster, workload_uid, started_at, id, outcome, finished_at);

-- Every restored incident: a run of failed releases of one workload closed by a succeeded release
-- (stats.ts restoredIncidents). head_id is the run's first failure; times are epoch ms.
CREATE TABLE release_incidents (
  cluster        TEXT NOT NULL,
  workload_uid   TEXT NOT NULL,
  namespace      TEXT NOT NULL,
  head_id        TEXT NOT NULL,
  opened_at      INTEGER NOT NULL,
  last_failed_at INTEGER NOT NULL,
  restored_at    INTEGER NOT NULL,
  PRIMARY KEY (cluster, workload_uid, opened_at, head_id)
);
CREATE INDEX release_incidents_opened ON release_incidents (opened_at);
-- An incident open across a window's start: last failure inside, opened before (covering: no row look-ups).
CREATE INDEX release_incidents_last_failed ON release_incidents (last_failed_at, opened_at, cluster, namespace, workload_uid, restored_at);

-- Per UTC day of started_at (floor(started_at / 86400000)), cluster and namespace: releases started,
-- how many failed (failed, rolled-back) and ended (succeeded, failed, rolled-back), the durations of
-- the succeeded ones and the restore times of the incidents opened that day, each as an exact
-- histogram in JSON text: {"<ms>": <count>}.
CREATE TABLE release_stats_days (
  day           INTEGER NOT NULL,
  cluster       TEXT NOT NULL,
  namespace     TEXT NOT NULL,
  releases      INTEGER NOT NULL,
  failures      INTEGER NOT NULL,
  ended         INTEGER NOT NULL,
  durations     TEXT NOT NULL,
  restore_times TEXT NOT NULL,
  PRIMARY KEY (day, cluster, namespace)
);

-- Backfill. Decisive releases (failures, and successes with a finish time) in start order per
-- workload; s counts the successes so far, so a run of failures shares one s and is closed by the
-- success numbered s + 1.
WITH d AS (
  SELECT cluster, workload_uid, namespace, id, started_at, finished_at, outcome,
    SUM(CASE WHEN outcome = 'succeeded' THEN 1 ELSE 0 END) OVER (PARTITION BY cluster, workload_uid ORDER BY started_at, id ROWS UNBOUNDED PRECEDING) AS s
  FROM releases
  WHERE outcome IN ('failed', 'rolled-back') OR (outcome = 'succeeded' AND finished_at IS NOT NULL)
), f AS (
  SELECT cluster, workload_uid, namespace, id, started_at, s,
    ROW_NUMBER() OVER (PARTITION BY cluster, workload_uid, s ORDER BY started_at, id) AS k,
    MAX(started_at) OVER (PARTITION BY cluster, workload_uid, s) AS last_failed_at
  FROM d WHERE outcome <> 'succeeded'
)
INSERT INTO release_incidents (cluster, workload_uid, namespace, head_id, opened_at, last_failed_at, restored_at)
SELECT f.cluster, f.workload_uid, f.namespace, f.id, f.started_at, f.last_failed_at, ok.finished_at
FROM f JOIN d ok ON ok.cluster = f.cluster AND ok.workload_uid = f.workload_uid AND ok.s = f.s + 1 AND ok.outcome = 'succeeded'
WHERE f.k = 1;

INSERT INTO release_stats_days (day, cluster, namespace, releases, failures, ended, durations, restore_times)
SELECT day, cluster, namespace, SUM(releases), SUM(failures), SUM(ended), COALESCE(MAX(durations), '{}'), COALESCE(MAX(restore_times), '{}')
FROM (
  SELECT started_at / 86400000 AS day, cluster, namespace, COUNT(*) AS releases,
    SUM(CASE WHEN outcome IN ('failed', 'rolled-back') THEN 1 ELSE 0 END) AS failures,
    SUM(CASE WHEN outcome IN ('succeeded', 'failed', 'rolled-back') THEN 1 ELSE 0 END) AS ended,
    NULL AS durations, NULL AS restore_times
  FROM releases GROUP BY started_at / 86400000, cluster, namespace
  UNION ALL
  SELECT day, cluster, namespace, 0, 0, 0, json_group_object(CAST(v AS TEXT), n), NULL
  FROM (SELECT started_at / 86400000 AS day, cluster, namespace, finished_at - started_at AS v, COUNT(*) AS n
        FROM releases WHERE outcome = 'succeeded' AND finished_at IS NOT NULL
        GROUP BY started_at / 86400000, cluster, namespace, finished_at - started_at) x
  GROUP BY day, cluster, namespace
  UNION ALL
  SELECT day, cluster, namespace, 0, 0, 0, NULL, json_group_object(CAST(v AS TEXT), n)
  FROM (SELECT opened_at / 86400000 AS day, cluster, namespace, restored_at - opened_at AS v, COUNT(*) AS n
        FROM release_incidents GROUP BY opened_at / 86400000, cluster, namespace, restored_at - opened_at) y
  GROUP BY day, cluster, namespace
) t
GROUP BY day, cluster, namespace;
