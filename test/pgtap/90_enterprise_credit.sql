-- The enterprise integrity score (framework enterprise_credit, doc/enterprise-credit.md):
-- the score against an independent computation of the weighted indicators on
-- random data, the bands, the effect of a repair, the credit report, the
-- rule CREDIT_RED_STILL_WINNING (fires; near misses: red without an award
-- after, an award before going red, a repair that lifts the firm out of red),
-- and who may do what (admin, analyst, inspector).
BEGIN;
SELECT plan(27);
SET client_min_messages = warning;

INSERT INTO cleangov.unit (unit_code, name, name_zh) VALUES ('EC', 'public resources trading centre', '公共资源交易中心');
CREATE SCHEMA ec;
CREATE TABLE ec.firm (id text PRIMARY KEY, name text, uscc text);
CREATE TABLE ec.pen (id text PRIMARY KEY, party text, vtype text, amount numeric, decided date);
CREATE TABLE ec.debt (id text PRIMARY KEY, firm text, listed date, removed date);
CREATE TABLE ec.arr (id text PRIMARY KEY, firm text, kind text, since date, settled date, amount numeric);
CREATE TABLE ec.cmp (id text PRIMARY KEY, subj text, received date, category text);
CREATE TABLE ec.rep (id text PRIMARY KEY, firm text, rkind text, rid text, outcome text, repaired date, case_id text);
CREATE TABLE ec.cases (id text PRIMARY KEY, submitted timestamptz, decided timestamptz, lim numeric, kind text, unit text, applicant text);
CREATE TABLE ec.tender (id text PRIMARY KEY, buyer text, unit text, method text);
CREATE TABLE ec.award (id text PRIMARY KEY, tender text, supplier text, awarded timestamptz, amount numeric);
CREATE TABLE ec.bid (id text PRIMARY KEY, tender text, bidder text, amount numeric, submitted timestamptz);

-- ---- random data: 60 firms, records of 2024 of every kind --------------------
SELECT setseed(0.90);
INSERT INTO ec.firm SELECT 'R' || i, 'firm ' || i, NULL FROM generate_series(1, 60) i;
CREATE TEMP TABLE want_n AS
SELECT f.id, k.kind, (random() * CASE k.kind WHEN 'pen' THEN 4 WHEN 'debt' THEN 1.4 WHEN 'tax' THEN 3
                                              WHEN 'soc' THEN 3 ELSE 12 END)::int AS n
  FROM ec.firm f CROSS JOIN (VALUES ('pen'), ('debt'), ('tax'), ('soc'), ('cmp')) k(kind);
INSERT INTO ec.pen SELECT 'P' || w.id || '.' || g, w.id, 'licence', 1000, date '2024-01-01' + (random() * 360)::int
  FROM want_n w, generate_series(1, w.n) g WHERE w.kind = 'pen';
INSERT INTO ec.debt SELECT 'D' || w.id || '.' || g, w.id, date '2024-01-01' + (random() * 360)::int, NULL
  FROM want_n w, generate_series(1, w.n) g WHERE w.kind = 'debt';
INSERT INTO ec.arr SELECT 'A' || w.id || '.' || w.kind || g, w.id, CASE w.kind WHEN 'tax' THEN 'tax' ELSE 'social_insurance' END,
                          date '2024-01-01' + (random() * 360)::int, NULL, 500
  FROM want_n w, generate_series(1, w.n) g WHERE w.kind IN ('tax', 'soc');
INSERT INTO ec.cmp SELECT 'C' || w.id || '.' || g, w.id, date '2024-01-01' + (random() * 360)::int, 'quality'
  FROM want_n w, generate_series(1, w.n) g WHERE w.kind = 'cmp';
-- records that the score of 2024 must not count: settled or removed before
-- 2024, a complaint of 2023 (a one-year window), a penalty of 2021-01-01 (three years)
INSERT INTO ec.debt VALUES ('Dold', 'R1', '2022-05-01', '2023-06-30');
INSERT INTO ec.arr VALUES ('Aold', 'R2', 'tax', '2022-05-01', '2023-12-31', 10);
INSERT INTO ec.cmp VALUES ('Cold', 'R3', '2023-12-31', 'quality');
INSERT INTO ec.pen VALUES ('Pold', 'R4', 'licence', 10, '2021-01-01');

-- ---- planted firms, 2025 ---------------------------------------------------
-- RED_WIN: listed 2025-02-01, penalised 2025-03-01: 60, red from 2025-03-02; wins on 2025-05-01
-- RED_NOWIN: the same records, no award; RED_EARLY: the same records, won on 2025-02-15
-- REPAIRED: the same records, the listing repaired on 2025-04-01 (75, yellow), wins on 2025-05-01
-- REFUSED: the same records, the repair of the listing refused (still red), wins on 2025-06-01
INSERT INTO ec.firm VALUES ('RED_WIN', 'Red and winning Ltd', '91330100MA27XXXX1A'), ('RED_NOWIN', 'Red idle Ltd', NULL),
  ('RED_EARLY', 'Won before Ltd', NULL), ('REPAIRED', 'Repaired Ltd', NULL), ('REFUSED', 'Refused Ltd', NULL), ('FLAGGED', 'Flagged Ltd', NULL);
INSERT INTO ec.debt SELECT 'D-' || f, f, '2025-02-01', NULL FROM unnest('{RED_WIN,RED_NOWIN,RED_EARLY,REPAIRED,REFUSED}'::text[]) f;
INSERT INTO ec.pen SELECT 'P-' || f, f, 'quality', 20000, '2025-03-01' FROM unnest('{RED_WIN,RED_NOWIN,RED_EARLY,REPAIRED,REFUSED}'::text[]) f;
INSERT INTO ec.cases VALUES
  ('K-REP', '2025-03-31 09:00+08', '2025-04-01 10:00+08', NULL, 'credit_repair', 'EC', 'REPAIRED'),   -- 1 working day
  ('K-REF', '2025-03-03 09:00+08', '2025-03-07 10:00+08', NULL, 'credit_repair', 'EC', 'REFUSED');    -- 4 working days: overdue
INSERT INTO ec.rep VALUES ('REP1', 'REPAIRED', 'dishonest_debtor', 'D-REPAIRED', 'approved', '2025-04-01', 'K-REP'),
                          ('REP2', 'REFUSED', 'dishonest_debtor', 'D-REFUSED', 'refused', NULL, 'K-REF');
INSERT INTO ec.tender VALUES ('T1', 'B1', 'EC', 'open'), ('T2', 'B1', 'EC', 'open'), ('T3', 'B1', 'EC', 'open'),
                             ('T4', 'B1', 'EC', 'open'), ('T5', 'B1', 'EC', 'open');
INSERT INTO ec.award VALUES ('W1', 'T1', 'RED_WIN', '2025-05-01 10:00+08', 300000),
                            ('W2', 'T2', 'RED_EARLY', '2025-02-15 10:00+08', 200000),
                            ('W3', 'T3', 'REPAIRED', '2025-05-01 10:00+08', 100000),
                            ('W4', 'T4', 'REFUSED', '2025-06-01 10:00+08', 100000),
                            ('W5', 'T5', 'FLAGGED', '2025-06-01 10:00+08', 90000);
INSERT INTO ec.bid VALUES ('B5', 'T5', 'FLAGGED', 90000, '2025-05-20 10:00+08');

SELECT cleangov.bind('enterprise', 'ec.firm', '{"enterprise_id": "id", "name": "name", "uscc": "uscc"}');
SELECT cleangov.bind('penalty', 'ec.pen', '{"penalty_id": "id", "party_id": "party", "violation_type": "vtype", "amount": "amount", "decided_at": "decided"}');
SELECT cleangov.bind('dishonest_debtor', 'ec.debt', '{"record_id": "id", "enterprise_id": "firm", "listed_at": "listed", "removed_at": "removed"}');
SELECT cleangov.bind('arrears', 'ec.arr', '{"record_id": "id", "enterprise_id": "firm", "kind": "kind", "since": "since", "settled_at": "settled", "amount": "amount"}');
SELECT cleangov.bind('complaint', 'ec.cmp', '{"complaint_id": "id", "subject_id": "subj", "received_at": "received", "category": "category"}');
SELECT cleangov.bind('credit_repair', 'ec.rep', '{"repair_id": "id", "enterprise_id": "firm", "record_kind": "rkind", "record_id": "rid", "outcome": "outcome", "repaired_at": "repaired", "case_id": "case_id"}');
SELECT cleangov.bind('approval_case', 'ec.cases', '{"case_id": "id", "submitted_at": "submitted", "decided_at": "decided", "time_limit_days": "lim", "kind": "kind", "unit_code": "unit", "applicant_id": "applicant"}');
SELECT cleangov.bind('tender', 'ec.tender', '{"tender_id": "id", "buyer_id": "buyer", "unit_code": "unit", "method": "method"}');
SELECT cleangov.bind('award', 'ec.award', '{"award_id": "id", "tender_id": "tender", "supplier_id": "supplier", "awarded_at": "awarded", "amount": "amount"}');
SELECT cleangov.bind('bid', 'ec.bid', '{"bid_id": "id", "tender_id": "tender", "bidder_id": "bidder", "amount": "amount", "submitted_at": "submitted"}');
-- a procurement flag on the tender FLAGGED won
SELECT cleangov.raise_alert('PROC_SINGLE_BIDDER', 'tender', 'T5', 'EC', '', 1, 2, 'yellow', '{}', NULL, NULL);

-- ---- the framework, installed and computed by the admin -----------------------
SET ROLE cleangov_admin;
SELECT is(cleangov.enterprise_credit_install(), 11, 'the admin installs the framework: 5 first-level indicators, 6 leaves');
SELECT throws_ok($$SELECT cleangov.enterprise_credit_install()$$, '42710', NULL, 'installing it twice: 42710');
SELECT lives_ok($$SELECT cleangov.index_compute('enterprise_credit', ARRAY['2024', '2025'], warn => false)$$,
                'the admin computes 2024 and 2025');
RESET ROLE;

-- independent computation: per leaf 100 (1 - n / worst) clamped, the mean of
-- the leaves per first-level indicator, weights 3, 3, 1.5, 1.5, 1
CREATE TEMP TABLE want AS
WITH n AS (
  SELECT id, coalesce(sum(n) FILTER (WHERE kind = 'pen'), 0) AS pen, coalesce(sum(n) FILTER (WHERE kind = 'debt'), 0) AS debt,
         coalesce(sum(n) FILTER (WHERE kind = 'tax'), 0) AS tax, coalesce(sum(n) FILTER (WHERE kind = 'soc'), 0) AS soc,
         coalesce(sum(n) FILTER (WHERE kind = 'cmp'), 0) AS cmp
    FROM want_n GROUP BY id),
s AS (
  SELECT id, greatest(0, 100 * (1 - pen / 3.0)) AS pen, greatest(0, 100 * (1 - debt / 1.0)) AS debt,
         (greatest(0, 100 * (1 - tax / 2.0)) + greatest(0, 100 * (1 - soc / 2.0))) / 2 AS obl,
         greatest(0, 100 * (1 - cmp / 10.0)) AS cmp
    FROM n)
SELECT id, ((3 * pen + 3 * debt + 1.5 * obl + 1.5 * 100 + 1 * cmp) / 10)::float8 AS composite FROM s;
SELECT is((SELECT count(*)::int FROM want w JOIN cleangov.index_score s
             ON s.framework_code = 'enterprise_credit' AND s.period = '2024' AND s.subject_kind = 'enterprise' AND s.subject_key = w.id
            WHERE abs(s.composite - w.composite) < 1e-9), 60,
          '60 random firms: the composite equals the independent weighted computation (to 1e-9)');
SELECT ok((SELECT count(DISTINCT level) FROM cleangov.index_score WHERE framework_code = 'enterprise_credit' AND period = '2024') >= 3,
          'the random firms spread over at least three bands');
SELECT is((SELECT count(*)::int FROM cleangov.index_score s JOIN want w ON w.id = s.subject_key
            WHERE s.framework_code = 'enterprise_credit' AND s.period = '2024'
              AND s.level IS DISTINCT FROM CASE WHEN w.composite < 70 THEN 'red' WHEN w.composite < 80 THEN 'yellow'
                                                WHEN w.composite < 90 THEN 'blue' ELSE 'green' END::cleangov.level), 0,
          'bands credit4: below 90 blue, below 80 yellow, below 70 red');
SELECT is(ARRAY(SELECT cleangov.band(x, 'credit4')::text FROM unnest('{90,89.99,80,79.99,70,69.99}'::float8[]) x),
          '{green,blue,blue,yellow,yellow,red}', 'the cut-offs themselves fall in the better band');
SELECT is((SELECT count(*)::int FROM cleangov.enterprise_credit_records('2024')
            WHERE record_id IN ('Dold', 'Aold', 'Cold', 'Pold')), 0,
          'a listing removed and arrears settled before 2024, a complaint of 2023 and a penalty of 2021 do not count in 2024');
SELECT is((SELECT count(*)::int FROM cleangov.enterprise_credit_records('2023') WHERE record_id IN ('Dold', 'Aold', 'Cold', 'Pold')), 4,
          'in 2023 they all count (the penalty of 2021-01-01 within three years of the end of 2023)');

-- ---- planted firms ----------------------------------------------------------
SELECT is((SELECT array_agg(round(composite::numeric, 2)::text || ' ' || level ORDER BY subject_key)
             FROM cleangov.index_score WHERE framework_code = 'enterprise_credit' AND period = '2025'
              AND subject_key IN ('RED_WIN', 'REPAIRED', 'REFUSED', 'FLAGGED')),
          '{"97.00 green","60.00 red","60.00 red","75.00 yellow"}',
          'a listing and a penalty: 60, red; the listing repaired (half its weight): 75, yellow; refused: red; one flag: 97');
SELECT is((SELECT (repaired, repair_id, repaired_at, weight) FROM cleangov.enterprise_credit_records('2025', 'REPAIRED') WHERE record_kind = 'dishonest_debtor'),
          (true, 'REP1'::text, '2025-04-01'::date, 0.5::float8), 'the approved repair halves the listing''s weight');
SELECT is((SELECT weight FROM cleangov.enterprise_credit_records('2024', 'REPAIRED') WHERE record_kind = 'dishonest_debtor'), NULL,
          'the listing of 2025 does not count in 2024');
SELECT is((SELECT (repaired, weight) FROM cleangov.enterprise_credit_records('2025', 'REFUSED') WHERE record_kind = 'dishonest_debtor'),
          (false, 1::float8), 'a refused repair leaves the full weight');
SELECT is((SELECT (detail ->> 'tender_id', detail ->> 'role', recorded_at) FROM cleangov.enterprise_credit_records('2025', 'FLAGGED')),
          ('T5'::text, 'supplier'::text, '2025-06-01'::date), 'an alert on a tender the firm won is its procurement flag, dated by the award');
SELECT is((SELECT red_since FROM cleangov.enterprise_credit_red() WHERE enterprise_id = 'RED_WIN'), '2025-03-02'::date,
          'red from the day after the penalty that made it red');

-- ---- the rule -----------------------------------------------------------------
SELECT lives_ok($$SELECT cleangov.run(rule_code => 'CREDIT_RED_STILL_WINNING')$$, 'the rule runs');
SELECT set_eq($$SELECT subject_key, period, value, unit_code FROM cleangov.alert WHERE rule_code = 'CREDIT_RED_STILL_WINNING'$$,
              $$VALUES ('RED_WIN', '2025', 1::float8, 'EC'), ('REFUSED', '2025', 1, 'EC')$$,
              'fires for awards after going red (RED_WIN, REFUSED); not for RED_NOWIN (no award), RED_EARLY (won before), REPAIRED (yellow)');
SELECT is((SELECT evidence -> 'awards' -> 0 ->> 'award_id' FROM cleangov.alert WHERE rule_code = 'CREDIT_RED_STILL_WINNING' AND subject_key = 'RED_WIN'),
          'W1', 'the evidence names the award');
-- a later award of RED_EARLY, in the red band, crosses the boundary
INSERT INTO ec.award VALUES ('W6', 'T2', 'RED_EARLY', '2025-03-02 09:00+08', 1000);
SELECT cleangov.run(rule_code => 'CREDIT_RED_STILL_WINNING');
SELECT ok(EXISTS (SELECT FROM cleangov.alert WHERE rule_code = 'CREDIT_RED_STILL_WINNING' AND subject_key = 'RED_EARLY'),
          'an award on the first red day fires');

-- ---- the report -------------------------------------------------------------
SET ROLE cleangov_analyst;
SELECT is(ARRAY(SELECT section FROM cleangov.enterprise_credit_report('REFUSED') GROUP BY section ORDER BY min(section)),
          '{enterprise,indicator,record,red_award,repair,score}', 'the analyst reads the report: every section');
SELECT is((SELECT (value, level::text) FROM cleangov.enterprise_credit_report('REFUSED') WHERE section = 'score' AND period = '2025'),
          (60::float8, 'red'::text), 'the report''s score and band');
SELECT is((SELECT array_agg(item || ' ' || (detail ->> 'record_id') ORDER BY item) FROM cleangov.enterprise_credit_report('REFUSED') WHERE section = 'record'),
          '{"dishonest_debtor D-REFUSED","penalty P-REFUSED"}', 'every record behind the score');
SELECT is((SELECT (value, (detail ->> 'overdue')::boolean, detail ->> 'outcome') FROM cleangov.enterprise_credit_report('REFUSED') WHERE section = 'repair'),
          (4::float8, true, 'refused'::text), 'a repair of 4 working days against 2 is overdue in the report');
SELECT is((SELECT (value, (detail ->> 'overdue')::boolean) FROM cleangov.enterprise_credit_report('REPAIRED') WHERE section = 'repair'),
          (1::float8, false), 'a repair in 1 working day is not');
SELECT is((SELECT count(*)::int FROM cleangov.enterprise_credit_report('FLAGGED') WHERE section = 'procurement_flag'), 1,
          'the procurement flag is in the report');
RESET ROLE;
SET ROLE cleangov_inspector;
SELECT throws_ok($$SELECT * FROM cleangov.enterprise_credit_report('REFUSED')$$, '42501', NULL,
                 'an inspector does not read credit reports (the index is the admin''s and the analyst''s)');
RESET ROLE;
SELECT throws_ok($$SELECT * FROM cleangov.enterprise_credit_report('REFUSED', '2025-Q1')$$, '22007', NULL, 'a period that is no year: 22007');

SELECT * FROM finish();
ROLLBACK;
