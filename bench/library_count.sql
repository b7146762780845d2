-- bench/library.sh, part "run": the baseline, count(*) of every table under
-- the bound shapes (through the demo's views, as bench/rules_run.sql), each
-- counted twice and the faster count kept, into bench_lib.table_count of the
-- demo database.  Prints one line: tables|rows|ms|bid rows.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS bench_lib;
DROP TABLE IF EXISTS bench_lib.table_count;
CREATE TABLE bench_lib.table_count (tab regclass PRIMARY KEY, n bigint, ms float8);
DO $$
DECLARE
  t regclass;
  t0 timestamptz;
  n bigint;
  ms float8;
BEGIN
  FOR rep IN 1..2 LOOP
    FOR t IN
      WITH RECURSIVE rel(oid) AS (
        SELECT b.source::oid FROM cleangov.binding b
        UNION
        SELECT d.refobjid
          FROM rel JOIN pg_rewrite w ON w.ev_class = rel.oid
          JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
                          AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> rel.oid)
      SELECT DISTINCT rel.oid::regclass FROM rel JOIN pg_class c ON c.oid = rel.oid
       WHERE c.relkind IN ('r', 'p', 'm') ORDER BY 1
    LOOP
      t0 := clock_timestamp();
      EXECUTE format('SELECT count(*) FROM %s', t) INTO n;
      ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
      INSERT INTO bench_lib.table_count VALUES (t, n, ms)
      ON CONFLICT (tab) DO UPDATE SET ms = least(bench_lib.table_count.ms, excluded.ms);
    END LOOP;
  END LOOP;
END
$$;
-- flush this session's table statistics now, so that the next session's
-- snapshot of the bid table's counters includes these counts
SELECT pg_stat_force_next_flush() \gset
SELECT count(*) || '|' || sum(n) || '|' || round(sum(ms)::numeric, 1) || '|'
       || (SELECT c.n FROM bench_lib.table_count c
            WHERE c.tab = (SELECT b.source FROM cleangov.binding b WHERE b.shape = 'bid'))
  FROM bench_lib.table_count;
