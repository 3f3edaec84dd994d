-- rollscope ledger, PostgreSQL dialect, version 1. Times are epoch milliseconds (BIGINT); JSON columns are JSONB.

CREATE TABLE releases (
  id                  TEXT COLLATE "C" PRIMARY KEY,
  cluster             TEXT NOT NULL,
  namespace           TEXT NOT NULL,
  kind                TEXT NOT NULL,
  name                TEXT NOT NULL,
  workload_uid        TEXT NOT NULL,
  release_number      BIGINT NOT NULL,
  revision            TEXT,
  revision_key        TEXT NOT NULL,          -- revision, or '' when null (part of the natural key)
  template_hash       TEXT NOT NULL,
  trigger             TEXT NOT NULL,
  images              JSONB NOT NULL,          -- JSON ContainerImage[]
  image_text          TEXT NOT NULL,          -- images joined by newlines, for --image substring search
  actor               JSONB NOT NULL,          -- JSON Actor
  change_cause        TEXT,
  previous_release_id TEXT,
  started_at          BIGINT NOT NULL,
  finished_at         BIGINT,
  outcome             TEXT NOT NULL,
  failure             JSONB,                   -- JSON Diagnosis or NULL
  phases              JSONB NOT NULL,          -- JSON Phases
  replicas            JSONB NOT NULL,          -- JSON ReplicaCounts
  events              JSONB NOT NULL,          -- JSON ReleaseEvent[]
  template            JSONB NOT NULL,          -- JSON redacted pod template
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
  labels      JSONB NOT NULL,                  -- JSON Record<string, string>
  created_at  BIGINT,
  deleted_at  BIGINT,
  observed_at BIGINT NOT NULL
);
CREATE INDEX workloads_ns_kind_name ON workloads (namespace, kind, name);

CREATE TABLE workload_events (
  seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workload_uid     TEXT NOT NULL,
  cluster          TEXT NOT NULL,
  namespace        TEXT NOT NULL,
  kind             TEXT NOT NULL,
  name             TEXT NOT NULL,
  type             TEXT NOT NULL,
  time             BIGINT NOT NULL,
  resource_version TEXT NOT NULL,
  actor            JSONB NOT NULL,             -- JSON Actor
  detail           JSONB NOT NULL,             -- JSON object
  UNIQUE (workload_uid, type, resource_version)
);
CREATE INDEX workload_events_time ON workload_events (workload_uid, time);

CREATE TABLE watch_cursors (
  cluster          TEXT NOT NULL,
  resource         TEXT NOT NULL,
  namespace        TEXT NOT NULL,
  resource_version TEXT NOT NULL,
  saved_at         BIGINT NOT NULL,
  PRIMARY KEY (cluster, resource, namespace)
);

CREATE TABLE outbox (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  sink            TEXT NOT NULL,
  payload         JSONB NOT NULL,              -- JSON
  created_at      BIGINT NOT NULL,
  not_before      BIGINT NOT NULL,
  status          TEXT NOT NULL,              -- pending | delivered | dead
  attempts        BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  lease_until     BIGINT,
  last_error      TEXT,
  delivered_at    BIGINT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';

CREATE TABLE operator_actions (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  who          TEXT NOT NULL,
  action       TEXT NOT NULL,
  cluster      TEXT NOT NULL,
  namespace    TEXT NOT NULL,
  kind         TEXT NOT NULL,
  name         TEXT NOT NULL,
  workload_uid TEXT,
  at           BIGINT NOT NULL,
  result       TEXT NOT NULL,
  detail       JSONB NOT NULL                  -- JSON object
);
CREATE INDEX operator_actions_at ON operator_actions (at DESC, id DESC);
