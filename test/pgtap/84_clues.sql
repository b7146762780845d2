-- Case clues (issue 17, part 3): every transition legal and refused by
-- SQLSTATE, the append-only trail, the stage guard, an alert escalated into a
-- clue (red: preliminary verification at once) and the clue's outcome passed
-- back to the alert's review, the three CLUE_* rules (each fires and has a
-- near-miss that does not), and row-level security as the roles that use it.
BEGIN;
SELECT plan(95);
SET client_min_messages = error;

INSERT INTO cleangov.unit (unit_code, parent_code, name, name_zh, region_code) VALUES
  ('K-CITY', NULL, 'City commission', '市纪委', 'R1'), ('K-A', 'K-CITY', 'Bureau A', '甲局', 'R1'),
  ('K-A1', 'K-A', 'Office A1', '甲局一科', 'R1'), ('K-B', 'K-CITY', 'Town B', '乙镇', 'R1');
INSERT INTO cleangov.rule (rule_code, name_en, domain, subject_kind) VALUES ('T84_R', 'clue test rule', 'funds', 'person');
CREATE TEMP TABLE al AS
SELECT subject_key, cleangov.raise_alert('T84_R', 'person', subject_key, unit_code, '', 1, 1, level::cleangov.level) AS alert_id
  FROM (VALUES ('red1', 'K-A', 'red'), ('yel1', 'K-A', 'yellow'), ('yel2', 'K-A', 'yellow'), ('red2', 'K-A', 'red'),
               ('yel3', 'K-A', 'yellow'), ('bdis', 'K-B', 'yellow'), ('nounit', NULL, 'red')) v(subject_key, unit_code, level);
CREATE TEMP TABLE ids (name text PRIMARY KEY, clue_id bigint);
GRANT SELECT ON al TO PUBLIC;
GRANT SELECT, INSERT ON ids TO PUBLIC;

-- ---- the stages as data ---------------------------------------------------------
SELECT is((SELECT array_agg(stage || ':' || coalesce(limit_days::text, '-') ORDER BY position) FROM cleangov.clue_stage),
          '{clue:15,verification:60,filed:90,trial:30,execution:30,closed:-}', 'six stages with their limits in days');
SELECT ok((SELECT bool_and(basis IS NOT NULL AND name_zh IS NOT NULL) FROM cleangov.clue_stage WHERE stage <> 'closed'),
          'every limit names its basis, every stage has a Chinese name');

-- ---- receive_clue: refused ---------------------------------------------------------
SELECT throws_ok($$SELECT cleangov.receive_clue(NULL, 'complaint', 'person', 'p', 'x')$$, '22004', NULL, 'receive: NULL unit 22004');
SELECT throws_ok($$SELECT cleangov.receive_clue('K-A', 'complaint', 'person', 'p', NULL)$$, '22004', NULL, 'receive: NULL summary 22004');
SELECT throws_ok($$SELECT cleangov.receive_clue('K-A', 'alert', 'person', 'p', 'x')$$, '22023', NULL,
                 'receive: source alert goes through alert_to_clue (22023)');
SELECT throws_ok($$SELECT cleangov.receive_clue('K-A', 'rumour', 'person', 'p', 'x')$$, '22023', NULL, 'receive: unknown source 22023');
SELECT throws_ok($$SELECT cleangov.receive_clue('K-A', 'complaint', 'person', 'p', 'x', NULL, now() + interval '1 day')$$,
                 '22023', NULL, 'receive: a future time 22023');
SELECT throws_ok($$SELECT cleangov.receive_clue('K-NONE', 'complaint', 'person', 'p', 'x')$$, '42704',
                 'unit "K-NONE" does not exist', 'receive: unknown unit 42704');
SELECT is((SELECT count(*)::int FROM cleangov.clue), 0, 'nothing written by the refused calls');

-- ---- the pipeline, step by step -------------------------------------------------------
INSERT INTO ids SELECT 'main', (cleangov.receive_clue('K-A', 'complaint', 'person', 'P-MAIN', 'a letter', 'h_one')).clue_id;
SELECT is((SELECT concat_ws(' ', stage, handler, stage_due_at - received_at, source) FROM cleangov.clue WHERE clue_id = (SELECT clue_id FROM ids WHERE name = 'main')),
          'clue h_one 15 days complaint', 'received: stage clue, due in 15 days, handler kept');
SELECT throws_ok(format('SELECT cleangov.file_case(%s)', (SELECT clue_id FROM ids WHERE name = 'main')), '55000', NULL,
                 'file_case in stage clue: 55000 (no stage is skipped)');
SELECT throws_ok(format('SELECT cleangov.send_to_trial(%s)', (SELECT clue_id FROM ids WHERE name = 'main')), '55000', NULL,
                 'send_to_trial in stage clue: 55000');
SELECT throws_ok(format('SELECT cleangov.decide_case(%s, %L, %L)', (SELECT clue_id FROM ids WHERE name = 'main'), 'no_sanction', 'D-1'),
                 '55000', NULL, 'decide_case in stage clue: 55000');
SELECT throws_ok(format('SELECT cleangov.execute_decision(%s)', (SELECT clue_id FROM ids WHERE name = 'main')), '55000', NULL,
                 'execute_decision in stage clue: 55000');
SELECT is((cleangov.start_verification((SELECT clue_id FROM ids WHERE name = 'main'), 'h_two', 'two months')).stage,
          'verification', 'start_verification: clue to verification');
SELECT is((SELECT concat_ws(' ', handler, stage_due_at - stage_since) FROM cleangov.clue WHERE clue_id = (SELECT clue_id FROM ids WHERE name = 'main')),
          'h_two 60 days', 'new handler, new deadline of 60 days');
SELECT throws_ok(format('SELECT cleangov.start_verification(%s)', (SELECT clue_id FROM ids WHERE name = 'main')), '55000', NULL,
                 'start_verification twice: 55000');
SELECT throws_ok(format('SELECT cleangov.send_to_trial(%s)', (SELECT clue_id FROM ids WHERE name = 'main')), '55000', NULL,
                 'send_to_trial in stage verification: 55000');
SELECT is((cleangov.file_case((SELECT clue_id FROM ids WHERE name = 'main'), 'facts found')).stage_due_at
          - now(), interval '90 days', 'file_case: verification to filed, 90 days');
SELECT throws_ok(format('SELECT cleangov.file_case(%s)', (SELECT clue_id FROM ids WHERE name = 'main')), '55000', NULL,
                 'file_case twice: 55000');
SELECT is((cleangov.send_to_trial((SELECT clue_id FROM ids WHERE name = 'main'))).stage, 'trial', 'send_to_trial: filed to trial');
SELECT throws_ok(format('SELECT cleangov.decide_case(%s, %L, %L)', (SELECT clue_id FROM ids WHERE name = 'main'), 'fine', 'D-1'),
                 '22023', NULL, 'decide_case: unknown kind 22023');
SELECT throws_ok(format('SELECT cleangov.decide_case(%s, %L, %L)', (SELECT clue_id FROM ids WHERE name = 'main'), 'party_discipline', ' '),
                 '22004', NULL, 'decide_case: blank document number 22004');
SELECT throws_ok(format('SELECT cleangov.decide_case(%s, NULL, %L)', (SELECT clue_id FROM ids WHERE name = 'main'), 'D-1'),
                 '22004', NULL, 'decide_case: no kind 22004');
SELECT throws_ok(format('SELECT cleangov.execute_decision(%s)', (SELECT clue_id FROM ids WHERE name = 'main')), '55000', NULL,
                 'execute_decision before the decision: 55000');
SELECT is((cleangov.decide_case((SELECT clue_id FROM ids WHERE name = 'main'), 'party_discipline', '纪决〔2026〕7号')).stage,
          'execution', 'decide_case: trial to execution');
SELECT is((SELECT (decision_kind, decision_ref, decided_at IS NOT NULL) FROM cleangov.clue WHERE clue_id = (SELECT clue_id FROM ids WHERE name = 'main')),
          ('party_discipline'::text, '纪决〔2026〕7号'::text, true), 'the decision is recorded');
SELECT throws_ok(format('SELECT cleangov.close_clue(%s, %L)', (SELECT clue_id FROM ids WHERE name = 'main'), 'unfounded'), '55000', NULL,
                 'close_clue in stage execution: 55000 (execute the decision)');
SELECT throws_ok(format('SELECT cleangov.close_clue(%s, %L)', (SELECT clue_id FROM ids WHERE name = 'main'), 'sanctioned'), '22023', NULL,
                 'close_clue with outcome sanctioned: 22023');
SELECT throws_ok(format('SELECT cleangov.close_clue(%s, NULL)', (SELECT clue_id FROM ids WHERE name = 'main')), '22004', NULL,
                 'close_clue without outcome: 22004');
SELECT is((SELECT (c.stage, c.outcome, c.closed_from, c.stage_due_at IS NULL)
             FROM cleangov.execute_decision((SELECT clue_id FROM ids WHERE name = 'main'), 'announced') c),
          ('closed'::text, 'sanctioned'::text, 'execution'::text, true), 'execute_decision: closed, sanctioned, from execution');
SELECT is((SELECT array_agg(event || ':' || coalesce(from_stage, '-') || '>' || to_stage ORDER BY event_id)
             FROM cleangov.clue_event WHERE clue_id = (SELECT clue_id FROM ids WHERE name = 'main')),
          '{received:->clue,verification_started:clue>verification,filed:verification>filed,sent_to_trial:filed>trial,decided:trial>execution,executed:execution>closed}',
          'one event per transition, in order');
SELECT is((SELECT detail ->> 'decision_ref' FROM cleangov.clue_event WHERE clue_id = (SELECT clue_id FROM ids WHERE name = 'main') AND event = 'decided'),
          '纪决〔2026〕7号', 'the decided event carries the document');
-- a closed clue refuses every transition
SELECT throws_ok(format('SELECT cleangov.%s', f), '55000', NULL, 'closed clue: ' || split_part(f, '(', 1) || ' 55000')
  FROM (SELECT unnest(ARRAY[format('start_verification(%s)', c), format('file_case(%s)', c), format('send_to_trial(%s)', c),
                            format('decide_case(%s, ''no_sanction'', ''D'')', c), format('execute_decision(%s)', c),
                            format('close_clue(%s, ''unfounded'')', c), format('assign_clue(%s, ''h'')', c)]) AS f
          FROM (SELECT clue_id AS c FROM ids WHERE name = 'main') x) y;
SELECT throws_ok('SELECT cleangov.start_verification(-5)', '42704', 'clue -5 does not exist', 'a missing clue: 42704');
SELECT throws_ok('SELECT cleangov.file_case(NULL)', '22004', NULL, 'a NULL clue: 22004');

-- assign_clue; no-sanction decision; closing before a decision
INSERT INTO ids SELECT 'second', (cleangov.receive_clue('K-A1', 'audit_finding', 'unit', 'K-A1', 'audit report 12')).clue_id;
SELECT throws_ok(format('SELECT cleangov.assign_clue(%s, NULL)', (SELECT clue_id FROM ids WHERE name = 'second')), '22004', NULL,
                 'assign_clue: NULL handler 22004');
SELECT is((cleangov.assign_clue((SELECT clue_id FROM ids WHERE name = 'second'), 'h_three', 'new team')).handler::text, 'h_three',
          'assign_clue sets the handler');
SELECT is((SELECT event || ':' || from_stage || '>' || to_stage || ':' || handler FROM cleangov.clue_event
            WHERE clue_id = (SELECT clue_id FROM ids WHERE name = 'second') ORDER BY event_id DESC LIMIT 1),
          'handler_changed:clue>clue:h_three', 'with a handler_changed event');
SELECT cleangov.start_verification(clue_id), cleangov.file_case(clue_id), cleangov.send_to_trial(clue_id),
       cleangov.decide_case(clue_id, 'no_sanction', '免〔2026〕1号')
  FROM ids WHERE name = 'second';
SELECT is((cleangov.execute_decision((SELECT clue_id FROM ids WHERE name = 'second'))).outcome, 'no_sanction',
          'a decision of no sanction closes as no_sanction');

-- ---- the trail and the guard ----------------------------------------------------------
SELECT throws_ok($$UPDATE cleangov.clue_event SET note = 'x'$$, '42501', NULL, 'UPDATE of clue_event refused (42501)');
SELECT throws_ok($$DELETE FROM cleangov.clue_event$$, '42501', NULL, 'DELETE of clue_event refused (42501)');
SELECT throws_ok($$TRUNCATE cleangov.clue_event CASCADE$$, '42501', NULL, 'TRUNCATE of clue_event refused (42501)');
INSERT INTO ids SELECT 'guard', (cleangov.receive_clue('K-A', 'complaint', 'person', 'P-G', 'x')).clue_id;
SELECT throws_ok(format('UPDATE cleangov.clue SET stage = %L WHERE clue_id = %s', 'trial', (SELECT clue_id FROM ids WHERE name = 'guard')),
                 '55000', NULL, 'the stage guard refuses a skipped stage even for the owner');
SELECT throws_ok(format('UPDATE cleangov.clue SET stage = %L WHERE clue_id = %s', 'clue', (SELECT clue_id FROM ids WHERE name = 'main')),
                 '55000', NULL, 'the stage guard refuses reopening a closed clue');

-- ---- alert to clue and back ---------------------------------------------------------------
SELECT throws_ok('SELECT cleangov.alert_to_clue(NULL)', '22004', NULL, 'alert_to_clue: NULL 22004');
SELECT throws_ok('SELECT cleangov.alert_to_clue(-1)', '42704', 'alert -1 does not exist', 'alert_to_clue: missing alert 42704');
SELECT throws_ok(format('SELECT cleangov.alert_to_clue(%s)', (SELECT alert_id FROM al WHERE subject_key = 'nounit')), '22004', NULL,
                 'alert_to_clue: an alert with no unit 22004');
SELECT cleangov.review((SELECT alert_id FROM al WHERE subject_key = 'bdis'), 'false_positive');
SELECT throws_ok(format('SELECT cleangov.alert_to_clue(%s)', (SELECT alert_id FROM al WHERE subject_key = 'bdis')), '55000', NULL,
                 'alert_to_clue: a dismissed alert 55000');
INSERT INTO ids SELECT 'red1', (cleangov.alert_to_clue((SELECT alert_id FROM al WHERE subject_key = 'red1'), 'land fees', 'h_red')).clue_id;
SELECT is((SELECT (stage, source, unit_code, subject_key, stage_due_at - stage_since) FROM cleangov.clue WHERE clue_id = (SELECT clue_id FROM ids WHERE name = 'red1')),
          ('verification'::text, 'alert'::text, 'K-A'::text, 'red1'::text, interval '60 days'),
          'a red alert: preliminary verification at once, the alert''s unit and subject');
SELECT is((SELECT array_agg(event ORDER BY event_id) FROM cleangov.clue_event WHERE clue_id = (SELECT clue_id FROM ids WHERE name = 'red1')),
          '{received,verification_started}', 'received and verification_started events');
SELECT is((SELECT (e.event, e.from_status = e.to_status, (e.detail->>'clue_id')::bigint, e.detail->>'stage')
             FROM cleangov.alert_event e WHERE e.alert_id = (SELECT alert_id FROM al WHERE subject_key = 'red1')
              AND e.event = 'clue_opened'),
          ('clue_opened'::text, true, (SELECT clue_id FROM ids WHERE name = 'red1'), 'verification'::text),
          'the alert''s own trail records that it became the clue, its status unchanged');
INSERT INTO ids SELECT 'yel1', (cleangov.alert_to_clue((SELECT alert_id FROM al WHERE subject_key = 'yel1'))).clue_id;
SELECT is((SELECT (stage, summary) FROM cleangov.clue WHERE clue_id = (SELECT clue_id FROM ids WHERE name = 'yel1')),
          ('clue'::text, format('alert %s of rule T84_R', (SELECT alert_id FROM al WHERE subject_key = 'yel1'))),
          'a yellow alert: stage clue, a default summary');
SELECT throws_ok(format('SELECT cleangov.alert_to_clue(%s)', (SELECT alert_id FROM al WHERE subject_key = 'yel1')), '55000',
                 format('alert %s is already clue %s', (SELECT alert_id FROM al WHERE subject_key = 'yel1'), (SELECT clue_id FROM ids WHERE name = 'yel1')),
                 'an alert is one open clue at a time: 55000');
-- unfounded: the alert becomes a false positive through review() (dismissed, its events)
SELECT cleangov.close_clue((SELECT clue_id FROM ids WHERE name = 'yel1'), 'unfounded', '了〔2026〕3号', 'no evidence');
SELECT is((SELECT (status, review_verdict) FROM cleangov.alert WHERE alert_id = (SELECT alert_id FROM al WHERE subject_key = 'yel1')),
          ('dismissed'::text, 'false_positive'::text), 'unfounded: the alert is reviewed false_positive and dismissed');
SELECT is((SELECT array_agg(event ORDER BY event_id) FROM cleangov.alert_event WHERE alert_id = (SELECT alert_id FROM al WHERE subject_key = 'yel1')),
          '{raised,clue_opened,reviewed,dismissed}', 'through the review path: reviewed and dismissed events on the alert');
SELECT ok((SELECT note LIKE format('clue %s: unfounded%%', (SELECT clue_id FROM ids WHERE name = 'yel1')) FROM cleangov.alert_event
            WHERE alert_id = (SELECT alert_id FROM al WHERE subject_key = 'yel1') AND event = 'reviewed'), 'the review names the clue');
SELECT is((SELECT detail -> 'alert_review' ->> 'verdict' FROM cleangov.clue_event WHERE clue_id = (SELECT clue_id FROM ids WHERE name = 'yel1') AND event = 'closed'),
          'false_positive', 'the clue''s closed event records the verdict passed back');
-- handled without a case: confirmed, the alert stays open for rectification
SELECT cleangov.close_clue((SELECT clue_id FROM ids WHERE name = 'red1'), 'handled_without_case', '了〔2026〕4号');
SELECT is((SELECT (status, review_verdict) FROM cleangov.alert WHERE alert_id = (SELECT alert_id FROM al WHERE subject_key = 'red1')),
          ('open'::text, 'confirmed'::text), 'handled without a case: confirmed, still open for rectification');
-- the full pipeline: confirmed by the execution
INSERT INTO ids SELECT 'red2', (cleangov.alert_to_clue((SELECT alert_id FROM al WHERE subject_key = 'red2'))).clue_id;
SELECT cleangov.file_case(clue_id), cleangov.send_to_trial(clue_id), cleangov.decide_case(clue_id, 'government_sanction', '政〔2026〕2号')
  FROM ids WHERE name = 'red2';
SELECT is((SELECT review_verdict FROM cleangov.alert WHERE alert_id = (SELECT alert_id FROM al WHERE subject_key = 'red2')), NULL,
          'no verdict before the decision is executed');
SELECT cleangov.execute_decision(clue_id) FROM ids WHERE name = 'red2';
SELECT is((SELECT review_verdict FROM cleangov.alert WHERE alert_id = (SELECT alert_id FROM al WHERE subject_key = 'red2')), 'confirmed',
          'executed: the alert is confirmed');
-- referred: no verdict; a dismissed alert is left alone
INSERT INTO ids SELECT 'yel2', (cleangov.alert_to_clue((SELECT alert_id FROM al WHERE subject_key = 'yel2'))).clue_id;
SELECT cleangov.close_clue((SELECT clue_id FROM ids WHERE name = 'yel2'), 'referred', '转〔2026〕1号');
SELECT is((SELECT review_verdict FROM cleangov.alert WHERE alert_id = (SELECT alert_id FROM al WHERE subject_key = 'yel2')), NULL,
          'referred: no verdict passed back');
INSERT INTO ids SELECT 'yel2b', (cleangov.alert_to_clue((SELECT alert_id FROM al WHERE subject_key = 'yel2'))).clue_id;
SELECT isnt((SELECT clue_id FROM ids WHERE name = 'yel2b'), NULL, 'after its clue is closed an alert can become a clue again');
SELECT cleangov.review((SELECT alert_id FROM al WHERE subject_key = 'yel2'), 'false_positive');
SELECT lives_ok(format('SELECT cleangov.close_clue(%s, %L, %L)', (SELECT clue_id FROM ids WHERE name = 'yel2b'), 'handled_without_case', 'x'),
                'closing the clue of an alert dismissed meanwhile works');
SELECT is((SELECT review_verdict FROM cleangov.alert WHERE alert_id = (SELECT alert_id FROM al WHERE subject_key = 'yel2')), 'false_positive',
          'and leaves the dismissed alert alone');

-- ---- the rules ------------------------------------------------------------------------------
SELECT is((SELECT array_agg(rule_code || ':' || coalesce(name_zh, '-') ORDER BY rule_code) FROM cleangov.rule WHERE rule_code LIKE 'CLUE\_%'),
          '{CLUE_CLOSED_NO_DECISION:线索了结无处置决定,CLUE_REPEATED_COMPLAINT:同一对象重复举报,CLUE_STAGE_OVERDUE:线索办理超过阶段时限}',
          'three shipped rules with Chinese names');
SELECT throws_ok('SELECT cleangov.clue_check(NULL)', '22004', NULL, 'clue_check(NULL): 22004');
-- stage overdue: 20 days in stage clue (limit 15) fires yellow; 50 days (35 past > 30) red; 10 days does not;
-- received 20 days ago but moved on to verification today does not
INSERT INTO ids SELECT n, (cleangov.receive_clue('K-B', 'inspection_tour', 'unit', n, 'tour finding', NULL, now() - make_interval(days => d))).clue_id
  FROM (VALUES ('ov20', 20), ('ov50', 50), ('ov10', 10), ('ov20moved', 20)) v(n, d);
SELECT cleangov.start_verification(clue_id) FROM ids WHERE name = 'ov20moved';
-- closed without a decision: from stage clue (yellow) and from filed (red); near-misses with a document
INSERT INTO ids SELECT n, (cleangov.receive_clue('K-B', 'inspection_tour', 'unit', n, 'x')).clue_id
  FROM unnest(ARRAY['nd_clue', 'nd_filed', 'nd_ok']) n;
SELECT cleangov.close_clue(clue_id, 'unfounded') FROM ids WHERE name = 'nd_clue';
SELECT cleangov.start_verification(clue_id), cleangov.file_case(clue_id) FROM ids WHERE name = 'nd_filed';
SELECT cleangov.close_clue(clue_id, 'handled_without_case', '  ') FROM ids WHERE name = 'nd_filed';
SELECT cleangov.close_clue(clue_id, 'unfounded', '了〔2026〕9号') FROM ids WHERE name = 'nd_ok';
-- repeated complaints: 3 within a year fire; 2 do not; 3 with one 400 days old do not;
-- 2 complaints and an audit finding do not; 5 are red
SELECT cleangov.receive_clue(u, s, 'person', p, 'letter', NULL, now() - make_interval(days => d))
  FROM (VALUES ('P3', 'K-A', 'complaint', 1), ('P3', 'K-A', 'complaint', 100), ('P3', 'K-A1', 'complaint', 300),
               ('P2', 'K-A', 'complaint', 1), ('P2', 'K-A', 'complaint', 2),
               ('POLD', 'K-A', 'complaint', 1), ('POLD', 'K-A', 'complaint', 2), ('POLD', 'K-A', 'complaint', 400),
               ('PAUD', 'K-A', 'complaint', 1), ('PAUD', 'K-A', 'complaint', 2), ('PAUD', 'K-A', 'audit_finding', 3),
               ('P5', 'K-B', 'complaint', 1), ('P5', 'K-B', 'complaint', 2), ('P5', 'K-B', 'complaint', 3),
               ('P5', 'K-B', 'complaint', 4), ('P5', 'K-B', 'complaint', 5)) v(p, u, s, d);
CREATE TEMP TABLE chk AS SELECT * FROM cleangov.clue_check(now());
SELECT set_eq($$SELECT a.rule_code || ':' || coalesce(i.name, a.subject_key) || ':' || a.level || ':' || coalesce(a.period, '')
                  FROM chk JOIN cleangov.alert a USING (alert_id) LEFT JOIN ids i ON i.clue_id::text = a.subject_key AND a.subject_kind = 'clue'
                 WHERE a.rule_code <> 'CLUE_STAGE_OVERDUE' OR i.name IS NOT NULL$$,
              ARRAY['CLUE_STAGE_OVERDUE:ov20:yellow:clue', 'CLUE_STAGE_OVERDUE:ov50:red:clue',
                    'CLUE_CLOSED_NO_DECISION:nd_clue:yellow:', 'CLUE_CLOSED_NO_DECISION:nd_filed:red:',
                    'CLUE_REPEATED_COMPLAINT:P3:yellow:', 'CLUE_REPEATED_COMPLAINT:P5:red:'],
              'the rules fire on the planted cases and on nothing else (10 days, moved on, with a document, 2, 400 days, an audit finding)');
SELECT is((SELECT (a.value, a.threshold, a.unit_code, a.evidence -> 'clue_ids' = (SELECT jsonb_agg(clue_id ORDER BY clue_id) FROM cleangov.clue WHERE subject_key = 'P3'))
             FROM chk JOIN cleangov.alert a USING (alert_id) WHERE a.subject_key = 'P3'),
          (3::float8, 3::float8, 'K-A'::text, true), 'repeated complaints: count, threshold, the latest complaint''s unit, the clues named');
SELECT is((SELECT (a.value, a.threshold, (a.evidence ->> 'limit_days')::int)
             FROM chk JOIN cleangov.alert a USING (alert_id) JOIN ids i ON i.clue_id::text = a.subject_key WHERE i.name = 'ov20'),
          (5::float8, 0::float8, 15), 'stage overdue: days past the limit, the grace, the limit');
SELECT is((SELECT count(*)::int FROM cleangov.clue_check(now()) WHERE action <> 'unchanged'), 0, 'a second check at the same time changes nothing');
SELECT is((SELECT count(*)::int FROM cleangov.clue_check(now() - interval '3 days') c JOIN cleangov.alert a USING (alert_id)
            WHERE a.rule_code = 'CLUE_STAGE_OVERDUE' AND a.subject_key = (SELECT clue_id::text FROM ids WHERE name = 'ov20')
              AND c.action = 'refreshed'), 1, 'as of an earlier time: fewer days past (refreshed)');
UPDATE cleangov.rule SET thresholds = jsonb_set(thresholds, '{min_complaints}', '2') WHERE rule_code = 'CLUE_REPEATED_COMPLAINT';
CREATE TEMP TABLE chk2 AS SELECT * FROM cleangov.clue_check(now());
SELECT set_eq($$SELECT a.subject_key FROM chk2 c JOIN cleangov.alert a USING (alert_id)
                 WHERE a.rule_code = 'CLUE_REPEATED_COMPLAINT'$$, ARRAY['P2', 'P3', 'P5', 'POLD', 'PAUD'],
              'the threshold is data: with min_complaints 2 the near-misses fire');
UPDATE cleangov.rule SET enabled = false WHERE rule_code LIKE 'CLUE\_%';
SELECT is((SELECT count(*)::int FROM cleangov.clue_check(now() + interval '1 year')), 0, 'disabled rules raise nothing');
UPDATE cleangov.rule SET enabled = true WHERE rule_code LIKE 'CLUE\_%';

-- ---- row-level security and rights, as the roles that use them ----------------------------------
CREATE ROLE t84_insp_a IN ROLE cleangov_inspector;
CREATE ROLE t84_insp_b IN ROLE cleangov_inspector;
CREATE ROLE t84_analyst IN ROLE cleangov_analyst;
INSERT INTO cleangov.unit_assignment VALUES ('t84_insp_a', 'K-A'), ('t84_insp_b', 'K-B');
SET LOCAL ROLE t84_insp_a;
SELECT is((SELECT array_agg(DISTINCT unit_code ORDER BY unit_code) FROM cleangov.clue), '{K-A,K-A1}',
          'inspector A sees the clues of its unit and subtree only');
SELECT is((SELECT count(*)::int FROM cleangov.clue_event e WHERE e.clue_id IN (SELECT clue_id FROM ids WHERE name = 'ov20')), 0,
          'and not the events of B''s clues');
SELECT is((SELECT count(*)::int FROM cleangov.clue_detail WHERE unit_code = 'K-B'), 0, 'the view applies the same filter');
INSERT INTO ids SELECT 'by_a', (cleangov.receive_clue('K-A1', 'complaint', 'person', 'P-A', 'letter')).clue_id;
SELECT is((SELECT by_role::text FROM cleangov.clue_event WHERE clue_id = (SELECT clue_id FROM ids WHERE name = 'by_a')), 't84_insp_a',
          'inspector A receives a clue for its subtree; the event names A');
SELECT lives_ok(format('SELECT cleangov.start_verification(%s)', (SELECT clue_id FROM ids WHERE name = 'by_a')), 'and moves it on');
SELECT throws_ok($$SELECT cleangov.receive_clue('K-B', 'complaint', 'person', 'P-A', 'letter')$$, '42704', 'unit "K-B" does not exist',
                 'inspector A cannot receive a clue for B: the unit does not exist for A');
SELECT throws_ok(format('SELECT cleangov.start_verification(%s)', (SELECT clue_id FROM ids WHERE name = 'ov10')), '42704',
                 format('clue %s does not exist', (SELECT clue_id FROM ids WHERE name = 'ov10')),
                 'inspector A cannot move B''s clue: it does not exist for A (42704, as a missing one)');
SELECT throws_ok(format('SELECT cleangov.close_clue(%s, %L)', (SELECT clue_id FROM ids WHERE name = 'nd_ok'), 'unfounded'), '42704', NULL,
                 'nor tell that B''s clue is closed');
SELECT throws_ok($$INSERT INTO cleangov.clue (unit_code, source, subject_kind, subject_key, summary) VALUES ('K-A', 'complaint', 'p', 'p', 'x')$$,
                 '42501', NULL, 'no direct writes to clues (42501)');
SELECT throws_ok('SELECT cleangov.clue_check()', '42501', NULL, 'an inspector does not run the check');
SELECT throws_ok(format('SELECT cleangov.clue_step(%s, ''clue'', ''closed'', ''closed'', ''x'', NULL)', (SELECT clue_id FROM ids WHERE name = 'by_a')),
                 '42501', NULL, 'nor the internal step function');
RESET ROLE;
SET LOCAL ROLE t84_insp_b;
SELECT is((SELECT array_agg(DISTINCT unit_code) FROM cleangov.clue), '{K-B}', 'inspector B sees only B''s clues');
SELECT is((cleangov.start_verification((SELECT clue_id FROM ids WHERE name = 'ov10'))).stage, 'verification', 'and handles them');
RESET ROLE;
SET LOCAL ROLE t84_analyst;
SELECT ok((SELECT count(DISTINCT unit_code) FROM cleangov.clue) = 3, 'the analyst reads every unit''s clues');
SELECT throws_ok($$SELECT cleangov.receive_clue('K-A', 'complaint', 'person', 'p', 'x')$$, '42501', NULL, 'the analyst changes nothing (42501)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
