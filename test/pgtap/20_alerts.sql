-- The closed loop's behaviour: raising (levels, folding, refresh, idempotence,
-- recurrence), the event trail, rectification, escalation, review, reopening,
-- rule history, shipped rows, and every misuse by SQLSTATE.
BEGIN;
SELECT plan(71);

INSERT INTO cleangov.unit (unit_code, parent_code, name, name_zh, kind, region_code) VALUES
  ('T-CITY', NULL, 'City', '市', 'city', 'R1'),
  ('T-A', 'T-CITY', 'Bureau A', '甲局', 'department', 'R1'),
  ('T-A1', 'T-A', 'Office A1', '甲局一科', 'office', 'R1'),
  ('T-B', 'T-CITY', 'Town B', '乙镇', 'town', 'R2');
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, scheme_code, default_level, rectify_days, recurrence_days)
VALUES ('T_R3', 'ratio rule', '比例规则', 'procurement', 'contract', 'rule3', 'blue', 30, 90),
       ('T_FIX', 'fixed rule', '固定规则', 'funds', 'unit', NULL, 'yellow', 10, 0),
       ('T_OFF', 'disabled rule', '停用规则', 'funds', 'unit', NULL, 'blue', 30, 365);
UPDATE cleangov.rule SET enabled = false WHERE rule_code = 'T_OFF';

-- ---- misuse, nothing written ------------------------------------------------
SELECT throws_ok($$SELECT cleangov.raise_alert('NO_SUCH_RULE', 'unit', 'x', 'T-A')$$, '42704',
                 'rule "NO_SUCH_RULE" does not exist', 'unknown rule: 42704');
SELECT throws_ok($$SELECT cleangov.raise_alert(NULL, 'unit', 'x', 'T-A')$$, '22004', NULL, 'NULL rule_code: 22004');
SELECT throws_ok($$SELECT cleangov.raise_alert('T_FIX', NULL, 'x', 'T-A')$$, '22004', NULL, 'NULL subject_kind: 22004');
SELECT throws_ok($$SELECT cleangov.raise_alert('T_FIX', 'unit', NULL, 'T-A')$$, '22004', NULL, 'NULL subject_key: 22004');
SELECT throws_ok($$SELECT cleangov.raise_alerts(ARRAY[NULL::cleangov.hit])$$, '22004', NULL, 'a NULL hit: 22004');
SELECT throws_ok($$SELECT cleangov.raise_alert('T_R3', 'contract', 'c', 'T-A', level => 'orange')$$, '22023',
                 'level orange is not in scheme "rule3" of rule "T_R3"', 'level outside the rule''s scheme: 22023');
SELECT throws_ok($$SELECT cleangov.raise_alerts(ARRAY[ROW('T_FIX','unit','ok','T-A','',1,1,NULL,NULL,NULL,NULL)::cleangov.hit,
                                                      ROW('NOPE','unit','x','T-A','',1,1,NULL,NULL,NULL,NULL)::cleangov.hit])$$,
                 '42704', NULL, 'one bad hit refuses the whole array');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE rule_code LIKE 'T\_%'), 0, 'nothing was written by refused calls');
SELECT is((SELECT count(*)::int FROM cleangov.raise_alerts('{}')), 0, 'an empty array raises nothing');
SELECT is(cleangov.raise_alert('T_OFF', 'unit', 'x', 'T-A'), NULL, 'a disabled rule raises nothing');
SELECT is(cleangov.raise_alert('T_R3', 'contract', 'green-one', 'T-A', '', 0.5, 1), NULL, 'a green hit raises nothing');

-- ---- levels: banded through the scheme (value ÷ threshold), else default ----
SELECT is((SELECT array_agg(action) FROM cleangov.raise_alerts(ARRAY[
            ROW('T_R3','contract','c1','T-A','2024',20,20,NULL,'{}',NULL,NULL)::cleangov.hit,
            ROW('T_R3','contract','c2','T-A','2024',30,20,NULL,'{}',NULL,NULL)::cleangov.hit,
            ROW('T_R3','contract','c3','T-A1','2024',40,20,NULL,'{}',NULL,NULL)::cleangov.hit,
            ROW('T_R3','contract','c4','T-B','2024',5,NULL,NULL,'{}',NULL,NULL)::cleangov.hit,
            ROW('T_R3','contract','c5','T-B','2024',5,1,'yellow','{}',NULL,NULL)::cleangov.hit])),
          '{raised,raised,raised,raised,raised}', 'five hits, five alerts raised');
SELECT is((SELECT array_agg(level ORDER BY subject_key) FROM cleangov.alert WHERE rule_code = 'T_R3'),
          '{blue,yellow,red,blue,yellow}'::cleangov.level[],
          'level: ratio 1 blue, 1.5 yellow, 2 red; no threshold → default; explicit level kept');
SELECT is((SELECT count(*)::int FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id)
            WHERE a.rule_code = 'T_R3' AND e.event = 'raised'), 5, 'one raised event per new alert');
SELECT is((SELECT due_at - raised_at FROM cleangov.alert WHERE subject_key = 'c1'), interval '30 days',
          'due at raised + rectify_days');

-- ---- folding, refresh, unchanged ---------------------------------------------
SELECT results_eq($$SELECT action FROM cleangov.raise_alerts(ARRAY[
                     ROW('T_FIX','unit','u1','T-A','2024-01',1,1,'blue','{"n":1}',NULL,NULL)::cleangov.hit,
                     ROW('T_FIX','unit','u1','T-A','2024-01',2,1,'red','{"n":2}',NULL,NULL)::cleangov.hit,
                     ROW('T_FIX','unit','u1','T-A','2024-01',3,1,'yellow','{"n":3}',NULL,NULL)::cleangov.hit])$$,
                  $$VALUES ('raised')$$, 'three hits for one key in one array: one alert');
SELECT is((SELECT (level, value) FROM cleangov.alert WHERE subject_key = 'u1'), ('red'::cleangov.level, 2::float8),
          'the folded alert is the worst hit');
SELECT results_eq($$SELECT action FROM cleangov.raise_alerts(ARRAY[
                     ROW('T_FIX','unit','u1','T-A','2024-01',2,1,'red','{"n":2}',NULL,NULL)::cleangov.hit])$$,
                  $$VALUES ('unchanged')$$, 'the same hit again: unchanged');
SELECT is((SELECT count(*)::int FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id) WHERE a.subject_key = 'u1'),
          1, 'an unchanged hit writes no event');
SELECT results_eq($$SELECT action FROM cleangov.raise_alerts(ARRAY[
                     ROW('T_FIX','unit','u1','T-A','2024-01',1.5,1,'blue','{"n":4}',NULL,NULL)::cleangov.hit])$$,
                  $$VALUES ('refreshed')$$, 'new evidence: refreshed');
SELECT is((SELECT (level, hit_level, hit_count, evidence) FROM cleangov.alert WHERE subject_key = 'u1'),
          ('red'::cleangov.level, 'blue'::cleangov.level, 2, '{"n":4}'::jsonb),
          'a refresh replaces the evidence, never lowers the level');
SELECT is((SELECT count(*)::int FROM cleangov.alert WHERE subject_key = 'u1'), 1, 'still one alert for the key');
CREATE TEMP TABLE got AS SELECT cleangov.raise_alert('T_FIX', 'unit', 'c1', 'T-A', '2024', level => 'red') AS id;
SELECT is((SELECT id FROM got), (SELECT alert_id FROM cleangov.alert WHERE subject_key = 'c1' AND rule_code = 'T_FIX'),
          'raise_alert returns the id');
SELECT is((SELECT array_agg(event ORDER BY event_id) FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id)
            WHERE a.subject_key = 'c2'), '{raised}', 'c2 so far only raised');
SELECT cleangov.raise_alert('T_R3', 'contract', 'c2', 'T-A', '2024', 41, 20, evidence => '{"x":1}');
SELECT is((SELECT array_agg(event || ':' || coalesce(from_level::text, '-') || '>' || to_level ORDER BY event_id)
             FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id) WHERE a.subject_key = 'c2'),
          '{raised:->yellow,refreshed:yellow>red,level_changed:yellow>red}', 'a worse hit: refreshed and level_changed events');
SELECT throws_ok($$INSERT INTO cleangov.alert (rule_code, subject_kind, subject_key, unit_code, period, level, hit_level, due_at)
                   SELECT rule_code, subject_kind, subject_key, unit_code, period, level, hit_level, due_at
                     FROM cleangov.alert WHERE subject_key = 'u1'$$, '23505', NULL,
                 'a second open alert for a key is refused by the unique index');

-- ---- the event trail is append-only, even for the owner ----------------------
SELECT throws_ok($$UPDATE cleangov.alert_event SET note = 'x'$$, '42501', NULL, 'UPDATE of alert_event refused (42501)');
SELECT throws_ok($$DELETE FROM cleangov.alert_event$$, '42501', NULL, 'DELETE of alert_event refused (42501)');
SELECT throws_ok($$TRUNCATE cleangov.alert_event CASCADE$$, '42501', NULL, 'TRUNCATE of alert_event refused (42501)');
SELECT throws_ok($$DELETE FROM cleangov.alert WHERE subject_key = 'u1'$$, '23503', NULL, 'an alert with events cannot be deleted');

-- ---- rectification -------------------------------------------------------------
INSERT INTO cleangov.rectification (alert_id, measures)
SELECT alert_id, 'contract renegotiated' FROM cleangov.alert WHERE subject_key = 'c1' AND rule_code = 'T_R3';
SELECT is((SELECT (status, closed_at IS NOT NULL, closed_by_rectification IS NOT NULL) FROM cleangov.alert
            WHERE subject_key = 'c1' AND rule_code = 'T_R3'), ('closed'::text, true, true),
          'a rectification closes its alert in the same transaction');
SELECT is((SELECT event || ':' || from_status || '>' || to_status FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id)
            WHERE a.subject_key = 'c1' AND a.rule_code = 'T_R3' ORDER BY event_id DESC LIMIT 1),
          'rectified:open>closed', 'with a rectified event');
SELECT throws_ok($$INSERT INTO cleangov.rectification (alert_id, measures)
                   SELECT alert_id, 'again' FROM cleangov.alert WHERE subject_key = 'c1' AND rule_code = 'T_R3'$$,
                 '55000', NULL, 'rectifying a closed alert: 55000');
SELECT throws_ok($$INSERT INTO cleangov.rectification (alert_id, measures) VALUES (-42, 'x')$$, '23503',
                 'alert -42 does not exist', 'rectifying a missing alert: 23503');
SELECT throws_ok($$INSERT INTO cleangov.rectification (alert_id, measures) VALUES (NULL, 'x')$$, '22004', NULL,
                 'a rectification naming no alert: 22004');

-- the same fact again after closure is not a new alert; a new fact is a recurrence
SELECT results_eq($$SELECT action FROM cleangov.raise_alerts(ARRAY[
                     ROW('T_R3','contract','c1','T-A','2024',20,20,NULL,'{}',NULL,NULL)::cleangov.hit])$$,
                  $$VALUES ('unchanged')$$, 'the same hit after closure: unchanged (batch re-runs stay idempotent)');
SELECT cleangov.raise_alert('T_R3', 'contract', 'c1', 'T-A', '2025', 20, 20);
SELECT is((SELECT (n.recurrence_of = o.alert_id, n.level, n.hit_level)
             FROM cleangov.alert n JOIN cleangov.alert o ON o.rule_code = n.rule_code AND o.subject_key = n.subject_key
            WHERE n.rule_code = 'T_R3' AND n.subject_key = 'c1' AND n.period = '2025' AND o.period = '2024'),
          (true, 'yellow'::cleangov.level, 'blue'::cleangov.level),
          'recurrence within the window: points at the closed alert, starts one level higher');
SELECT is((SELECT detail ->> 'recurrence_of' IS NOT NULL FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id)
            WHERE a.subject_key = 'c1' AND a.period = '2025' AND e.event = 'raised'), true, 'the raised event names the recurrence');
-- T_FIX has recurrence_days = 0: no recurrence
INSERT INTO cleangov.rectification (alert_id, measures) SELECT alert_id, 'done' FROM cleangov.alert WHERE subject_key = 'u1';
SELECT cleangov.raise_alert('T_FIX', 'unit', 'u1', 'T-A', '2024-02', level => 'blue');
SELECT is((SELECT recurrence_of FROM cleangov.alert WHERE subject_key = 'u1' AND period = '2024-02'), NULL,
          'outside the recurrence window (0 days): not a recurrence');

-- ---- a user's own rectification table ----------------------------------------
CREATE TEMP TABLE my_fix (id serial, the_alert bigint, what text);
CREATE TEMP TABLE my_bad (id serial, the_alert date);
SELECT throws_ok($$SELECT cleangov.attach_rectification('my_fix', 'nope')$$, '42703', NULL, 'attach: missing column 42703');
SELECT throws_ok($$SELECT cleangov.attach_rectification('my_bad', 'the_alert')$$, '42804', NULL, 'attach: date column 42804');
SELECT lives_ok($$SELECT cleangov.attach_rectification('my_fix', 'the_alert')$$, 'attach to a user table');
INSERT INTO my_fix (the_alert, what) SELECT alert_id, 'fixed' FROM cleangov.alert WHERE subject_key = 'c3';
SELECT is((SELECT status FROM cleangov.alert WHERE subject_key = 'c3'), 'closed', 'the user table''s insert closed the alert');
SELECT ok((SELECT detail ->> 'table' LIKE '%my_fix' FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id)
            WHERE a.subject_key = 'c3' AND e.event = 'rectified'), 'the rectified event names the user table');
SELECT throws_ok($$INSERT INTO my_fix (the_alert, what) SELECT alert_id, 'x' FROM cleangov.alert WHERE subject_key = 'c3'$$,
                 '55000', NULL, 'the user table refuses a closed alert too');

-- ---- escalation --------------------------------------------------------------
-- c4 (T-B, blue, due in 30 days): nothing is overdue now
SELECT is((SELECT count(*)::int FROM cleangov.escalate_overdue(now()) e JOIN cleangov.alert a USING (alert_id)
            WHERE a.rule_code LIKE 'T\_%'), 0, 'nothing overdue now');
SELECT set_eq($$SELECT a.subject_key || ':' || e.escalation_step || ':' || e.level
                  FROM cleangov.escalate_overdue(now() + interval '31 days') e JOIN cleangov.alert a USING (alert_id)
                 WHERE a.rule_code LIKE 'T\_%'$$,
              ARRAY['c2:1:red', 'c4:1:yellow', 'c5:1:red', 'c1:1:red', 'u1:1:yellow'],
              'first escalation (talk): one level up within the scheme');
SELECT is((SELECT count(*)::int FROM cleangov.escalate_overdue(now() + interval '31 days') e JOIN cleangov.alert a USING (alert_id)
            WHERE a.rule_code LIKE 'T\_%'), 0, 'escalation is idempotent at the same time');
SELECT is((SELECT due_at FROM cleangov.alert WHERE subject_key = 'c4'), now() + interval '61 days',
          'after the talk a new deadline of rectify_days');
SELECT is((SELECT array_agg(a.subject_key || ':' || e.escalation_step || ':' || e.level ORDER BY a.subject_key)
             FROM cleangov.escalate_overdue(now() + interval '62 days') e JOIN cleangov.alert a USING (alert_id)
            WHERE a.rule_code = 'T_R3' AND a.subject_key = 'c4'), '{c4:2:red}', 'second escalation (accountability)');
SELECT is((SELECT count(*)::int FROM cleangov.escalate_overdue(now() + interval '1000 days') e JOIN cleangov.alert a USING (alert_id)
            WHERE a.subject_key = 'c4'), 0, 'no step after accountability');
SELECT is((SELECT array_agg((e.detail ->> 'step_zh') || ':' || e.from_level || '>' || e.to_level ORDER BY event_id)
             FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id) WHERE a.subject_key = 'c4' AND e.event = 'escalated'),
          '{约谈:blue>yellow,问责:yellow>red}', 'each step is an event: 约谈 then 问责');
SELECT throws_ok($$SELECT cleangov.escalate_overdue(NULL)$$, '22004', NULL, 'escalate_overdue(NULL): 22004');

-- ---- review ------------------------------------------------------------------
SELECT is((cleangov.review(a.alert_id, 'confirmed', 'real')).status, 'open', 'confirmed: stays open')
  FROM cleangov.alert a WHERE a.subject_key = 'c4';
SELECT is((cleangov.review(a.alert_id, 'false_positive', 'test data')).status, 'dismissed', 'false positive: dismissed')
  FROM cleangov.alert a WHERE a.subject_key = 'c5';
SELECT is((SELECT array_agg(event ORDER BY event_id) FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id)
            WHERE a.subject_key = 'c5' AND event IN ('reviewed', 'dismissed')), '{reviewed,dismissed}', 'reviewed and dismissed events');
SELECT throws_ok(format('SELECT cleangov.review(%s, %L)', (SELECT alert_id FROM cleangov.alert WHERE subject_key = 'c5'), 'confirmed'),
                 '55000', NULL, 'reviewing a dismissed alert: 55000');
SELECT throws_ok(format('SELECT cleangov.review(%s, %L)', (SELECT alert_id FROM cleangov.alert WHERE subject_key = 'c4'), 'maybe'),
                 '22023', NULL, 'unknown verdict: 22023');
SELECT throws_ok($$SELECT cleangov.review(-1, 'confirmed')$$, '42704', NULL, 'review of a missing alert: 42704');
SELECT throws_ok(format('INSERT INTO cleangov.rectification (alert_id, measures) VALUES (%s, %L)',
                        (SELECT alert_id FROM cleangov.alert WHERE subject_key = 'c5'), 'x'),
                 '55000', NULL, 'rectifying a dismissed alert: 55000');
SELECT throws_ok($$UPDATE cleangov.alert SET status = 'open', closed_at = NULL WHERE subject_key = 'c5'$$, '55000', NULL,
                 'illegal status change dismissed → open: 55000');

-- ---- reopen ------------------------------------------------------------------
SELECT is((cleangov.reopen(a.alert_id, 'check failed')).status, 'open', 'a closed alert can be reopened')
  FROM cleangov.alert a WHERE a.subject_key = 'c3';
SELECT throws_ok(format('SELECT cleangov.reopen(%s, %L)', (SELECT alert_id FROM cleangov.alert WHERE subject_key = 'c3'), 'x'),
                 '55000', NULL, 'reopening an open alert: 55000');
SELECT throws_ok($$SELECT cleangov.reopen(-1, 'x')$$, '42704', NULL, 'reopening a missing alert: 42704');

-- ---- rule history and shipped rows -------------------------------------------
UPDATE cleangov.rule SET thresholds = '{"pct": 25}' WHERE rule_code = 'T_FIX';
UPDATE cleangov.rule SET thresholds = '{"pct": 25}' WHERE rule_code = 'T_FIX';  -- no change: no history
SELECT is((SELECT array_agg(coalesce(old_thresholds::text, '-') || '>' || new_thresholds::text || ' by ' || changed_by)
             FROM cleangov.rule_history WHERE rule_code = 'T_FIX'),
          ARRAY['{}>{"pct": 25} by ' || session_user], 'rule changes are kept: who, old and new thresholds');
SELECT is((SELECT array_agg(scheme_code ORDER BY scheme_code) FROM cleangov.band_scheme WHERE shipped),
          '{health4,index3,rule3}', 'shipped schemes are marked shipped');
SELECT is((SELECT shipped FROM cleangov.rule WHERE rule_code = 'T_FIX'), false, 'a user''s rule is not shipped');
UPDATE cleangov.band_scheme SET cutoffs = '{96,90,85}' WHERE scheme_code = 'index3';
SELECT is((SELECT shipped FROM cleangov.band_scheme WHERE scheme_code = 'index3'), false,
          'a changed shipped scheme is no longer shipped (so pg_dump keeps it)');
SELECT throws_ok($$UPDATE cleangov.unit SET parent_code = 'T-A1' WHERE unit_code = 'T-CITY'$$, '23514', NULL,
                 'a cycle in the unit tree: 23514');

-- ---- rule effectiveness against a plain computation ---------------------------
SELECT is((SELECT (raised, reviewed, confirmed, false_positives, precision, recurrence_rate)
             FROM cleangov.rule_effectiveness WHERE rule_code = 'T_R3'),
          (SELECT (count(*), count(review_verdict), count(*) FILTER (WHERE review_verdict = 'confirmed'),
                   count(*) FILTER (WHERE review_verdict = 'false_positive'), 0.5000::numeric,
                   round(count(recurrence_of)::numeric / count(*), 4))
             FROM cleangov.alert WHERE rule_code = 'T_R3'),
          'rule_effectiveness agrees with a plain count');
SELECT is((SELECT (raised, recurrence_rate) FROM cleangov.rule_effectiveness WHERE rule_code = 'T_R3'),
          (6::bigint, 0.1667::numeric), 'T_R3: 6 alerts, one recurrence');

SELECT * FROM finish();
ROLLBACK;
