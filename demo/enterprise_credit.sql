-- The enterprise integrity score over the demo (issue 18 part 2;
-- doc/enterprise-credit.md).  Run by scripts/demo-in-cluster.sh after every
-- other detection (the score counts their alerts as procurement flags).
-- Plants eight new enterprises with their records of 2024 (the demo's own
-- data end in 2023) and their truth (truth.enterprise_credit_planted: what
-- must be found and the near misses that must not), installs the framework
-- enterprise_credit, computes 2024, runs CREDIT_RED_STILL_WINNING and prints
-- its own scoreboard and one credit report.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
SET TimeZone = 'UTC';

CREATE TABLE IF NOT EXISTS truth.enterprise_credit_planted (
  code     text NOT NULL,    -- BAND_RED, CREDIT_RED_STILL_WINNING or REPAIR_OVERDUE
  subject  text NOT NULL,    -- enterprise key or approval case key
  fires    boolean NOT NULL, -- true: planted case; false: near miss
  note     text
);
TRUNCATE truth.enterprise_credit_planted;

-- A template for the new rows: an enterprise, a penalty and a tender of the demo.
SELECT legal_rep_id AS rep, region_code AS region, main_category AS cat FROM gov.enterprise ORDER BY enterprise_id LIMIT 1 \gset
SELECT unit_id AS punit, handler_id AS handler FROM gov.penalty ORDER BY penalty_id LIMIT 1 \gset
-- a tender without alerts, so that the new awards bring no procurement flag with them
SELECT min(w.tender_id) AS tender FROM gov.award w
 WHERE NOT EXISTS (SELECT FROM cleangov.alert a WHERE a.subject_kind = 'tender' AND a.subject_key = w.tender_id::text) \gset
SELECT max(award_id) AS last_award, (SELECT max(penalty_id) FROM gov.penalty) AS last_penalty,
       (SELECT max(enterprise_id) FROM gov.enterprise) AS last_firm
  FROM gov.award \gset

CREATE TEMP TABLE demo_ec_firm (n int, code text, note text);
INSERT INTO demo_ec_firm VALUES
  (1, 'RED_WIN',     'listed 2024-02-01 and penalised 2024-03-01: 60, red from 2024-03-02; wins on 2024-05-10'),
  (2, 'RED_IDLE',    'the same records, no award after'),
  (3, 'RED_EARLY',   'the same records, won on 2024-02-20, before going red'),
  (4, 'REPAIRED',    'the same records, the listing repaired on 2024-04-01 (its case on time): 75, yellow; wins on 2024-05-10'),
  (5, 'REFUSED',     'the same records, the repair refused (its case overdue); wins on 2024-06-03'),
  (6, 'ARREARS',     'three penalties, two tax and two social-insurance arrears: 55, red; wins on 2024-09-02'),
  (7, 'LISTED_ONLY', 'listed only: 70, yellow; wins on 2024-05-10'),
  (8, 'SETTLED',     'listing removed and arrears settled in 2023, one penalty in 2024: 90, green; wins on 2024-05-10');
INSERT INTO gov.enterprise (enterprise_id, uscc, name, legal_rep_id, region_code, address, phone, main_category,
                            registered_capital, established_on)
SELECT :last_firm + n, b17 || substr(a, (31 - (SELECT sum((strpos(a, substr(b17, i, 1)) - 1) * w[i]) FROM generate_series(1, 17) i)::int % 31) % 31 + 1, 1),
       'Credit demo ' || code || ' Ltd', :rep, :'region',
       'Credit Road ' || n, '0571-8800' || lpad(n::text, 4, '0'), :'cat', 1000000, '2015-01-01'
  FROM demo_ec_firm,
       -- a valid unified social credit code (GB 32100: the 18th character a check over the first 17)
       LATERAL (SELECT '91330100MA2CR' || lpad(n::text, 4, '0') AS b17, '0123456789ABCDEFGHJKLMNPQRTUWXY' AS a,
                       '{1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28}'::int[] AS w) c;
CREATE TEMP TABLE demo_ec AS SELECT n, code, (:last_firm + n)::text AS firm, note FROM demo_ec_firm;

-- The records: new sources bound to the new shapes, penalties into gov.penalty.
CREATE TABLE IF NOT EXISTS gov.dishonest_debtor (record_id text PRIMARY KEY, enterprise_id bigint NOT NULL, listed_on date NOT NULL,
                                                 removed_on date, court text, case_no text);
CREATE TABLE IF NOT EXISTS gov.arrears (record_id text PRIMARY KEY, enterprise_id bigint NOT NULL, kind text NOT NULL,
                                        since date NOT NULL, settled_on date, amount numeric);
CREATE TABLE IF NOT EXISTS gov.credit_repair (repair_id text PRIMARY KEY, enterprise_id bigint NOT NULL, record_kind text NOT NULL,
                                              record_id text NOT NULL, outcome text, repaired_on date, case_id bigint);
INSERT INTO gov.dishonest_debtor
SELECT 'DD-' || n, firm::bigint, CASE WHEN n = 8 THEN date '2023-02-01' ELSE date '2024-02-01' END,
       CASE WHEN n = 8 THEN date '2023-12-31' END, 'Intermediate People''s Court', '(2024)执' || n
  FROM demo_ec WHERE n IN (1, 2, 3, 4, 5, 7, 8);
INSERT INTO gov.penalty (penalty_id, decision_no, violation_type, enterprise_id, amount, unit_id, handler_id, decided_on)
SELECT :last_penalty + row_number() OVER (ORDER BY n, g), 'CREDIT-' || n || '-' || g, 'product_quality', firm::bigint, 20000,
       :punit, :handler, date '2024-03-01' + g - 1
  FROM demo_ec, generate_series(1, CASE n WHEN 6 THEN 3 WHEN 7 THEN 0 ELSE 1 END) g;
INSERT INTO gov.arrears
SELECT 'AR-' || n || '-' || k || g, firm::bigint, k, CASE WHEN n = 8 THEN date '2023-03-01' ELSE date '2024-04-01' END,
       CASE WHEN n = 8 THEN date '2023-10-01' END, 15000
  FROM demo_ec, unnest('{tax,social_insurance}'::text[]) k, generate_series(1, 2) g WHERE n IN (6, 8);
-- the two repairs of listings, each linked to one of the demo's own credit-repair cases
-- (gov.approval_case kind credit_repair, limit 2 working days, seed 004): one decided
-- after its due date, one on time
SELECT min(case_id) FILTER (WHERE decided_at::date > due_date) AS late_case,
       min(case_id) FILTER (WHERE decided_at::date <= due_date) AS ontime_case
  FROM gov.approval_case WHERE kind = 'credit_repair' AND decided_at IS NOT NULL \gset
INSERT INTO gov.credit_repair VALUES
  ('CR-4', :last_firm + 4, 'dishonest_debtor', 'DD-4', 'approved', '2024-04-01', :ontime_case),
  ('CR-5', :last_firm + 5, 'dishonest_debtor', 'DD-5', 'refused', NULL, :late_case);
-- the awards, on a tender of the demo, in a table of their own (gov.award is the
-- generator's truth): the shape award is bound again to the union of both
CREATE TABLE IF NOT EXISTS gov.credit_demo_award (LIKE gov.award);
TRUNCATE gov.credit_demo_award;
INSERT INTO gov.credit_demo_award (award_id, tender_id, enterprise_id, amount, awarded_at, status)
SELECT :last_award + n, :tender, firm::bigint, 250000,
       CASE n WHEN 3 THEN '2024-02-20 10:00' WHEN 5 THEN '2024-06-03 10:00' WHEN 6 THEN '2024-09-02 10:00' ELSE '2024-05-10 10:00' END::timestamp,
       'active'
  FROM demo_ec WHERE n <> 2;
CREATE OR REPLACE VIEW cleangov_demo.award_with_credit AS
SELECT * FROM gov.award UNION ALL SELECT * FROM gov.credit_demo_award;
SELECT count(*) FROM (SELECT cleangov.bind('award', 'cleangov_demo.award_with_credit', '{"supplier_id": "enterprise_id"}')) x;

SELECT count(*) FROM (SELECT cleangov.bind('dishonest_debtor', 'gov.dishonest_debtor', '{"listed_at": "listed_on", "removed_at": "removed_on"}'),
                             cleangov.bind('arrears', 'gov.arrears', '{"settled_at": "settled_on"}'),
                             cleangov.bind('credit_repair', 'gov.credit_repair', '{"repaired_at": "repaired_on"}')) x;

INSERT INTO truth.enterprise_credit_planted
SELECT 'BAND_RED', firm, n IN (1, 2, 3, 5, 6), note FROM demo_ec
UNION ALL
SELECT 'CREDIT_RED_STILL_WINNING', firm, n IN (1, 5, 6), note FROM demo_ec
UNION ALL
VALUES ('REPAIR_OVERDUE', :'late_case', true, 'the repair of REFUSED: its case was decided after its due date'),
       ('REPAIR_OVERDUE', :'ontime_case', false, 'the repair of REPAIRED: its case was decided on time');

-- The score and the rule (the repairs' time limit: APPR_TIME_LIMIT ran in demo/detect.sql).
SELECT cleangov.enterprise_credit_install() AS indicators \gset
SELECT sum(subjects) AS scored FROM cleangov.index_compute('enterprise_credit', '2024', warn => false) \gset
SELECT count(*) FROM (SELECT cleangov.run(rule_code => 'CREDIT_RED_STILL_WINNING')) x;

CREATE TEMP TABLE demo_ec_found AS
SELECT 'BAND_RED' AS code, s.subject_key AS subject
  FROM cleangov.index_score s
 WHERE s.framework_code = 'enterprise_credit' AND s.period = '2024' AND s.level = 'red'
UNION
SELECT a.rule_code, a.subject_key FROM cleangov.alert a WHERE a.rule_code = 'CREDIT_RED_STILL_WINNING'
UNION
SELECT 'REPAIR_OVERDUE', r.detail ->> 'case_id'
  FROM demo_ec e, cleangov.enterprise_credit_report(e.firm) r
 WHERE r.section = 'repair' AND (r.detail ->> 'overdue')::boolean;

\echo
\echo '== Enterprise integrity score (issue 18 part 2: doc/enterprise-credit.md)'
SELECT :indicators AS indicators, :scored AS enterprises_scored,
       (SELECT count(*) FROM cleangov.index_score WHERE framework_code = 'enterprise_credit' AND period = '2024' AND level = 'red') AS red,
       (SELECT count(*) FROM cleangov.index_score WHERE framework_code = 'enterprise_credit' AND period = '2024' AND level = 'yellow') AS yellow,
       (SELECT count(*) FROM cleangov.alert WHERE rule_code = 'CREDIT_RED_STILL_WINNING') AS red_still_winning;
SELECT e.code, e.firm, round(s.composite::numeric, 2) AS composite, s.level, e.note
  FROM demo_ec e LEFT JOIN cleangov.index_score s
    ON s.framework_code = 'enterprise_credit' AND s.period = '2024' AND s.subject_kind = 'enterprise' AND s.subject_key = e.firm
 ORDER BY e.n;
\echo '-- scoreboard: planted cases found (recall) and what was found that is a planted case (precision)'
WITH f AS (
  SELECT p.code, p.fires, f.code IS NOT NULL AS found
    FROM truth.enterprise_credit_planted p
    LEFT JOIN demo_ec_found f ON f.code = p.code AND f.subject = p.subject),
o AS (
  SELECT f.code, count(*) AS raised_not_planted FROM demo_ec_found f
   WHERE NOT EXISTS (SELECT FROM truth.enterprise_credit_planted p WHERE p.code = f.code AND p.subject = f.subject)
   GROUP BY f.code)
SELECT f.code,
       count(*) FILTER (WHERE f.fires) AS planted,
       count(*) FILTER (WHERE f.fires AND f.found) AS found,
       count(*) FILTER (WHERE NOT f.fires) AS near_misses,
       count(*) FILTER (WHERE NOT f.fires AND f.found) AS near_misses_raised,
       coalesce(max(o.raised_not_planted), 0) AS raised_not_planted,
       round(count(*) FILTER (WHERE f.fires AND f.found)::numeric / nullif(count(*) FILTER (WHERE f.fires), 0), 2) AS recall,
       round(count(*) FILTER (WHERE f.fires AND f.found)::numeric
             / nullif(count(*) FILTER (WHERE f.found) + coalesce(max(o.raised_not_planted), 0), 0), 2) AS precision
  FROM f LEFT JOIN o USING (code)
 GROUP BY f.code ORDER BY f.code;
\echo
\echo '== The credit report of REFUSED (cleangov.enterprise_credit_report): one report instead of 15 certificates'
SELECT r.section, r.item, r.period, r.happened_on, round(r.value::numeric, 2) AS value, r.level,
       left(r.detail::text, 110) AS detail
  FROM demo_ec e, cleangov.enterprise_credit_report(e.firm) r
 WHERE e.code = 'REFUSED' AND r.section <> 'indicator'
UNION ALL
SELECT r.section, r.item, r.period, r.happened_on, round(r.value::numeric, 2), r.level, left(r.detail::text, 110)
  FROM demo_ec e, cleangov.enterprise_credit_report(e.firm) r
 WHERE e.code = 'REFUSED' AND r.section = 'indicator' AND (r.detail ->> 'depth')::int = 1;
