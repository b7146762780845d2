-- Scoring helpers: hand-worked examples, edges, window use, plans, errors.
-- (Random data against plain SQL: test/pgtap/38_scoring.sql.)
SET extra_float_digits = 0;

-- normalize_score: 100 * (value - worst) / (best - worst), clamped to 0..100.
SELECT v, cleangov.normalize_score(v, 0, 10) AS higher_is_better,
          cleangov.normalize_score(v, 10, 0) AS lower_is_better
  FROM unnest('{-5,0,2.5,10,15}'::float8[]) v;
-- an integrity rate: 60 % is worst, 95 % best
SELECT cleangov.normalize_score(88, 60, 95) AS score;
-- ends beyond half the float8 range still scale
SELECT cleangov.normalize_score(0, -1e308, 1e308) AS mid;

-- pct_over: 100 * (value - reference) / |reference|; NULL for a zero reference.
SELECT cleangov.pct_over(115, 100) AS over_budget, cleangov.pct_over(85, 100) AS under,
       cleangov.pct_over(-50, -100) AS negative_reference, cleangov.pct_over(1, 0) AS zero_reference;

-- weighted_mean: the mean over the components present, re-weighted.
-- (1*1 + 3*3) / (1 + 3) = 2.5: the NULL value and the NULL weight are left out.
SELECT cleangov.weighted_mean(v, w)
  FROM (VALUES (1.0, 1.0), (NULL, 5), (3, 3), (100, NULL)) t(v, w);
-- The CRI: mean of the available 0/1 flags per contract (equal weights).
SELECT contract, cleangov.weighted_mean(flag, 1) AS cri
  FROM (VALUES (1, 1.0), (1, 0), (1, NULL), (2, NULL), (3, 0), (3, 0), (3, 1), (3, 1)) t(contract, flag)
 GROUP BY contract ORDER BY contract;
-- weights 0 only, or no rows: NULL
SELECT cleangov.weighted_mean(v, 0) AS zero_weights FROM unnest('{1,2}'::float8[]) v;
SELECT cleangov.weighted_mean(v, 1) AS no_rows FROM unnest('{}'::float8[]) v;
-- large values with a tiny spread keep their digits: mean of 1e9+1 and 1e9+2 is 1e9+1.5
SELECT cleangov.weighted_mean(v, 1) - 1e9 AS excess FROM unnest('{1000000001,1000000002}'::float8[]) v;
-- window: running weighted mean
SELECT i, cleangov.weighted_mean(v, w) OVER (ORDER BY i) AS running
  FROM (VALUES (1, 10.0, 1.0), (2, 20, 1), (3, NULL, 1), (4, 40, 2)) t(i, v, w) ORDER BY i;

-- Parallel plan.
CREATE TABLE scoring_t AS SELECT g % 10 AS g, (g % 97)::float8 AS v, (g % 3)::float8 AS w FROM generate_series(1, 20000) g;
ANALYZE scoring_t;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT g, cleangov.weighted_mean(v, w) FROM scoring_t GROUP BY g;
SELECT count(*) AS groups_close
  FROM (SELECT g, cleangov.weighted_mean(v, w) AS m, sum(v * w) / sum(w) AS p FROM scoring_t GROUP BY g) s
 WHERE abs(m - p) <= 1e-12 * abs(p);
RESET enable_hashagg;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
DROP TABLE scoring_t;

-- The state's text form.
CREATE AGGREGATE wmean_state_of(float8, float8) (SFUNC = cleangov.weighted_mean_trans, STYPE = cleangov.weighted_mean_state);
SELECT wmean_state_of(v, w) FROM (VALUES (1.0, 1.0), (NULL, 5), (3, 3), (0.1, 0)) t(v, w);
SELECT cleangov.weighted_mean_final(cleangov.weighted_mean_combine('n=2;w=4,0;wv=10,0;max=5,0', 'n=1;w=4,0;wv=2,0;max=2,0'));
DROP AGGREGATE wmean_state_of(float8, float8);

-- Errors, each with its SQLSTATE.
\set VERBOSITY sqlstate
SELECT cleangov.normalize_score(1, 5, 5);
SELECT cleangov.normalize_score('NaN', 0, 1);
SELECT cleangov.normalize_score(1, '-Infinity', 1);
SELECT cleangov.pct_over('Infinity', 1);
SELECT cleangov.pct_over(1e308, 1e-308);
SELECT cleangov.weighted_mean(v, -1) FROM unnest('{1}'::float8[]) v;
SELECT cleangov.weighted_mean(v, 1) FROM unnest('{NaN}'::float8[]) v;
SELECT cleangov.weighted_mean(1, w) FROM unnest('{Infinity}'::float8[]) w;
SELECT cleangov.weighted_mean(1, w) FROM unnest('{1e308,1e308}'::float8[]) w;
SELECT 'n=1;w=-1,0;wv=0,0;max=0,0'::cleangov.weighted_mean_state;
SELECT 'n=1;w=1,0;wv=inf,0;max=1,0'::cleangov.weighted_mean_state;
SELECT 'n=1;w=1,0'::cleangov.weighted_mean_state;
\set VERBOSITY default
