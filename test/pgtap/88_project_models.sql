-- The investment-project models of issue 18, part 3 (doc/project-models.md):
-- PROJ_APPROVAL_BELOW_LEVEL, PROJ_AFTER_APPROVAL_EXPIRED and
-- PROJ_SPLIT_FILING on bound tables.  Each fires on its case and not on its
-- near misses (an amount just under a level, a decision at exactly the
-- right level, a payment on the last valid day, parts filed a day past the
-- window), on generated data against an independent computation, as the
-- extension's owner who runs them (run() is the owner's: cleangov_admin has no
-- right on its sequence), the analyst who reads their SQL and alerts and an
-- inspector who sees the alerts of its unit; and in real time: the write of
-- one decision or one payment raises its alert through watch().
BEGIN;
SELECT plan(22);
SET client_min_messages = warning;
SET TimeZone = 'UTC';

INSERT INTO cleangov.unit (unit_code, name, name_zh) VALUES ('PA', 'county development and reform bureau', '县发展和改革局'),
                                                            ('PB', 'city development and reform commission', '市发展和改革委员会');
CREATE SCHEMA pm;
CREATE TABLE pm.approval (id text PRIMARY KEY, project text, at date, auth text, req text, amt numeric, until date, ext date, unit text);
CREATE TABLE pm.step (id text PRIMARY KEY, project text, step text, seq int, at timestamptz);
CREATE TABLE pm.filing (id text PRIMARY KEY, name text, firm text, unit text, at date, site text, amt numeric);
-- the approval system's own role writes the watched tables: it needs no right in cleangov
CREATE ROLE t88_writer;
GRANT USAGE ON SCHEMA pm TO t88_writer;
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA pm TO t88_writer;
SELECT cleangov.bind('project_approval', 'pm.approval',
  '{"approval_id": "id", "project_id": "project", "approved_at": "at", "authority_level": "auth", "required_level": "req",
    "amount": "amt", "valid_until": "until", "extended_until": "ext", "unit_code": "unit"}');
SELECT cleangov.bind('approval_step', 'pm.step', '{"step_id": "id", "case_id": "project", "expected_seq": "seq", "done_at": "at"}');
SELECT cleangov.bind('project_filing', 'pm.filing',
  '{"filing_id": "id", "project_name": "name", "applicant_id": "firm", "unit_code": "unit", "filed_at": "at", "location": "site", "amount": "amt"}');

-- ---- PROJ_APPROVAL_BELOW_LEVEL (levels county < city < province < national;
-- floors 0, 50 million, 500 million, 5 billion yuan)
INSERT INTO pm.approval VALUES
  ('B1', 'Q1', '2024-01-10', 'county', NULL, 60000000, NULL, NULL, 'PA'),         -- city's amount, decided by a county: fires
  ('B2', 'Q2', '2024-01-10', 'county', NULL, 49999999.99, NULL, NULL, 'PA'),      -- a fen under the city's floor
  ('B3', 'Q3', '2024-01-10', 'city', NULL, 50000000, NULL, NULL, 'PB'),           -- exactly at the city's floor, by a city
  ('B4', 'Q4', '2024-01-10', 'city', 'province', 10000000, NULL, NULL, 'PA'),     -- the catalogue says province: fires
  ('B5', 'Q5', '2024-01-10', 'province', 'city', 6000000000, NULL, NULL, 'PB'),   -- the catalogue says city (not the amount)
  ('B6', 'Q6', '2024-01-10', 'county', NULL, 6000000000, NULL, NULL, 'PB'),       -- national's amount by a county: three levels
  ('B7', 'Q7', '2024-01-10', 'national', NULL, 6000000000, NULL, NULL, 'PB'),
  ('B8', 'Q8', '2024-01-10', 'township', NULL, 60000000, NULL, NULL, 'PA'),       -- a level outside the order: not judged
  ('B9', 'Q9', '2024-01-10', 'county', NULL, NULL, NULL, NULL, 'PA');             -- neither amount nor required level

SELECT lives_ok($$SELECT cleangov.run(rule_code => 'PROJ_APPROVAL_BELOW_LEVEL')$$, 'PROJ_APPROVAL_BELOW_LEVEL runs over the bound tables');
SELECT set_eq($$SELECT subject_key, value, unit_code FROM cleangov.alert WHERE rule_code = 'PROJ_APPROVAL_BELOW_LEVEL'$$,
              $$VALUES ('B1', 1::float8, 'PA'), ('B4', 1, 'PA'), ('B6', 3, 'PB')$$,
              'below level: a county deciding a city''s amount, a city a province''s catalogue entry, a county a national amount; not a fen under the floor, not at the floor, not above the required level');
SELECT is((SELECT evidence - 'approved_at' FROM cleangov.alert WHERE rule_code = 'PROJ_APPROVAL_BELOW_LEVEL' AND subject_key = 'B4'),
          '{"project_id": "Q4", "authority_level": "city", "required_level": "province", "required_by": "required_level", "amount": 10000000}'::jsonb,
          'the evidence names the levels and where the required one came from');
SELECT is((SELECT evidence ->> 'required_level' FROM cleangov.alert WHERE rule_code = 'PROJ_APPROVAL_BELOW_LEVEL' AND subject_key = 'B6'),
          'national', 'a required level read from the amount');

-- ---- PROJ_AFTER_APPROVAL_EXPIRED (two years)
INSERT INTO pm.approval VALUES
  ('E1', 'P1', '2022-03-01', 'county', NULL, 1000000, NULL, NULL, 'PA'),
  ('E2', 'P2', '2022-03-01', 'county', NULL, 1000000, NULL, NULL, 'PA'),
  ('E3', 'P3', '2022-03-01', 'county', NULL, 1000000, NULL, '2025-03-01', 'PA'),
  ('E4', 'P4', '2022-03-01', 'county', NULL, 1000000, '2023-03-01', NULL, 'PB'),
  ('E5', 'P5', '2022-03-01', 'county', NULL, 1000000, NULL, NULL, 'PA'),
  ('E5b', 'P5', '2024-01-10', 'county', NULL, 1000000, NULL, NULL, 'PA'),
  ('E6', 'P6', '2022-03-01', 'county', NULL, 1000000, NULL, NULL, 'PA'),
  ('E7', 'P7', '2021-01-15', 'county', NULL, 1000000, NULL, NULL, 'PA'),
  ('E8', 'P8', '2022-03-01', 'county', NULL, 1000000, NULL, NULL, 'PA');
INSERT INTO pm.step VALUES
  ('s1', 'P1', 'build_start', 5, '2024-03-02 08:00'), ('s1b', 'P1', 'pay', 6, '2024-05-01'),   -- started a day late: fires
  ('s2', 'P2', 'build_start', 5, '2024-03-01 23:00'), ('s2b', 'P2', 'pay', 6, '2024-06-01'),   -- started on the last day
  ('s3', 'P3', 'build_start', 5, '2024-09-01'),                                                -- within the extension
  ('s4', 'P4', 'pay', 6, '2023-03-02'),                                                        -- paid after a shorter validity, never started
  ('s5', 'P5', 'build_start', 5, '2025-06-01'),                                                -- the change decision of 2024 is in force
  ('s6', 'P6', 'pay', 6, '2022-01-01'),                                                        -- before any decision (APPR_OUT_OF_ORDER's)
  ('s7', 'P7', 'pay', 6, '2022-06-01'), ('s7b', 'P7', 'build_start', 5, '2023-02-01'),         -- paid in time, started 17 days late
  ('s8', 'P8', 'pay', 6, '2024-03-01 12:00'),                                                  -- paid on the last valid day
  ('s9', 'P9', 'pay', 6, '2030-01-01');                                                        -- no decision at all
SELECT lives_ok($$SELECT cleangov.run(rule_code => 'PROJ_AFTER_APPROVAL_EXPIRED')$$, 'PROJ_AFTER_APPROVAL_EXPIRED runs over the bound tables');
SELECT set_eq($$SELECT subject_key, value, unit_code FROM cleangov.alert WHERE rule_code = 'PROJ_AFTER_APPROVAL_EXPIRED'$$,
              $$VALUES ('P1', 1::float8, 'PA'), ('P4', 1, 'PB'), ('P7', 17, 'PA')$$,
              'expired: a start a day late, a payment after a shorter validity, a start after an in-time payment; not on the last day, not in an extension, not under a later decision');
SELECT is((SELECT (evidence ->> 'step_id', evidence ->> 'last_valid_day') FROM cleangov.alert WHERE rule_code = 'PROJ_AFTER_APPROVAL_EXPIRED' AND subject_key = 'P1'),
          ('s1'::text, '2024-03-01'::text), 'one alert per project, on its first late step; the last valid day is the date two years on');

-- ---- PROJ_SPLIT_FILING (180 days)
INSERT INTO pm.filing VALUES
  ('F1a', '城东产业园一期', 'A1', 'PA', '2024-01-10', '城东路1号', 30000000), ('F1b', '城东产业园（二期）', 'A1', 'PA', '2024-03-01', '城东路9号', 25000000),
  ('F2a', '滨河绿道一期', 'A2', 'PA', '2024-01-10', NULL, 30000000), ('F2b', '滨河绿道二期', 'A2', 'PA', '2024-02-10', NULL, 19999999.99),
  ('F3a', '南山隧道第1标段', 'A3', 'PA', '2024-01-10', NULL, 30000000), ('F3b', '南山隧道第2标段', 'A3', 'PA', '2024-07-09', NULL, 25000000),
  ('F4a', '仓储中心', 'A4', 'PB', '2024-01-10', '开发区纬三路8号', 40000000), ('F4b', '配套办公楼', 'A4', 'PB', '2024-02-09', '开发区 纬三路8号', 20000000),
  ('F5a', '物流园', 'A5', 'PA', '2024-01-10', NULL, 30000000), ('F5b', '物流园 ', 'A5', 'PA', '2024-02-10', NULL, 30000000),
  ('F6a', '港区码头一期', 'A6', 'PA', '2024-01-10', NULL, 60000000), ('F6b', '港区码头二期', 'A6', 'PA', '2024-02-10', NULL, 10000000),
  ('F7a', '新城水厂一期', 'A7', 'PA', '2024-01-10', NULL, 20000000), ('F7b', '新城水厂二期', 'A7', 'PA', '2024-02-10', NULL, 20000000),
  ('F7c', '新城水厂三期', 'A7', 'PA', '2024-03-10', NULL, 40000000),
  ('F8a', '新材料厂房一期', 'A8', 'PA', '2024-01-10', NULL, 30000000), ('F8b', '新材料厂房二期', 'A9', 'PA', '2024-02-10', NULL, 30000000);
SELECT lives_ok($$SELECT cleangov.run(rule_code => 'PROJ_SPLIT_FILING')$$, 'PROJ_SPLIT_FILING runs over the bound tables');
SELECT set_eq($$SELECT subject_key, value, threshold FROM cleangov.alert WHERE rule_code = 'PROJ_SPLIT_FILING'$$,
              $$VALUES ('F1a', 55000000::float8, 50000000::float8), ('F4a', 60000000, 50000000), ('F7a', 80000000, 50000000)$$,
              'split: phases of one name, two filings on one site, three phases once; not a fen under, not past the window, not a refiling, not a part already at the level, not two applicants');
SELECT is((SELECT evidence FROM cleangov.alert WHERE rule_code = 'PROJ_SPLIT_FILING' AND subject_key = 'F7a'),
          '{"applicant_id": "A7", "filings": ["F7a", "F7b", "F7c"], "parts": 3, "total": 80000000, "parts_level": "county", "total_level": "city"}'::jsonb,
          'the evidence lists the parts; the window from the second phase is the same split (no second alert)');
-- the window is inclusive: the third tunnel section on day 180 joins
UPDATE pm.filing SET at = '2024-07-08' WHERE id = 'F3b';
SELECT cleangov.run(rule_code => 'PROJ_SPLIT_FILING');
SELECT ok(EXISTS (SELECT FROM cleangov.alert WHERE rule_code = 'PROJ_SPLIT_FILING' AND subject_key = 'F3a'),
          'a part filed on the 180th day is inside the window');

-- ---- generated data, against an independent computation --------------------
SELECT setseed(0.188);
CREATE TEMP TABLE g AS
SELECT 'G' || i AS id, 'GP' || i AS project,
       (ARRAY['county', 'city', 'province', 'national'])[1 + floor(random() * 4)::int] AS auth,
       CASE WHEN random() < 0.3 THEN (ARRAY['county', 'city', 'province', 'national'])[1 + floor(random() * 4)::int] END AS req,
       round((exp(random() * 25))::numeric, 2) AS amt,
       date '2020-01-01' + floor(random() * 1500)::int AS at,
       random() AS u, random() AS v, random() AS w
  FROM generate_series(1, 400) i;
INSERT INTO pm.approval SELECT id, project, at, auth, req, amt,
                               CASE WHEN u < 0.2 THEN at + floor(v * 900)::int END, CASE WHEN w < 0.15 THEN at + 730 + floor(v * 365)::int END, 'PB'
  FROM g;
INSERT INTO pm.step SELECT 'g' || id || '-' || k, project, (ARRAY['build_start', 'pay', 'review'])[1 + floor(random() * 3)::int], 5,
                           at::timestamptz + make_interval(days => floor(random() * 1400)::int - 30, hours => floor(random() * 24)::int)
  FROM g, generate_series(1, 3) k;
SELECT cleangov.run(rule_code => 'PROJ_APPROVAL_BELOW_LEVEL');
SELECT cleangov.run(rule_code => 'PROJ_AFTER_APPROVAL_EXPIRED');
SELECT set_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'PROJ_APPROVAL_BELOW_LEVEL' AND subject_key LIKE 'G%'$$,
              $$SELECT id FROM g
                 WHERE CASE auth WHEN 'county' THEN 1 WHEN 'city' THEN 2 WHEN 'province' THEN 3 ELSE 4 END
                     < CASE coalesce(req, CASE WHEN amt >= 5e9 THEN 'national' WHEN amt >= 5e8 THEN 'province' WHEN amt >= 5e7 THEN 'city' ELSE 'county' END)
                         WHEN 'county' THEN 1 WHEN 'city' THEN 2 WHEN 'province' THEN 3 ELSE 4 END$$,
              '400 generated decisions: the alerts are the decisions below their level, counted by CASE');
SELECT ok((SELECT count(*) FROM cleangov.alert WHERE rule_code = 'PROJ_APPROVAL_BELOW_LEVEL' AND subject_key LIKE 'G%') BETWEEN 40 AND 360,
          'the generated decisions are not all on one side');
-- expired, by a loop over each project's steps in time order
CREATE FUNCTION pg_temp.expired() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  p record; s record; lastday date; started boolean;
BEGIN
  FOR p IN SELECT id, project, at, until, ext FROM pm.approval WHERE id LIKE 'G%' LOOP
    lastday := coalesce(p.until, (p.at + interval '2 years')::date);
    IF p.ext > lastday THEN lastday := p.ext; END IF;
    started := false;
    FOR s IN SELECT * FROM pm.step WHERE project = p.project AND at >= p.at AND step IN ('build_start', 'pay') ORDER BY at, id LOOP
      IF s.at::date > lastday AND NOT started THEN
        RETURN NEXT p.project;
        EXIT;
      END IF;
      IF s.step = 'build_start' THEN started := true; END IF;
    END LOOP;
  END LOOP;
END $$;
SELECT set_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'PROJ_AFTER_APPROVAL_EXPIRED' AND subject_key LIKE 'G%'$$,
              $$SELECT * FROM pg_temp.expired()$$,
              'generated projects (one decision each, three random steps): the alerts are those a step-by-step walk finds late');
SELECT ok((SELECT count(*) FROM cleangov.alert WHERE rule_code = 'PROJ_AFTER_APPROVAL_EXPIRED' AND subject_key LIKE 'G%') BETWEEN 20 AND 380,
          'the generated projects are not all on one side');
-- split: random filings of 30 applicants; every alert's parts are one
-- applicant's, within the window, each below the level their total reaches
INSERT INTO pm.filing
SELECT 'H' || i, (ARRAY['道路', '厂房', '水厂', '园区', '仓库'])[1 + floor(random() * 5)::int] || (ARRAY['一期', '二期', '三期', ''])[1 + floor(random() * 4)::int],
       'HA' || floor(random() * 30)::int, 'PA', date '2023-01-01' + floor(random() * 700)::int, NULL, round((exp(12 + random() * 7))::numeric, -2)
  FROM generate_series(1, 300) i;
SELECT cleangov.run(rule_code => 'PROJ_SPLIT_FILING');
SELECT is((SELECT count(*)::int FROM cleangov.alert a
            CROSS JOIN LATERAL (SELECT count(DISTINCT f.firm) AS firms, max(f.at) - min(f.at) AS span, max(f.amt) AS biggest, sum(f.amt) AS total
                                  FROM pm.filing f WHERE f.id IN (SELECT jsonb_array_elements_text(a.evidence -> 'filings'))) x
            WHERE a.rule_code = 'PROJ_SPLIT_FILING' AND a.subject_key LIKE 'H%'
              AND NOT (x.firms = 1 AND x.span <= 180 AND x.total = a.value AND x.total >= a.threshold AND x.biggest < a.threshold)),
          0, 'generated filings: every split is one applicant''s, within 180 days, its parts below the floor its total reaches');
SELECT ok((SELECT count(*) FROM cleangov.alert WHERE rule_code = 'PROJ_SPLIT_FILING' AND subject_key LIKE 'H%') > 0,
          'the generated filings raise some splits');

-- ---- analyst and inspector --------------------------------------------------
SET ROLE cleangov_analyst;
SELECT ok(cleangov.rule_sql('PROJ_SPLIT_FILING') LIKE '%cleangov_bound.project_filing%', 'an analyst reads the SQL of the rule');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'PROJ_APPROVAL_BELOW_LEVEL' AND subject_key IN ('B1', 'B4', 'B6')), 3,
          'an analyst reads every unit''s alerts');
RESET ROLE;
CREATE ROLE t88_insp IN ROLE cleangov_inspector;
INSERT INTO cleangov.unit_assignment VALUES ('t88_insp', 'PA');
SET ROLE t88_insp;
SELECT set_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code IN ('PROJ_APPROVAL_BELOW_LEVEL', 'PROJ_AFTER_APPROVAL_EXPIRED') AND subject_key NOT LIKE 'G%'$$,
              $$VALUES ('B1'), ('B4'), ('P1'), ('P7')$$, 'an inspector of PA sees the alerts of PA only');
RESET ROLE;

-- ---- real time: one write breaches ------------------------------------------
UPDATE cleangov.rule_definition SET realtime = true WHERE rule_code = 'PROJ_AFTER_APPROVAL_EXPIRED';
SELECT cleangov.watch('pm.approval');
SELECT cleangov.watch('pm.step');
SET ROLE t88_writer;
INSERT INTO pm.approval VALUES ('L1', 'LQ1', '2025-01-10', 'county', NULL, 70000000, NULL, NULL, 'PA'),
                               ('L2', 'LQ2', '2025-01-10', 'city', NULL, 70000000, NULL, NULL, 'PA');
RESET ROLE;
SELECT set_eq($$SELECT subject_key FROM cleangov.alert WHERE rule_code = 'PROJ_APPROVAL_BELOW_LEVEL' AND subject_key LIKE 'L%'$$,
              $$VALUES ('L1')$$, 'watch: the INSERT of a county''s decision on a city''s amount raises its alert; the city''s own does not');
SET ROLE t88_writer;
INSERT INTO pm.step VALUES ('ls1', 'LQ1', 'pay', 6, '2027-01-10 10:00'), ('ls2', 'LQ2', 'pay', 6, '2027-01-11 10:00');
RESET ROLE;
SELECT set_eq($$SELECT subject_key, value FROM cleangov.alert WHERE rule_code = 'PROJ_AFTER_APPROVAL_EXPIRED' AND subject_key LIKE 'L%'$$,
              $$VALUES ('LQ2', 1::float8)$$, 'watch: a payment a day after the expiry raises its alert in the writing statement; one on the last day does not');

SELECT * FROM finish();
ROLLBACK;
