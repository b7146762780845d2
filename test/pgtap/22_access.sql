-- Roles and row-level security: an inspector sees, reviews and rectifies only
-- the alerts of its units and their subtrees; an analyst reads everything and
-- changes nothing; events record the role that acted.  SET ROLE inside the
-- transaction; the test roles are rolled back with it.
BEGIN;
SELECT plan(47);

SELECT ok(EXISTS (SELECT FROM pg_roles WHERE rolname = 'cleangov_admin')
      AND EXISTS (SELECT FROM pg_roles WHERE rolname = 'cleangov_inspector')
      AND EXISTS (SELECT FROM pg_roles WHERE rolname = 'cleangov_analyst'), 'the three roles exist');
SELECT is((SELECT array_agg(relname::text ORDER BY relname) FROM pg_class
            WHERE relnamespace = 'cleangov'::regnamespace AND relrowsecurity),
          '{alert,alert_event,clue,clue_event,filing,filing_event,model_score,order_event,rectification,rectification_evaluation,risk_point,risk_point_rule,risk_register,risk_register_event,supervision_order,unit_assignment}',
          'row-level security on alerts, events, rectifications, their evaluations, clues, orders, registers, filings and assignments');

CREATE ROLE t_insp_a IN ROLE cleangov_inspector;
CREATE ROLE t_insp_b IN ROLE cleangov_inspector;
CREATE ROLE t_analyst IN ROLE cleangov_analyst;
CREATE ROLE t_admin IN ROLE cleangov_admin;
INSERT INTO cleangov.unit (unit_code, parent_code, name, region_code) VALUES
  ('S-CITY', NULL, 'City', 'R1'), ('S-A', 'S-CITY', 'Bureau A', 'R1'), ('S-A1', 'S-A', 'Office A1', 'R1'),
  ('S-B', 'S-CITY', 'Town B', 'R2');
INSERT INTO cleangov.unit_assignment VALUES ('t_insp_a', 'S-A'), ('t_insp_b', 'S-B');
INSERT INTO cleangov.rule (rule_code, name_en, domain, subject_kind) VALUES ('S_RULE', 'rls rule', 'funds', 'unit');
SELECT count(*) FROM cleangov.raise_alerts(ARRAY[
  ROW('S_RULE','unit','a','S-A','',1,1,NULL,NULL,NULL,NULL)::cleangov.hit,
  ROW('S_RULE','unit','a1','S-A1','',1,1,NULL,NULL,NULL,NULL)::cleangov.hit,
  ROW('S_RULE','unit','a1b','S-A1','',1,1,NULL,NULL,NULL,NULL)::cleangov.hit,
  ROW('S_RULE','unit','b','S-B','',1,1,NULL,NULL,NULL,NULL)::cleangov.hit,
  ROW('S_RULE','unit','city','S-CITY','',1,1,NULL,NULL,NULL,NULL)::cleangov.hit]);
SELECT cleangov.raise_alert('S_RULE', 'unit', 'b_closed', 'S-B', '', 1, 1);
INSERT INTO cleangov.rectification (alert_id, measures)
SELECT alert_id, 'closed by the admin' FROM cleangov.alert WHERE subject_key = 'b_closed';
CREATE TEMP TABLE ids AS SELECT subject_key, alert_id FROM cleangov.alert WHERE rule_code = 'S_RULE';
-- a group role with a unit of its own, and a user's own rectification table
CREATE ROLE t_team;
GRANT t_team TO t_insp_a;
INSERT INTO cleangov.unit (unit_code, parent_code, name, region_code) VALUES ('S-CITY-X', 'S-CITY', 'Team X', 'R1');
INSERT INTO cleangov.unit_assignment VALUES ('t_team', 'S-CITY-X');
CREATE TABLE public.t_fixes (alert_id bigint);
SELECT cleangov.attach_rectification('public.t_fixes');
GRANT INSERT ON public.t_fixes TO PUBLIC;
GRANT SELECT ON ids TO PUBLIC;

-- ---- inspector A: unit S-A and its subtree ------------------------------------
SET LOCAL ROLE t_insp_a;
SELECT is((SELECT array_agg(subject_key ORDER BY subject_key) FROM cleangov.alert WHERE rule_code = 'S_RULE'),
          '{a,a1,a1b}', 'inspector A sees its unit and the subtree, not B nor the parent');
SELECT is((SELECT count(*)::int FROM cleangov.open_alerts WHERE rule_code = 'S_RULE'), 3, 'the views apply the same filter');
SELECT is((SELECT count(DISTINCT alert_id)::int FROM cleangov.alert_event e JOIN ids USING (alert_id)), 3,
          'inspector A sees only the events of its alerts');
SELECT is((cleangov.review((SELECT alert_id FROM ids WHERE subject_key = 'a1'), 'confirmed', 'seen')).review_verdict,
          'confirmed', 'inspector A reviews an alert of its subtree');
-- A hidden alert and a missing one get the same answer (SQLSTATE and text).
SELECT throws_ok(format('SELECT cleangov.review(%s, %L)', (SELECT alert_id FROM ids WHERE subject_key = 'b'), 'confirmed'),
                 '42704', format('alert %s does not exist', (SELECT alert_id FROM ids WHERE subject_key = 'b')),
                 'inspector A cannot review B''s alert: it does not exist for A (42704)');
SELECT throws_ok('SELECT cleangov.review(-7, ''confirmed'')', '42704', 'alert -7 does not exist',
                 'reviewing a missing alert: the same answer');
SELECT lives_ok(format('INSERT INTO cleangov.rectification (alert_id, measures) VALUES (%s, %L)',
                       (SELECT alert_id FROM ids WHERE subject_key = 'a'), 'fixed'), 'inspector A rectifies its alert');
SELECT throws_ok(format('INSERT INTO cleangov.rectification (alert_id, measures) VALUES (%s, %L)',
                        (SELECT alert_id FROM ids WHERE subject_key = 'b'), 'fixed'),
                 '23503', format('alert %s does not exist', (SELECT alert_id FROM ids WHERE subject_key = 'b')),
                 'inspector A cannot rectify B''s alert: it does not exist for A (23503)');
SELECT throws_ok('INSERT INTO cleangov.rectification (alert_id, measures) VALUES (-7, ''fixed'')',
                 '23503', 'alert -7 does not exist', 'rectifying a missing alert: the same answer');
-- B's closed alert: reopen must not tell that it is closed, nor that it exists.
SELECT throws_ok(format('SELECT cleangov.reopen(%s, %L)', (SELECT alert_id FROM ids WHERE subject_key = 'b_closed'), 'again'),
                 '42704', format('alert %s does not exist', (SELECT alert_id FROM ids WHERE subject_key = 'b_closed')),
                 'inspector A cannot reopen B''s closed alert: it does not exist for A (42704)');
SELECT throws_ok(format('SELECT cleangov.reopen(%s, %L)', (SELECT alert_id FROM ids WHERE subject_key = 'b'), 'again'),
                 '42704', format('alert %s does not exist', (SELECT alert_id FROM ids WHERE subject_key = 'b')),
                 'nor B''s open alert (not "is open; only a closed alert can be reopened")');
SELECT throws_ok('SELECT cleangov.reopen(-7, ''again'')', '42704', 'alert -7 does not exist',
                 'reopening a missing alert: the same answer');
-- A user's own rectification table (attach_rectification): the same answer.
SELECT throws_ok(format('INSERT INTO public.t_fixes VALUES (%s)', (SELECT alert_id FROM ids WHERE subject_key = 'b')),
                 '23503', format('alert %s does not exist', (SELECT alert_id FROM ids WHERE subject_key = 'b')),
                 'through an attached table: B''s alert does not exist for A');
SELECT throws_ok('INSERT INTO public.t_fixes VALUES (-7)', '23503', 'alert -7 does not exist',
                 'through an attached table: a missing alert, the same answer');
SELECT throws_ok(format('SELECT cleangov.risk_notice(%s)', (SELECT alert_id FROM ids WHERE subject_key = 'b')),
                 '42704', format('alert %s does not exist', (SELECT alert_id FROM ids WHERE subject_key = 'b')),
                 'the risk notice of B''s alert: does not exist for A');
SELECT throws_ok('SELECT cleangov.risk_notice(-7)', '42704', 'alert -7 does not exist',
                 'the risk notice of a missing alert: the same answer');
-- Assignments: A learns its own units, not B's.
SELECT is(ARRAY(SELECT cleangov.visible_units(current_user) ORDER BY 1), '{S-A,S-A1,S-CITY-X}',
          'A lists its own units (and those of its group role)');
SELECT throws_ok($$SELECT cleangov.visible_units('t_insp_b')$$, '42501', 'permission denied to list the units of role t_insp_b',
                 'A cannot list B''s units (42501)');
SELECT throws_ok($$SELECT cleangov.visible_units('t_no_such_role')$$, '42501',
                 'permission denied to list the units of role t_no_such_role', 'nor a role that does not exist: the same answer');
SELECT is(ARRAY(SELECT cleangov.visible_units('t_team') ORDER BY 1), '{S-CITY-X}',
          'A lists the units of a group role it is a member of');
SELECT is(ARRAY(SELECT role_name::text || ' ' || unit_code FROM cleangov.unit_assignment ORDER BY 1),
          '{"t_insp_a S-A","t_team S-CITY-X"}', 'A reads only the assignments of its own roles');
-- Only the admin and the rule engine can quarantine a rule.
SELECT throws_ok($$SELECT cleangov.record_rule_failure('S_RULE', 'run', NULL, 'XX000', 'x')$$, '42501',
                 'permission denied for function record_rule_failure', 'inspector cannot quarantine a rule (42501)');
SELECT throws_ok(format('UPDATE cleangov.alert SET status = %L WHERE alert_id = %s', 'closed',
                        (SELECT alert_id FROM ids WHERE subject_key = 'a1')),
                 '42501', NULL, 'inspector cannot update alerts directly');
SELECT throws_ok($$INSERT INTO cleangov.alert_event (alert_id, event) SELECT alert_id, 'rectified' FROM ids LIMIT 1$$,
                 '42501', NULL, 'inspector cannot write events directly');
SELECT throws_ok($$SELECT cleangov.raise_alert('S_RULE', 'unit', 'x', 'S-A')$$, '42501', NULL,
                 'inspector cannot raise alerts');
SELECT throws_ok($$SELECT cleangov.escalate_overdue()$$, '42501', NULL, 'inspector cannot run escalation');
SELECT throws_ok($$UPDATE cleangov.rule SET enabled = false WHERE rule_code = 'S_RULE'$$, '42501', NULL,
                 'inspector cannot change rules');
SELECT ok(cleangov.risk_notice((SELECT alert_id FROM ids WHERE subject_key = 'a1')) LIKE '风险提示单%',
          'the risk notice of A''s alert');
RESET ROLE;

SELECT is((SELECT array_agg(e.event || ' by ' || e.by_role ORDER BY e.event_id) FROM cleangov.alert_event e
             JOIN ids USING (alert_id) WHERE ids.subject_key IN ('a', 'a1') AND e.event <> 'raised'),
          '{"reviewed by t_insp_a","rectified by t_insp_a"}', 'events record the inspector who acted');
SELECT is((SELECT rectified_by FROM cleangov.rectification r JOIN ids USING (alert_id) WHERE ids.subject_key = 'a'),
          't_insp_a'::name, 'the rectification records its author');

-- ---- inspector B ---------------------------------------------------------------
SET LOCAL ROLE t_insp_b;
SELECT is((SELECT array_agg(subject_key ORDER BY subject_key) FROM cleangov.alert WHERE rule_code = 'S_RULE'),
          '{b,b_closed}', 'inspector B sees only B');
SELECT is((SELECT count(*)::int FROM cleangov.rectification r JOIN ids USING (alert_id) WHERE ids.subject_key = 'a'), 0,
          'inspector B does not see A''s rectification');
RESET ROLE;

-- ---- analyst: reads everything, changes nothing --------------------------------
SET LOCAL ROLE t_analyst;
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'S_RULE'), 6, 'the analyst sees every alert');
SELECT is((SELECT raised FROM cleangov.rule_effectiveness WHERE rule_code = 'S_RULE'), 6::bigint, 'and the views');
SELECT throws_ok(format('SELECT cleangov.review(%s, %L)', (SELECT alert_id FROM ids WHERE subject_key = 'b'), 'confirmed'),
                 '42501', NULL, 'the analyst cannot review');
SELECT throws_ok(format('INSERT INTO cleangov.rectification (alert_id, measures) VALUES (%s, %L)',
                        (SELECT alert_id FROM ids WHERE subject_key = 'b'), 'x'), '42501', NULL, 'nor rectify');
SELECT throws_ok($$SELECT cleangov.record_rule_failure('S_RULE', 'run', NULL, 'XX000', 'x')$$, '42501',
                 'permission denied for function record_rule_failure', 'nor quarantine a rule (42501)');
SELECT throws_ok($$SELECT cleangov.visible_units('t_insp_a')$$, '42501', NULL,
                 'the analyst cannot list an inspector''s units through visible_units');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM cleangov.rule_failure), 0, 'no failure was recorded, no rule quarantined');

-- ---- admin: maintains rules and units, reviews any alert -----------------------
SET LOCAL ROLE t_admin;
SELECT lives_ok($$UPDATE cleangov.rule SET thresholds = '{"x": 2}' WHERE rule_code = 'S_RULE'$$, 'the admin changes a rule');
SELECT is((cleangov.review((SELECT alert_id FROM ids WHERE subject_key = 'b'), 'false_positive', 'no')).status,
          'dismissed', 'the admin reviews any alert');
SELECT is(ARRAY(SELECT cleangov.visible_units('t_insp_a') ORDER BY 1), '{S-A,S-A1,S-CITY-X}',
          'the admin lists any role''s units');
-- The rule audit trail cannot be skipped by a role that is not a superuser:
-- the replay flag of pg_restore is not honoured for it.
SET LOCAL cleangov_restore.replaying = on;
UPDATE cleangov.rule SET thresholds = '{"x": 3}' WHERE rule_code = 'S_RULE';
SELECT is((SELECT new_thresholds FROM cleangov.rule_history WHERE rule_code = 'S_RULE' ORDER BY history_id DESC LIMIT 1),
          '{"x": 3}'::jsonb, 'a non-superuser admin with cleangov_restore.replaying = on still leaves history');
-- nor by inserting a rule over a shipped one (how pg_restore replays a changed shipped rule)
INSERT INTO cleangov.rule (rule_code, name_en, domain, subject_kind, thresholds)
SELECT rule_code, name_en, domain, subject_kind, '{"replayed": true}' FROM cleangov.rule
 WHERE shipped ORDER BY rule_code LIMIT 1;
SELECT is((SELECT count(*)::int FROM cleangov.rule_history
            WHERE rule_code = (SELECT min(rule_code) FROM cleangov.rule WHERE thresholds = '{"replayed": true}')
              AND new_thresholds = '{"replayed": true}'),
          1, 'an admin replacing a shipped rule by INSERT leaves history too');
RESET cleangov_restore.replaying;
RESET ROLE;
-- A superuser outside a replay is logged as well (the flag counts only inside the restoring trigger).
SET LOCAL cleangov_restore.replaying = on;
UPDATE cleangov.rule SET thresholds = '{"x": 4}' WHERE rule_code = 'S_RULE';
SELECT is((SELECT new_thresholds FROM cleangov.rule_history WHERE rule_code = 'S_RULE' ORDER BY history_id DESC LIMIT 1),
          '{"x": 4}'::jsonb, 'a superuser''s plain UPDATE with the flag set is logged');
RESET cleangov_restore.replaying;

SELECT * FROM finish();
ROLLBACK;
