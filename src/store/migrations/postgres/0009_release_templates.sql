-- A release's pod template in a table of its own. Lists (history, the API's release lists, stuck
-- rollouts) never show the template; only one release's detail (`rollscope show`, the API's release
-- detail: the diff against the previous release) and the tracker's own reads need it. Kept in the
-- release row it made every row wider and every list read it. Written by the release upsert in its
-- transaction.
CREATE TABLE release_templates (
  id       TEXT COLLATE "C" PRIMARY KEY,      -- releases.id
  template JSONB NOT NULL                     -- JSON redacted pod template
);
INSERT INTO release_templates (id, template) SELECT id, template FROM releases;
ALTER TABLE releases DROP COLUMN template;
