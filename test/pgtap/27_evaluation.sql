-- Rectification evaluated (src/sql/27_evaluation.sql): every refusal with its
-- SQLSTATE (the unit evaluating itself in each of its three guises), a passed
-- evaluation, failed ones reopening the alert through reopen() with its
-- event, a failed one meeting another open alert of the same key, follow-up
-- evaluations, the overdue list, append-only, and row-level security as the
-- roles that use it.
BEGIN;
SELECT plan(38);

CREATE ROLE t_ev_city IN ROLE cleangov_inspector;   -- the city's inspector: outside bureau A
CREATE ROLE t_ev_a IN ROLE cleangov_inspector;      -- bureau A's own
CREATE ROLE t_ev_b IN ROLE cleangov_inspector;      -- town B's
CREATE ROLE t_ev_analyst IN ROLE cleangov_analyst;
INSERT INTO cleangov.unit (unit_code, parent_code, name, region_code) VALUES
  ('E-CITY', NULL, 'City', 'R1'), ('E-A', 'E-CITY', 'Bureau A', 'R1'), ('E-A1', 'E-A', 'Office A1', 'R1'),
  ('E-B', 'E-CITY', 'Town B', 'R2'), ('E-AUDIT', 'E-CITY', 'Audit office', 'R1');
INSERT INTO cleangov.unit_assignment VALUES ('t_ev_city', 'E-CITY'), ('t_ev_a', 'E-A'), ('t_ev_b', 'E-B');
INSERT INTO cleangov.rule (rule_code, name_en, subject_kind, default_level, rectify_days, recurrence_days)
VALUES ('E_R', 'evaluated rule', 'unit', 'blue', 30, 365), ('E_FAST', 'fast evaluation rule', 'unit', 'blue', 30, 0);
INSERT INTO cleangov.ladder (ladder_code, name_en, name_zh, evaluate_days) VALUES ('quick', 'quick evaluation', '快评', 10);
INSERT INTO cleangov.rule_ladder VALUES ('E_FAST', 'quick');
SELECT count(*) FROM cleangov.raise_alerts(ARRAY(
  SELECT ROW('E_R', 'unit', k, 'E-A', '', 1, 1, NULL, NULL, NULL, NULL)::cleangov.hit
    FROM unnest('{pass,fail-gap,fail-power,fail-rebound,blocked,open,dismissed}'::text[]) k));
SELECT cleangov.raise_alert('E_FAST', 'unit', 'fast', 'E-B');
CREATE TEMP TABLE ids AS SELECT subject_key, alert_id FROM cleangov.alert WHERE rule_code LIKE 'E\_%';
GRANT SELECT ON ids TO PUBLIC;
INSERT INTO cleangov.rectification (alert_id, measures)
SELECT alert_id, 'rules adopted' FROM ids WHERE subject_key NOT IN ('open', 'dismissed');
SELECT cleangov.review((SELECT alert_id FROM ids WHERE subject_key = 'dismissed'), 'false_positive', 'not real');
CREATE FUNCTION pg_temp.ev(k text, ok1 boolean, ok2 boolean, rb boolean, who text DEFAULT 'commission', unit text DEFAULT 'E-CITY')
  RETURNS cleangov.rectification_evaluation LANGUAGE sql
  AS $$ SELECT cleangov.evaluate_rectification((SELECT alert_id FROM ids WHERE subject_key = k), who, ok1, ok2, rb, unit, 'note ' || k) $$;

-- ---- refusals -------------------------------------------------------------------
SELECT throws_ok($$SELECT pg_temp.ev('pass', NULL, true, false)$$, '22004', NULL, 'a missing finding: 22004');
SELECT throws_ok($$SELECT pg_temp.ev('pass', true, true, false, NULL)$$, '22004', NULL, 'no evaluator: 22004');
SELECT throws_ok($$SELECT pg_temp.ev('pass', true, true, false, 'friend')$$, '22023', NULL, 'an evaluator outside the code list: 22023');
SELECT throws_ok($$SELECT pg_temp.ev('pass', true, true, false, 'commission', 'E-NOPE')$$, '23503', NULL, 'an unknown evaluator unit: 23503');
SELECT throws_ok($$SELECT cleangov.evaluate_rectification(-1, 'commission', true, true, false)$$, '42704', NULL, 'a missing alert: 42704');
SELECT throws_ok($$SELECT pg_temp.ev('open', true, true, false)$$, '55000', NULL, 'an open alert has no rectification to evaluate: 55000');
SELECT throws_ok($$SELECT pg_temp.ev('dismissed', true, true, false)$$, '55000', NULL, 'nor a dismissed one: 55000');
SELECT throws_ok($$SELECT pg_temp.ev('pass', true, true, false, 'unit', NULL)$$, '42501',
                 format('the rectification of alert %s cannot be evaluated by unit E-A itself', (SELECT alert_id FROM ids WHERE subject_key = 'pass')),
                 'the unit as evaluator: 42501');
SELECT throws_ok($$SELECT pg_temp.ev('pass', true, true, false, 'commission', 'E-A')$$, '42501', NULL, 'the unit as evaluating unit: 42501');
SELECT throws_ok($$SELECT pg_temp.ev('pass', true, true, false, 'commission', 'E-A1')$$, '42501', NULL, 'one of its offices: 42501');
SET ROLE t_ev_a;
SELECT throws_ok($$SELECT pg_temp.ev('pass', true, true, false, 'commission', 'E-AUDIT')$$, '42501', NULL,
                 'a role assigned to the unit, whatever it claims: 42501');
RESET ROLE;
SET ROLE t_ev_b;
SELECT throws_ok($$SELECT pg_temp.ev('pass', true, true, false)$$, '42704', NULL, 'an alert of a unit not assigned to the role: 42704, as if missing');
RESET ROLE;
SET ROLE t_ev_analyst;
SELECT throws_ok($$SELECT pg_temp.ev('pass', true, true, false)$$, '42501', NULL, 'an analyst does not evaluate: 42501');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM cleangov.rectification_evaluation), 0, 'nothing written by the refusals');

-- ---- passed ------------------------------------------------------------------------
SET ROLE t_ev_city;
SELECT is((SELECT passed::text || reopened::text || evaluated_by FROM pg_temp.ev('pass', true, true, false)),
          'truefalset_ev_city', 'the city''s inspector evaluates bureau A: passed, not reopened, by the acting role');
SELECT is((SELECT status FROM cleangov.alert WHERE alert_id = (SELECT alert_id FROM ids WHERE subject_key = 'pass')), 'closed',
          'a passed evaluation leaves the alert closed');
SELECT is((SELECT e.detail ->> 'passed' FROM cleangov.alert_event e JOIN ids USING (alert_id) WHERE ids.subject_key = 'pass' AND e.event = 'evaluated'),
          'true', 'an "evaluated" event on the alert''s trail');

-- ---- failed: reopened through reopen() ----------------------------------------------
SELECT is((SELECT array_agg(passed::text || ':' || reopened::text ORDER BY evaluation_id)
             FROM (SELECT * FROM pg_temp.ev('fail-gap', false, true, false, 'commission', 'E-CITY')
                   UNION ALL SELECT * FROM pg_temp.ev('fail-power', true, false, false, 'third_party', NULL)
                   UNION ALL SELECT * FROM pg_temp.ev('fail-rebound', true, true, true, 'inspection_group', 'E-AUDIT')) x),
          '{false:true,false:true,false:true}', 'each finding alone fails the evaluation and reopens the alert');
RESET ROLE;
SELECT is((SELECT array_agg(DISTINCT a.status) FROM cleangov.alert a JOIN ids USING (alert_id) WHERE ids.subject_key LIKE 'fail-%'),
          '{open}', 'the failed ones are open again');
SELECT is((SELECT array_agg(e.event ORDER BY e.event_id) FROM cleangov.alert_event e JOIN ids USING (alert_id) WHERE ids.subject_key = 'fail-gap'),
          '{raised,rectified,evaluated,reopened}', 'the trail: raised, rectified, evaluated, reopened');
SELECT is((SELECT e.note FROM cleangov.alert_event e JOIN ids USING (alert_id) WHERE ids.subject_key = 'fail-gap' AND e.event = 'reopened'),
          format('rectification failed evaluation %s: note fail-gap',
                 (SELECT evaluation_id FROM cleangov.rectification_evaluation v JOIN ids USING (alert_id) WHERE ids.subject_key = 'fail-gap')),
          'the reopened event names the evaluation');
SELECT is((SELECT e.by_role FROM cleangov.alert_event e JOIN ids USING (alert_id) WHERE ids.subject_key = 'fail-gap' AND e.event = 'reopened'),
          't_ev_city'::name, 'and the evaluator as the role that reopened');
SELECT is((SELECT due_at FROM cleangov.alert a JOIN ids USING (alert_id) WHERE ids.subject_key = 'fail-power'), now() + interval '30 days',
          'the reopened alert has a new deadline (the rule''s rectify_days)');
SELECT throws_ok($$SELECT pg_temp.ev('fail-gap', true, true, false)$$, '55000', NULL, 'a reopened alert is not evaluated again until closed: 55000');

-- ---- failed while the problem is open again as another alert ------------------------
SELECT cleangov.raise_alert('E_R', 'unit', 'blocked', 'E-A', '', 2, 1);  -- a new fact: a new alert, a recurrence
SELECT is((SELECT reopened::text || ':' || (open_alert_id = (SELECT max(alert_id) FROM cleangov.alert WHERE subject_key = 'blocked'))::text
             FROM pg_temp.ev('blocked', true, true, true)),
          'false:true', 'a failed evaluation that cannot reopen records the alert that is open for the same key');
SELECT is((SELECT status FROM cleangov.alert WHERE alert_id = (SELECT alert_id FROM ids WHERE subject_key = 'blocked')), 'closed',
          'and leaves the evaluated alert closed');

-- ---- follow-up evaluations and overdue evaluations ----------------------------------
SELECT is((SELECT passed::text || reopened::text FROM pg_temp.ev('pass', true, true, true)), 'falsetrue',
          'a follow-up evaluation of the same closure finds a rebound: reopened');
SELECT is((SELECT count(*)::int FROM cleangov.evaluation_overdue e JOIN ids USING (alert_id)), 0, 'nothing is overdue today');
SELECT is((SELECT array_agg(ids.subject_key || ':' || e.ladder_code || ':' || e.days_overdue ORDER BY ids.subject_key)
             FROM cleangov.evaluations_overdue(now() + interval '11 days') e JOIN ids USING (alert_id)),
          '{fast:quick:1}', 'after 11 days the rule with the quick ladder (10 days) is overdue');
SELECT is((SELECT array_agg(ids.subject_key ORDER BY ids.subject_key) FROM cleangov.evaluations_overdue(now() + interval '91 days') e JOIN ids USING (alert_id)),
          '{fast}', 'after 91 days: evaluated closures are not overdue, reopened alerts are not closed');
INSERT INTO cleangov.rectification (alert_id, measures) SELECT alert_id, 'second try' FROM ids WHERE subject_key = 'fail-gap';
SELECT is((SELECT array_agg(ids.subject_key ORDER BY ids.subject_key) FROM cleangov.evaluations_overdue(now() + interval '91 days') e JOIN ids USING (alert_id)),
          '{fail-gap,fast}', 'closed again, the new closure waits for its own evaluation');

-- ---- append-only, privileges, row-level security ------------------------------------
SELECT throws_ok($$UPDATE cleangov.rectification_evaluation SET rebounded = false$$, '42501', NULL, 'evaluations are append-only: UPDATE 42501');
SELECT throws_ok($$DELETE FROM cleangov.rectification_evaluation$$, '42501', NULL, 'DELETE 42501');
SET ROLE t_ev_city;
SELECT throws_ok($$INSERT INTO cleangov.rectification_evaluation (alert_id, closed_at, evaluator, gap_closed, power_regular, rebounded, reopened)
                   VALUES ((SELECT alert_id FROM ids WHERE subject_key = 'open'), now(), 'commission', true, true, false, false)$$,
                 '42501', NULL, 'an inspector writes evaluations only through evaluate_rectification(): 42501');
SELECT is((SELECT count(*)::int FROM cleangov.rectification_evaluation), 6, 'the city''s inspector sees every evaluation below it');
RESET ROLE;
SET ROLE t_ev_b;
SELECT is((SELECT count(*)::int FROM cleangov.rectification_evaluation), 0, 'town B''s inspector sees none of bureau A''s');
SELECT is((SELECT count(*)::int FROM cleangov.evaluations_overdue(now() + interval '91 days')), 1, 'and only its own overdue evaluation');
RESET ROLE;
SET ROLE t_ev_analyst;
SELECT is((SELECT count(*)::int FROM cleangov.rectification_evaluation), 6, 'the analyst reads them all');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
