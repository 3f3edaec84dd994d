-- Canaries (canary/ledger.ts): one row per cluster + canary id; the whole ledger entry as JSONB,
-- with the columns lists filter and sort on.

CREATE TABLE canaries (
  cluster     TEXT NOT NULL,
  id          TEXT COLLATE "C" NOT NULL,
  namespace   TEXT NOT NULL,
  name        TEXT NOT NULL,                  -- the stable Deployment
  phase       TEXT NOT NULL,
  started_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  finished_at BIGINT,
  entry       JSONB NOT NULL,                 -- JSON CanaryEntry
  PRIMARY KEY (cluster, id)
);
CREATE INDEX canaries_started ON canaries (started_at DESC, id DESC);
CREATE INDEX canaries_ns_name_started ON canaries (namespace, name, started_at DESC, id DESC);
