-- Several trackers, one ledger: every natural key includes the cluster; the outbox records it too.

DROP INDEX releases_natural_key;
CREATE UNIQUE INDEX releases_natural_key ON releases (cluster, workload_uid, template_hash, revision_key);
DROP INDEX releases_number;
CREATE UNIQUE INDEX releases_number ON releases (cluster, workload_uid, release_number);
CREATE INDEX releases_workload ON releases (workload_uid, release_number DESC);

ALTER TABLE workloads DROP CONSTRAINT workloads_pkey;
ALTER TABLE workloads ADD PRIMARY KEY (cluster, uid);

ALTER TABLE workload_events DROP CONSTRAINT workload_events_workload_uid_type_resource_version_key;
ALTER TABLE workload_events ADD CONSTRAINT workload_events_natural_key UNIQUE (cluster, workload_uid, type, resource_version);

ALTER TABLE outbox ADD COLUMN cluster TEXT NOT NULL DEFAULT 'default';
