-- Several trackers, one ledger: every natural key includes the cluster; the outbox records it too.

DROP INDEX releases_natural_key;
CREATE UNIQUE INDEX releases_natural_key ON releases (cluster, workload_uid, template_hash, revision_key);
DROP INDEX releases_number;
CREATE UNIQUE INDEX releases_number ON releases (cluster, workload_uid, release_number);
CREATE INDEX releases_workload ON releases (workload_uid, release_number DESC);

CREATE TABLE workloads_v2 (
  uid         TEXT NOT NULL,
  cluster     TEXT NOT NULL,
  namespace   TEXT NOT NULL,
  kind        TEXT NOT NULL,
  name        TEXT NOT NULL,
  labels      TEXT NOT NULL,                  -- JSON Record<string, string>
  created_at  INTEGER,
  deleted_at  INTEGER,
  observed_at INTEGER NOT NULL,
  PRIMARY KEY (cluster, uid)
);
INSERT INTO workloads_v2 SELECT uid, cluster, namespace, kind, name, labels, created_at, deleted_at, observed_at FROM workloads;
DROP TABLE workloads;
ALTER TABLE workloads_v2 RENAME TO workloads;
CREATE INDEX workloads_ns_kind_name ON workloads (namespace, kind, name);

CREATE TABLE workload_events_v2 (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  workload_uid     TEXT NOT NULL,
  cluster          TEXT NOT NULL,
  namespace        TEXT NOT NULL,
  kind             TEXT NOT NULL,
  name             TEXT NOT NULL,
  type             TEXT NOT NULL,
  time             INTEGER NOT NULL,
  resource_version TEXT NOT NULL,
  actor            TEXT NOT NULL,             -- JSON Actor
  detail           TEXT NOT NULL,             -- JSON object
  UNIQUE (cluster, workload_uid, type, resource_version)
);
INSERT INTO workload_events_v2 SELECT seq, workload_uid, cluster, namespace, kind, name, type, time, resource_version, actor, detail FROM workload_events;
DROP TABLE workload_events;
ALTER TABLE workload_events_v2 RENAME TO workload_events;
CREATE INDEX workload_events_time ON workload_events (workload_uid, time);

ALTER TABLE outbox ADD COLUMN cluster TEXT NOT NULL DEFAULT 'default';
