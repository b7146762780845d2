-- Reporting duties (三报备): every transition of a filing legal and refused
-- with its SQLSTATE, the trail, row-level security as the inspector, the
-- analyst and the admin, and the four rules: a case that fires and a near
-- miss that does not.
BEGIN;
SELECT plan(59);
SET LOCAL TimeZone = 'UTC';

CREATE ROLE t_insp_a IN ROLE cleangov_inspector;
CREATE ROLE t_insp_b IN ROLE cleangov_inspector;
CREATE ROLE t_analyst IN ROLE cleangov_analyst;
CREATE ROLE t_admin IN ROLE cleangov_admin;
INSERT INTO cleangov.unit (unit_code, parent_code, name, name_zh, region_code) VALUES
  ('FL-CITY', NULL, 'City', '市', 'R1'), ('FL-A', 'FL-CITY', 'Bureau A', 'A局', 'R1'), ('FL-B', 'FL-CITY', 'Town B', 'B镇', 'R2');
INSERT INTO cleangov.unit_assignment VALUES ('t_insp_a', 'FL-A'), ('t_insp_b', 'FL-B');

SELECT is((SELECT array_agg(rule_code ORDER BY rule_code) FROM cleangov.rule WHERE scenario = 'reporting duties'),
          '{FILING_DECISION_AFTER_EXECUTION,FILING_LATE,FILING_MISSING,FILING_REVIEW_OVERDUE}',
          'four rules under the scenario reporting duties');
SELECT ok((SELECT bool_and(name_zh IS NOT NULL AND thresholds <> '{}') FROM cleangov.rule WHERE scenario = 'reporting duties'),
          'each has a Chinese name and thresholds');

-- submitting: what is refused
SET ROLE t_insp_a;
SELECT throws_ok($$SELECT cleangov.submit_filing('personal_matter', 'marriage', 'FL-A', '', '2030-01-01', NULL, 'P1')$$,
                 '22004', NULL, 'submit: no title refused');
SELECT throws_ok($$SELECT cleangov.submit_filing('gossip', 'marriage', 'FL-A', 't', '2030-01-01', NULL, 'P1')$$,
                 '22023', NULL, 'submit: unknown kind refused');
SELECT throws_ok($$SELECT cleangov.submit_filing('personal_matter', 'appointment', 'FL-A', 't', '2030-01-01', NULL, 'P1')$$,
                 '22023', NULL, 'submit: a matter of another kind refused');
SELECT throws_ok($$SELECT cleangov.submit_filing('personal_matter', 'marriage', 'FL-A', 't', '2030-01-01')$$,
                 '22004', NULL, 'submit: a personal matter without its person refused');
SELECT throws_ok($$SELECT cleangov.submit_filing('periodic', 'rules_adopted', 'FL-A', 't', '2030-01-01', '2030-01-31', 'P1')$$,
                 '22023', NULL, 'submit: a unit filing naming a person refused');
SELECT throws_ok($$SELECT cleangov.submit_filing('periodic', 'rules_adopted', 'FL-A', 't', '2030-01-01', '2030-01-31', NULL, '2030-01-02')$$,
                 '22023', NULL, 'submit: a carried-out day on a periodic filing refused');
SELECT throws_ok($$SELECT cleangov.submit_filing('periodic', 'rules_adopted', 'FL-A', 't', '2030-01-01')$$,
                 '22004', NULL, 'submit: a unit filing without its due date refused');
SELECT throws_ok($$SELECT cleangov.submit_filing('personal_matter', 'marriage', 'FL-A', 't', '2030-01-01', NULL, 'P1', NULL, '2020-01-01')$$,
                 '42501', NULL, 'submit: an inspector cannot backdate a filing');
SELECT throws_ok($$SELECT cleangov.submit_filing('personal_matter', 'marriage', 'FL-NONE', 't', '2030-01-01', NULL, 'P1')$$,
                 '42704', NULL, 'submit: unknown unit refused');
SELECT throws_ok($$SELECT cleangov.submit_filing('personal_matter', 'marriage', 'FL-B', 't', '2030-01-01', NULL, 'P1')$$,
                 '42704', 'unit ''FL-B'' does not exist', 'submit: a unit not assigned is refused like a missing one');

-- the review states, legal and refused
SELECT (cleangov.submit_filing('personal_matter', 'travel_abroad', 'FL-A', 'trip to Japan', '2030-03-01', NULL, 'P9')).filing_id AS fid \gset
SELECT is((SELECT status || ' ' || due_on || ' ' || submitted_by FROM cleangov.filing WHERE filing_id = :fid),
          'submitted 2030-03-01 t_insp_a', 'submit: submitted, due by the day of the matter, by the inspector');
SELECT throws_ok(format($$SELECT cleangov.accept_filing(%s)$$, :fid), '55000', NULL, 'accept: a submitted filing is not under review');
SELECT throws_ok(format($$SELECT cleangov.return_filing(%s, 'n')$$, :fid), '55000', NULL, 'return: a submitted filing is not under review');
SELECT throws_ok(format($$SELECT cleangov.resubmit_filing(%s)$$, :fid), '55000', NULL, 'resubmit: a submitted filing was not returned');
SELECT is((cleangov.start_filing_review(:fid)).status, 'under_review', 'start review: submitted to under_review');
SELECT throws_ok(format($$SELECT cleangov.start_filing_review(%s)$$, :fid), '55000', NULL, 'start review: not twice');
SELECT throws_ok(format($$SELECT cleangov.resubmit_filing(%s)$$, :fid), '55000', NULL, 'resubmit: a filing under review was not returned');
SELECT throws_ok(format($$SELECT cleangov.return_filing(%s, '')$$, :fid), '22004', NULL, 'return: a note is required');
SELECT is((cleangov.return_filing(:fid, 'the itinerary is missing')).status, 'returned', 'return: under_review to returned');
SELECT throws_ok(format($$SELECT cleangov.accept_filing(%s)$$, :fid), '55000', NULL, 'accept: a returned filing is not under review');
SELECT throws_ok(format($$SELECT cleangov.start_filing_review(%s)$$, :fid), '55000', NULL, 'start review: a returned filing is not submitted');
SELECT is((cleangov.resubmit_filing(:fid, 'itinerary added')).status, 'submitted', 'resubmit: returned to submitted');
SELECT is((cleangov.start_filing_review(:fid)).status, 'under_review', 'start review again');
SELECT is((cleangov.accept_filing(:fid, 'complete')).status || ' ' || (SELECT reviewed_by FROM cleangov.filing WHERE filing_id = :fid),
          'accepted t_insp_a', 'accept: under_review to accepted, by the reviewer');
SELECT throws_ok(format($$SELECT cleangov.accept_filing(%s)$$, :fid), '55000', NULL, 'accept: not twice');
SELECT throws_ok(format($$SELECT cleangov.start_filing_review(%s)$$, :fid), '55000', NULL, 'start review: an accepted filing stays accepted');
SELECT throws_ok(format($$SELECT cleangov.return_filing(%s, 'late objection')$$, :fid), '55000', NULL, 'return: an accepted filing stays accepted');
SELECT throws_ok($$SELECT cleangov.accept_filing(1e12::bigint)$$, '42704', NULL, 'accept: unknown filing');
SELECT is((SELECT array_agg(event || ':' || coalesce(from_status, '-') || '>' || to_status ORDER BY event_id)
             FROM cleangov.filing_event WHERE filing_id = :fid),
          '{submitted:->submitted,review_started:submitted>under_review,returned:under_review>returned,resubmitted:returned>submitted,review_started:submitted>under_review,accepted:under_review>accepted}',
          'the trail holds every transition in order');
SELECT is((SELECT count(*)::int FROM cleangov.filing_event WHERE filing_id = :fid AND by_role = 't_insp_a'), 6, 'each event names the inspector');
SELECT throws_ok($$UPDATE cleangov.filing SET status = 'submitted'$$, '42501', NULL, 'no direct UPDATE of filings');
SELECT throws_ok($$UPDATE cleangov.filing_event SET note = 'x'$$, '42501', NULL, 'the trail takes no UPDATE');
SELECT throws_ok($$SELECT * FROM cleangov.check_filings()$$, '42501', NULL, 'an inspector does not run the check (the admin''s job)');

SET ROLE t_insp_b;
SELECT is((SELECT count(*)::int FROM cleangov.filing), 0, 'inspector B sees no filing of A');
SELECT is((SELECT count(*)::int FROM cleangov.filing_event), 0, 'inspector B sees no event of A');
SELECT throws_ok(format($$SELECT cleangov.start_filing_review(%s)$$, :fid), '42704', NULL, 'inspector B cannot review A''s filing (hidden = missing)');
SET ROLE t_analyst;
SELECT is((SELECT count(*)::int FROM cleangov.filing), 1, 'the analyst reads every filing');
SELECT throws_ok($$SELECT cleangov.submit_filing('personal_matter', 'marriage', 'FL-A', 't', '2030-01-01', NULL, 'P1')$$,
                 '42501', NULL, 'the analyst files nothing');
RESET ROLE;
SELECT throws_ok(format($$UPDATE cleangov.filing SET status = 'submitted' WHERE filing_id = %s$$, :fid), '55000', NULL,
                 'the status guard refuses an illegal move even for the owner');
SELECT throws_ok($$DELETE FROM cleangov.filing_event$$, '42501', NULL, 'the trail takes no DELETE, also for the owner');

-- The rules, as of 2025-06-30, over filings entered by the admin from the
-- paper register (backdated submissions).
SET ROLE t_admin;
CREATE TEMP TABLE f(tag text, filing_id bigint);
GRANT SELECT ON f TO t_insp_a;
INSERT INTO f SELECT 'late',  (cleangov.submit_filing('personal_matter', 'funeral', 'FL-A', 'father''s funeral', '2025-03-10', NULL, 'P1', NULL, '2025-03-12 09:00+00')).filing_id;
INSERT INTO f SELECT 'ontime', (cleangov.submit_filing('personal_matter', 'marriage', 'FL-A', 'son''s wedding', '2025-03-20', NULL, 'P1', NULL, '2025-03-20 10:00+00')).filing_id;
INSERT INTO f SELECT 'after', (cleangov.submit_filing('major_decision', 'major_project', 'FL-A', 'new stadium', '2025-04-01', '2025-04-10', NULL, '2025-04-05', '2025-04-08 09:00+00')).filing_id;
INSERT INTO f SELECT 'sameday', (cleangov.submit_filing('major_decision', 'large_fund', 'FL-A', 'road fund', '2025-04-01', '2025-04-10', NULL, '2025-04-05', '2025-04-05 18:00+00')).filing_id;
INSERT INTO f SELECT 'waiting', (cleangov.submit_filing('periodic', 'integrity_education', 'FL-A', 'Q2 education', '2025-06-30', '2025-07-15', NULL, NULL, '2025-06-01 09:00+00')).filing_id;
INSERT INTO f SELECT 'fresh', (cleangov.submit_filing('periodic', 'rules_adopted', 'FL-A', 'Q2 rules', '2025-06-30', '2025-07-15', NULL, NULL, '2025-06-15 09:00+00')).filing_id;
INSERT INTO f SELECT 'trip1', (cleangov.submit_filing('personal_matter', 'travel_abroad', 'FL-A', 'trip 1', '2025-05-10', NULL, 'P1', NULL, '2025-05-08 09:00+00')).filing_id;
INSERT INTO f SELECT 'trip2', (cleangov.submit_filing('personal_matter', 'travel_abroad', 'FL-A', 'trip 2', '2025-05-20', NULL, 'P2', NULL, '2025-05-20 07:00+00')).filing_id;
-- everything but the two periodic filings has been reviewed
SELECT count(cleangov.accept_filing((cleangov.start_filing_review(filing_id)).filing_id)) FROM f WHERE tag NOT IN ('waiting', 'fresh');
\set as_of '''2025-06-30 12:00+00'''
\set fired 'SELECT array_agg(a.rule_code || '':'' || coalesce(f.tag, a.subject_key) ORDER BY a.rule_code, f.tag, a.subject_key) FROM cleangov.alert a LEFT JOIN f ON a.subject_kind = ''filing'' AND f.filing_id::text = a.subject_key WHERE a.rule_code LIKE ''FILING%'''

SELECT is((SELECT count(*)::int FROM cleangov.check_filings(:as_of)), 3, 'check: three alerts while trip_abroad is unbound');
SELECT is((:fired), '{FILING_DECISION_AFTER_EXECUTION:after,FILING_LATE:late,FILING_REVIEW_OVERDUE:waiting}',
          'check: the late funeral filing, the decision filed after execution, the review waiting 29 days; not the filing on its day, the decision filed on the day it was carried out, the review waiting 15 days');
SELECT is((SELECT value || '/' || threshold FROM cleangov.alert WHERE rule_code = 'FILING_LATE'), '2/0', 'FILING_LATE: 2 days late, grace 0');
SELECT is((SELECT value::int FROM cleangov.alert WHERE rule_code = 'FILING_REVIEW_OVERDUE'), 29, 'FILING_REVIEW_OVERDUE: 29 days waiting');
SELECT is((SELECT unit_code FROM cleangov.alert WHERE rule_code = 'FILING_DECISION_AFTER_EXECUTION'), 'FL-A', 'the alert''s unit is the filing''s');
SELECT is((SELECT array_agg(DISTINCT action) FROM cleangov.check_filings(:as_of)), '{unchanged}', 'check: idempotent');

-- FILING_MISSING over a bound table of trips abroad
RESET ROLE;
CREATE TABLE public.t_trips (trip_id text, person_id text, departure_on date, return_on date, unit_code text, destination text);
INSERT INTO public.t_trips VALUES
  ('T1', 'P1', '2025-05-10', '2025-05-15', 'FL-A', 'JP'),   -- filed two days ahead: near miss
  ('T2', 'P2', '2025-05-20', '2025-05-25', 'FL-A', 'SG'),   -- filed on the day of departure: fires
  ('T3', 'P3', '2025-05-25', '2025-05-30', 'FL-A', 'TH'),   -- no filing: fires
  ('T4', 'P1', '2025-07-15', '2025-07-20', 'FL-A', 'KR'),   -- not departed yet: near miss
  ('T5', 'P1', '2025-06-20', '2025-06-25', 'FL-A', 'MY');   -- P1's filing is for another trip: fires
SELECT cleangov.bind('trip_abroad', 'public.t_trips');
GRANT SELECT ON public.t_trips TO t_admin;
GRANT SELECT ON cleangov_bound.trip_abroad TO t_admin;
SET ROLE t_admin;
SELECT is((SELECT array_agg(c.action) FROM cleangov.check_filings(:as_of) c WHERE c.rule_code = 'FILING_MISSING'),
          '{raised,raised,raised}', 'check: three trips raised once bound');
SELECT is((SELECT array_agg(a.subject_key ORDER BY a.subject_key) FROM cleangov.alert a WHERE a.rule_code = 'FILING_MISSING'),
          '{T2,T3,T5}', 'FILING_MISSING: the trip filed on the day, the trip not filed, the trip of another filing; not the trip filed two days ahead nor the trip to come');
SELECT is((SELECT value::int FROM cleangov.alert WHERE rule_code = 'FILING_MISSING' AND subject_key = 'T3'), 36,
          'FILING_MISSING: value is the days since departure');
RESET ROLE;
UPDATE cleangov.rule SET thresholds = '{"lead_days": 0, "match_days": 7}' WHERE rule_code = 'FILING_MISSING';
SET ROLE t_admin;
SELECT is((SELECT count(*)::int FROM cleangov.filing_hits(:as_of) h WHERE h.rule_code = 'FILING_MISSING'), 2,
          'with lead_days 0 a filing on the day of departure counts');
RESET ROLE;
UPDATE cleangov.rule SET thresholds = '{"grace_days": -1}' WHERE rule_code = 'FILING_LATE';
SELECT throws_ok($$SELECT * FROM cleangov.check_filings('2025-06-30 12:00+00')$$, '22023', NULL, 'a negative threshold is refused');
UPDATE cleangov.rule SET thresholds = '{"grace_days": 2}' WHERE rule_code = 'FILING_LATE';
SELECT is((SELECT count(*)::int FROM cleangov.filing_hits(:as_of) h WHERE h.rule_code = 'FILING_LATE'), 0,
          'with grace_days 2 the funeral filing 2 days late no longer fires');
SELECT throws_ok($$SELECT * FROM cleangov.check_filings(NULL)$$, '22004', NULL, 'check: NULL as_of refused');
UPDATE cleangov.rule SET enabled = false WHERE rule_code = 'FILING_REVIEW_OVERDUE';
SELECT is((SELECT count(*)::int FROM cleangov.check_filings('2025-07-30 12:00+00') c WHERE c.rule_code = 'FILING_REVIEW_OVERDUE'), 0,
          'a disabled rule raises nothing');
SET ROLE t_insp_b;
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code LIKE 'FILING%'), 0, 'inspector B sees no filing alert of A');
SET ROLE t_insp_a;
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code LIKE 'FILING%'), 7,
          'inspector A sees the seven alerts of its unit (T4 departed by 2025-07-30)');
SELECT is((SELECT status_zh || ' ' || coalesce(review_due_on::text, '-') FROM cleangov.filing_detail d JOIN f USING (filing_id) WHERE f.tag = 'fresh'),
          '已报备 2025-06-30', 'filing_detail: the label of the state and the day the review is due');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
