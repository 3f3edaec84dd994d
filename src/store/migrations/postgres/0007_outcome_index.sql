-- The API's and `history --outcome`'s most common filter is a namespace and an outcome (e.g. failed
-- releases of one team). Served by (namespace, started_at) it reads every release of the namespace
-- until a page of matches is found — at a million releases, hundreds of wide rows per page, and in
-- PostgreSQL a bitmap scan plus a sort. Keyed like the other newest-first indexes, this one yields
-- the page directly, first page or deep (keyset cursor on started_at, id).
CREATE INDEX releases_ns_outcome_started ON releases (namespace, outcome, started_at DESC, id DESC);
