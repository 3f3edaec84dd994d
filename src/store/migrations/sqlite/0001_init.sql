-- rollscope ledger, SQLite dialect, version 1. Times are epoch milliseconds (INTEGER); JSON columns are TEXT.

CREATE TABLE releases (
  id                  TEXT PRIMARY KEY,
  cluster             TEXT NOT NULL,
  namespace           TEXT NOT NULL,
  kind                TEXT NOT NULL,
  name                TEXT NOT NULL,
  workload_uid        TEXT NOT NULL,
  release_number      INTEGER NOT NULL,
  revision            TEXT,
  revision_key        TEXT NOT NULL,          -- revision, or '' when null (part of the natural key)
  template_hash       TEXT NOT NULL,
  trigger             TEXT NOT NULL,
  images              TEXT NOT NULL,          -- JSON ContainerImage[]
  image_text          TEXT NOT NULL,          -- images joined by newlines, for --image substring search
  actor               TEXT NOT NULL,          -- JSON Actor
  change_cause        TEXT,
  previous_release_id TEXT,
  started_at          INTEGER NOT NULL,
  finished_at         INTEGER,
  outcome             TEXT NOT NULL,
  failure             TEXT,                   -- JSON Diagnosis or NULL
  phases              TEXT NOT NULL,          -- JSON Phases
  replicas            TEXT NOT NULL,          -- JSON ReplicaCounts
  events              TEXT NOT NULL,          -- JSON ReleaseEvent[]
  template            TEXT NOT NULL,          -- JSON redacted pod template
  backfilled          INTEGER NOT NULL
);
CREATE UNIQUE INDEX releases_natural_key ON releases (workload_uid, template_hash, revision_key);
CREATE UNIQUE INDEX releases_number ON releases (workload_uid, release_number);
-- newest-first history (all namespaces), and per namespace / per workload name
CREATE INDEX releases_started ON releases (started_at DESC, id DESC);
CREATE INDEX releases_ns_started ON releases (namespace, started_at DESC, id DESC);
CREATE INDEX releases_ns_name_started ON releases (namespace, name, started_at DESC, id DESC);
CREATE INDEX releases_cluster_started ON releases (cluster, started_at DESC, id DESC);
CREATE INDEX releases_active ON releases (outcome, started_at DESC) WHERE outcome IN ('progressing', 'paused');

CREATE TABLE workloads (
  uid         TEXT PRIMARY KEY,
  cluster     TEXT NOT NULL,
  namespace   TEXT NOT NULL,
  kind        TEXT NOT NULL,
  name        TEXT NOT NULL,
  labels      TEXT NOT NULL,                  -- JSON Record<string, string>
  created_at  INTEGER,
  deleted_at  INTEGER,
  observed_at INTEGER NOT NULL
);
CREATE INDEX workloads_ns_kind_name ON workloads (namespace, kind, name);

CREATE TABLE workload_events (
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
  UNIQUE (workload_uid, type, resource_version)
);
CREATE INDEX workload_events_time ON workload_events (workload_uid, time);

CREATE TABLE watch_cursors (
  cluster          TEXT NOT NULL,
  resource         TEXT NOT NULL,
  namespace        TEXT NOT NULL,
  resource_version TEXT NOT NULL,
  saved_at         INTEGER NOT NULL,
  PRIMARY KEY (cluster, resource, namespace)
);

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key TEXT NOT NULL UNIQUE,
  sink            TEXT NOT NULL,
  payload         TEXT NOT NULL,              -- JSON
  created_at      INTEGER NOT NULL,
  not_before      INTEGER NOT NULL,
  status          TEXT NOT NULL,              -- pending | delivered | dead
  attempts        INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  lease_until     INTEGER,
  last_error      TEXT,
  delivered_at    INTEGER
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';

CREATE TABLE operator_actions (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  who          TEXT NOT NULL,
  action       TEXT NOT NULL,
  cluster      TEXT NOT NULL,
  namespace    TEXT NOT NULL,
  kind         TEXT NOT NULL,
  name         TEXT NOT NULL,
  workload_uid TEXT,
  at           INTEGER NOT NULL,
  result       TEXT NOT NULL,
  detail       TEXT NOT NULL                  -- JSON object
);
CREATE INDEX operator_actions_at ON operator_actions (at DESC, id DESC);
