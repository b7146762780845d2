-- Robust outliers: hand-worked examples, edges, window use, plans, errors.
-- (Random data against percentile_cont and a plain-SQL MAD: test/pgtap/34_robust.sql.)
SET extra_float_digits = 0;

-- Worked example: 1 2 3 4 100.  Sorted, n = 5: median = x3 = 3;
-- |x - 3| = 2 1 0 1 97, sorted 0 1 1 2 97, MAD = 1, scaled 1.4826;
-- Q1 at position 0.25*4 = 1 -> 2, Q3 at 3 -> 4, IQR 2, fences 2 - 3 = -1 and 4 + 3 = 7.
SELECT (cleangov.robust_stats(x)).* FROM unnest('{100,4,2,3,1}'::float8[]) x;
-- k = 3 (far outliers): fences 2 - 6 = -4 and 4 + 6 = 10
SELECT (cleangov.robust_stats(x, 3)).lower_fence, (cleangov.robust_stats(x, 3)).upper_fence
  FROM unnest('{100,4,2,3,1}'::float8[]) x;
-- Worked example with interpolation: 10 20 30 40, n = 4.
-- median at 1.5 -> 25; Q1 at 0.75 -> 17.5; Q3 at 2.25 -> 32.5; IQR 15;
-- |x - 25| = 15 5 5 15 -> MAD 10; fences 17.5 - 22.5 = -5 and 32.5 + 22.5 = 55.
SELECT (cleangov.robust_stats(x)).* FROM unnest('{40,10,30,20}'::float8[]) x;

-- Edges: n = 0 (a row with n = 0), n = 1, 2, 3; NULLs are skipped.
SELECT (cleangov.robust_stats(x)).* FROM unnest('{}'::float8[]) x;
SELECT (cleangov.robust_stats(x)).* FROM unnest('{NULL,NULL}'::float8[]) x;
SELECT cleangov.median(x) IS NULL AS median_null, cleangov.mad(x) IS NULL AS mad_null
  FROM unnest('{}'::float8[]) x;
SELECT (cleangov.robust_stats(x)).* FROM unnest('{7}'::float8[]) x;
SELECT (cleangov.robust_stats(x)).* FROM unnest('{7,NULL,1}'::float8[]) x;
SELECT (cleangov.robust_stats(x)).* FROM unnest('{7,1,4}'::float8[]) x;

-- Cardinal's rule: Q1, Q3 and IQR all 0 -> no fence, so nothing is flagged ...
SELECT (cleangov.robust_stats(x)).* FROM unnest('{0,0,0,0,0,0,9}'::float8[]) x;
-- ... but all equal and not zero: IQR 0, the fences are the value itself.
SELECT (cleangov.robust_stats(x)).* FROM unnest('{5,5,5,5}'::float8[]) x;
-- ... and IQR 0 with Q1 = Q3 = 0 only when all three are 0; here Q3 > 0.
SELECT (cleangov.robust_stats(x)).lower_fence, (cleangov.robust_stats(x)).upper_fence
  FROM unnest('{0,0,0,5}'::float8[]) x;

-- Robust z: (value - median) / (1.4826 * mad); NULL when mad is 0.
SELECT cleangov.robust_z(10, 2, 1) AS z, cleangov.robust_z(10, 2, 0) AS z_no_spread,
       cleangov.robust_z(2, 2, 1) AS z_at_median;
SELECT cleangov.robust_z(x, s) AS z
  FROM unnest('{1,3,100}'::float8[]) x,
       (SELECT cleangov.robust_stats(y) s FROM unnest('{100,4,2,3,1}'::float8[]) y) t;

-- As window functions: the running median and MAD per row equal the plain
-- aggregates over the rows so far; the same frame is finalised again and again.
SELECT i, x,
       cleangov.median(x) OVER w AS running_median,
       cleangov.mad(x) OVER w AS running_mad,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY y)
          FROM unnest('{5,1,4,2,3,9}'::float8[]) WITH ORDINALITY u(y, j) WHERE j <= i) AS check_median
  FROM unnest('{5,1,4,2,3,9}'::float8[]) WITH ORDINALITY t(x, i)
WINDOW w AS (ORDER BY i)
 ORDER BY i;
-- Fences per partition, every row compared with its own group's fences.
SELECT g, x, x < (s).lower_fence OR x > (s).upper_fence AS outlier
  FROM (SELECT g, x, cleangov.robust_stats(x) OVER (PARTITION BY g) AS s
          FROM (VALUES (1, 10.0), (1, 11), (1, 12), (1, 13), (1, 50),
                       (2, 0), (2, 0), (2, 0), (2, 0), (2, 7)) v(g, x)) t
 ORDER BY g, x;
-- A sliding frame (the head moves, so the state is rebuilt): median of 3.
SELECT i, cleangov.median(x) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS median3
  FROM unnest('{5,1,4,2,3,9}'::float8[]) WITH ORDINALITY t(x, i) ORDER BY i;
-- median, mad and robust_stats in one query share one state.
SELECT cleangov.median(x), cleangov.mad(x), (cleangov.robust_stats(x)).n
  FROM unnest('{100,4,2,3,1}'::float8[]) x;

-- Parallel plan: the aggregate is split into Partial and Finalize.
CREATE TABLE robust_t AS SELECT g % 10 AS g, (g * 7919 % 1000)::float8 AS x FROM generate_series(1, 20000) g;
ANALYZE robust_t;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT g, cleangov.robust_stats(x) FROM robust_t GROUP BY g;
SELECT count(*) AS groups_equal
  FROM (SELECT g, (cleangov.robust_stats(x)).median AS m, cleangov.mad(x) AS mad,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS p
          FROM robust_t GROUP BY g) s
 WHERE m = p;
RESET enable_hashagg;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
DROP TABLE robust_t;

-- The state's text form: k, n and every value; it reads back to the same state.
CREATE AGGREGATE robust_state_of(float8) (SFUNC = cleangov.robust_trans, STYPE = cleangov.robust_state);
SELECT robust_state_of(x) FROM unnest('{3,0.1,2,1e300,-2.5e-300}'::float8[]) x;
SELECT robust_state_of(x)::text::cleangov.robust_state::text = robust_state_of(x)::text AS round_trip
  FROM unnest('{3,0.1,2,1e300,-2.5e-300}'::float8[]) x;
SELECT (cleangov.robust_stats_final('k=1.5;n=3;3,0.1,2')).*;
SELECT (cleangov.robust_stats_final(cleangov.robust_combine('k=1.5;n=2;3,1', 'k=1.5;n=1;2'))).median;
DROP AGGREGATE robust_state_of(float8);

-- Errors: each with its SQLSTATE (\set VERBOSITY shows it).
\set VERBOSITY sqlstate
SELECT cleangov.median(x) FROM unnest('{1,NaN}'::float8[]) x;
SELECT cleangov.mad(x) FROM unnest('{1,Infinity}'::float8[]) x;
SELECT cleangov.robust_stats(x) FROM unnest('{-Infinity}'::float8[]) x;
SELECT cleangov.robust_stats(x, -1) FROM unnest('{1}'::float8[]) x;
SELECT cleangov.robust_stats(x, 'NaN') FROM unnest('{1}'::float8[]) x;
SELECT cleangov.robust_stats(x, NULL) FROM unnest('{1}'::float8[]) x;
SELECT cleangov.robust_stats(x, k) FROM (VALUES (1, 1.5), (2, 3)) v(x, k);
SELECT cleangov.robust_z(1, 0, -1);
SELECT cleangov.robust_z('NaN', 0, 1);
SELECT cleangov.robust_z(1e308, -1e308, 1);
SELECT (cleangov.robust_stats(x)).iqr FROM unnest('{-1e308,-1e308,1e308,1e308}'::float8[]) x;
SELECT 'k=1.5;n=2;1'::cleangov.robust_state;
SELECT 'k=1.5;n=1;NaN'::cleangov.robust_state;
SELECT 'k=-1;n=0;'::cleangov.robust_state;
SELECT 'k=1.5;n=1;1,'::cleangov.robust_state;
SELECT cleangov.robust_combine('k=1.5;n=1;1', 'k=3;n=1;2');
\set VERBOSITY default
