-- Watch cursors are gone: nothing wrote them after the informers took over, and nothing read them.
-- The tracker lists every watched collection on start and the ledger's writes are idempotent, so a
-- restart converges without knowing where the previous process stopped reading.

DROP TABLE IF EXISTS watch_cursors;
