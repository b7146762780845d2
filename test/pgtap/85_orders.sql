-- Supervision orders (issue 17, part 4): every transition legal and refused
-- by SQLSTATE, the append-only trail and the status guard, reminders,
-- rule ORDER_OVERDUE (fires, near-misses), and row-level security as the
-- issuing inspector, the addressed body, a third unit and the analyst.
BEGIN;
SELECT plan(80);
SET client_min_messages = error;

INSERT INTO cleangov.unit (unit_code, parent_code, name, name_zh, region_code) VALUES
  ('O-JW', NULL, 'Discipline commission', '市纪委', 'R1'), ('O-JW1', 'O-JW', 'Office 1', '第一室', 'R1'),
  ('O-FIN', NULL, 'Finance bureau', '市财政局', 'R1'), ('O-AUD', NULL, 'Audit bureau', '市审计局', 'R1'),
  ('O-DEP', NULL, 'Agriculture bureau', '市农业局', 'R1');
INSERT INTO cleangov.rule (rule_code, name_en, domain, subject_kind) VALUES ('T85_R', 'order test rule', 'funds', 'unit');
CREATE TEMP TABLE al AS
SELECT k, cleangov.raise_alert('T85_R', 'unit', k, 'O-JW1', '', 1, 1, 'yellow') AS alert_id FROM unnest(ARRAY['a1', 'adis']) k;
SELECT cleangov.review((SELECT alert_id FROM al WHERE k = 'adis'), 'false_positive');
CREATE TEMP TABLE cl AS SELECT (cleangov.receive_clue('O-JW1', 'complaint', 'person', 'P1', 'letter')).clue_id;
CREATE TEMP TABLE ids (name text PRIMARY KEY, order_id bigint);
GRANT SELECT ON al, cl TO PUBLIC;
GRANT SELECT, INSERT ON ids TO PUBLIC;
CREATE FUNCTION pg_temp.oid_of(n text) RETURNS bigint LANGUAGE sql AS $$SELECT order_id FROM ids WHERE name = n$$;

-- ---- issue_order: refused --------------------------------------------------------------
SELECT throws_ok($$SELECT cleangov.issue_order(NULL, 'O-FIN', 'finance', 'm', now() + interval '30 days', 'written_report', analysis => 'x')$$,
                 '22004', NULL, 'issue: NULL issuer 22004');
SELECT throws_ok($$SELECT cleangov.issue_order('O-JW', 'O-FIN', 'finance', ' ', now() + interval '30 days', 'written_report', analysis => 'x')$$,
                 '22004', NULL, 'issue: blank matter 22004');
SELECT throws_ok($$SELECT cleangov.issue_order('O-JW', 'O-FIN', 'finance', 'm', NULL, 'written_report', analysis => 'x')$$,
                 '22004', NULL, 'issue: no deadline 22004');
SELECT throws_ok($$SELECT cleangov.issue_order('O-JW', 'O-FIN', 'finance', 'm', now() + interval '30 days', 'written_report')$$,
                 '22023', NULL, 'issue: no origin 22023');
SELECT throws_ok(format('SELECT cleangov.issue_order(%L, %L, %L, %L, now() + interval ''30 days'', %L, alert_id => %s, analysis => %L)',
                        'O-JW', 'O-FIN', 'finance', 'm', 'written_report', (SELECT alert_id FROM al WHERE k = 'a1'), 'x'),
                 '22023', NULL, 'issue: two origins 22023');
SELECT throws_ok($$SELECT cleangov.issue_order('O-JW', 'O-FIN', 'bank', 'm', now() + interval '30 days', 'written_report', analysis => 'x')$$,
                 '22023', NULL, 'issue: unknown addressee kind 22023');
SELECT throws_ok($$SELECT cleangov.issue_order('O-JW', 'O-FIN', 'finance', 'm', now() + interval '30 days', 'a poem', analysis => 'x')$$,
                 '22023', NULL, 'issue: unknown reply kind 22023');
SELECT throws_ok($$SELECT cleangov.issue_order('O-JW', 'O-FIN', 'finance', 'm', now() - interval '1 day', 'written_report', analysis => 'x')$$,
                 '22023', NULL, 'issue: a past deadline 22023');
SELECT throws_ok($$SELECT cleangov.issue_order('O-NONE', 'O-FIN', 'finance', 'm', now() + interval '30 days', 'written_report', analysis => 'x')$$,
                 '42704', 'unit "O-NONE" does not exist', 'issue: unknown issuer 42704');
SELECT throws_ok($$SELECT cleangov.issue_order('O-JW', 'O-NONE', 'finance', 'm', now() + interval '30 days', 'written_report', analysis => 'x')$$,
                 '42704', 'addressee unit "O-NONE" does not exist', 'issue: unknown addressee 42704');
SELECT throws_ok($$SELECT cleangov.issue_order('O-JW', 'O-JW', 'other', 'm', now() + interval '30 days', 'written_report', analysis => 'x')$$,
                 '22023', NULL, 'issue: to itself 22023');
SELECT throws_ok($$SELECT cleangov.issue_order('O-JW', 'O-FIN', 'finance', 'm', now() + interval '30 days', 'written_report', alert_id => -1)$$,
                 '42704', 'alert -1 does not exist', 'issue: missing alert 42704');
SELECT throws_ok(format('SELECT cleangov.issue_order(%L, %L, %L, %L, now() + interval ''30 days'', %L, alert_id => %s)',
                        'O-JW', 'O-FIN', 'finance', 'm', 'written_report', (SELECT alert_id FROM al WHERE k = 'adis')),
                 '55000', NULL, 'issue: a dismissed alert 55000');
SELECT throws_ok($$SELECT cleangov.issue_order('O-JW', 'O-FIN', 'finance', 'm', now() + interval '30 days', 'written_report', clue_id => -1)$$,
                 '42704', 'clue -1 does not exist', 'issue: missing clue 42704');
SELECT is((SELECT count(*)::int FROM cleangov.supervision_order), 0, 'nothing written by the refused calls');

-- ---- issue, reply, return, reply, accept ------------------------------------------------------
INSERT INTO ids SELECT 'fin', (cleangov.issue_order('O-JW', 'O-FIN', 'finance', 'financial management problems: concentrated rectification',
                                                    now() + interval '30 days', 'rectification_plan',
                                                    analysis => 'common problems of finance management, 2018-08', note => '集中整治')).order_id;
INSERT INTO ids SELECT 'aud', (cleangov.issue_order('O-JW', 'O-AUD', 'audit', 'audit the land fees', now() + interval '30 days',
                                                    'investigation_result', alert_id => (SELECT alert_id FROM al WHERE k = 'a1'))).order_id;
INSERT INTO ids SELECT 'dep', (cleangov.issue_order('O-JW1', 'O-DEP', 'department', 'check the subsidy list', now() + interval '30 days',
                                                    'written_report', clue_id => (SELECT clue_id FROM cl))).order_id;
SELECT is((SELECT array_agg(origin || ':' || status ORDER BY order_id) FROM cleangov.supervision_order), '{analysis:sent,alert:sent,clue:sent}',
          'three orders, one per origin, all sent');
SELECT is((SELECT event || ':' || (detail ->> 'addressee') FROM cleangov.order_event WHERE order_id = pg_temp.oid_of('fin')),
          'issued:O-FIN', 'an issued event naming the addressee');
SELECT throws_ok(format('SELECT cleangov.accept_reply(%s)', pg_temp.oid_of('fin')), '55000', NULL, 'accept before a reply: 55000');
SELECT throws_ok(format('SELECT cleangov.return_reply(%s, %L)', pg_temp.oid_of('fin'), 'why'), '55000', NULL, 'return before a reply: 55000');
SELECT throws_ok(format('SELECT cleangov.reply_order(%s, %L)', pg_temp.oid_of('fin'), ''), '22004', NULL, 'an empty reply: 22004');
SELECT is((cleangov.reply_order(pg_temp.oid_of('fin'), 'plan adopted on 2018-09-01')).status, 'replied', 'reply: sent to replied');
SELECT is((SELECT detail ->> 'late' FROM cleangov.order_event WHERE order_id = pg_temp.oid_of('fin') AND event = 'replied'), 'false',
          'the reply was in time');
SELECT throws_ok(format('SELECT cleangov.reply_order(%s, %L)', pg_temp.oid_of('fin'), 'again'), '55000', NULL, 'reply twice: 55000');
SELECT throws_ok(format('SELECT cleangov.remind_order(%s)', pg_temp.oid_of('fin')), '55000', NULL, 'remind a replied order: 55000');
SELECT throws_ok(format('SELECT cleangov.return_reply(%s, NULL)', pg_temp.oid_of('fin')), '22004', NULL, 'return without a reason: 22004');
SELECT throws_ok(format('SELECT cleangov.return_reply(%s, %L, now() - interval ''1 day'')', pg_temp.oid_of('fin'), 'thin'), '22023', NULL,
                 'return with a past deadline: 22023');
SELECT is((SELECT (o.status, o.due_at - now()) FROM cleangov.return_reply(pg_temp.oid_of('fin'), 'no figures', now() + interval '10 days') o),
          ('returned'::text, interval '10 days'), 'return: replied to returned, with a new deadline');
SELECT is((cleangov.reply_order(pg_temp.oid_of('fin'), 'figures attached')).status, 'replied', 'reply again after the return');
SELECT is((SELECT (o.status, o.closed_at IS NOT NULL, o.reply) FROM cleangov.accept_reply(pg_temp.oid_of('fin'), 'done') o),
          ('accepted'::text, true, 'figures attached'::text), 'accept: replied to accepted, closed, the last reply kept');
SELECT is((SELECT array_agg(event || ':' || coalesce(from_status, '-') || '>' || to_status ORDER BY event_id)
             FROM cleangov.order_event WHERE order_id = pg_temp.oid_of('fin')),
          '{issued:->sent,replied:sent>replied,returned:replied>returned,replied:returned>replied,accepted:replied>accepted}',
          'one event per transition, in order');
SELECT throws_ok(format('SELECT cleangov.%s', f), '55000', NULL, 'accepted order: ' || split_part(f, '(', 1) || ' 55000')
  FROM (SELECT unnest(ARRAY[format('reply_order(%s, ''x'')', o), format('return_reply(%s, ''x'')', o), format('accept_reply(%s)', o),
                            format('withdraw_order(%s, ''x'')', o), format('remind_order(%s)', o)]) AS f
          FROM (SELECT pg_temp.oid_of('fin') AS o) x) y;
SELECT throws_ok('SELECT cleangov.accept_reply(-3)', '42704', 'supervision order -3 does not exist', 'a missing order: 42704');
SELECT throws_ok('SELECT cleangov.remind_order(NULL)', '22004', NULL, 'a NULL order: 22004');
-- reminders and withdrawal
SELECT is((cleangov.remind_order(pg_temp.oid_of('aud'), 'please reply')).reminder_count, 1, 'remind: count 1');
SELECT is((SELECT event || ':' || from_status || '>' || to_status FROM cleangov.order_event WHERE order_id = pg_temp.oid_of('aud') ORDER BY event_id DESC LIMIT 1),
          'reminded:sent>sent', 'a reminded event, status unchanged');
INSERT INTO ids SELECT 'wd', (cleangov.issue_order('O-JW', 'O-DEP', 'department', 'x', now() + interval '30 days', 'written_report', analysis => 'y')).order_id;
SELECT throws_ok(format('SELECT cleangov.withdraw_order(%s, NULL)', pg_temp.oid_of('wd')), '22004', NULL, 'withdraw without a reason: 22004');
SELECT is((cleangov.withdraw_order(pg_temp.oid_of('wd'), 'issued by mistake')).status, 'withdrawn', 'withdraw: sent to withdrawn');

-- ---- the trail and the guard -----------------------------------------------------------------------
SELECT throws_ok($$UPDATE cleangov.order_event SET note = 'x'$$, '42501', NULL, 'UPDATE of order_event refused (42501)');
SELECT throws_ok($$DELETE FROM cleangov.order_event$$, '42501', NULL, 'DELETE of order_event refused (42501)');
SELECT throws_ok($$TRUNCATE cleangov.order_event CASCADE$$, '42501', NULL, 'TRUNCATE of order_event refused (42501)');
SELECT throws_ok(format('UPDATE cleangov.supervision_order SET status = %L WHERE order_id = %s', 'sent', pg_temp.oid_of('fin')),
                 '55000', NULL, 'the status guard: an accepted order stays accepted, even for the owner');

-- ---- remind_overdue ----------------------------------------------------------------------------------
SELECT throws_ok('SELECT cleangov.remind_overdue(NULL)', '22004', NULL, 'remind_overdue(NULL): 22004');
SELECT throws_ok('SELECT cleangov.remind_overdue(now(), 0)', '22023', NULL, 'remind_overdue every 0 days: 22023');
SELECT is((SELECT count(*)::int FROM cleangov.remind_overdue(now())), 0, 'nothing is overdue now');
SELECT is((SELECT array_agg(order_id::text || ':' || reminder_count ORDER BY order_id) FROM cleangov.remind_overdue(now() + interval '31 days')),
          ARRAY[pg_temp.oid_of('aud') || ':2', pg_temp.oid_of('dep') || ':1'],
          'past the deadline: the two orders awaiting a reply are reminded (not the accepted, not the withdrawn)');
SELECT is((SELECT count(*)::int FROM cleangov.remind_overdue(now() + interval '33 days')), 0, 'not again within seven days');
SELECT is((SELECT count(*)::int FROM cleangov.remind_overdue(now() + interval '38 days')), 2, 'again after seven days');

-- ---- rule ORDER_OVERDUE -------------------------------------------------------------------------------
SELECT is((SELECT name_zh || ' ' || (thresholds ->> 'red_after_reminders') FROM cleangov.rule WHERE rule_code = 'ORDER_OVERDUE'),
          '督办单逾期未回复 2', 'the shipped rule with its Chinese name and thresholds');
SELECT throws_ok('SELECT cleangov.order_check(NULL)', '22004', NULL, 'order_check(NULL): 22004');
SELECT is((SELECT count(*)::int FROM cleangov.order_check(now())), 0, 'near-miss: nothing is overdue now');
INSERT INTO ids SELECT 'late_reply', (cleangov.issue_order('O-JW', 'O-FIN', 'finance', 'r', now() + interval '30 days', 'written_report', analysis => 'z')).order_id;
SELECT cleangov.reply_order(pg_temp.oid_of('late_reply'), 'on time');
INSERT INTO ids SELECT 'ret', (cleangov.issue_order('O-JW', 'O-FIN', 'finance', 'r', now() + interval '30 days', 'written_report', analysis => 'z')).order_id;
SELECT cleangov.reply_order(pg_temp.oid_of('ret'), 'thin'), cleangov.return_reply(pg_temp.oid_of('ret'), 'thin');
CREATE TEMP TABLE chk AS SELECT * FROM cleangov.order_check(now() + interval '40 days');
SELECT set_eq($$SELECT i.name || ':' || a.unit_code || ':' || a.level FROM chk JOIN cleangov.alert a USING (alert_id) JOIN ids i ON i.order_id::text = a.subject_key$$,
              ARRAY['aud:O-AUD:red', 'dep:O-DEP:red', 'ret:O-FIN:yellow'],
              'overdue: at the addressed unit, red after two reminders, yellow before; not the replied, accepted or withdrawn ones');
SELECT is((SELECT (a.value, a.threshold, a.evidence ->> 'reminders') FROM chk JOIN cleangov.alert a USING (alert_id) WHERE a.subject_key = pg_temp.oid_of('dep')::text),
          (10::float8, 0::float8, '2'::text), 'days past the deadline, the grace, the reminders');
SELECT is((SELECT count(*)::int FROM cleangov.order_check(now() + interval '40 days') WHERE action <> 'unchanged'), 0,
          'a second check at the same time changes nothing');
UPDATE cleangov.rule SET thresholds = jsonb_set(thresholds, '{grace_days}', '15') WHERE rule_code = 'ORDER_OVERDUE';
SELECT is((SELECT count(*)::int FROM cleangov.order_check(now() + interval '40 days')), 0, 'near-miss: 10 days past with a grace of 15');
UPDATE cleangov.rule SET enabled = false WHERE rule_code = 'ORDER_OVERDUE';
SELECT is((SELECT count(*)::int FROM cleangov.order_check(now() + interval '1 year')), 0, 'a disabled rule raises nothing');
UPDATE cleangov.rule SET enabled = true, thresholds = jsonb_set(thresholds, '{grace_days}', '0') WHERE rule_code = 'ORDER_OVERDUE';

-- ---- row-level security and rights, as the roles that use them ---------------------------------------------
CREATE ROLE t85_jw IN ROLE cleangov_inspector;
CREATE ROLE t85_fin IN ROLE cleangov_inspector;
CREATE ROLE t85_other IN ROLE cleangov_inspector;
CREATE ROLE t85_analyst IN ROLE cleangov_analyst;
INSERT INTO cleangov.unit_assignment VALUES ('t85_jw', 'O-JW'), ('t85_fin', 'O-FIN'), ('t85_other', 'O-AUD');
SET LOCAL ROLE t85_jw;
SELECT is((SELECT count(*)::int FROM cleangov.supervision_order), 6, 'the issuing commission sees every order it (or its office) issued');
INSERT INTO ids SELECT 'rls', (cleangov.issue_order('O-JW1', 'O-FIN', 'finance', 'rls', now() + interval '5 days', 'data_correction', analysis => 'a')).order_id;
SELECT is((SELECT by_role::text FROM cleangov.order_event WHERE order_id = pg_temp.oid_of('rls')), 't85_jw', 'the issued event names the inspector');
SELECT throws_ok(format('SELECT cleangov.reply_order(%s, %L)', pg_temp.oid_of('rls'), 'self'), '42501',
                 format('only the addressed unit (O-FIN) may reply to supervision order %s', pg_temp.oid_of('rls')),
                 'the issuer cannot reply for the addressee (42501)');
SELECT lives_ok(format('SELECT cleangov.remind_order(%s)', pg_temp.oid_of('rls')), 'the issuer reminds');
SELECT throws_ok('SELECT cleangov.order_check()', '42501', NULL, 'an inspector does not run the check');
SELECT throws_ok('SELECT cleangov.remind_overdue()', '42501', NULL, 'nor the batch reminder');
SELECT throws_ok($$INSERT INTO cleangov.supervision_order (unit_code, addressee_unit_code, addressee_kind, matter, reply_required, origin, analysis, due_at)
                   VALUES ('O-JW', 'O-FIN', 'finance', 'm', 'written_report', 'analysis', 'a', now() + interval '1 day')$$,
                 '42501', NULL, 'no direct writes to orders (42501)');
RESET ROLE;
SET LOCAL ROLE t85_fin;
SELECT is((SELECT array_agg(DISTINCT addressee_unit_code) FROM cleangov.supervision_order), '{O-FIN}',
          'the finance bureau sees only the orders sent to it');
SELECT ok((SELECT count(*) FROM cleangov.order_event) > 0 AND (SELECT bool_and(order_id IN (SELECT order_id FROM cleangov.supervision_order)) FROM cleangov.order_event),
          'and only their events');
SELECT is((cleangov.reply_order(pg_temp.oid_of('rls'), 'corrected')).status, 'replied', 'the addressee replies');
SELECT is((SELECT by_role::text FROM cleangov.order_event WHERE order_id = pg_temp.oid_of('rls') AND event = 'replied'), 't85_fin',
          'the reply names the addressee''s role');
SELECT throws_ok(format('SELECT cleangov.accept_reply(%s)', pg_temp.oid_of('rls')), '42501', NULL,
                 'the addressee cannot accept its own reply (42501)');
SELECT throws_ok(format('SELECT cleangov.remind_order(%s)', pg_temp.oid_of('rls')), '42501', NULL, 'nor remind');
SELECT throws_ok(format('SELECT cleangov.reply_order(%s, %L)', pg_temp.oid_of('dep'), 'x'), '42704',
                 format('supervision order %s does not exist', pg_temp.oid_of('dep')), 'an order to another body does not exist for it (42704)');
SELECT throws_ok($$SELECT cleangov.issue_order('O-JW', 'O-AUD', 'audit', 'm', now() + interval '3 days', 'written_report', analysis => 'x')$$,
                 '42704', 'unit "O-JW" does not exist', 'nor does it issue in the commission''s name');
SELECT is((SELECT count(*)::int FROM cleangov.order_detail WHERE addressee_unit_code <> 'O-FIN'), 0, 'the view applies the same filter');
RESET ROLE;
SET LOCAL ROLE t85_jw;
SELECT is((cleangov.accept_reply(pg_temp.oid_of('rls'))).status, 'accepted', 'the issuer accepts');
RESET ROLE;
SET LOCAL ROLE t85_other;
SELECT is((SELECT array_agg(order_id ORDER BY order_id) FROM cleangov.supervision_order), ARRAY[pg_temp.oid_of('aud')],
          'the audit bureau sees only the order sent to it');
SELECT throws_ok(format('SELECT cleangov.remind_order(%s)', pg_temp.oid_of('fin')), '42704', NULL, 'a third unit: the order does not exist');
RESET ROLE;
SET LOCAL ROLE t85_analyst;
SELECT is((SELECT count(*)::int FROM cleangov.supervision_order), 7, 'the analyst reads every order');
SELECT throws_ok(format('SELECT cleangov.remind_order(%s)', pg_temp.oid_of('aud')), '42501', NULL, 'the analyst changes nothing (42501)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
