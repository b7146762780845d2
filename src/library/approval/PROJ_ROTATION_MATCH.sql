-- PROJ_ROTATION_MATCH: a rotation that keeps matching the same reviewer to
-- the same applicant (评审轮候定向匹配, seed 004: review agencies for budget
-- estimates and preliminary designs are assigned by rotation, 轮候制, "容易出现
-- 定向匹配的廉政风险").
--
-- A rotation is the assignments of one unit in one stage.  A fair rotation
-- matches an applicant's project with each reviewer of the pool with
-- probability 1 / pool size (the pool size bound, else the number of distinct
-- reviewers the rotation assigned).  For an applicant with n assignments in
-- the rotation, p the mean of 1 / pool size over them, and x of them to one
-- reviewer, the p-value is P(X >= x) for X ~ Binomial(n, p)
-- (cleangov.binomial_upper_p).  The applicant is tested against every
-- reviewer of its pool, so the p-value is adjusted by Bonferroni: times the
-- pool size (1 / p), at most 1.  Fires when x >= {min_matches} and the
-- adjusted p-value is below {alpha}.  With a pool that changes size the
-- count is Poisson-binomial; the mean probability is the usual approximation
-- and exact for a constant pool.  Value: the matches; threshold: the matches
-- a fair rotation expects (n p).  A test against the expected frequency, not
-- a fixed count, as issue 18 asks; {alpha} 0.001 is a conventional strict
-- level (the seed gives no figure).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROJ_ROTATION_MATCH', 'rotation keeps matching one reviewer to one applicant', '评审轮候定向匹配', 'approval', 'directed matching',
  'applicant_reviewer',
  '{"alpha": 0.001, "min_matches": 3}', 'yellow',
  'In a rotation (one unit, one stage), a reviewer matched to an applicant x times out of the applicant''s n assignments, at least {min_matches}, where a fair rotation (probability 1 / pool size) gives x or more with a Bonferroni-adjusted binomial p-value below {alpha} (seed 004, 轮候制).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'PROJ_ROTATION_MATCH',
  'set',
  $$
WITH a AS (
  SELECT a.applicant_id, a.reviewer_id, a.unit_code, coalesce(a.stage, '') AS stage, a.pool_size
    FROM cleangov_bound.review_assignment a
   WHERE a.applicant_id IS NOT NULL AND a.reviewer_id IS NOT NULL),
r AS (
  SELECT a.unit_code, a.stage, count(DISTINCT a.reviewer_id) AS reviewers
    FROM a GROUP BY a.unit_code, a.stage),
ap AS (
  SELECT a.unit_code, a.stage, a.applicant_id, count(*) AS n,
         avg(1.0 / greatest(coalesce(a.pool_size, r.reviewers), 1))::float8 AS p
    FROM a JOIN r ON r.unit_code IS NOT DISTINCT FROM a.unit_code AND r.stage = a.stage
   GROUP BY a.unit_code, a.stage, a.applicant_id),
m AS (
  SELECT a.unit_code, a.stage, a.applicant_id, a.reviewer_id, count(*) AS x
    FROM a GROUP BY a.unit_code, a.stage, a.applicant_id, a.reviewer_id
  HAVING count(*) >= {min_matches}),
tp AS (
  SELECT m.*, ap.n, ap.p, @extschema@.binomial_upper_p(m.x, ap.n, ap.p) AS p_value
    FROM m JOIN ap ON ap.unit_code IS NOT DISTINCT FROM m.unit_code AND ap.stage = m.stage
                  AND ap.applicant_id = m.applicant_id),
t AS (SELECT tp.*, least(1, tp.p_value / tp.p) AS p_adjusted FROM tp)
SELECT t.applicant_id || '/' || t.reviewer_id AS subject_key, t.unit_code, t.stage AS period,
       t.x::float8 AS value, (t.n * t.p)::float8 AS threshold,
       jsonb_build_object('applicant_id', t.applicant_id, 'reviewer_id', t.reviewer_id, 'stage', t.stage,
                          'assignments', t.n, 'matches', t.x, 'pool_size', round((1 / t.p)::numeric, 2),
                          'expected_matches', round((t.n * t.p)::numeric, 2),
                          'p_value', t.p_value, 'p_adjusted', t.p_adjusted) AS evidence
  FROM t
 WHERE t.p_adjusted < {alpha}$$,
  '{}'::text[],
  '{"review_assignment.pool_size": "the pool is the distinct reviewers the rotation assigned (an unused reviewer of the pool goes uncounted, which makes the test milder)", "review_assignment.unit_code": "one rotation for all units; alerts carry no unit", "review_assignment.stage": "one rotation per unit for every stage"}'::jsonb);
