-- bench/rules.sh: the figures of parts (a) and (b), best run of each.
\set ON_ERROR_STOP on
\pset footer off
SELECT part, what, count(*) AS runs,
       round(min(value)::numeric, 1) AS min, round(max(value)::numeric, 1) AS max
  FROM bench.result GROUP BY part, what ORDER BY part, what;

\echo '== (a) COPY: watched / unwatched, best of each (target <= 1.5)'
SELECT round(u.ms) AS unwatched_ms, round(w.ms) AS watched_ms, round((w.ms / u.ms)::numeric, 3) AS ratio
  FROM (SELECT min(value) AS ms FROM bench.result WHERE part = 'copy' AND what = 'unwatched') u,
       (SELECT min(value) AS ms FROM bench.result WHERE part = 'copy' AND what = 'watched') w
 WHERE u.ms IS NOT NULL;

\echo '== (b) single-row INSERTs: watched / unwatched TPS, best of each (target >= 0.7)'
SELECT round(u.tps) AS unwatched_tps, round(w.tps) AS watched_tps, round((w.tps / u.tps)::numeric, 3) AS ratio
  FROM (SELECT max(value) AS tps FROM bench.result WHERE part = 'insert' AND what = 'unwatched') u,
       (SELECT max(value) AS tps FROM bench.result WHERE part = 'insert' AND what = 'watched') w
 WHERE u.tps IS NOT NULL;

\echo '== (d) through a code map and a lookup: COPY watched / unwatched (target <= 1.5), INSERT TPS watched / unwatched (target >= 0.7)'
SELECT p.part, round(u.v) AS unwatched, round(w.v) AS watched, round((w.v / u.v)::numeric, 3) AS ratio
  FROM (VALUES ('copy mapped', false), ('insert mapped', true)) p(part, higher_is_better)
  CROSS JOIN LATERAL (SELECT CASE WHEN p.higher_is_better THEN max(value) ELSE min(value) END AS v
                        FROM bench.result r WHERE r.part = p.part AND r.what = 'unwatched') u
  CROSS JOIN LATERAL (SELECT CASE WHEN p.higher_is_better THEN max(value) ELSE min(value) END AS v
                        FROM bench.result r WHERE r.part = p.part AND r.what = 'watched') w
 WHERE u.v IS NOT NULL;
