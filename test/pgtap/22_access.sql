-- Roles and row-level security: an inspector sees, reviews and rectifies only
-- the alerts of its units and their subtrees; an analyst reads everything and
-- changes nothing; events record the role that acted.  SET ROLE inside the
-- transaction; the test roles are rolled back with it.
BEGIN;
SELECT plan(26);

SELECT ok(EXISTS (SELECT FROM pg_roles WHERE rolname = 'cleangov_admin')
      AND EXISTS (SELECT FROM pg_roles WHERE rolname = 'cleangov_inspector')
      AND EXISTS (SELECT FROM pg_roles WHERE rolname = 'cleangov_analyst'), 'the three roles exist');
SELECT is((SELECT array_agg(relname::text ORDER BY relname) FROM pg_class
            WHERE relnamespace = 'cleangov'::regnamespace AND relrowsecurity),
          '{alert,alert_event,rectification}', 'row-level security on alerts, events, rectifications');

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
CREATE TEMP TABLE ids AS SELECT subject_key, alert_id FROM cleangov.alert WHERE rule_code = 'S_RULE';
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
SELECT throws_ok(format('SELECT cleangov.review(%s, %L)', (SELECT alert_id FROM ids WHERE subject_key = 'b'), 'confirmed'),
                 '42501', NULL, 'inspector A cannot review B''s alert (42501)');
SELECT lives_ok(format('INSERT INTO cleangov.rectification (alert_id, measures) VALUES (%s, %L)',
                       (SELECT alert_id FROM ids WHERE subject_key = 'a'), 'fixed'), 'inspector A rectifies its alert');
SELECT throws_ok(format('INSERT INTO cleangov.rectification (alert_id, measures) VALUES (%s, %L)',
                        (SELECT alert_id FROM ids WHERE subject_key = 'b'), 'fixed'),
                 '42501', NULL, 'inspector A cannot rectify B''s alert (42501)');
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
SELECT throws_ok(format('SELECT cleangov.risk_notice(%s)', (SELECT alert_id FROM ids WHERE subject_key = 'b')),
                 '42704', NULL, 'the risk notice of B''s alert is hidden from A (42704)');
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
          '{b}', 'inspector B sees only B');
SELECT is((SELECT count(*)::int FROM cleangov.rectification r JOIN ids USING (alert_id)), 0,
          'inspector B does not see A''s rectification');
RESET ROLE;

-- ---- analyst: reads everything, changes nothing --------------------------------
SET LOCAL ROLE t_analyst;
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code = 'S_RULE'), 5, 'the analyst sees every alert');
SELECT is((SELECT raised FROM cleangov.rule_effectiveness WHERE rule_code = 'S_RULE'), 5::bigint, 'and the views');
SELECT throws_ok(format('SELECT cleangov.review(%s, %L)', (SELECT alert_id FROM ids WHERE subject_key = 'b'), 'confirmed'),
                 '42501', NULL, 'the analyst cannot review');
SELECT throws_ok(format('INSERT INTO cleangov.rectification (alert_id, measures) VALUES (%s, %L)',
                        (SELECT alert_id FROM ids WHERE subject_key = 'b'), 'x'), '42501', NULL, 'nor rectify');
RESET ROLE;

-- ---- admin: maintains rules and units, reviews any alert -----------------------
SET LOCAL ROLE t_admin;
SELECT lives_ok($$UPDATE cleangov.rule SET thresholds = '{"x": 2}' WHERE rule_code = 'S_RULE'$$, 'the admin changes a rule');
SELECT is((cleangov.review((SELECT alert_id FROM ids WHERE subject_key = 'b'), 'false_positive', 'no')).status,
          'dismissed', 'the admin reviews any alert');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
