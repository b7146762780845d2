-- Run by bench/robust.sh inside a throwaway cluster; :n values in :groups groups.
CREATE EXTENSION cleangov;
SET max_parallel_workers_per_gather = 0;   -- one core each, so the shared machine's load hurts both sides alike
SET work_mem = '256MB';
SELECT setseed(0.5) \gset
CREATE UNLOGGED TABLE v AS
  SELECT (random() * (:groups - 1))::int AS g, 1e6 * random() ^ 3 AS x FROM generate_series(1, :n);
VACUUM ANALYZE v;

\ir best_ms.sql

\echo timing (best of 3, milliseconds) ...
CREATE TEMP TABLE result AS
SELECT pg_temp.best_ms('SELECT sum(c) FROM (SELECT g, count(*) AS c FROM v GROUP BY g) s') AS floor_ms,
       pg_temp.best_ms('SELECT sum(m) FROM (SELECT g, cleangov.median(x) AS m FROM v GROUP BY g) s') AS median_ms,
       pg_temp.best_ms('SELECT sum(m) FROM (SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS m FROM v GROUP BY g) s') AS pc_median_ms,
       pg_temp.best_ms($q$SELECT sum((s).n + (s).median + (s).mad + (s).mad_scaled + (s).q1 + (s).q3 + (s).iqr
                                  + coalesce((s).lower_fence, 0) + coalesce((s).upper_fence, 0))
                         FROM (SELECT g, cleangov.robust_stats(x) AS s FROM v GROUP BY g) t$q$) AS robust_ms,
       pg_temp.best_ms($q$WITH q AS (SELECT g, count(x) AS n,
                                       percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY x) AS p
                                  FROM v GROUP BY g),
                            m AS (SELECT v.g, percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(v.x - q.p[2])) AS mad
                                    FROM v JOIN q USING (g) GROUP BY v.g)
                       SELECT sum(q.n + q.p[2] + m.mad + 1.4826 * m.mad + q.p[1] + q.p[3] + (q.p[3] - q.p[1])
                                  + CASE WHEN NOT (q.p[1] = 0 AND q.p[3] = 0) THEN q.p[1] - 1.5 * (q.p[3] - q.p[1]) ELSE 0 END
                                  + CASE WHEN NOT (q.p[1] = 0 AND q.p[3] = 0) THEN q.p[3] + 1.5 * (q.p[3] - q.p[1]) ELSE 0 END)
                         FROM q JOIN m USING (g)$q$) AS plain_ms;
SELECT :n AS "values", :groups AS groups, round(floor_ms) AS "floor ms",
       round(median_ms) AS "median ms", round((median_ms / floor_ms)::numeric, 2) AS "median / floor",
       round(pc_median_ms) AS "percentile_cont ms", round((pc_median_ms / floor_ms)::numeric, 2) AS "pc / floor",
       round((pc_median_ms / median_ms)::numeric, 2) AS "median speed-up",
       round(robust_ms) AS "robust_stats ms", round((robust_ms / floor_ms)::numeric, 2) AS "robust / floor",
       round(plain_ms) AS "plain SQL ms", round((plain_ms / floor_ms)::numeric, 2) AS "plain / floor",
       round((plain_ms / robust_ms)::numeric, 2) AS "robust_stats speed-up"
  FROM result;
