-- cleangov.benford: hand-worked examples, exact digits, skipped amounts,
-- errors, the state's text form, the chi-square tail and the parallel plan.
-- Random data against plain SQL: test/pgtap/32_benford.sql.

-- Hand-worked, first digit: 1 1 1 2 2 3 4 5 7 9 -> counts 3 2 1 1 1 0 1 0 1, n = 10.
--   MAD = mean |p - log10(1 + 1/d)| = 0.288138.../9; chi2 = sum (c - 10e)^2 / (10e);
--   digit 1: p = 0.3, e = 0.30103: |p - e| = 0.00103 < 1/(2N) = 0.05, no correction.
SELECT test, n, round(mad::numeric, 10) AS mad, round(chi2::numeric, 10) AS chi2,
       round(p_value::numeric, 10) AS p_value, round(max_z::numeric, 10) AS max_z, max_z_digit,
       conformity, counts
  FROM (SELECT (cleangov.benford(x)).* FROM unnest('{1,1,1,2,2,3,4,5,7,9}'::numeric[]) x) r;
SELECT round((SELECT sum(abs(c / 10.0 - log(1 + 1.0 / d))) / 9
                FROM unnest('{3,2,1,1,1,0,1,0,1}'::int[]) WITH ORDINALITY u(c, d)), 10) AS mad_by_hand,
       round((SELECT sum((c - 10 * log(1 + 1.0 / d)) ^ 2 / (10 * log(1 + 1.0 / d)))
                FROM unnest('{3,2,1,1,1,0,1,0,1}'::int[]) WITH ORDINALITY u(c, d)), 10) AS chi2_by_hand,
       -- digit 7, the largest Z: |0.1 - 0.057992| = 0.042008 < 1/(2N) = 0.05, so no correction
       round((0.1 - log(1 + 1.0 / 7)) / sqrt(log(1 + 1.0 / 7) * (1 - log(1 + 1.0 / 7)) / 10), 10) AS z7_by_hand,
       -- digit 9: |0.1 - 0.045757| = 0.054243 > 0.05: z = (0.054243 - 0.05) / sqrt(e(1-e)/10)
       round(((0.1 - log(1 + 1.0 / 9)) - 0.05) / sqrt(log(1 + 1.0 / 9) * (1 - log(1 + 1.0 / 9)) / 10), 10) AS z9_by_hand;

-- Exact digits of numeric, short and long stored forms, any scale; the sign is
-- ignored; zero skipped; below 1 (first) or 10 (second, first_two) skipped as too small.
SELECT x, (cleangov.benford(x, 'first')).counts AS first,
       (cleangov.benford(x, 'second')).counts AS second,
       (cleangov.benford(x, 'first_two')).observed AS first_two
  FROM unnest('{7, 12, 1.9999999999999999999999, 99999999, 10000, 10000.0001, 314159265358979323846264338327950288,
                -42, 0.5, 9.99, 0, 0.000, 1e-30, 2.5e40, 10, 100000000000000000000000000000000000000000000000001}'::numeric[]) x
 GROUP BY x ORDER BY x;
-- amounts skipped and counted: zeros, and amounts too small for the test
SELECT (r).test, (r).n, (r).skipped_zero, (r).skipped_small
  FROM (SELECT cleangov.benford(x, t) r
          FROM unnest('{0, 0.00, 0.5, 3, 9.99, 10, 25.5, -77, 123}'::numeric[]) x,
               unnest('{first,second,first_two}'::text[]) t GROUP BY t) s ORDER BY 1;
-- NULL amounts are skipped without a count; no rows at all: n = 0 and no test
SELECT (r).test, (r).n, (r).skipped_zero, (r).mad IS NULL AS no_mad
  FROM (SELECT cleangov.benford(x) r FROM (VALUES (NULL::numeric), (NULL)) v(x)) s;
SELECT (r).test, (r).n, (r).skipped_zero, (r).counts FROM (SELECT cleangov.benford(x) r FROM unnest('{}'::float8[]) x) s;
SELECT (r).test, (r).n, (r).observed FROM (SELECT cleangov.benford(x, 'second') r FROM (VALUES (0::float8), (5)) v(x)) s;

-- float8: digits of the shortest exact decimal form (what float8out prints).
SELECT x, (cleangov.benford(x, 'first_two')).observed AS first_two
  FROM unnest('{0.1, 12.3, 19.999999999999996, 99.99999999999999, 9007199254740993, 1e22, 1e23, 9.999999999999999e22,
                1.7976931348623157e308, 5e-324, -2500}'::float8[]) x
 GROUP BY x ORDER BY x;

-- Bad input: NaN and infinities (22003), an unknown or NULL test (22023, 22004),
-- mixing tests in one aggregate (22023).
\set VERBOSITY terse
SELECT cleangov.benford(x) FROM (VALUES (1::numeric), ('NaN')) v(x);
SELECT cleangov.benford(x) FROM (VALUES ('Infinity'::numeric)) v(x);
SELECT cleangov.benford(x) FROM (VALUES ('-Infinity'::float8)) v(x);
SELECT cleangov.benford(x) FROM (VALUES ('NaN'::float8)) v(x);
SELECT cleangov.benford(x, 'third') FROM (VALUES (1::numeric)) v(x);
SELECT cleangov.benford(x, 'First') FROM (VALUES (1::float8)) v(x);
SELECT cleangov.benford(x, NULL) FROM (VALUES (1::float8)) v(x);
SELECT cleangov.benford(x, t) FROM (VALUES (12::numeric, 'first'), (13, 'second')) v(x, t);
SELECT cleangov.benford_combine('(first,0,0,{1,0,0,0,0,0,0,0,0})', '(second,0,0,{1,0,0,0,0,0,0,0,0,0})');
\set VERBOSITY default

-- The state as text, and back.
SELECT cleangov.benford_partial(x, 'second') FROM unnest('{12.5, 0.3, 7, 0, -1234, 20}'::numeric[]) x;
SELECT cleangov.benford_partial(x, 'first') FROM unnest('{}'::float8[]) x;
SELECT (cleangov.benford_final('(first_two,1,2,{1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,3})')).counts;
\set VERBOSITY terse
SELECT '(first,0,0,{1,2,3})'::cleangov.benford_state;
SELECT '(fourth,0,0,{})'::cleangov.benford_state;
SELECT '(first,-1,0,{0,0,0,0,0,0,0,0,0})'::cleangov.benford_state;
SELECT '(first,0,0,{0,0,0,0,0,0,0,0,0}'::cleangov.benford_state;
SELECT '(first,0,0,{0,0,0,0,0,0,0,0,0,0})'::cleangov.benford_state;
\set VERBOSITY default

-- Chi-square tail: table critical values at 5 % and 1 %.
SELECT df, round(cleangov.chi2_p(c5, df)::numeric, 4) AS p_at_5pct, round(cleangov.chi2_p(c1, df)::numeric, 4) AS p_at_1pct
  FROM (VALUES (8, 15.507, 20.090), (9, 16.919, 21.666), (89, 112.022, 122.942)) v(df, c5, c1);
SELECT cleangov.chi2_p(0, 8) AS at_zero, cleangov.chi2_p(1000, 8) < 1e-200 AS far_tail;
\set VERBOSITY terse
SELECT cleangov.chi2_p(1, 0);
SELECT cleangov.chi2_p(-1, 8);
\set VERBOSITY default

-- Parallel plan: Partial Aggregate in the workers, combined in the leader.
CREATE TABLE amounts_par AS SELECT i % 10 AS buyer, ((i * 7919) % 100003)::numeric / 100 AS amount
  FROM generate_series(1, 20000) i;
ANALYZE amounts_par;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT buyer, cleangov.benford(amount, 'first_two') FROM amounts_par GROUP BY buyer;
CREATE TEMP TABLE par AS SELECT buyer, cleangov.benford(amount, 'first_two') r FROM amounts_par GROUP BY buyer;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS buyers, count(*) FILTER (WHERE p.r = s.r) AS equal
  FROM par p JOIN (SELECT buyer, cleangov.benford(amount, 'first_two') r FROM amounts_par GROUP BY buyer) s USING (buyer);
DROP TABLE amounts_par;
