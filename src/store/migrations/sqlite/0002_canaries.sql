-- Canaries (canary/ledger.ts): one row per cluster + canary id; the whole ledger entry as JSON,
-- with the columns lists filter and sort on.

CREATE TABLE canaries (
  cluster     TEXT NOT NULL,
  id          TEXT NOT NULL,
  namespace   TEXT NOT NULL,
  name        TEXT NOT NULL,                  -- the stable Deployment
  phase       TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  finished_at INTEGER,
  entry       TEXT NOT NULL,                  -- JSON CanaryEntry
  PRIMARY KEY (cluster, id)
);
CREATE INDEX canaries_started ON canaries (started_at DESC, id DESC);
CREATE INDEX canaries_ns_name_started ON canaries (namespace, name, started_at DESC, id DESC);
