-- Releases stored clustered by workload. A workload's history page (51 rows, newest first) read 51
-- rows on 51 different table pages: rows were stored in arrival order, and arrivals interleave every
-- workload's releases. The table is now keyed by `seq`, an INTEGER PRIMARY KEY (the rowid, which
-- orders SQLite's table B-tree): the workload's key (release_workload_keys, one small integer per
-- workload_uid) times 2^24, plus the release's place in that workload's sequence. A workload's rows
-- are therefore neighbours in the table — a page holds several — wherever and whenever they were
-- written. The release upsert assigns `seq` on insert (SQLITE_DIALECT.releaseSeq: the largest in the
-- workload's range plus one, under the write lock; past 2^24 releases of one workload, the largest
-- of the table plus one) and never changes it. 2^24 keeps every seq below 2^53 up to 2^29 workloads,
-- so `SELECT *` never meets an integer JavaScript cannot hold. `id` stays the release's identity
-- (UNIQUE), and every other index is as before.
CREATE TABLE release_workload_keys (
  key          INTEGER PRIMARY KEY,           -- 1, 2, …: the high bits of releases.seq
  workload_uid TEXT NOT NULL UNIQUE
);
INSERT INTO release_workload_keys (workload_uid) SELECT workload_uid FROM releases GROUP BY workload_uid ORDER BY MIN(started_at), workload_uid;

CREATE TABLE releases_by_workload (
  seq                 INTEGER PRIMARY KEY,    -- release_workload_keys.key * 2^24 + the release's place in its workload
  id                  TEXT NOT NULL UNIQUE,
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
  backfilled          INTEGER NOT NULL,
  rollback_to         INTEGER                 -- a rollback's target revision, or NULL
);
INSERT INTO releases_by_workload (seq, id, cluster, namespace, kind, name, workload_uid, release_number, revision, revision_key,
  template_hash, trigger, images, image_text, actor, change_cause, previous_release_id, started_at, finished_at, outcome, failure,
  phases, replicas, events, backfilled, rollback_to)
SELECT k.key * 16777216 + ROW_NUMBER() OVER (PARTITION BY r.workload_uid ORDER BY r.started_at, r.id), r.id, r.cluster, r.namespace,
  r.kind, r.name, r.workload_uid, r.release_number, r.revision, r.revision_key, r.template_hash, r.trigger, r.images, r.image_text,
  r.actor, r.change_cause, r.previous_release_id, r.started_at, r.finished_at, r.outcome, r.failure, r.phases, r.replicas, r.events,
  r.backfilled, r.rollback_to
FROM releases r JOIN release_workload_keys k ON k.workload_uid = r.workload_uid
ORDER BY 1;
DROP TABLE releases;
ALTER TABLE releases_by_workload RENAME TO releases;

CREATE UNIQUE INDEX releases_natural_key ON releases (cluster, workload_uid, template_hash, revision_key);
CREATE UNIQUE INDEX releases_number ON releases (cluster, workload_uid, release_number);
CREATE INDEX releases_started ON releases (started_at DESC, id DESC);
CREATE INDEX releases_ns_started ON releases (namespace, started_at DESC, id DESC);
CREATE INDEX releases_ns_name_started ON releases (namespace, name, started_at DESC, id DESC);
CREATE INDEX releases_cluster_started ON releases (cluster, started_at DESC, id DESC);
CREATE INDEX releases_active ON releases (outcome, started_at DESC) WHERE outcome IN ('progressing', 'paused');
CREATE INDEX releases_workload ON releases (workload_uid, release_number DESC);
CREATE INDEX releases_stats ON releases (started_at, cluster, namespace, workload_uid, kind, name, finished_at, outcome);
CREATE INDEX releases_ns_outcome_started ON releases (namespace, outcome, started_at DESC, id DESC);
CREATE INDEX releases_workload_started ON releases (cluster, workload_uid, started_at, id, outcome, finished_at);
