-- The rotation rule (PROJ_ROTATION_MATCH, seed 004's 轮候制) and its test,
-- cleangov.binomial_upper_p: the kernel against an exact computation in
-- numeric on random and edge arguments, its error paths, and the rule on a
-- bound table (fires, near misses on either side of the boundary, a pool
-- given and a pool counted).
BEGIN;
SELECT plan(17);
SET client_min_messages = warning;

-- ---- the kernel -------------------------------------------------------------
-- exact: sum over k >= x of C(n, k) p^k (1 - p)^(n - k), in numeric
CREATE FUNCTION pg_temp.binom_exact(x int, n int, p numeric) RETURNS numeric LANGUAGE sql AS $$
  SELECT coalesce(sum(round(factorial(n) / (factorial(k) * factorial(n - k))) * power(p::numeric(90, 80), k) * power((1 - p)::numeric(90, 80), n - k)), 0)
    FROM generate_series(greatest(x, 0), n) k $$;
SELECT setseed(0.88);
CREATE TEMP TABLE cases AS
SELECT (random() * 45)::int AS n, round(random()::numeric, 3) AS p, random() AS u FROM generate_series(1, 300);
UPDATE cases SET p = 0.5 WHERE p IN (0, 1);
CREATE TEMP TABLE checked AS
SELECT n, p, x, cleangov.binomial_upper_p(x, n, p::float8) AS got, pg_temp.binom_exact(x, n, p)::float8 AS want
  FROM (SELECT n, p, (u * (n + 2))::int - 1 AS x FROM cases) c;
SELECT is((SELECT count(*)::int FROM checked WHERE abs(got - want) > 1e-12 + 1e-9 * want), 0,
          '300 random (x, n, p) with n up to 45: equal to the exact sum in numeric (relative 1e-9)');
SELECT is((SELECT count(*)::int FROM checked c
            WHERE abs(c.got - (1 - cleangov.binomial_upper_p(c.n - c.x + 1, c.n, 1 - c.p::float8))) > 1e-12),
          0, 'symmetry: P(X >= x; n, p) = 1 - P(X >= n - x + 1; n, 1 - p)');
SELECT is(ARRAY[cleangov.binomial_upper_p(0, 10, 0.3), cleangov.binomial_upper_p(-5, 10, 0.3), cleangov.binomial_upper_p(11, 10, 0.3),
                cleangov.binomial_upper_p(0, 0, 0.3), cleangov.binomial_upper_p(1, 0, 0.3),
                cleangov.binomial_upper_p(1, 10, 0), cleangov.binomial_upper_p(10, 10, 1)],
          '{1,1,0,1,0,0,1}'::float8[], 'edges: x <= 0, x > n, n = 0, p = 0, p = 1');
-- P(X >= m) for n = 2m and p = 1/2 is 1/2 + P(X = m)/2, and P(X = m) =
-- C(2m, m) / 4^m = (1 - 1/(8m) + 1/(128m^2) + 5/(1024m^3) - ...) / sqrt(pi m)
SELECT ok(abs(cleangov.binomial_upper_p(500000, 1000000, 0.5)
              - (0.5 + (1 - 1 / (8 * 5e5::float8) + 1 / (128 * 5e5::float8 ^ 2) + 5 / (1024 * 5e5::float8 ^ 3)) / sqrt(pi() * 5e5) / 2)) < 1e-13,
          'a million trials: P(X >= n/2) = 1/2 + P(X = n/2)/2, to 1e-13');
SELECT ok(abs(cleangov.binomial_upper_p(1000000000, 2000000000, 0.5)
              - (0.5 + (1 - 1 / (8 * 1e9::float8) + 1 / (128 * 1e9::float8 ^ 2)) / sqrt(pi() * 1e9) / 2)) < 1e-12,
          'two billion trials, to 1e-12 (the ratios multiplied over some 10^5 terms)');
SELECT ok(cleangov.binomial_upper_p(900, 1000, 0.1) = 0 AND cleangov.binomial_upper_p(1, 1000000, 1e-12) > 0,
          'a far tail underflows to 0, a tiny probability does not');
SELECT throws_ok($$SELECT cleangov.binomial_upper_p(1, -1, 0.5)$$, '22023', NULL, 'n < 0: 22023');
SELECT throws_ok($$SELECT cleangov.binomial_upper_p(1, 10, 1.5)$$, '22023', NULL, 'p above 1: 22023');
SELECT throws_ok($$SELECT cleangov.binomial_upper_p(1, 10, 'NaN')$$, '22023', NULL, 'p NaN: 22023');
SELECT throws_ok($$SELECT cleangov.binomial_upper_p(1, 2147483648, 0.5)$$, '22003', NULL, 'n above 2^31 - 1: 22003');
SELECT is(cleangov.binomial_upper_p(NULL, 10, 0.5), NULL, 'strict: NULL in, NULL out');

-- ---- the rule ------------------------------------------------------------------
INSERT INTO cleangov.unit (unit_code, name, name_zh) VALUES ('RV', 'development and reform commission', '发展和改革委员会');
CREATE SCHEMA rv;
CREATE TABLE rv.assign (id int PRIMARY KEY, applicant text, reviewer text, pool int, unit text, stage text);
-- stage estimate, a pool of 10: A1 got R1 8 times in 10 (p 3.7e-7, adjusted
-- 3.7e-6: fires); A2 got R2 3 times in 10 (adjusted 0.70); A3 got R3 2 of 2
-- (fewer than min_matches)
INSERT INTO rv.assign
SELECT row_number() OVER (), a, r, 10, 'RV', 'estimate'
  FROM (SELECT 'A1', CASE WHEN i <= 8 THEN 'R1' ELSE 'R' || (i + 10) END FROM generate_series(1, 10) i
        UNION ALL SELECT 'A2', CASE WHEN i <= 3 THEN 'R2' ELSE 'R' || (i + 20) END FROM generate_series(1, 10) i
        UNION ALL SELECT 'A3', 'R3' FROM generate_series(1, 2)) s(a, r);
-- stage design, the pool counted (4 reviewers: R4 to R7): A4 got R4 6 of 6
-- (0.25^6 * 4 = 0.00098: fires), A5 got R5 5 of 5 (0.0039: does not)
INSERT INTO rv.assign
SELECT 100 + row_number() OVER (), a, r, NULL, 'RV', 'design'
  FROM (SELECT 'A4', 'R4' FROM generate_series(1, 6) UNION ALL SELECT 'A5', 'R5' FROM generate_series(1, 5)
        UNION ALL VALUES ('A6', 'R6'), ('A6', 'R7')) s(a, r);
SELECT cleangov.bind('review_assignment', 'rv.assign',
  '{"assignment_id": "id", "applicant_id": "applicant", "reviewer_id": "reviewer", "pool_size": "pool", "unit_code": "unit", "stage": "stage"}');
SELECT lives_ok($$SELECT cleangov.run(rule_code => 'PROJ_ROTATION_MATCH')$$, 'the rule runs over the bound rotation');
SELECT set_eq($$SELECT subject_key, period, value, unit_code FROM cleangov.alert WHERE rule_code = 'PROJ_ROTATION_MATCH'$$,
              $$VALUES ('A1/R1', 'estimate', 8::float8, 'RV'), ('A4/R4', 'design', 6, 'RV')$$,
              'fires for 8 of 10 in a pool of 10 and 6 of 6 in a counted pool of 4; not for 3 of 10, 5 of 5 or 2 of 2');
SELECT ok((SELECT abs((evidence ->> 'p_value')::float8 - pg_temp.binom_exact(8, 10, 0.1)::float8) < 1e-12 * pg_temp.binom_exact(8, 10, 0.1)::float8
             FROM cleangov.alert WHERE subject_key = 'A1/R1'),
          'the evidence''s p-value is the exact binomial tail');
SELECT is((SELECT (evidence ->> 'assignments', evidence ->> 'pool_size', evidence ->> 'expected_matches', threshold)
             FROM cleangov.alert WHERE subject_key = 'A4/R4'),
          ('6'::text, '4.00'::text, '1.50'::text, 1.5::float8), 'a counted pool: 4 reviewers, 1.5 matches expected');
-- one more match for A5 crosses the boundary: 6 of 6 again
INSERT INTO rv.assign VALUES (200, 'A5', 'R5', NULL, 'RV', 'design');
SELECT cleangov.run(rule_code => 'PROJ_ROTATION_MATCH');
SELECT ok(EXISTS (SELECT FROM cleangov.alert WHERE rule_code = 'PROJ_ROTATION_MATCH' AND subject_key = 'A5/R5'),
          'the sixth match of six: A5 crosses the boundary');
SET ROLE cleangov_analyst;
SELECT is(cleangov.binomial_upper_p(3, 3, 0.5), 0.125::float8, 'an analyst computes the test');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
