-- The handling ladder and the evaluation of rectifications over the demo
-- (run by scripts/demo-in-cluster.sh after demo/model.sql: it raises alerts of
-- its own and moves time, which would change the model's features).
--   1. A custom ladder (seed 000: 提醒, 函询, 诫勉, then 问责) for a conduct
--      rule: twelve officials, planted in truth.ladder_case with the step at
--      which each responds; escalation walks each one up the ladder until then.
--   2. Evaluations (整改评估) of rectified alerts by a third party: planted in
--      truth.rectification_quality (one rectification in four superficial, the
--      gap left open; the problem that came back, seen in the data as a
--      recurrence); the failed ones reopen.  A self-evaluation is refused.
--      The closed alerts left unevaluated are listed as overdue.
-- Prints its own small scoreboard (planted / found).  Time moves by passing
-- as_of, so the demo needs no waiting; alerts of demo/loop.sql still overdue
-- at those times are escalated too, as they would be.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;

-- ---- 1. the custom ladder ------------------------------------------------------
CREATE TABLE truth.ladder_case (subject_key text PRIMARY KEY, responds_at integer NOT NULL, expect text NOT NULL);
COMMENT ON TABLE truth.ladder_case IS
  'demo/supervision_ladder.sql: officials with a conduct alert and the ladder step at which each rectifies (0 in time, 1 after the written inquiry, 2 after the admonition, 3 never: accountability).';
INSERT INTO truth.ladder_case
SELECT 'LAD-' || lpad(i::text, 2, '0'), (i - 1) / 3,
       (ARRAY['closed at step 0', 'closed after 函询', 'closed after 诫勉', 'open at 问责'])[(i - 1) / 3 + 1]
  FROM generate_series(1, 12) i;

INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, default_level, rectify_days, recurrence_days)
VALUES ('DEMO_CONDUCT', 'early conduct problem of an official (demo)', '干部苗头性问题（演示）', 'personnel', NULL, 'person',
        'blue', 30, 0);
INSERT INTO cleangov.ladder (ladder_code, name_en, name_zh, evaluate_days, description)
VALUES ('conduct', 'reminder, inquiry, admonition, accountability', '提醒、函询、诫勉、问责', 60,
        'Seed 000: 对出现苗头性、倾向性问题的干部，及时进行提醒、函询、诫勉; still not corrected: accountability.');
INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor, deadline_days, new_deadline, raises_level) VALUES
  ('conduct', 'blue', 0, 'reminder',        'inspection_group', NULL, true,  false),
  ('conduct', 'blue', 1, 'written_inquiry', 'inspection_group', 10,   true,  false),
  ('conduct', 'blue', 2, 'admonition',      'commission',       15,   true,  true),
  ('conduct', 'blue', 3, 'accountability',  'party_committee',  NULL, false, true);
INSERT INTO cleangov.rule_ladder VALUES ('DEMO_CONDUCT', 'conduct');

SELECT count(*) AS lad_raised FROM cleangov.raise_alerts(ARRAY(
  SELECT ROW('DEMO_CONDUCT', 'person', c.subject_key, (SELECT min(unit_code) FROM cleangov.unit), '2024', NULL, NULL, NULL,
             jsonb_build_object('planted', 'truth.ladder_case'), NULL, NULL)::cleangov.hit
    FROM truth.ladder_case c ORDER BY c.subject_key)) \gset
CREATE TEMP TABLE lad AS
SELECT c.*, a.alert_id FROM truth.ladder_case c JOIN cleangov.alert a ON a.rule_code = 'DEMO_CONDUCT' AND a.subject_key = c.subject_key;

-- in time, then after each step, those whose moment has come rectify
INSERT INTO cleangov.rectification (alert_id, measures) SELECT alert_id, '按期整改' FROM lad WHERE responds_at = 0;
SELECT count(*) AS lad_step1 FROM cleangov.escalate_overdue(now() + interval '31 days') e JOIN lad USING (alert_id) \gset
INSERT INTO cleangov.rectification (alert_id, measures) SELECT alert_id, '函询后整改' FROM lad WHERE responds_at = 1;
SELECT count(*) AS lad_step2 FROM cleangov.escalate_overdue(now() + interval '42 days') e JOIN lad USING (alert_id) \gset
INSERT INTO cleangov.rectification (alert_id, measures) SELECT alert_id, '诫勉后整改' FROM lad WHERE responds_at = 2;
SELECT count(*) AS lad_step3 FROM cleangov.escalate_overdue(now() + interval '58 days') e JOIN lad USING (alert_id) \gset

-- ---- 2. evaluations -------------------------------------------------------------
-- The demo's evaluator knows the case files (truth) for the first two findings;
-- the third, rebound, it reads from the data: a later alert of the same rule
-- and subject that is a recurrence of this one.
CREATE TABLE truth.rectification_quality (alert_id bigint PRIMARY KEY, gap_closed boolean NOT NULL, power_regular boolean NOT NULL,
                                          rebounded boolean NOT NULL, sampled boolean NOT NULL);
COMMENT ON TABLE truth.rectification_quality IS
  'demo/supervision_ladder.sql: the closed alerts of demo/loop.sql: whether the rectification really closed the gap (one in four did not, by md5), kept power regular (one in eight did not), the problem came back (a recurrence alert), and whether the evaluator samples it (two in three; the rest stay unevaluated and become overdue).';
INSERT INTO truth.rectification_quality
SELECT a.alert_id,
       ('x' || left(md5('gap' || a.alert_id), 7))::bit(28)::int % 4 <> 0,
       ('x' || left(md5('power' || a.alert_id), 7))::bit(28)::int % 8 <> 0,
       EXISTS (SELECT FROM cleangov.alert n WHERE n.recurrence_of = a.alert_id),
       ('x' || left(md5('sample' || a.alert_id), 7))::bit(28)::int % 3 <> 0
         OR EXISTS (SELECT FROM cleangov.alert n WHERE n.recurrence_of = a.alert_id)
  FROM cleangov.alert a
 WHERE a.status = 'closed' AND a.rule_code <> 'DEMO_CONDUCT';

CREATE TEMP TABLE ev AS
SELECT q.alert_id, q.gap_closed, q.power_regular, q.rebounded, e.passed, e.reopened, e.open_alert_id
  FROM truth.rectification_quality q,
       LATERAL cleangov.evaluate_rectification(
         q.alert_id, 'third_party', q.gap_closed, q.power_regular,
         EXISTS (SELECT FROM cleangov.alert n WHERE n.recurrence_of = q.alert_id),  -- from the data, not the truth
         NULL, 'demo evaluator: third-party check of the rectification') e
 WHERE q.sampled
 ORDER BY q.alert_id;

-- The unit itself may not evaluate: its own inspector is refused (42501).
CREATE ROLE demo_unit_inspector IN ROLE cleangov_inspector;
INSERT INTO cleangov.unit_assignment
SELECT 'demo_unit_inspector', a.unit_code FROM cleangov.alert a
 WHERE a.alert_id = (SELECT min(alert_id) FROM truth.rectification_quality WHERE NOT sampled);
SELECT set_config('demo.self_alert', (SELECT min(alert_id) FROM truth.rectification_quality WHERE NOT sampled)::text, false) AS self_alert \gset
CREATE TEMP TABLE self_eval (sqlstate text);
GRANT INSERT ON self_eval TO demo_unit_inspector;
SET ROLE demo_unit_inspector;
DO $$
BEGIN
  PERFORM cleangov.evaluate_rectification(current_setting('demo.self_alert')::bigint, 'commission', true, true, false);
  INSERT INTO self_eval VALUES ('accepted');
EXCEPTION WHEN OTHERS THEN
  INSERT INTO self_eval VALUES (SQLSTATE);
END $$;
RESET ROLE;
DELETE FROM cleangov.unit_assignment WHERE role_name = 'demo_unit_inspector';
DROP OWNED BY demo_unit_inspector;
DROP ROLE demo_unit_inspector;
RESET client_min_messages;

\echo '== the handling ladder (demo/supervision_ladder.sql): escalations' :lad_step1 'to 函询,' :lad_step2 'to 诫勉,' :lad_step3 'to 问责'
SELECT s.level, s.step, s.action, a.label_zh AS action_zh, s.by_actor, coalesce(s.deadline_days::text, 'rule') AS deadline_days,
       s.new_deadline, s.raises_level
  FROM cleangov.ladder_step s JOIN cleangov.ladder_action a USING (action)
 WHERE s.ladder_code = 'conduct' ORDER BY s.step;

\echo '== the evaluations (整改评估) by a third party'
SELECT passed, reopened, open_alert_id IS NOT NULL AS problem_open_again, count(*) AS evaluations
  FROM ev GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

\echo '== ladder scoreboard: planted (truth) / found (cleangov)'
SELECT * FROM (
SELECT 'ladder: ' || c.expect AS "case",
       count(*) AS planted,
       count(*) FILTER (WHERE CASE c.responds_at
                                WHEN 3 THEN a.status = 'open' AND a.escalation_step = 3
                                ELSE a.status = 'closed' AND a.escalation_step = c.responds_at END
                          AND (SELECT string_agg(e.detail ->> 'step_zh', ',' ORDER BY e.event_id) FROM cleangov.alert_event e
                                WHERE e.alert_id = a.alert_id AND e.event = 'escalated') IS NOT DISTINCT FROM
                              nullif(array_to_string((ARRAY['函询', '诫勉', '问责'])[1:c.responds_at], ','), '')) AS found
  FROM lad c JOIN cleangov.alert a USING (alert_id)
 GROUP BY c.responds_at, c.expect
 ORDER BY c.responds_at) l
UNION ALL
SELECT 'evaluation: superficial rectification (gap or power), failed', count(*) FILTER (WHERE NOT (gap_closed AND power_regular)),
       count(*) FILTER (WHERE NOT (gap_closed AND power_regular) AND NOT passed)
  FROM ev
UNION ALL
SELECT 'evaluation: the problem came back (反弹), found from the data', count(*) FILTER (WHERE rebounded),
       count(*) FILTER (WHERE rebounded AND NOT passed)
  FROM ev
UNION ALL
SELECT 'evaluation: failed, reopened or open again as a new alert', count(*) FILTER (WHERE NOT (gap_closed AND power_regular AND NOT rebounded)),
       count(*) FILTER (WHERE NOT passed AND (reopened OR open_alert_id IS NOT NULL)
                          AND (reopened = ((SELECT status FROM cleangov.alert x WHERE x.alert_id = ev.alert_id) = 'open')))
  FROM ev
UNION ALL
SELECT 'evaluation: passed, stays closed', count(*) FILTER (WHERE gap_closed AND power_regular AND NOT rebounded),
       count(*) FILTER (WHERE passed AND (SELECT status FROM cleangov.alert x WHERE x.alert_id = ev.alert_id) = 'closed')
  FROM ev
UNION ALL
SELECT 'evaluation: not sampled, overdue after 90 days',
       (SELECT count(*) FROM truth.rectification_quality WHERE NOT sampled),
       (SELECT count(*) FROM cleangov.evaluations_overdue(now() + interval '91 days') o
          JOIN truth.rectification_quality q USING (alert_id) WHERE NOT q.sampled)
UNION ALL
SELECT 'evaluation by the unit itself, refused with 42501', 1, (SELECT count(*) FROM self_eval WHERE sqlstate = '42501');
