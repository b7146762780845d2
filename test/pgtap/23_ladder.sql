-- The handling ladder as data (src/sql/23_ladder.sql, 24_escalation.sql): the
-- shipped default ladder, the constraints on steps, escalation following a
-- custom ladder (actions, who, deadlines, level raises, the fall-back to the
-- default ladder for a level the custom one leaves out), the labels, and the
-- privileges of the roles that read and maintain ladders.
BEGIN;
SELECT plan(38);

-- ---- the shipped default ladder ----------------------------------------------
SELECT is((SELECT array_agg(level || ':' || step || ':' || action || ':' || by_actor ORDER BY level, step)
             FROM cleangov.ladder_step WHERE ladder_code = 'default' AND step = 0),
          '{blue:0:reminder:inspection_group,yellow:0:special_inspection:commission,orange:0:supervision_order:commission,red:0:preliminary_verification:commission}',
          'step 0 per level as seed 001 grades it: blue reminder, yellow special inspection, orange supervision order, red preliminary verification');
SELECT is((SELECT array_agg(DISTINCT step || ':' || action || ':' || new_deadline || ':' || raises_level)
             FROM cleangov.ladder_step WHERE ladder_code = 'default' AND step > 0),
          '{1:talk:true:true,2:accountability:false:true}',
          'every level then: 1 talk (new deadline, one level up), 2 accountability (deadline kept, one level up)');
SELECT is((SELECT count(*)::int FROM cleangov.ladder_step WHERE ladder_code = 'default' AND shipped), 12,
          'the default ladder: 4 levels x 3 steps, shipped');
SELECT is((SELECT array_agg(action ORDER BY action) FROM cleangov.ladder_action),
          '{accountability,admonition,preliminary_verification,reminder,special_inspection,supervision_order,talk,written_inquiry}',
          'the shipped actions');
SELECT is((SELECT string_agg(label_zh, ' ' ORDER BY action) FROM cleangov.ladder_action),
          '问责 诫勉 初核 提醒 专项检查 督办 约谈 函询', 'their Chinese labels');
SELECT is(cleangov.escalation_step_name(0, 'zh') || cleangov.escalation_step_name(1) || cleangov.escalation_step_name(2, 'zh'),
          '未升级talk问责', 'escalation_step_name reads the default ladder');
SELECT is(cleangov.escalation_step_name(3), NULL, 'no step 3 in the default ladder');

-- ---- constraints on steps -----------------------------------------------------
INSERT INTO cleangov.ladder (ladder_code, name_en, name_zh, evaluate_days) VALUES ('strict', 'strict ladder', '从严', 10);
SELECT throws_ok($$INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor) VALUES ('strict', 'blue', 1, 'scold', 'commission')$$,
                 '23503', NULL, 'an action outside the code list: 23503');
SELECT throws_ok($$INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor) VALUES ('strict', 'blue', 1, 'talk', 'mayor')$$,
                 '23503', NULL, 'an actor outside the code list: 23503');
SELECT throws_ok($$INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor, new_deadline) VALUES ('strict', 'blue', 0, 'reminder', 'unit', false)$$,
                 '23514', NULL, 'step 0 sets the first deadline, it cannot keep one: 23514');
SELECT throws_ok($$INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor, raises_level) VALUES ('strict', 'blue', 0, 'reminder', 'unit', true)$$,
                 '23514', NULL, 'step 0 raises no level: 23514');
SELECT throws_ok($$INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor) VALUES ('strict', 'green', 1, 'talk', 'commission')$$,
                 '23514', NULL, 'no ladder for green: 23514');
SELECT throws_ok($$INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor, deadline_days) VALUES ('strict', 'blue', 1, 'talk', 'commission', 0)$$,
                 '23514', NULL, 'a deadline of 0 days: 23514');
SELECT throws_ok($$INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor) VALUES ('nope', 'blue', 1, 'talk', 'commission')$$,
                 '23503', NULL, 'a step of an unknown ladder: 23503');
SELECT throws_ok($$INSERT INTO cleangov.ladder (ladder_code, name_en, name_zh, evaluate_days) VALUES ('x', 'x', 'x', 0)$$,
                 '23514', NULL, 'evaluate_days of 0: 23514');

-- ---- a custom ladder (seed 000: 提醒, 函询, 诫勉, then 问责) for blue only -------
INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor, deadline_days, new_deadline, raises_level) VALUES
  ('strict', 'blue', 0, 'reminder', 'inspection_group', NULL, true, false),
  ('strict', 'blue', 1, 'written_inquiry', 'inspection_group', 10, true, false),
  ('strict', 'blue', 2, 'admonition', 'commission', 15, true, true),
  ('strict', 'blue', 3, 'accountability', 'party_committee', NULL, false, true);
INSERT INTO cleangov.unit (unit_code, parent_code, name, region_code) VALUES ('L-CITY', NULL, 'City', 'R1'), ('L-A', 'L-CITY', 'Bureau', 'R1'),
                                                                            ('L-B', 'L-CITY', 'Town', 'R2');
INSERT INTO cleangov.rule (rule_code, name_en, subject_kind, default_level, rectify_days)
VALUES ('L_STRICT', 'strict rule', 'unit', 'blue', 30), ('L_PLAIN', 'plain rule', 'unit', 'blue', 30);
INSERT INTO cleangov.rule_ladder VALUES ('L_STRICT', 'strict');
SELECT is(cleangov.ladder_of('L_STRICT') || ' ' || cleangov.ladder_of('L_PLAIN'), 'strict default', 'ladder_of: assigned, else default');
SELECT is(cleangov.ladder_for('L_STRICT', 'blue') || ' ' || cleangov.ladder_for('L_STRICT', 'yellow'), 'strict default',
          'ladder_for: a level the custom ladder leaves out follows the default ladder');
SELECT cleangov.raise_alert('L_STRICT', 'unit', 's-blue', 'L-A');
SELECT cleangov.raise_alert('L_STRICT', 'unit', 's-yellow', 'L-A', level => 'yellow');
SELECT cleangov.raise_alert('L_PLAIN', 'unit', 'p-blue', 'L-B');
CREATE TEMP TABLE t0 AS SELECT now() AS t;

SELECT set_eq($$SELECT a.subject_key || ':' || e.escalation_step || ':' || e.level
                  FROM cleangov.escalate_overdue(now() + interval '31 days') e JOIN cleangov.alert a USING (alert_id)
                 WHERE a.rule_code LIKE 'L\_%'$$,
              ARRAY['s-blue:1:blue', 's-yellow:1:orange', 'p-blue:1:yellow'],
              'first escalation: the custom step keeps the level, the default steps raise it');
SELECT is((SELECT due_at FROM cleangov.alert WHERE subject_key = 's-blue'), now() + interval '41 days',
          'the custom step''s deadline: 10 days from as_of');
SELECT is((SELECT due_at FROM cleangov.alert WHERE subject_key = 's-yellow'), now() + interval '61 days',
          'the default ladder''s talk for the yellow alert: the rule''s 30 days');
SELECT is((SELECT e.detail ->> 'step' || ' ' || (e.detail ->> 'step_zh') || ' ' || (e.detail ->> 'by') || ' ' || (e.detail ->> 'ladder') || ' ' || (e.detail ->> 'step_no')
             FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id) WHERE a.subject_key = 's-blue' AND e.event = 'escalated'),
          'written_inquiry 函询 inspection_group strict 1', 'the event names the action, who, the ladder and the step');
SELECT is((SELECT count(*)::int FROM cleangov.escalate_overdue(now() + interval '31 days') e JOIN cleangov.alert a USING (alert_id)
            WHERE a.rule_code LIKE 'L\_%'), 0, 'idempotent at the same as_of');
SELECT is((SELECT array_agg(a.subject_key || ':' || e.escalation_step || ':' || e.level)
             FROM cleangov.escalate_overdue(now() + interval '42 days') e JOIN cleangov.alert a USING (alert_id)
            WHERE a.rule_code LIKE 'L\_%'),
          '{s-blue:2:yellow}', 'the custom ladder''s 10 days passed: admonition, one level up; the others are not due yet');
-- s-blue is yellow now, but its hit level is blue: it stays on the blue steps of its ladder
SELECT is((SELECT array_agg(a.subject_key || ':' || e.escalation_step || ':' || e.level ORDER BY a.subject_key)
             FROM cleangov.escalate_overdue(now() + interval '58 days') e JOIN cleangov.alert a USING (alert_id)
            WHERE a.rule_code LIKE 'L\_%'),
          '{s-blue:3:orange}', 'step 3 of the blue ladder although escalation raised the level');
SELECT is((SELECT due_at FROM cleangov.alert WHERE subject_key = 's-blue'), now() + interval '57 days',
          'accountability keeps the deadline (new_deadline false)');
SELECT is((SELECT array_agg(a.subject_key || ':' || e.escalation_step ORDER BY a.subject_key)
             FROM cleangov.escalate_overdue(now() + interval '1000 days') e JOIN cleangov.alert a USING (alert_id)
            WHERE a.rule_code LIKE 'L\_%'),
          '{p-blue:2,s-yellow:2}', 'the end of each ladder: only the default ladders'' accountability is left');
SELECT is((SELECT array_agg((e.detail ->> 'step_zh') || ':' || e.from_level || '>' || e.to_level ORDER BY e.event_id)
             FROM cleangov.alert_event e JOIN cleangov.alert a USING (alert_id) WHERE a.subject_key = 's-blue' AND e.event = 'escalated'),
          '{函询:blue>blue,诫勉:blue>yellow,问责:yellow>orange}', 'the trail of the custom ladder: 函询, 诫勉, 问责');
SELECT is((SELECT escalation || ' ' || escalation_zh FROM cleangov.alert_detail WHERE subject_key = 's-blue'), 'accountability 问责',
          'alert_detail names the step of the alert''s own ladder');
SELECT is((SELECT n ->> 'escalation_zh' FROM cleangov.alert a, cleangov.risk_notice_jsonb(a.alert_id) n WHERE a.subject_key = 's-blue'),
          '问责', 'the risk notice too');
SELECT is((SELECT action || ' ' || by_actor || ' ' || coalesce(next_action, '-') FROM cleangov.alert_handling
            WHERE alert_id = (SELECT alert_id FROM cleangov.alert WHERE subject_key = 's-blue')),
          'accountability party_committee -', 'alert_handling: the step reached, who, no next step');
SELECT throws_ok($$DELETE FROM cleangov.ladder WHERE ladder_code = 'strict'$$, '23503', NULL,
                 'a ladder a rule follows cannot be deleted: 23503');

-- ---- a step 0 with its own deadline: the red level's preliminary verification in 7 days
INSERT INTO cleangov.ladder (ladder_code, name_en, name_zh, evaluate_days) VALUES ('quick', 'quick red', '红色从速', 30);
INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor, deadline_days) VALUES
  ('quick', 'red', 0, 'preliminary_verification', 'commission', 7);
INSERT INTO cleangov.rule (rule_code, name_en, subject_kind, default_level, rectify_days) VALUES ('L_QUICK', 'quick rule', 'unit', 'blue', 30);
INSERT INTO cleangov.rule_ladder VALUES ('L_QUICK', 'quick');
SELECT cleangov.raise_alert('L_QUICK', 'unit', 'q-red', 'L-A', level => 'red');
SELECT cleangov.raise_alert('L_QUICK', 'unit', 'q-blue', 'L-A');
SELECT is((SELECT array_agg(subject_key || ' ' || (due_at - raised_at) ORDER BY subject_key) FROM cleangov.alert WHERE rule_code = 'L_QUICK'),
          '{"q-blue 30 days","q-red 7 days"}',
          'a new alert''s deadline: its level''s step 0 days (red, 7), else the rule''s rectify_days (blue, on the default ladder)');

-- ---- changing the default ladder ----------------------------------------------
UPDATE cleangov.ladder_step SET raises_level = false WHERE ladder_code = 'default' AND level = 'red' AND step = 1;
SELECT is((SELECT shipped FROM cleangov.ladder_step WHERE ladder_code = 'default' AND level = 'red' AND step = 1), false,
          'a changed shipped step is no longer shipped (so pg_dump keeps it)');

-- ---- roles ---------------------------------------------------------------------
CREATE ROLE t_lad_insp IN ROLE cleangov_inspector;
CREATE ROLE t_lad_admin IN ROLE cleangov_admin;
INSERT INTO cleangov.unit_assignment VALUES ('t_lad_insp', 'L-B');
SET ROLE t_lad_insp;
SELECT is((SELECT count(*)::int FROM cleangov.ladder_step WHERE ladder_code = 'strict'), 4, 'an inspector reads the ladders');
SELECT is((SELECT array_agg(a.rule_code) FROM cleangov.alert_handling h JOIN cleangov.alert a USING (alert_id) WHERE a.rule_code LIKE 'L\_%'),
          '{L_PLAIN}', 'alert_handling as an inspector: only the alerts of its units');
SELECT throws_ok($$INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor) VALUES ('strict', 'blue', 4, 'talk', 'commission')$$,
                 '42501', NULL, 'an inspector cannot change a ladder: 42501');
SELECT throws_ok($$INSERT INTO cleangov.rule_ladder VALUES ('L_PLAIN', 'strict')$$, '42501', NULL,
                 'nor assign one: 42501');
RESET ROLE;
SET ROLE t_lad_admin;
SELECT lives_ok($$INSERT INTO cleangov.ladder_step (ladder_code, level, step, action, by_actor) VALUES ('strict', 'blue', 4, 'preliminary_verification', 'commission');
                  INSERT INTO cleangov.rule_ladder VALUES ('L_PLAIN', 'strict')$$, 'the admin maintains ladders and assigns them');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
