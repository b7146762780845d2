-- Every detection the extension has, run over the demo database by
-- scripts/demo-in-cluster.sh.  Each feature that lands adds its step here
-- (binding gov.* tables, batch rule runs, index computation, ...).
\set ON_ERROR_STOP on
SELECT 'cleangov ' || cleangov.version() || ' installed' AS status;
