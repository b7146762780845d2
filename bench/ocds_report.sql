-- bench/ocds.sh: the figures, as ratios to count(*) of the jsonb table (best of 3)
-- and to count(data -> 'ocid'), which reads the JSON of every release.
\set ON_ERROR_STOP on
\pset footer off
SELECT pg_size_pretty(pg_total_relation_size('ocds.releases')) AS jsonb_table_size, count(*) AS releases FROM ocds.releases;
\echo '== each step against count(*) of ocds.releases (best run of each)'
WITH base AS (SELECT min(ms) AS ms FROM bench.result WHERE part = 'count(*)'),
read AS (SELECT min(ms) AS ms FROM bench.result WHERE part = 'count(data -> ''ocid'')')
SELECT r.part, count(*) AS runs, round(min(r.ms)) AS ms, max(r.n) AS n, round((min(r.ms) / base.ms)::numeric, 1) AS ratio,
       round((min(r.ms) / read.ms)::numeric, 1) AS ratio_to_reading_the_json
  FROM bench.result r, base, read
 WHERE r.part NOT LIKE 'size%'
 GROUP BY r.part, base.ms, read.ms ORDER BY min(r.ms);
SELECT part, n AS mb FROM bench.result WHERE part LIKE 'size%';
\echo '== per rule (ms; ratio to count(*) of ocds.releases)'
WITH base AS (SELECT min(ms) AS ms FROM bench.result WHERE part = 'count(*)')
SELECT v.rule_code, v.status, v.hits, round(v.duration_ms) AS views_ms, round((v.duration_ms / base.ms)::numeric, 1) AS views_ratio,
       m.status AS mat_status, m.hits AS mat_hits, round(m.duration_ms) AS mat_ms, round((m.duration_ms / base.ms)::numeric, 1) AS mat_ratio
  FROM bench.run_rules v LEFT JOIN bench.run_rules m ON m.mode = 'materialized' AND m.rule_code = v.rule_code, base
 WHERE v.mode = 'views' ORDER BY v.rule_code;
