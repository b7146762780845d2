-- The handling ladder (分级处置, 逐级升级) as data: per ladder, level and step
-- the action (提醒, 函询, 诫勉, 约谈, 专项检查, 督办, 初核, 问责), who does it
-- and the deadline.  Step 0 is the handling an alert of the level gets when it
-- is raised; steps 1, 2, ... are what escalate_overdue() (24_escalation.sql)
-- does when the alert is overdue.  Rules follow the shipped ladder "default"
-- unless cleangov.rule_ladder names another.  See doc/ladder.md.

CREATE TABLE @extschema@.ladder_action (
  action      text PRIMARY KEY CHECK (action ~ '^[a-z][a-z0-9_]*$'),
  label_en    text NOT NULL,
  label_zh    text NOT NULL,
  description text,
  shipped     boolean NOT NULL DEFAULT @extschema@.creating_extension_script()
);
COMMENT ON TABLE @extschema@.ladder_action IS
  'The code list of handling actions a ladder step can take (提醒 reminder, 函询 written inquiry, 诫勉 admonition, 约谈 talk, 专项检查 special inspection, 督办 supervision order, 初核 preliminary verification, 问责 accountability). A code, not a function: other parts of the loop (case clues, supervision orders) may act on it. Editable; shipped rows are marked shipped.';
INSERT INTO @extschema@.ladder_action (action, label_en, label_zh, description) VALUES
  ('reminder', 'reminder', '提醒', 'Reminder talk and order to self-correct (谈话提醒，责令整改，督促自查自纠; seeds 000, 001).'),
  ('written_inquiry', 'written inquiry', '函询', 'Written inquiry: the official answers in writing (seed 000).'),
  ('admonition', 'admonition', '诫勉', 'Admonition of the official (诫勉谈话; seed 000).'),
  ('talk', 'talk', '约谈', 'Talk with the head of the unit whose rectification failed (约谈单位负责人; seed 003).'),
  ('special_inspection', 'special inspection', '专项检查', 'Special inspection by the discipline inspection body: is there a violation (seed 001, yellow).'),
  ('supervision_order', 'supervision order', '督办', 'Supervision order sent to the body responsible (下发督办单; seed 003).'),
  ('preliminary_verification', 'preliminary verification', '初核', 'Preliminary verification opened at once (立即启动初核; seed 001, red).'),
  ('accountability', 'accountability', '问责', 'Accountability of the unit head after the talk failed too (约谈后仍整改不到位的予以问责; seed 003).');
CREATE TRIGGER ladder_action_changed BEFORE UPDATE ON @extschema@.ladder_action
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER ladder_action_restore BEFORE INSERT ON @extschema@.ladder_action
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('action');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.ladder_action', 'WHERE NOT shipped');

CREATE TABLE @extschema@.ladder_actor (
  actor    text PRIMARY KEY CHECK (actor ~ '^[a-z][a-z0-9_]*$'),
  label_en text NOT NULL,
  label_zh text NOT NULL,
  outside  boolean NOT NULL,
  shipped  boolean NOT NULL DEFAULT @extschema@.creating_extension_script()
);
COMMENT ON TABLE @extschema@.ladder_actor IS
  'The code list of who carries out a ladder step or evaluates a rectification. outside = false for the unit itself, which may act (self-correct) but never evaluate its own rectification. Editable; shipped rows are marked shipped.';
INSERT INTO @extschema@.ladder_actor (actor, label_en, label_zh, outside) VALUES
  ('unit', 'the unit itself', '责任单位', false),
  ('inspection_group', 'resident discipline inspection group', '派驻纪检监察组', true),
  ('commission', 'discipline inspection and supervision commission', '纪委监委', true),
  ('party_committee', 'party committee (leading group)', '党委（党组）', true),
  ('third_party', 'third-party evaluator', '第三方机构', true);
CREATE TRIGGER ladder_actor_changed BEFORE UPDATE ON @extschema@.ladder_actor
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER ladder_actor_restore BEFORE INSERT ON @extschema@.ladder_actor
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('actor');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.ladder_actor', 'WHERE NOT shipped');

CREATE TABLE @extschema@.ladder (
  ladder_code   text PRIMARY KEY,
  name_en       text NOT NULL,
  name_zh       text NOT NULL,
  evaluate_days integer NOT NULL DEFAULT 90 CHECK (evaluate_days > 0),
  description   text,
  shipped       boolean NOT NULL DEFAULT @extschema@.creating_extension_script()
);
COMMENT ON TABLE @extschema@.ladder IS
  'Handling ladders: named sets of steps (cleangov.ladder_step). evaluate_days: days after an alert closes by which its rectification is to be evaluated (cleangov.rectification_evaluation). The shipped ladder "default" is followed by every rule cleangov.rule_ladder does not assign another.';
INSERT INTO @extschema@.ladder (ladder_code, name_en, name_zh, evaluate_days, description) VALUES
  ('default', 'graded handling, talk then accountability', '分级处置：约谈、问责', 90,
   'Step 0 per level as seed 001 grades it (blue reminder, yellow special inspection, orange supervision order, red preliminary verification); an overdue alert then gets a talk with the unit head (约谈, new deadline of the rule''s rectify_days) and, still overdue, accountability (问责), one level up each time (seed 003). Evaluation within 90 days of closing (a default to tune; seed 001 names the evaluation, not the delay).');
CREATE TRIGGER ladder_changed BEFORE UPDATE ON @extschema@.ladder
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER ladder_restore BEFORE INSERT ON @extschema@.ladder
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('ladder_code');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.ladder', 'WHERE NOT shipped');

CREATE TABLE @extschema@.ladder_step (
  ladder_code   text NOT NULL REFERENCES @extschema@.ladder (ladder_code) ON UPDATE CASCADE ON DELETE CASCADE,
  level         @extschema@.level NOT NULL CHECK (level > 'green'),
  step          smallint NOT NULL CHECK (step BETWEEN 0 AND 20),
  action        text NOT NULL REFERENCES @extschema@.ladder_action (action) ON UPDATE CASCADE,
  by_actor      text NOT NULL REFERENCES @extschema@.ladder_actor (actor) ON UPDATE CASCADE,
  deadline_days integer CHECK (deadline_days > 0),
  new_deadline  boolean NOT NULL DEFAULT true,
  raises_level  boolean NOT NULL DEFAULT false,
  note_en       text,
  note_zh       text,
  shipped       boolean NOT NULL DEFAULT @extschema@.creating_extension_script(),
  PRIMARY KEY (ladder_code, level, step),
  -- step 0 is the handling at raise: its deadline_days (NULL: the rule's
  -- rectify_days) is the deadline raise_alerts() sets, and it raises nothing
  CHECK (step > 0 OR (new_deadline AND NOT raises_level))
);
COMMENT ON TABLE @extschema@.ladder_step IS
  'The steps of a ladder per level: step 0 the handling at raise (its deadline_days, when set, is the deadline of a new alert of the level unless a tiered standard sets rectification days; NULL: the rule''s rectify_days), steps 1.. what escalation does to an overdue alert, in order. action and by_actor are codes (cleangov.ladder_action, cleangov.ladder_actor); new_deadline: the step gives the unit a new deadline of deadline_days (NULL: the rule''s rectify_days), else the deadline stays; raises_level: the step moves the alert one level up within its rule''s scheme. An alert follows the steps of its hit level (the level the facts show, not the level escalation raised it to); a ladder with no step for a level leaves that level to the ladder "default". Escalation stops at the first missing step.';
COMMENT ON COLUMN @extschema@.ladder_step.by_actor IS 'Who carries the step out (a code of cleangov.ladder_actor).';
INSERT INTO @extschema@.ladder_step (ladder_code, level, step, action, by_actor, deadline_days, new_deadline, raises_level, note_en, note_zh)
SELECT 'default', l.level, s.step,
       CASE s.step WHEN 0 THEN l.first WHEN 1 THEN 'talk' ELSE 'accountability' END,
       CASE WHEN s.step = 0 THEN l.who ELSE 'commission' END,
       NULL, s.step < 2, s.step > 0, s.note_en, s.note_zh
  FROM (VALUES ('blue'::@extschema@.level, 'reminder', 'inspection_group'),
               ('yellow', 'special_inspection', 'commission'),
               ('orange', 'supervision_order', 'commission'),
               ('red', 'preliminary_verification', 'commission')) l(level, first, who)
 CROSS JOIN (VALUES (0::smallint, 'handling at raise; deadline: the rule''s rectify_days', '预警处置；整改期限为规则的整改天数'),
                    (1, 'overdue: talk with the unit head, new deadline of rectify_days, one level up', '逾期未整改：约谈单位负责人，重新限期整改，升一级'),
                    (2, 'overdue after the talk: accountability, one level up', '约谈后仍整改不到位：问责，升一级')) s(step, note_en, note_zh);
CREATE TRIGGER ladder_step_changed BEFORE UPDATE ON @extschema@.ladder_step
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER ladder_step_restore BEFORE INSERT ON @extschema@.ladder_step
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('ladder_code', 'level', 'step');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.ladder_step', 'WHERE NOT shipped');

CREATE TABLE @extschema@.rule_ladder (
  rule_code   text PRIMARY KEY REFERENCES @extschema@.rule (rule_code) ON UPDATE CASCADE ON DELETE CASCADE,
  ladder_code text NOT NULL REFERENCES @extschema@.ladder (ladder_code) ON UPDATE CASCADE
);
COMMENT ON TABLE @extschema@.rule_ladder IS
  'The ladder a rule''s alerts follow, when not the shipped "default". A ladder a rule follows cannot be deleted (23503).';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rule_ladder', '');

CREATE FUNCTION @extschema@.ladder_of(rule_code text) RETURNS text
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  BEGIN ATOMIC
    SELECT coalesce((SELECT rl.ladder_code FROM @extschema@.rule_ladder rl WHERE rl.rule_code = ladder_of.rule_code),
                    'default');
  END;
COMMENT ON FUNCTION @extschema@.ladder_of(text) IS
  'The ladder a rule''s alerts follow: its row of cleangov.rule_ladder, else "default". Stable because it reads cleangov.rule_ladder.';

CREATE FUNCTION @extschema@.ladder_for(rule_code text, level @extschema@.level) RETURNS text
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  BEGIN ATOMIC
    SELECT CASE WHEN EXISTS (SELECT FROM @extschema@.ladder_step s
                              WHERE s.ladder_code = @extschema@.ladder_of(ladder_for.rule_code)
                                AND s.level = ladder_for.level)
                THEN @extschema@.ladder_of(ladder_for.rule_code) ELSE 'default' END;
  END;
COMMENT ON FUNCTION @extschema@.ladder_for(text, @extschema@.level) IS
  'The ladder whose steps an alert of the rule at this (hit) level follows: the rule''s ladder when it has steps for the level, else "default". Stable because it reads the ladder tables.';

CREATE FUNCTION @extschema@.alert_step_name(rule_code text, level @extschema@.level, step integer, lang text DEFAULT 'en')
  RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  BEGIN ATOMIC
    SELECT CASE WHEN alert_step_name.step = 0 THEN CASE WHEN alert_step_name.lang = 'zh' THEN '未升级' ELSE 'none' END
                ELSE (SELECT CASE WHEN alert_step_name.lang = 'zh' THEN a.label_zh ELSE a.action END
                        FROM @extschema@.ladder_step s
                        JOIN @extschema@.ladder_action a ON a.action = s.action
                       WHERE s.ladder_code = @extschema@.ladder_for(alert_step_name.rule_code, alert_step_name.level)
                         AND s.level = alert_step_name.level AND s.step = alert_step_name.step) END;
  END;
COMMENT ON FUNCTION @extschema@.alert_step_name(text, @extschema@.level, integer, text) IS
  'The escalation step an alert of the rule with this hit level has reached, by its ladder: ''none'' (未升级) at step 0, else the step''s action code (lang ''en'') or its Chinese label (lang ''zh''); NULL for a step the ladder does not have. Stable because it reads the ladder tables.';

CREATE FUNCTION @extschema@.escalation_step_name(step integer, lang text DEFAULT 'en') RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  BEGIN ATOMIC
    SELECT CASE WHEN escalation_step_name.step = 0 THEN CASE WHEN escalation_step_name.lang = 'zh' THEN '未升级' ELSE 'none' END
                ELSE (SELECT CASE WHEN escalation_step_name.lang = 'zh' THEN a.label_zh ELSE a.action END
                        FROM @extschema@.ladder_step s
                        JOIN @extschema@.ladder_action a ON a.action = s.action
                       WHERE s.ladder_code = 'default' AND s.step = escalation_step_name.step
                       ORDER BY s.level LIMIT 1) END;
  END;
COMMENT ON FUNCTION @extschema@.escalation_step_name(integer, text) IS
  'Name of a step of the ladder "default" (of its lowest level that has the step): 0 none (未升级), shipped 1 talk (约谈), 2 accountability (问责); lang ''en'' (the action code) or ''zh''. For one alert under its own ladder use alert_step_name(). Stable because it reads the ladder tables.';

-- The handling of every open alert: where it stands on its ladder and what
-- follows if it stays overdue.
CREATE VIEW @extschema@.alert_handling WITH (security_invoker = true) AS
SELECT a.alert_id, a.rule_code, a.unit_code, a.level, a.hit_level, @extschema@.ladder_for(a.rule_code, a.hit_level) AS ladder_code,
       a.escalation_step,
       cur.action, ca.label_zh AS action_zh, cur.by_actor, cu.label_zh AS by_actor_zh,
       a.due_at, a.status = 'open' AND a.due_at < now() AS overdue,
       nxt.step AS next_step, nxt.action AS next_action, na.label_zh AS next_action_zh,
       nxt.by_actor AS next_by_actor, nxt.raises_level AS next_raises_level
  FROM @extschema@.alert a
  LEFT JOIN @extschema@.ladder_step cur
         ON cur.ladder_code = @extschema@.ladder_for(a.rule_code, a.hit_level)
        AND cur.level = a.hit_level AND cur.step = a.escalation_step
  LEFT JOIN @extschema@.ladder_action ca ON ca.action = cur.action
  LEFT JOIN @extschema@.ladder_actor cu ON cu.actor = cur.by_actor
  LEFT JOIN @extschema@.ladder_step nxt
         ON nxt.ladder_code = @extschema@.ladder_for(a.rule_code, a.hit_level)
        AND nxt.level = a.hit_level AND nxt.step = a.escalation_step + 1
  LEFT JOIN @extschema@.ladder_action na ON na.action = nxt.action
 WHERE a.status = 'open';
COMMENT ON VIEW @extschema@.alert_handling IS
  'Every open alert on its ladder: the ladder, the step reached with its action and who carries it out (Chinese labels beside the codes), the deadline and whether it is overdue, and the next step (NULL when the ladder ends). security_invoker: row-level security of alerts applies.';
-- Privileges: src/sql/28_access.sql (the roles are created there).
