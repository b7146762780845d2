-- bench/citus.sh, part (a): the kernels over :n rows in 1,000 groups (g, the
-- distribution column) cutting across 10 others (h), in a plain table on the
-- coordinator (one node) and in the same rows distributed over the workers;
-- the best of :reps runs each.  Every result is consumed (count of non-null
-- results), so no aggregate can be dropped.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET jit = off;
DROP SCHEMA IF EXISTS kb CASCADE;
CREATE SCHEMA kb;
SELECT setseed(0.7);
CREATE TABLE kb.local AS
SELECT i % 1000 AS g, i % 10 AS h, round((exp(random() * 12))::numeric, 2)::float8 AS x,
       round((exp(random() * 10))::numeric, 2) AS amount, random() < 0.3 AS breach,
       (date '2020-01-01' + ((i / 1000) % 48) * interval '1 month')::date AS period, random() AS w
  FROM generate_series(1, :n) i;
CREATE TABLE kb.dist AS SELECT * FROM kb.local;
SELECT create_distributed_table('kb.dist', 'g') \gset
VACUUM ANALYZE kb.local;
VACUUM ANALYZE kb.dist;
\ir best_ms.sql
CREATE TABLE kb.kernel (name text, agg text);
INSERT INTO kb.kernel VALUES
  ('count(*) (floor)', 'count(*)'),
  ('sum(x) (PostgreSQL)', 'sum(x)'),
  ('bid_screens', 'cleangov.bid_screens(x)'),
  ('benford', 'cleangov.benford(amount)'),
  ('weighted_mean', 'cleangov.weighted_mean(x, w)'),
  ('streak', 'cleangov.streak(breach, period, ''month'')'),
  ('median (exact)', 'cleangov.median(x)'),
  ('robust_stats (exact)', 'cleangov.robust_stats(x)');
CREATE TABLE kb.result AS
SELECT k.name, b.by,
       pg_temp.best_ms(format('SELECT count(r) FROM (SELECT %s, %s AS r FROM kb.local GROUP BY 1) q', b.by, k.agg), :reps) AS one_node_ms,
       pg_temp.best_ms(format('SELECT count(r) FROM (SELECT %s, %s AS r FROM kb.dist GROUP BY 1) q', b.by, k.agg), :reps) AS citus_ms
  FROM kb.kernel k CROSS JOIN (VALUES ('g'), ('h')) b(by);
\echo
\echo '(a) kernels: ' :n 'rows; grouped by g (the distribution column, 1,000 groups) and by h (10 groups)'
SELECT name AS kernel, CASE by WHEN 'g' THEN 'distribution column' ELSE 'other column' END AS grouped_by,
       round(one_node_ms) AS one_node_ms, round(citus_ms) AS citus_ms,
       round((citus_ms / one_node_ms)::numeric, 2) AS "citus / one node"
  FROM kb.result ORDER BY by, name;
DROP SCHEMA kb CASCADE;
