-- Risk registers and reporting duties over the demo (issue 17, parts 1 and 2;
-- doc/risk-register.md, doc/filings.md).  Run by scripts/demo-in-cluster.sh
-- after demo/loop.sql, on the demo's units.  Plants cases with their truth
-- (truth.register_planted: what must fire and what is a near miss that
-- must not), runs the coverage view and check_filings(), and prints its own
-- scoreboard.  The filings are entered as the admin imports a paper register
-- (submitted_at given); the overdue register is one opened 400 days ago.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
SET TimeZone = 'UTC';

-- Three units of the demo's tree: the first three by code.
CREATE TEMP TABLE demo_sup_unit AS
SELECT unit_code, row_number() OVER (ORDER BY unit_code) AS n
  FROM (SELECT unit_code FROM cleangov.unit ORDER BY unit_code LIMIT 3) u;
SELECT unit_code AS u1 FROM demo_sup_unit WHERE n = 1 \gset
SELECT unit_code AS u2 FROM demo_sup_unit WHERE n = 2 \gset
SELECT unit_code AS u3 FROM demo_sup_unit WHERE n = 3 \gset

CREATE TABLE IF NOT EXISTS truth.register_planted (
  code     text NOT NULL,    -- a rule code or a coverage gap
  subject  text NOT NULL,    -- filing title, trip id, scenario or unit
  fires    boolean NOT NULL, -- true: planted case; false: near miss
  note     text
);
TRUNCATE truth.register_planted;

-- Registers: u1 and u2 reviewed, u3 opened 400 days ago and never reviewed.
SELECT count(*) FROM (SELECT cleangov.open_register(:'u1'), cleangov.open_register(:'u2'), cleangov.open_register(:'u3')) x;
UPDATE cleangov.risk_register SET opened_at = now() - interval '400 days' WHERE unit_code = :'u3';
UPDATE cleangov.risk_register SET opened_at = now() - interval '360 days' WHERE unit_code = :'u2';
SELECT count(*) FROM (SELECT cleangov.review_register(:'u1', 'yearly review of the risk points')) x;
SELECT count(*) FROM (VALUES
  (cleangov.add_risk_point(:'u1', 'bid rigging', 'bid evaluation steered by the project office', 'Head of the project office',
                           'experts drawn at random; bids screened (围标串标筛查)', 'Project office')),
  (cleangov.add_risk_point(:'u1', 'small works', 'small works handed out without a draw', 'Deputy director (works)',
                           'works under 500,000 yuan drawn by lot (seed 001)', 'Project office', 'Works clerk')),
  (cleangov.add_risk_point(:'u1', 'overseas investment', 'overseas stake bought without a collective decision', 'Director',
                           'collective decision and filing (三重一大)')),
  (cleangov.add_risk_point(:'u2', 'over budget', 'hospitality above budget', 'Finance chief',
                           'monthly budget execution report', 'Finance office')),
  (cleangov.add_risk_point(:'u2', 'selective enforcement', 'inspections skipped for acquaintances', 'Head of enforcement',
                           'inspection lists drawn at random', 'Enforcement team')),
  (cleangov.add_risk_point(:'u3', 'reporting duties', 'personal matters not filed before trips abroad', 'Party secretary',
                           'filing reminders before every trip'))) p(x);
INSERT INTO truth.register_planted VALUES
  ('unwatched_point', 'overseas investment', true, 'no rule in the library watches overseas investment'),
  ('unwatched_point', 'selective enforcement', true, 'no rule in the library watches selective enforcement'),
  ('unwatched_point', 'bid rigging', false, 'seventeen rules watch bid rigging'),
  ('unwatched_point', 'reporting duties', false, 'the four filing rules watch it'),
  ('register_overdue', :'u3', true, 'opened 400 days ago, never reviewed (review every 365 days)'),
  ('register_overdue', :'u2', false, 'opened 360 days ago: due in five days'),
  ('register_overdue', :'u1', false, 'reviewed today');

-- Filings, as of 2025-06-30, entered from the paper register.
CREATE TEMP TABLE demo_filing (title text, kind text, matter text, unit_code text, person_id text,
                               event_on date, due_on date, carried_out_on date, submitted_at timestamptz,
                               reviewed boolean, code text, fires boolean, note text);
INSERT INTO demo_filing VALUES
  ('funeral of a father',      'personal_matter', 'funeral', :'u1', 'DP-01', '2025-03-10', NULL, NULL, '2025-03-13 09:00', true,  'FILING_LATE', true,  'filed three days after the funeral'),
  ('wedding of a son',         'personal_matter', 'marriage', :'u1', 'DP-02', '2025-03-20', NULL, NULL, '2025-03-20 08:00', true,  'FILING_LATE', false, 'filed on the day: not late'),
  ('annual rules adopted',     'periodic', 'rules_adopted', :'u2', NULL, '2024-12-31', '2025-01-31', NULL, '2025-02-10 09:00', true, 'FILING_LATE', true, 'ten days after its due date'),
  ('new sports hall',          'major_decision', 'major_project', :'u2', NULL, '2025-04-01', '2025-04-30', '2025-04-03', '2025-04-09 09:00', true, 'FILING_DECISION_AFTER_EXECUTION', true, 'carried out six days before it was filed'),
  ('road maintenance fund',    'major_decision', 'large_fund', :'u2', NULL, '2025-04-01', '2025-04-30', '2025-04-05', '2025-04-05 17:00', true, 'FILING_DECISION_AFTER_EXECUTION', false, 'filed on the day it was carried out'),
  ('appointment of a deputy',  'major_decision', 'appointment', :'u1', NULL, '2025-05-02', '2025-05-20', '2025-05-10', '2025-05-06 09:00', true, 'FILING_DECISION_AFTER_EXECUTION', false, 'filed before it was carried out'),
  ('Q2 integrity education',   'periodic', 'integrity_education', :'u3', NULL, '2025-06-30', '2025-07-15', NULL, '2025-05-20 09:00', false, 'FILING_REVIEW_OVERDUE', true, 'waiting 41 days for review'),
  ('Q2 rules adopted',         'periodic', 'rules_adopted', :'u3', NULL, '2025-06-30', '2025-07-15', NULL, '2025-06-15 09:00', false, 'FILING_REVIEW_OVERDUE', false, 'waiting 15 days: not yet overdue'),
  ('trip to Japan',            'personal_matter', 'travel_abroad', :'u3', 'DP-03', '2025-05-10', NULL, NULL, '2025-05-06 09:00', true, 'FILING_MISSING', false, 'trip DT-1 filed four days ahead'),
  ('trip to Singapore',        'personal_matter', 'travel_abroad', :'u3', 'DP-04', '2025-05-20', NULL, NULL, '2025-05-20 06:00', true, 'FILING_MISSING', true, 'trip DT-2 filed only on the day of departure');
SELECT count(*) AS filings FROM (
  SELECT cleangov.submit_filing(d.kind, d.matter, d.unit_code, d.title, d.event_on, d.due_on, d.person_id,
                                d.carried_out_on, d.submitted_at)
    FROM demo_filing d ORDER BY d.submitted_at) x;
SELECT count(*) FROM (
  SELECT cleangov.accept_filing((cleangov.start_filing_review(f.filing_id)).filing_id)
    FROM cleangov.filing f JOIN demo_filing d USING (title) WHERE d.reviewed ORDER BY f.filing_id) x;
INSERT INTO truth.register_planted
SELECT code, title, fires, note FROM demo_filing;

-- Trips abroad: the demo's exit records, bound to the shape trip_abroad.
CREATE TABLE IF NOT EXISTS gov.trip_abroad (trip_id text PRIMARY KEY, person_id text NOT NULL, departure_on date NOT NULL,
                                            return_on date, unit_code text, destination text);
TRUNCATE gov.trip_abroad;
INSERT INTO gov.trip_abroad VALUES
  ('DT-1', 'DP-03', '2025-05-10', '2025-05-16', :'u3', 'Japan'),
  ('DT-2', 'DP-04', '2025-05-20', '2025-05-26', :'u3', 'Singapore'),
  ('DT-3', 'DP-05', '2025-06-02', '2025-06-09', :'u1', 'Thailand'),
  ('DT-4', 'DP-03', '2025-06-18', '2025-06-22', :'u3', 'Korea'),
  ('DT-5', 'DP-05', '2025-07-20', '2025-07-28', :'u1', 'Malaysia');
INSERT INTO truth.register_planted VALUES
  ('FILING_MISSING', 'DT-2', true, 'filed only on the day of departure'),
  ('FILING_MISSING', 'DT-3', true, 'no filing at all'),
  ('FILING_MISSING', 'DT-4', true, 'the filing of DP-03 was for another trip (DT-1, 39 days earlier)'),
  ('FILING_MISSING', 'DT-1', false, 'filed four days ahead'),
  ('FILING_MISSING', 'DT-5', false, 'not departed by 2025-06-30');
DELETE FROM truth.register_planted WHERE code = 'FILING_MISSING' AND subject LIKE 'trip to %';
SELECT count(*) FROM (SELECT cleangov.bind('trip_abroad', 'gov.trip_abroad')) x;

SELECT count(*) AS filing_alerts FROM cleangov.check_filings('2025-06-30 12:00+00') \gset

-- What was found: the rules' alerts by filing title or trip, and the coverage gaps.
CREATE TEMP TABLE demo_sup_found AS
SELECT a.rule_code AS code, coalesce(f.title, a.subject_key) AS subject
  FROM cleangov.alert a
  LEFT JOIN cleangov.filing f ON a.subject_kind = 'filing' AND f.filing_id::text = a.subject_key
 WHERE a.rule_code LIKE 'FILING%'
UNION
SELECT c.gap, coalesce(c.scenario, c.unit_code)
  FROM cleangov.risk_coverage c
 WHERE c.gap IN ('unwatched_point', 'register_overdue');

\echo
\echo '== Risk registers and reporting duties (issue 17: doc/risk-register.md, doc/filings.md)'
SELECT (SELECT count(*) FROM cleangov.domain_info WHERE map_position IS NOT NULL) AS map_domains,
       (SELECT count(*) FROM cleangov.risk_catalogue WHERE on_map) AS map_scenarios,
       (SELECT count(*) FROM cleangov.risk_catalogue WHERE on_map AND rules = '{}') AS scenarios_without_rule,
       (SELECT count(*) FROM cleangov.risk_point) AS risk_points,
       (SELECT count(*) FROM cleangov.filing) AS filings,
       :filing_alerts AS filing_alerts;
SELECT p.code,
       count(*) FILTER (WHERE p.fires) AS planted,
       count(*) FILTER (WHERE p.fires AND f.code IS NOT NULL) AS found,
       count(*) FILTER (WHERE NOT p.fires) AS near_misses,
       count(*) FILTER (WHERE NOT p.fires AND f.code IS NOT NULL) AS near_misses_raised
  FROM truth.register_planted p
  LEFT JOIN demo_sup_found f ON f.code = p.code AND f.subject = p.subject
 GROUP BY p.code ORDER BY p.code;
SELECT count(*) AS raised_not_planted
  FROM demo_sup_found f
 WHERE f.code LIKE 'FILING%'
   AND NOT EXISTS (SELECT FROM truth.register_planted p WHERE p.code = f.code AND p.subject = f.subject);
\echo
\echo '== The risk register of the first demo unit (cleangov.risk_register_report)'
SELECT cleangov.risk_register_report(:'u1') AS report \g (format=unaligned tuples_only)
