-- cleangov.bid_screens: hand-worked examples, edges, errors, the state's text
-- form and the parallel plan.  Random data against plain SQL: test/pgtap/30_bid_screens.sql.
SET extra_float_digits = 0;

-- Hand-worked: bids 100, 102, 103, 110.
--   mean 103.75; deviations -3.75 -1.75 -0.75 6.25; M2 = 56.75, M3 = 185.625,
--   M4 = 1733.328125; sd = sqrt(56.75/3); cv = sd/103.75;
--   skewness = sqrt(4*3)/2 * sqrt(4)*M3/M2^1.5; kurtosis = 4*5/(3*2*1) * M4*9/M2^2 - 3*9/(2*1);
--   d = 2/100; rd = 2/sd(102,103,110) = 2/sqrt(38/2); normd = 3*2/10; spd = 10/100.
WITH b(x) AS (VALUES (103::float8), (110), (100), (102)),
     s AS (SELECT cleangov.bid_screens(x) AS r FROM b)
SELECT (r).n,
       abs((r).mean - 103.75) < 1e-12 AS mean_ok,
       abs((r).sd - sqrt(56.75 / 3)) < 1e-12 AS sd_ok,
       abs((r).cv - sqrt(56.75 / 3) / 103.75) < 1e-15 AS cv_ok,
       abs((r).skewness - sqrt(12) / 2 * 2 * 185.625 / 56.75 ^ 1.5) < 1e-12 AS skewness_ok,
       abs((r).kurtosis - (20.0 / 6 * 1733.328125 * 9 / 56.75 ^ 2 - 27.0 / 2)) < 1e-12 AS kurtosis_ok,
       abs((r).d - 0.02) < 1e-15 AS d_ok,
       abs((r).rd - 2 / sqrt(19)) < 1e-12 AS rd_ok,
       abs((r).normd - 0.6) < 1e-15 AS normd_ok,
       abs((r).spd - 0.1) < 1e-15 AS spd_ok,
       (r).b1, (r).b2, (r).bn
  FROM s;

-- n = 0, 1, 2, 3, 4: which fields exist (NULL where n is too small).
SELECT k AS n_bids, (r).n,
       (r).mean IS NOT NULL AS mean, (r).sd IS NOT NULL AS sd, (r).cv IS NOT NULL AS cv,
       (r).skewness IS NOT NULL AS skew, (r).kurtosis IS NOT NULL AS kurt,
       (r).d IS NOT NULL AS d, (r).rd IS NOT NULL AS rd,
       (r).normd IS NOT NULL AS normd, (r).spd IS NOT NULL AS spd
  FROM generate_series(0, 4) k,
       LATERAL (SELECT cleangov.bid_screens(100 + i * i) AS r FROM generate_series(1, k) i) s
 ORDER BY k;

-- Two bids: d = (b2 - b1)/b1, normd = (n-1)(b2-b1)/(bn-b1) = 1, spd = d, rd needs 3 bids.
SELECT (cleangov.bid_screens(x)).* FROM (VALUES (200::float8), (250)) v(x);

-- All bids equal: sd 0, so cv 0, and every field divided by sd or by bn - b1 is NULL.
SELECT (cleangov.bid_screens(x)).* FROM (VALUES (500::float8), (500), (500), (500), (500)) v(x);

-- NULL bids are skipped; a tender of NULL bids only has n = 0.
SELECT (cleangov.bid_screens(x)).n FROM (VALUES (NULL::float8), (10), (NULL), (20)) v(x);
SELECT (cleangov.bid_screens(x)).n FROM (VALUES (NULL::float8), (NULL)) v(x);

-- A zero lowest bid: d and spd divide by b1 = 0, so NULL.
SELECT (r).d, (r).spd, (r).normd FROM (SELECT cleangov.bid_screens(x) r FROM (VALUES (0::float8), (5), (10)) v(x)) s;

-- Prices of 10^9 differing in the last units: the same screens as the
-- bids minus 10^9 (all but mean, cv, d and spd are shift-invariant).
WITH b(x) AS (VALUES (1), (2), (4), (8), (3), (3)),
     big AS (SELECT cleangov.bid_screens(1e9 + x) r FROM b),
     small AS (SELECT cleangov.bid_screens(x::float8) r FROM b)
SELECT abs((big.r).sd - (small.r).sd) < 1e-12 AS sd_ok,
       abs((big.r).skewness - (small.r).skewness) < 1e-9 AS skewness_ok,
       abs((big.r).kurtosis - (small.r).kurtosis) < 1e-9 AS kurtosis_ok,
       abs((big.r).rd - (small.r).rd) < 1e-12 AS rd_ok,
       abs((big.r).normd - (small.r).normd) < 1e-15 AS normd_ok,
       abs((big.r).mean - (1e9 + (small.r).mean)) < 1e-6 AS mean_ok,
       abs((big.r).d - 1 / (1e9 + 1)) < 1e-22 AS d_ok
  FROM big, small;

-- A low outlier below a tight cluster: rd = (b2 - b1)/sd(b2..bn) stays exact
-- (sd of 2e9+0, 2e9+1, 2e9+2 is 1, so rd = 1e9).
SELECT (r).rd, (r).b1, (r).b2 FROM (SELECT cleangov.bid_screens(x) r
  FROM (VALUES (2000000001::float8), (1000000000), (2000000002), (2000000000)) v(x)) s;

-- Huge and tiny prices: the screens are scale-invariant.
WITH b(x) AS (VALUES (1), (2), (4), (8), (3)),
     h AS (SELECT cleangov.bid_screens(x * 1e60) r FROM b),
     t AS (SELECT cleangov.bid_screens(x * 1e-60) r FROM b),
     u AS (SELECT cleangov.bid_screens(x::float8) r FROM b)
SELECT abs((h.r).cv - (u.r).cv) < 1e-12 AS huge_cv, abs((t.r).cv - (u.r).cv) < 1e-12 AS tiny_cv,
       abs((h.r).kurtosis - (u.r).kurtosis) < 1e-9 AS huge_kurtosis,
       abs((t.r).kurtosis - (u.r).kurtosis) < 1e-9 AS tiny_kurtosis,
       abs((h.r).rd - (u.r).rd) < 1e-12 AS huge_rd, abs((t.r).skewness - (u.r).skewness) < 1e-9 AS tiny_skewness
  FROM h, t, u;

-- Bad input: NaN and infinities (22003), negative prices (22023), moments
-- beyond float8 (22003).
\set VERBOSITY terse
SELECT cleangov.bid_screens(x) FROM (VALUES (1::float8), ('NaN')) v(x);
SELECT cleangov.bid_screens(x) FROM (VALUES ('Infinity'::float8)) v(x);
SELECT cleangov.bid_screens(x) FROM (VALUES ('-Infinity'::float8)) v(x);
SELECT cleangov.bid_screens(x) FROM (VALUES (10::float8), (-1)) v(x);
SELECT cleangov.bid_screens(x) FROM (VALUES (1e100::float8), (3e100)) v(x);
SELECT cleangov.bid_screens(x) FROM (VALUES (1e70::float8), (3e70), (2e90), (0), (1)) v(x);
\set VERBOSITY default

-- The state as text (n,b1,b2,bn, mean, M2, M3, M4 of the bids but b1, minus b2):
-- shortest doubles that read back bit for bit.
SELECT cleangov.bid_screens_partial(x) FROM (VALUES (103::float8), (110), (100), (102)) v(x);
SELECT cleangov.bid_screens_partial(x) FROM (VALUES (0.1::float8), (0.2), (0.3)) v(x);
SELECT s::text::cleangov.bid_screens_state::text = s::text AS round_trips
  FROM (SELECT cleangov.bid_screens_partial(x / 7) s FROM generate_series(1, 50) x) q;
SELECT cleangov.bid_screens_final('(0,0,0,0,0,0,0,0,0,0,0,0)');
-- malformed or impossible states are refused (22P02)
\set VERBOSITY terse
SELECT '(1,2,3)'::cleangov.bid_screens_state;
SELECT '(-1,0,0,0,0,0,0,0,0,0,0,0)'::cleangov.bid_screens_state;
SELECT '(2,5,4,6,0,0,0,0,0,0,0,0)'::cleangov.bid_screens_state;
SELECT '(2,1,2,3,0,0,0,NaN,0,0,0,0)'::cleangov.bid_screens_state;
SELECT '(0,1,0,0,0,0,0,0,0,0,0,0)'::cleangov.bid_screens_state;
SELECT '(1,2,0,2,0,0,0,0,0,0,0,0) x'::cleangov.bid_screens_state;
\set VERBOSITY default

-- Combine: two halves merged equal the whole.
SELECT (cleangov.bid_screens_merge(s)).n, round((cleangov.bid_screens_merge(s)).rd::numeric, 12) AS rd
  FROM (SELECT cleangov.bid_screens_partial(x) s FROM (VALUES (1, 103::float8), (1, 110), (2, 100), (2, 102)) v(g, x) GROUP BY g) q;

-- Parallel plan: Partial Aggregate in the workers, combined in the leader.
CREATE TABLE bids_par AS SELECT i % 100 AS tender, (1000 + (i * 7919) % 997)::float8 AS price
  FROM generate_series(1, 20000) i;
ANALYZE bids_par;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT tender, cleangov.bid_screens(price) FROM bids_par GROUP BY tender;
-- and the same answer as without workers
CREATE TEMP TABLE par AS SELECT tender, cleangov.bid_screens(price) r FROM bids_par GROUP BY tender;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS tenders,
       count(*) FILTER (WHERE (p.r).n = (s.r).n AND (p.r).b1 = (s.r).b1 AND (p.r).b2 = (s.r).b2
                          AND abs((p.r).sd - (s.r).sd) <= 1e-12 * (s.r).sd
                          AND abs((p.r).kurtosis - (s.r).kurtosis) <= 1e-9
                          AND abs((p.r).rd - (s.r).rd) <= 1e-12 * (s.r).rd) AS equal
  FROM par p JOIN (SELECT tender, cleangov.bid_screens(price) r FROM bids_par GROUP BY tender) s USING (tender);
DROP TABLE bids_par;
