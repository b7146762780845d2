-- Rule library, approvals, enforcement and funds: for every rule, a small
-- hand-made case that must fire (subject, value, level) and near-misses that
-- must not, run by cleangov.run() over tables bound inside the transaction.
BEGIN;
SELECT plan(21);
SET client_min_messages = warning;

CREATE SCHEMA lib;
-- Hits of one run of a rule (fails the test when the rule does not run ok).
CREATE FUNCTION lib.run(code text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  SELECT * INTO r FROM cleangov.run(code);
  IF r.status <> 'ok' THEN RAISE EXCEPTION 'rule % did not run: % %', code, r.status, r.message; END IF;
  RETURN r.hits;
END $$;
-- The open alerts of a rule: subject, value rounded to 4 places, level, period.
CREATE FUNCTION lib.alerts(code text) RETURNS TABLE (subject_key text, period text, value numeric, level text)
LANGUAGE sql AS $$
  SELECT a.subject_key, a.period, round(a.value::numeric, 4), a.level::text FROM cleangov.alert a
   WHERE a.rule_code = code AND a.status = 'open' ORDER BY 1, 2 $$;

-- APPR_TIME_LIMIT -----------------------------------------------------------
CREATE TABLE lib.cases (id text, received timestamptz, decided timestamptz, lim numeric, wd boolean, unit text);
INSERT INTO lib.cases VALUES
  ('A1', '2024-03-04 10:00', '2024-03-07 16:00', 2, true, 'U1'),   -- Mon -> Thu: 3 working days, limit 2: fires
  ('A2', '2024-03-04 10:00', '2024-03-06 17:30', 2, true, 'U1'),   -- decided on its last day: does not
  ('A3', '2024-03-08 10:00', '2024-03-12 09:00', 2, true, 'U1'),   -- Fri -> Tue: the weekend does not count
  ('A4', '2024-03-01 10:00', '2024-03-12 10:00', 10, false, 'U2'), -- 11 calendar days, limit 10: fires
  ('A5', '2024-01-01 10:00', '2024-01-21 10:00', NULL, false, 'U2'), -- no limit given: 20 days is the default, not over
  ('A6', '2024-01-01 10:00', '2024-01-22 10:00', NULL, false, 'U2'), -- 21 days: fires
  ('A7', '2024-03-08 10:00', '2024-03-11 09:00', 2, NULL, 'U1');   -- not said: working days (Fri -> Mon: 1), not 3 calendar days
SELECT cleangov.bind('approval_case', 'lib.cases',
  '{"case_id": "id", "submitted_at": "received", "decided_at": "decided", "time_limit_days": "lim", "working_days": "wd", "unit_code": "unit"}');
SELECT is(lib.run('APPR_TIME_LIMIT'), 3, 'APPR_TIME_LIMIT: three cases over their limit');
SELECT results_eq($$SELECT * FROM lib.alerts('APPR_TIME_LIMIT')$$,
                  $$VALUES ('A1', '', 3::numeric, 'yellow'), ('A4', '', 11, 'yellow'), ('A6', '', 21, 'yellow')$$,
                  'days taken as the value: working days unless the case counts calendar days (not said: working days), default limit 20');

-- APPR_OUT_OF_ORDER -----------------------------------------------------------
CREATE TABLE lib.steps (id text, case_id text, step text, seq int, at timestamptz, unit text);
INSERT INTO lib.steps VALUES
  ('1', 'O1', 'apply', 1, '2024-03-01', 'U1'), ('2', 'O1', 'approve', 4, '2024-03-10', 'U1'), ('3', 'O1', 'build_start', 5, '2024-03-05', 'U1'),
  ('4', 'O2', 'apply', 1, '2024-03-01', 'U1'), ('5', 'O2', 'approve', 4, '2024-03-05', 'U1'), ('6', 'O2', 'build_start', 5, '2024-03-10', 'U1'),
  ('7', 'O3', 'review', 3, '2024-03-10', 'U1'), ('8', 'O3', 'approve', 4, '2024-03-01', 'U1'), ('9', 'O3', 'pay', 6, '2024-03-05', 'U1');
SELECT cleangov.bind('approval_step', 'lib.steps', '{"step_id": "id", "expected_seq": "seq", "done_at": "at", "unit_code": "unit"}');
SELECT is(lib.run('APPR_OUT_OF_ORDER'), 1, 'APPR_OUT_OF_ORDER: one case');
SELECT results_eq($$SELECT * FROM lib.alerts('APPR_OUT_OF_ORDER')$$, $$VALUES ('O1', '', 5::numeric, 'red')$$,
                  'built 5 days before approval fires, red; approval then building, and a non-gate step (review) late, do not');

-- ENF_DISCRETION_OUTLIER ------------------------------------------------------
CREATE TABLE lib.pen (id text, vtype text, amount numeric, unit text);
INSERT INTO lib.pen SELECT 'v1-' || i, 'V1', 100 + 10 * i, 'U1' FROM generate_series(0, 9) i;  -- 100 .. 190
INSERT INTO lib.pen VALUES ('v1-x', 'V1', 1000, 'U1');   -- median 150, MAD 30: z = 0.6745 * 850 / 30
INSERT INTO lib.pen SELECT 'v2-' || i, 'V2', 100 + 10 * i, 'U1' FROM generate_series(0, 7) i;
INSERT INTO lib.pen VALUES ('v2-x', 'V2', 5000, 'U1');   -- only 9 peers: no verdict
INSERT INTO lib.pen SELECT 'v3-' || i, 'V3', 200, 'U1' FROM generate_series(0, 11) i;
INSERT INTO lib.pen VALUES ('v3-x', 'V3', 5000, 'U1');   -- MAD 0: no verdict
SELECT cleangov.bind('penalty', 'lib.pen', '{"penalty_id": "id", "violation_type": "vtype", "unit_code": "unit"}');
SELECT is(lib.run('ENF_DISCRETION_OUTLIER'), 1, 'ENF_DISCRETION_OUTLIER: one penalty');
SELECT results_eq($$SELECT * FROM lib.alerts('ENF_DISCRETION_OUTLIER')$$,
                  $$VALUES ('v1-x', '', round(0.6745 * 850 / 30, 4), 'yellow')$$,
                  'the modified z-score 0.6745 (x - median) / MAD is the value; 9 peers or MAD 0 give no verdict');

-- FUND_THREE_PUBLIC_OVER_BUDGET -------------------------------------------------
CREATE TABLE lib.budget (unit text, cat text, month text, amount numeric, spent numeric, tp boolean);
INSERT INTO lib.budget
SELECT u, c, m, 1000, s, tp FROM (VALUES
  ('U1', 'hospitality', '2024-01', 1200, true), ('U1', 'hospitality', '2024-02', 1160, true), ('U1', 'hospitality', '2024-03', 1500, true),
  ('U2', 'hospitality', '2024-01', 1200, true), ('U2', 'hospitality', '2024-02', 1200, true), ('U2', 'hospitality', '2024-03', 1000, true),
  ('U3', 'official_car', '2024-01', 1200, true), ('U3', 'official_car', '2024-02', 1200, true), ('U3', 'official_car', '2024-03', 1200, true),
  ('U4', 'travel_abroad', '2024-01', 1200, true), ('U4', 'travel_abroad', '2024-02', 1200, true), ('U4', 'travel_abroad', '2024-03', 1200, true),
  ('U5', 'office', '2024-01', 1200, false), ('U5', 'office', '2024-02', 1200, false), ('U5', 'office', '2024-03', 1200, false),
  ('U6', 'hospitality', '2024-01', 1150, true), ('U6', 'hospitality', '2024-02', 1200, true), ('U6', 'hospitality', '2024-03', 1200, true)
) v(u, c, m, s, tp);
CREATE TABLE lib.expl (unit text, month text, ok boolean, cat text);
INSERT INTO lib.expl VALUES ('U3', '2024-01', true, 'official_car'), ('U3', '2024-02', true, 'official_car'), ('U3', '2024-03', true, 'official_car'),
                            ('U4', '2024-02', false, 'travel_abroad');
SELECT cleangov.bind('budget_line', 'lib.budget', '{"unit_code": "unit", "category": "cat", "period": "month", "three_public": "tp"}');
SELECT cleangov.bind('budget_explanation', 'lib.expl', '{"unit_code": "unit", "period": "month", "accepted": "ok", "category": "cat"}');
SELECT is(lib.run('FUND_THREE_PUBLIC_OVER_BUDGET'), 2, 'FUND_THREE_PUBLIC_OVER_BUDGET: two three-month streaks');
SELECT results_eq($$SELECT * FROM lib.alerts('FUND_THREE_PUBLIC_OVER_BUDGET')$$,
                  $$VALUES ('U1/hospitality', '2024-03', 0.5::numeric, 'yellow'), ('U4/travel_abroad', '2024-03', 0.2, 'yellow')$$,
                  'the third month over 15 % fires (a rejected explanation does not exempt)');
SELECT is((SELECT count(*)::int FROM lib.alerts('FUND_THREE_PUBLIC_OVER_BUDGET') WHERE subject_key ~ '^U[2356]/'), 0,
          'near-misses: a two-month streak, three months each with an accepted explanation, not a three-public category, a month exactly 15 % over');
SELECT is((SELECT (evidence ->> 'streak')::int FROM cleangov.alert WHERE rule_code = 'FUND_THREE_PUBLIC_OVER_BUDGET' AND subject_key = 'U1/hospitality'),
          3, 'the evidence carries the streak length');

-- FUND_LAND_FEE_LOW -------------------------------------------------------------
CREATE TABLE lib.fee (town text, yr text, due numeric, got numeric);
INSERT INTO lib.fee VALUES ('T1', '2022', 100, 50), ('T1', '2023', 100, 40),
                           ('T2', '2022', 100, 50), ('T2', '2023', 100, 70),   -- below 60 % in one year only
                           ('T3', '2022', 100, 60), ('T3', '2023', 100, 60),   -- exactly 60 %
                           ('T4', '2021', 100, 50), ('T4', '2023', 100, 50);   -- two years, not running
SELECT cleangov.bind('fee_collection', 'lib.fee', '{"unit_code": "town", "period": "yr", "collected": "got"}');
SELECT is(lib.run('FUND_LAND_FEE_LOW'), 1, 'FUND_LAND_FEE_LOW: one town');
SELECT results_eq($$SELECT * FROM lib.alerts('FUND_LAND_FEE_LOW')$$, $$VALUES ('T1', '2023', 0.4::numeric, 'red')$$,
                  'below 60 % two years running: red at the second year; one year, exactly 60 %, or a gap do not fire');

-- FUND_DUPLICATE_FILING -----------------------------------------------------------
CREATE TABLE lib.filing (id text, name text, firm text, unit text, at timestamptz);
INSERT INTO lib.filing VALUES ('F1', '年产10万吨 新型建材项目', 'E1', 'U1', '2024-01-01'),
                              ('F2', '年产10万吨新型建材项目', 'E1', 'U1', '2024-03-01'),   -- again, blanks aside
                              ('F3', '年产10万吨新型建材项目', 'E2', 'U1', '2024-04-01'),   -- another applicant
                              ('F4', '年产20万吨新型建材项目', 'E1', 'U1', '2024-05-01');   -- another project
SELECT cleangov.bind('project_filing', 'lib.filing', '{"filing_id": "id", "project_name": "name", "applicant_id": "firm", "unit_code": "unit", "filed_at": "at"}');
SELECT is(lib.run('FUND_DUPLICATE_FILING'), 1, 'FUND_DUPLICATE_FILING: one filing');
SELECT results_eq($$SELECT * FROM lib.alerts('FUND_DUPLICATE_FILING')$$, $$VALUES ('F2', '', 1::numeric, 'yellow')$$,
                  'the later filing of the same applicant and name fires; the first, another applicant''s and another project do not');

-- FUND_BENFORD ----------------------------------------------------------------------
CREATE TABLE lib.pay (id text, unit text, cat text, amount numeric, at timestamptz);
-- U1: 900 amounts log-uniform over 1 .. 10^3 (Benford); U2: 200 amounts all 5xxx; U3: 100 amounts all 9xx (n not above 100).
INSERT INTO lib.pay SELECT 'u1-' || i, 'U1', 'x', round(power(10, 3.0 * i / 900)::numeric, 2), '2024-01-01' FROM generate_series(1, 900) i;
INSERT INTO lib.pay SELECT 'u2-' || i, 'U2', 'x', 5000 + i, '2024-01-01' FROM generate_series(1, 200) i;
INSERT INTO lib.pay SELECT 'u3-' || i, 'U3', 'x', 900 + i / 2, '2024-01-01' FROM generate_series(1, 100) i;
SELECT cleangov.bind('expense', 'lib.pay', '{"expense_id": "id", "unit_code": "unit", "category": "cat", "paid_at": "at"}');
SELECT is(lib.run('FUND_BENFORD'), 1, 'FUND_BENFORD: one unit');
SELECT is((SELECT subject_key || ' ' || level FROM lib.alerts('FUND_BENFORD')), 'U2 blue', 'a unit whose payments all start with 5 fires, blue');
SELECT cmp_ok((SELECT value FROM cleangov.alert WHERE rule_code = 'FUND_BENFORD'), '>', 0.015::float8, 'its value is the first-digit MAD, above 0.015');
SELECT is((SELECT count(*)::int FROM lib.alerts('FUND_BENFORD') WHERE subject_key IN ('U1', 'U3')), 0,
          'near-misses: Benford-distributed payments, and a unit with only 100 payments');

-- every library rule is covered by a test of this kind ---------------------------
SELECT is((SELECT count(*)::int FROM cleangov.rule_definition d WHERE d.rule_code ~ '^(APPR|ENF|FUND)_'), 7,
          'the approvals, enforcement and funds library has seven rules, all tested here');
SELECT is((SELECT count(*)::int FROM cleangov.run() WHERE rule_code ~ '^(APPR|ENF|FUND)_' AND status = 'ok' AND raised = 0), 7,
          'a second run raises nothing new');

-- Every alert carries its threshold, in the unit of its value (issue 12):
-- over every alert the rules above raised on these fixtures.
SELECT is((SELECT array_agg(DISTINCT rule_code ORDER BY rule_code) FROM cleangov.alert WHERE threshold IS NULL), NULL,
          'every alert raised here carries its threshold');

SELECT * FROM finish();
ROLLBACK;
