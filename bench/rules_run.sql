-- bench/rules.sh, part (c), after demo/detect.sql has bound the demo tables
-- and run the library: the run log of that run against count(*) of every
-- table the bindings read (through the demo's views), each table counted
-- twice and the faster count kept.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;

-- The tables under each bound shape (a binding's view may join several).
CREATE TEMP VIEW shape_table AS
WITH RECURSIVE rel(shape, oid) AS (
  SELECT b.shape, b.source::oid FROM cleangov.binding b
  UNION
  SELECT rel.shape, d.refobjid
    FROM rel JOIN pg_rewrite w ON w.ev_class = rel.oid
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> rel.oid)
SELECT DISTINCT rel.shape, rel.oid::regclass AS tab
  FROM rel JOIN pg_class c ON c.oid = rel.oid WHERE c.relkind IN ('r', 'p', 'm');

CREATE TEMP TABLE table_count (tab regclass PRIMARY KEY, n bigint, ms float8);
DO $$
DECLARE
  t regclass;
  t0 timestamptz;
  n bigint;
  ms float8;
BEGIN
  FOR rep IN 1..2 LOOP
    FOR t IN SELECT DISTINCT s.tab FROM shape_table s ORDER BY 1 LOOP
      t0 := clock_timestamp();
      EXECUTE format('SELECT count(*) FROM %s', t) INTO n;
      ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
      INSERT INTO table_count VALUES (t, n, ms)
      ON CONFLICT (tab) DO UPDATE SET ms = least(table_count.ms, excluded.ms);
    END LOOP;
  END LOOP;
END
$$;

\echo '== (c) source tables: rows and count(*) time (best of 2)'
SELECT tab, n AS rows, round(ms::numeric, 1) AS count_ms FROM table_count ORDER BY ms DESC;

CREATE TEMP VIEW last_run AS
SELECT l.* FROM cleangov.run_log l WHERE l.run_id = (SELECT max(run_id) FROM cleangov.run_log);

\echo '== (c) per rule: duration against count(*) of the tables under the shapes it reads'
SELECT l.rule_code, l.status, l.rows_read, l.hits, round(l.duration_ms::numeric) AS ms,
       round(b.ms::numeric) AS count_ms, round((l.duration_ms / nullif(b.ms, 0))::numeric, 2) AS ratio,
       array_to_string(d.reads, ',') AS reads
  FROM last_run l
  JOIN cleangov.rule_definition d USING (rule_code)
  LEFT JOIN LATERAL (SELECT sum(c.ms) AS ms FROM table_count c
                      WHERE c.tab IN (SELECT s.tab FROM shape_table s WHERE s.shape = ANY (d.reads))) b ON true
 ORDER BY l.duration_ms DESC;

\echo '== (c) whole library: run() against count(*) of every source table once'
SELECT count(*) AS rules, count(*) FILTER (WHERE status = 'ok') AS ok,
       round(sum(duration_ms)::numeric) AS run_ms,
       round((extract(epoch FROM max(started_at + duration_ms * interval '1 ms') - min(started_at)) * 1000)::numeric) AS run_wall_ms,
       (SELECT count(*) FROM table_count) AS tables, (SELECT sum(n) FROM table_count) AS table_rows,
       (SELECT round(sum(ms)::numeric) FROM table_count) AS count_ms,
       round((sum(duration_ms) / (SELECT sum(ms) FROM table_count))::numeric, 1) AS ratio
  FROM last_run;
