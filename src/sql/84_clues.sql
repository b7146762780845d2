-- Case clues (案件线索): from a source (complaint, alert, audit finding,
-- inspection tour) through disposal, preliminary verification (初核), filing
-- (立案), trial (审理) and execution of the decision, with a time limit per
-- stage (data: cleangov.clue_stage), the handler and the outcome.  One entry
-- point per transition, an append-only event trail, row-level security by
-- unit (src/sql/28_access.sql's visible_units()/may_handle()).  An alert can
-- be escalated into a clue (alert_to_clue: a red alert goes to preliminary
-- verification at once, seed 001) and the clue's outcome flows back to the
-- alert's review.  clue_check() raises the three CLUE_* rules' alerts.
-- See doc/clues.md.

CREATE TABLE @extschema@.clue_stage (
  stage      text PRIMARY KEY,
  position   smallint NOT NULL UNIQUE,
  name_en    text NOT NULL,
  name_zh    text NOT NULL,
  limit_days integer CHECK (limit_days > 0),
  basis      text,
  shipped    boolean NOT NULL DEFAULT @extschema@.creating_extension_script(),
  CHECK ((stage = 'closed') = (limit_days IS NULL))
);
COMMENT ON TABLE @extschema@.clue_stage IS
  'Stages of a case clue in order, with their English and Chinese names and the time limit of each stage in calendar days (NULL for closed) and where the limit comes from. The admin may change a limit (a changed shipped row is dumped); a clue''s deadline is fixed when it enters a stage.';
INSERT INTO @extschema@.clue_stage (stage, position, name_en, name_zh, limit_days, basis) VALUES
  ('clue',         1, 'clue received, awaiting disposal', '线索受理与处置', 15,
   'Decision on a complaint within 15 days of receipt: 信访条例 (State Council order 431, 2005), arts. 21-22.'),
  ('verification', 2, 'preliminary verification',         '初步核实',       60,
   'Preliminary verification within two months: 纪委案件检查工作制度, item 4 (初步核实的时限为二个月).'),
  ('filed',        3, 'case filed, under investigation',  '立案审查调查',   90,
   'Investigation within three months, longer only when approved: 纪委案件检查工作制度, item 4 (案件调查的时限为三个月).'),
  ('trial',        4, 'trial (case hearing)',             '案件审理',       30,
   'Hearing concluded within one month of acceptance (案件审理工作条例); a default, check the rules of your province.'),
  ('execution',    5, 'execution of the decision',        '处理决定执行',   30,
   'Decision announced and carried out within one month (纪律处分条例); a default, check the rules of your province.'),
  ('closed',       6, 'closed',                           '办结',           NULL, NULL);
CREATE TRIGGER clue_stage_changed BEFORE UPDATE ON @extschema@.clue_stage
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER clue_stage_restore BEFORE INSERT ON @extschema@.clue_stage
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('stage');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.clue_stage', 'WHERE NOT shipped');

CREATE TABLE @extschema@.clue (
  clue_id        bigserial PRIMARY KEY,
  unit_code      text NOT NULL REFERENCES @extschema@.unit (unit_code) ON UPDATE CASCADE,
  source         text NOT NULL CHECK (source IN ('complaint', 'alert', 'audit_finding', 'inspection_tour')),
  alert_id       bigint REFERENCES @extschema@.alert (alert_id),
  subject_kind   text NOT NULL,
  subject_key    text NOT NULL,
  summary        text NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now(),
  received_by    name NOT NULL DEFAULT @extschema@.actor(),
  stage          text NOT NULL DEFAULT 'clue' REFERENCES @extschema@.clue_stage (stage),
  stage_since    timestamptz NOT NULL DEFAULT now(),
  stage_due_at   timestamptz,
  handler        name,
  decision_kind  text CHECK (decision_kind IN ('party_discipline', 'government_sanction', 'organisational',
                                               'criminal_referral', 'no_sanction')),
  decision_ref   text,
  decided_at     timestamptz,
  outcome        text CHECK (outcome IN ('sanctioned', 'no_sanction', 'handled_without_case', 'unfounded', 'referred')),
  closed_from    text REFERENCES @extschema@.clue_stage (stage),
  closed_at      timestamptz,
  CHECK ((source = 'alert') = (alert_id IS NOT NULL)),
  CHECK ((stage = 'closed') = (closed_at IS NOT NULL)),
  CHECK ((stage = 'closed') = (outcome IS NOT NULL)),
  CHECK ((stage = 'closed') = (stage_due_at IS NULL)),
  CHECK ((decision_kind IS NULL) = (decided_at IS NULL))
);
CREATE INDEX clue_unit_idx ON @extschema@.clue (unit_code);
CREATE INDEX clue_subject_idx ON @extschema@.clue (subject_kind, subject_key, received_at);
CREATE INDEX clue_due_idx ON @extschema@.clue (stage_due_at) WHERE stage <> 'closed';
-- An alert is escalated into at most one clue at a time.
CREATE UNIQUE INDEX clue_one_open_per_alert ON @extschema@.clue (alert_id) WHERE stage <> 'closed';
COMMENT ON TABLE @extschema@.clue IS
  'Case clues (案件线索): unit, source (complaint 信访举报, alert 预警, audit_finding 审计发现, inspection_tour 巡察) and the alert it came from, subject, summary, stage with the time it was entered and its deadline, handler, the decision (kind, document number, time), the outcome and the stage it was closed from. Written only by the entry-point functions; read under row-level security by unit.';
COMMENT ON COLUMN @extschema@.clue.decision_ref IS
  'Number of the decision document (处理决定 or 了结审批): a clue closed without one is what rule CLUE_CLOSED_NO_DECISION finds.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.clue', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.clue_clue_id_seq', '');

CREATE FUNCTION @extschema@.clue_stage_guard() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NEW.stage IS DISTINCT FROM OLD.stage
     AND (OLD.stage, NEW.stage) NOT IN (('clue', 'verification'), ('verification', 'filed'), ('filed', 'trial'),
                                        ('trial', 'execution'), ('execution', 'closed'),
                                        ('clue', 'closed'), ('verification', 'closed'), ('filed', 'closed'),
                                        ('trial', 'closed')) THEN
    RAISE EXCEPTION 'illegal stage change of clue %: % to %', OLD.clue_id, OLD.stage, NEW.stage
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Allowed: clue to verification to filed to trial to execution to closed, and closing from any stage before execution.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.clue_stage_guard() IS
  'BEFORE UPDATE trigger on cleangov.clue: refuses an illegal stage change with 55000 (a closed clue stays closed; no stage is skipped). Volatile because it is a trigger; parallel unsafe because it is a trigger.';
CREATE TRIGGER clue_stage_guard BEFORE UPDATE OF stage ON @extschema@.clue
  FOR EACH ROW EXECUTE FUNCTION @extschema@.clue_stage_guard();

CREATE TABLE @extschema@.clue_event (
  event_id   bigserial PRIMARY KEY,
  clue_id    bigint NOT NULL REFERENCES @extschema@.clue (clue_id),
  event      text NOT NULL CHECK (event IN ('received', 'verification_started', 'filed', 'sent_to_trial',
                                            'decided', 'executed', 'closed', 'handler_changed')),
  at         timestamptz NOT NULL DEFAULT now(),
  by_role    name NOT NULL DEFAULT @extschema@.actor(),
  from_stage text,
  to_stage   text,
  handler    name,
  note       text,
  detail     jsonb
);
CREATE INDEX clue_event_clue_idx ON @extschema@.clue_event (clue_id, event_id);
COMMENT ON TABLE @extschema@.clue_event IS
  'Audit trail of case clues: every transition with time, the acting role, the stages, the handler, a note and details (the decision; the verdict passed back to the alert). Append-only: UPDATE, DELETE and TRUNCATE are refused (42501), also for the owner.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.clue_event', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.clue_event_event_id_seq', '');
CREATE TRIGGER clue_event_append_only BEFORE UPDATE OR DELETE ON @extschema@.clue_event
  FOR EACH ROW EXECUTE FUNCTION @extschema@.append_only();
CREATE TRIGGER clue_event_no_truncate BEFORE TRUNCATE ON @extschema@.clue_event
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.append_only();

CREATE FUNCTION @extschema@.clue_stage_name(stage text, lang text DEFAULT 'en') RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  BEGIN ATOMIC
    SELECT CASE WHEN lang = 'zh' THEN s.name_zh ELSE s.name_en END
      FROM @extschema@.clue_stage s WHERE s.stage = clue_stage_name.stage;
  END;
COMMENT ON FUNCTION @extschema@.clue_stage_name(text, text) IS
  'Name of a clue stage in English (lang ''en'') or Chinese (''zh''), from cleangov.clue_stage. Stable because it reads cleangov.clue_stage.';

CREATE FUNCTION @extschema@.clue_outcome_name(outcome text, lang text DEFAULT 'en') RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN lang = 'zh' THEN
           CASE outcome WHEN 'sanctioned' THEN '给予处理' WHEN 'no_sanction' THEN '免予处理'
                        WHEN 'handled_without_case' THEN '了结（谈话提醒、批评教育）'
                        WHEN 'unfounded' THEN '了结（反映失实）' WHEN 'referred' THEN '移送有关单位' END
         ELSE
           CASE outcome WHEN 'sanctioned' THEN 'sanctioned' WHEN 'no_sanction' THEN 'found, no sanction'
                        WHEN 'handled_without_case' THEN 'closed by a talk or criticism, no case'
                        WHEN 'unfounded' THEN 'closed as unfounded' WHEN 'referred' THEN 'referred to another body' END
         END;
COMMENT ON FUNCTION @extschema@.clue_outcome_name(text, text) IS
  'Name of a clue outcome in English or Chinese: sanctioned 给予处理, no_sanction 免予处理, handled_without_case 了结（谈话提醒、批评教育）, unfounded 了结（反映失实）, referred 移送有关单位.';

-- The deadline of a stage entered at a time: NULL for closed.
CREATE FUNCTION @extschema@.clue_stage_due(stage text, since timestamptz) RETURNS timestamptz
  LANGUAGE sql STABLE PARALLEL SAFE
  BEGIN ATOMIC
    SELECT since + make_interval(days => s.limit_days)
      FROM @extschema@.clue_stage s WHERE s.stage = clue_stage_due.stage;
  END;
COMMENT ON FUNCTION @extschema@.clue_stage_due(text, timestamptz) IS
  'Deadline of a clue stage entered at since: since plus the stage''s limit_days (NULL for closed). Stable because it reads cleangov.clue_stage.';

-- Locks a clue for a transition: a hidden clue and a missing one get the
-- same answer (42704), a clue in the wrong stage 55000.  Internal: called by
-- the entry points (as their owner); executable by nobody else.
CREATE FUNCTION @extschema@.clue_for_transition(clue_id bigint, needed text[], action text)
  RETURNS @extschema@.clue
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  c @extschema@.clue;
BEGIN
  IF clue_id IS NULL THEN
    RAISE EXCEPTION 'clue_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT * INTO c FROM @extschema@.clue x WHERE x.clue_id = clue_for_transition.clue_id FOR UPDATE;
  IF NOT FOUND OR NOT @extschema@.may_handle(c.unit_code) THEN
    RAISE EXCEPTION 'clue % does not exist', clue_for_transition.clue_id
      USING ERRCODE = 'undefined_object',
            HINT = 'Clues of units not assigned to you are not shown.';
  END IF;
  IF c.stage <> ALL (needed) THEN
    RAISE EXCEPTION 'clue % is in stage % (%): % needs stage %', c.clue_id, c.stage,
                    @extschema@.clue_stage_name(c.stage, 'zh'), action, array_to_string(needed, ' or ')
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  RETURN c;
END
$$;
COMMENT ON FUNCTION @extschema@.clue_for_transition(bigint, text[], text) IS
  'Internal: locks a clue for a transition; 42704 for a missing clue or one of a unit the acting role may not handle (the same answer), 55000 when the clue is not in one of the needed stages, 22004 for a NULL id. Volatile because it locks the row; parallel unsafe because it locks.';

CREATE FUNCTION @extschema@.receive_clue(unit_code text, source text, subject_kind text, subject_key text,
                                         summary text, handler name DEFAULT NULL,
                                         received_at timestamptz DEFAULT now())
  RETURNS @extschema@.clue
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  c @extschema@.clue;
BEGIN
  IF receive_clue.unit_code IS NULL OR receive_clue.source IS NULL OR receive_clue.subject_kind IS NULL
     OR receive_clue.subject_key IS NULL OR receive_clue.summary IS NULL OR receive_clue.received_at IS NULL THEN
    RAISE EXCEPTION 'unit_code, source, subject_kind, subject_key, summary and received_at are required'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF receive_clue.source NOT IN ('complaint', 'audit_finding', 'inspection_tour') THEN
    RAISE EXCEPTION 'source must be complaint, audit_finding or inspection_tour, not %', quote_literal(receive_clue.source)
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'An alert becomes a clue through cleangov.alert_to_clue(alert_id).';
  END IF;
  IF receive_clue.received_at > now() THEN
    RAISE EXCEPTION 'received_at % is in the future', receive_clue.received_at
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT EXISTS (SELECT FROM @extschema@.unit u WHERE u.unit_code = receive_clue.unit_code)
     OR NOT @extschema@.may_handle(receive_clue.unit_code) THEN
    RAISE EXCEPTION 'unit "%" does not exist', receive_clue.unit_code
      USING ERRCODE = 'undefined_object',
            HINT = 'Clues are received for units assigned to you.';
  END IF;
  INSERT INTO @extschema@.clue AS x (unit_code, source, subject_kind, subject_key, summary, received_at, stage,
                                     stage_since, stage_due_at, handler)
  VALUES (receive_clue.unit_code, receive_clue.source, receive_clue.subject_kind, receive_clue.subject_key,
          receive_clue.summary, receive_clue.received_at, 'clue', receive_clue.received_at,
          @extschema@.clue_stage_due('clue', receive_clue.received_at), receive_clue.handler)
  RETURNING * INTO c;
  INSERT INTO @extschema@.clue_event (clue_id, event, from_stage, to_stage, handler, detail)
  VALUES (c.clue_id, 'received', NULL, 'clue', c.handler,
          jsonb_build_object('source', c.source, 'received_at', c.received_at, 'due_at', c.stage_due_at));
  RETURN c;
END
$$;
COMMENT ON FUNCTION @extschema@.receive_clue(text, text, text, text, text, name, timestamptz) IS
  'Registers a case clue from a complaint (信访举报), an audit finding (审计发现) or an inspection tour (巡察) for a unit the acting role may handle, in stage clue with its deadline; received_at may be in the past (a letter registered late), never in the future. Raises 22004 for a missing argument, 22023 for another source (an alert goes through alert_to_clue()) or a future time, 42704 for a unit that does not exist or is not assigned to the acting role. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to clues.';

CREATE FUNCTION @extschema@.alert_to_clue(alert_id bigint, summary text DEFAULT NULL, handler name DEFAULT NULL)
  RETURNS @extschema@.clue
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  a @extschema@.alert;
  c @extschema@.clue;
  open_clue bigint;
  red boolean;
BEGIN
  IF alert_to_clue.alert_id IS NULL THEN
    RAISE EXCEPTION 'alert_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT * INTO a FROM @extschema@.alert x WHERE x.alert_id = alert_to_clue.alert_id FOR UPDATE;
  IF NOT FOUND OR NOT @extschema@.may_handle(a.unit_code) THEN
    RAISE EXCEPTION 'alert % does not exist', alert_to_clue.alert_id
      USING ERRCODE = 'undefined_object',
            HINT = 'Alerts of units not assigned to you are not shown.';
  END IF;
  IF a.status = 'dismissed' THEN
    RAISE EXCEPTION 'alert % is dismissed as a false positive and cannot become a clue', a.alert_id
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF a.unit_code IS NULL THEN
    RAISE EXCEPTION 'alert % has no unit: a clue needs the unit that handles it', a.alert_id
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT x.clue_id INTO open_clue FROM @extschema@.clue x
   WHERE x.alert_id = a.alert_id AND x.stage <> 'closed';
  IF FOUND THEN
    RAISE EXCEPTION 'alert % is already clue %', a.alert_id, open_clue
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'An alert is one open clue at a time; close that clue first.';
  END IF;
  -- The red level's handling is preliminary verification at once (seed 001).
  red := a.level = 'red';
  INSERT INTO @extschema@.clue AS x (unit_code, source, alert_id, subject_kind, subject_key, summary, stage,
                                     stage_since, stage_due_at, handler)
  VALUES (a.unit_code, 'alert', a.alert_id, a.subject_kind, a.subject_key,
          coalesce(alert_to_clue.summary, format('alert %s of rule %s', a.alert_id, a.rule_code)),
          CASE WHEN red THEN 'verification' ELSE 'clue' END, now(),
          @extschema@.clue_stage_due(CASE WHEN red THEN 'verification' ELSE 'clue' END, now()), alert_to_clue.handler)
  RETURNING * INTO c;
  INSERT INTO @extschema@.clue_event (clue_id, event, from_stage, to_stage, handler, detail)
  SELECT c.clue_id, e.event, e.from_stage, e.to_stage, c.handler, e.detail
    FROM (VALUES (1, 'received', NULL, 'clue',
                  jsonb_build_object('source', 'alert', 'alert_id', a.alert_id, 'rule_code', a.rule_code,
                                     'level', a.level)),
                 (2, 'verification_started', 'clue', 'verification',
                  jsonb_build_object('reason', 'red alert: preliminary verification at once (红色预警直接启动初核)',
                                     'due_at', c.stage_due_at))) e(n, event, from_stage, to_stage, detail)
   WHERE e.n = 1 OR red
   ORDER BY e.n;
  -- The alert's own trail says it became a clue (its status is unchanged:
  -- the clue's outcome comes back to it as its review).
  INSERT INTO @extschema@.alert_event (alert_id, event, from_status, to_status, from_level, to_level, detail)
  VALUES (a.alert_id, 'clue_opened', a.status, a.status, a.level, a.level,
          jsonb_build_object('clue_id', c.clue_id, 'stage', c.stage, 'stage_due_at', c.stage_due_at));
  RETURN c;
END
$$;
COMMENT ON FUNCTION @extschema@.alert_to_clue(bigint, text, name) IS
  'Escalates an alert into a case clue of the alert''s unit and subject: a red alert goes to preliminary verification at once (直接启动初核, seed 001), any other to stage clue. Raises 22004 for a NULL id or an alert with no unit, 42704 for an alert that does not exist or is not visible to the acting role, 55000 for a dismissed alert or one that already is an open clue. The alert''s trail gets an event clue_opened (with the clue''s id and stage); the clue''s outcome later becomes the alert''s review (see close_clue(), execute_decision()). Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to clues.';

CREATE FUNCTION @extschema@.assign_clue(clue_id bigint, handler name, note text DEFAULT NULL)
  RETURNS @extschema@.clue
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  c @extschema@.clue;
BEGIN
  IF assign_clue.handler IS NULL THEN
    RAISE EXCEPTION 'handler must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  c := @extschema@.clue_for_transition(assign_clue.clue_id,
                                       '{clue,verification,filed,trial,execution}', 'assign_clue');
  UPDATE @extschema@.clue x SET handler = assign_clue.handler WHERE x.clue_id = c.clue_id RETURNING * INTO c;
  INSERT INTO @extschema@.clue_event (clue_id, event, from_stage, to_stage, handler, note)
  VALUES (c.clue_id, 'handler_changed', c.stage, c.stage, c.handler, assign_clue.note);
  RETURN c;
END
$$;
COMMENT ON FUNCTION @extschema@.assign_clue(bigint, name, text) IS
  'Gives an open clue a (new) handler (承办人). Raises 22004 for a NULL handler, 42704 for a clue that does not exist or is not visible, 55000 for a closed clue. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to clues.';

-- One step forward along the pipeline (the four plain transitions).
CREATE FUNCTION @extschema@.clue_step(clue_id bigint, from_stage text, to_stage text, event text, action text,
                                      note text, handler name DEFAULT NULL)
  RETURNS @extschema@.clue
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  c @extschema@.clue;
BEGIN
  c := @extschema@.clue_for_transition(clue_step.clue_id, ARRAY[clue_step.from_stage], clue_step.action);
  UPDATE @extschema@.clue x
     SET stage = clue_step.to_stage, stage_since = now(),
         stage_due_at = @extschema@.clue_stage_due(clue_step.to_stage, now()),
         handler = coalesce(clue_step.handler, x.handler)
   WHERE x.clue_id = c.clue_id
  RETURNING * INTO c;
  INSERT INTO @extschema@.clue_event (clue_id, event, from_stage, to_stage, handler, note, detail)
  VALUES (c.clue_id, clue_step.event, clue_step.from_stage, clue_step.to_stage, c.handler, clue_step.note,
          jsonb_build_object('due_at', c.stage_due_at));
  RETURN c;
END
$$;
COMMENT ON FUNCTION @extschema@.clue_step(bigint, text, text, text, text, text, name) IS
  'Internal: moves a clue one stage forward with its new deadline and event (start_verification, file_case, send_to_trial). Volatile because it writes; parallel unsafe because it writes.';

CREATE FUNCTION @extschema@.start_verification(clue_id bigint, handler name DEFAULT NULL, note text DEFAULT NULL)
  RETURNS @extschema@.clue
  LANGUAGE sql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  RETURN @extschema@.clue_step(clue_id, 'clue', 'verification', 'verification_started', 'start_verification', note, handler);
COMMENT ON FUNCTION @extschema@.start_verification(bigint, name, text) IS
  'Disposal of a clue by preliminary verification (初步核实): stage clue to verification, with the stage''s deadline and optionally a handler. Raises 42704 for a clue that does not exist or is not visible, 55000 for a clue in another stage. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to clues.';

CREATE FUNCTION @extschema@.file_case(clue_id bigint, note text DEFAULT NULL)
  RETURNS @extschema@.clue
  LANGUAGE sql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  RETURN @extschema@.clue_step(clue_id, 'verification', 'filed', 'filed', 'file_case', note);
COMMENT ON FUNCTION @extschema@.file_case(bigint, text) IS
  'Files a case (立案) after preliminary verification: stage verification to filed, with the investigation''s deadline. Raises 42704 for a clue that does not exist or is not visible, 55000 for a clue in another stage. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to clues.';

CREATE FUNCTION @extschema@.send_to_trial(clue_id bigint, note text DEFAULT NULL)
  RETURNS @extschema@.clue
  LANGUAGE sql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  RETURN @extschema@.clue_step(clue_id, 'filed', 'trial', 'sent_to_trial', 'send_to_trial', note);
COMMENT ON FUNCTION @extschema@.send_to_trial(bigint, text) IS
  'Sends an investigated case to trial (移送审理): stage filed to trial, with the hearing''s deadline. Raises 42704 for a clue that does not exist or is not visible, 55000 for a clue in another stage. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to clues.';

CREATE FUNCTION @extschema@.decide_case(clue_id bigint, decision_kind text, decision_ref text, note text DEFAULT NULL)
  RETURNS @extschema@.clue
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  c @extschema@.clue;
BEGIN
  IF decide_case.decision_kind IS NULL OR decide_case.decision_ref IS NULL OR btrim(decide_case.decision_ref) = '' THEN
    RAISE EXCEPTION 'a decision needs its kind and the number of its document'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF decide_case.decision_kind NOT IN ('party_discipline', 'government_sanction', 'organisational',
                                       'criminal_referral', 'no_sanction') THEN
    RAISE EXCEPTION 'decision_kind must be party_discipline, government_sanction, organisational, criminal_referral or no_sanction, not %',
                    quote_literal(decide_case.decision_kind)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  c := @extschema@.clue_for_transition(decide_case.clue_id, '{trial}', 'decide_case');
  UPDATE @extschema@.clue x
     SET stage = 'execution', stage_since = now(), stage_due_at = @extschema@.clue_stage_due('execution', now()),
         decision_kind = decide_case.decision_kind, decision_ref = decide_case.decision_ref, decided_at = now()
   WHERE x.clue_id = c.clue_id
  RETURNING * INTO c;
  INSERT INTO @extschema@.clue_event (clue_id, event, from_stage, to_stage, handler, note, detail)
  VALUES (c.clue_id, 'decided', 'trial', 'execution', c.handler, decide_case.note,
          jsonb_build_object('decision_kind', c.decision_kind, 'decision_ref', c.decision_ref, 'due_at', c.stage_due_at));
  RETURN c;
END
$$;
COMMENT ON FUNCTION @extschema@.decide_case(bigint, text, text, text) IS
  'Records the decision of the trial (审理决定): party_discipline 党纪处分, government_sanction 政务处分, organisational 组织处理, criminal_referral 移送司法, no_sanction 免予处分, with the number of its document; stage trial to execution. Raises 22004 for a missing kind or document number, 22023 for an unknown kind, 42704 for a clue that does not exist or is not visible, 55000 for a clue in another stage. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to clues.';

-- Closes a clue with its outcome and passes the outcome to the alert it came
-- from through the alert's own review path (review(): its events, its
-- dismissal of a false positive).  Internal.
CREATE FUNCTION @extschema@.clue_close(c @extschema@.clue, outcome text, decision_ref text, event text, note text)
  RETURNS @extschema@.clue
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  verdict text;
  a_status text;
  passed jsonb;
  closed @extschema@.clue;
BEGIN
  UPDATE @extschema@.clue x
     SET stage = 'closed', stage_since = now(), stage_due_at = NULL, outcome = clue_close.outcome,
         decision_ref = coalesce(x.decision_ref, clue_close.decision_ref), closed_from = x.stage, closed_at = now()
   WHERE x.clue_id = (clue_close.c).clue_id
  RETURNING * INTO closed;
  IF closed.alert_id IS NOT NULL THEN
    verdict := CASE WHEN clue_close.outcome = 'unfounded' THEN 'false_positive'
                    WHEN clue_close.outcome IN ('sanctioned', 'no_sanction', 'handled_without_case') THEN 'confirmed' END;
    SELECT a.status INTO a_status FROM @extschema@.alert a WHERE a.alert_id = closed.alert_id;
    IF verdict IS NULL THEN
      passed := jsonb_build_object('alert_id', closed.alert_id, 'verdict', NULL, 'why', 'referred: no verdict');
    ELSIF a_status = 'dismissed' THEN
      passed := jsonb_build_object('alert_id', closed.alert_id, 'verdict', NULL, 'why', 'alert already dismissed');
    ELSE
      PERFORM @extschema@.review(closed.alert_id, verdict,
                                 format('clue %s: %s (%s)', closed.clue_id, clue_close.outcome,
                                        @extschema@.clue_outcome_name(clue_close.outcome, 'zh')));
      passed := jsonb_build_object('alert_id', closed.alert_id, 'verdict', verdict);
    END IF;
  END IF;
  INSERT INTO @extschema@.clue_event (clue_id, event, from_stage, to_stage, handler, note, detail)
  VALUES (closed.clue_id, clue_close.event, closed.closed_from, 'closed', closed.handler, clue_close.note,
          jsonb_strip_nulls(jsonb_build_object('outcome', closed.outcome, 'decision_ref', closed.decision_ref,
                                               'alert_review', passed)));
  RETURN closed;
END
$$;
COMMENT ON FUNCTION @extschema@.clue_close(@extschema@.clue, text, text, text, text) IS
  'Internal: closes a locked clue with its outcome and event; the outcome of a clue that came from an alert becomes the alert''s review through review() (unfounded: false_positive, which dismisses the alert; sanctioned, no_sanction, handled_without_case: confirmed; referred: no verdict; an alert dismissed meanwhile is left alone). Volatile because it writes; parallel unsafe because it writes.';

CREATE FUNCTION @extschema@.execute_decision(clue_id bigint, note text DEFAULT NULL)
  RETURNS @extschema@.clue
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  c @extschema@.clue;
BEGIN
  c := @extschema@.clue_for_transition(execute_decision.clue_id, '{execution}', 'execute_decision');
  RETURN @extschema@.clue_close(c, CASE WHEN c.decision_kind = 'no_sanction' THEN 'no_sanction' ELSE 'sanctioned' END,
                                NULL, 'executed', execute_decision.note);
END
$$;
COMMENT ON FUNCTION @extschema@.execute_decision(bigint, text) IS
  'Records that the decision was carried out (处理决定执行到位) and closes the case with outcome sanctioned (no_sanction for a decision of no sanction); a clue from an alert confirms the alert (review()). Raises 42704 for a clue that does not exist or is not visible, 55000 for a clue not in stage execution. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to clues.';

CREATE FUNCTION @extschema@.close_clue(clue_id bigint, outcome text, decision_ref text DEFAULT NULL, note text DEFAULT NULL)
  RETURNS @extschema@.clue
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  c @extschema@.clue;
BEGIN
  IF close_clue.outcome IS NULL THEN
    RAISE EXCEPTION 'outcome must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF close_clue.outcome NOT IN ('handled_without_case', 'unfounded', 'referred') THEN
    RAISE EXCEPTION 'outcome must be handled_without_case, unfounded or referred, not %', quote_literal(close_clue.outcome)
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A sanction (or none) is decided by decide_case() and closed by execute_decision().';
  END IF;
  c := @extschema@.clue_for_transition(close_clue.clue_id, '{clue,verification,filed,trial}', 'close_clue');
  RETURN @extschema@.clue_close(c, close_clue.outcome, nullif(btrim(close_clue.decision_ref), ''), 'closed', close_clue.note);
END
$$;
COMMENT ON FUNCTION @extschema@.close_clue(bigint, text, text, text) IS
  'Closes a clue before any decision is executed (予以了结, 撤销案件): outcome handled_without_case (talk or criticism, no case), unfounded (反映失实) or referred (to another body), with the number of the closing decision (了结审批) when there is one: a clue closed without it is what rule CLUE_CLOSED_NO_DECISION finds. A clue from an alert passes the outcome to the alert''s review (unfounded: false_positive; handled_without_case: confirmed). Raises 22004/22023 for a missing/other outcome, 42704 for a clue that does not exist or is not visible, 55000 for a clue in stage execution (execute the decision) or closed. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to clues.';

CREATE VIEW @extschema@.clue_detail WITH (security_invoker = true) AS
SELECT c.clue_id, c.unit_code, u.name AS unit_name, u.name_zh AS unit_name_zh, c.source, c.alert_id,
       c.subject_kind, c.subject_key, c.summary, c.received_at, c.stage, s.name_en AS stage_en, s.name_zh AS stage_zh,
       c.stage_since, c.stage_due_at, c.stage <> 'closed' AND c.stage_due_at < now() AS overdue,
       c.handler, c.decision_kind, c.decision_ref, c.decided_at, c.outcome,
       @extschema@.clue_outcome_name(c.outcome) AS outcome_en, @extschema@.clue_outcome_name(c.outcome, 'zh') AS outcome_zh,
       c.closed_from, c.closed_at
  FROM @extschema@.clue c
  JOIN @extschema@.clue_stage s ON s.stage = c.stage
  LEFT JOIN @extschema@.unit u ON u.unit_code = c.unit_code;
COMMENT ON VIEW @extschema@.clue_detail IS
  'Case clues with unit names, the stage in English and Chinese, whether the stage is overdue now, and the outcome''s names. security_invoker: row-level security of clues applies.';

-- ---- rules over the clues ---------------------------------------------------
-- Evaluated by clue_check(as_of) below, not by the rule engine: see
-- doc/clues.md, "Why a check function".
INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('CLUE_STAGE_OVERDUE', 'case clue stage time limit exceeded', '线索办理超过阶段时限', 'supervision', 'clue handling', 'clue',
  '{"grace_days": 0, "red_after_days": 30}', 'yellow',
  'A clue still in a stage more than {grace_days} days past the stage''s limit (cleangov.clue_stage.limit_days): yellow, red when more than {red_after_days} days past. One alert per clue and stage (period = the stage). Evaluated by cleangov.clue_check().'),
 ('CLUE_CLOSED_NO_DECISION', 'case clue closed without a decision', '线索了结无处置决定', 'supervision', 'clue handling', 'clue',
  '{"red_from": ["filed", "trial"]}', 'yellow',
  'A clue closed with no decision document (处理决定 or 了结审批): yellow; red when it was closed from a stage in {red_from} (a filed case closed without a decision). Evaluated by cleangov.clue_check().'),
 ('CLUE_REPEATED_COMPLAINT', 'repeated complaints about the same subject', '同一对象重复举报', 'supervision', 'clue handling', 'clue',
  '{"min_complaints": 3, "window_days": 365, "red_complaints": 5}', 'yellow',
  'At least {min_complaints} complaints (source complaint) about the same subject received within {window_days} days up to the check: yellow, red from {red_complaints}. Subject = the complained-about subject; unit = the unit of the latest complaint. Evaluated by cleangov.clue_check().');

-- The hits of a check function (clue_check, order_check) raised as alerts,
-- with the rule of each.  raise_alerts() runs in a statement of its own: a
-- query joining its result to cleangov.alert would not see the alerts it has
-- just raised.  Internal.
CREATE FUNCTION @extschema@.raise_checked(hits @extschema@.hit[])
  RETURNS TABLE (rule_code text, alert_id bigint, action text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  ids bigint[];
  acts text[];
BEGIN
  SELECT array_agg(r.alert_id), array_agg(r.action) INTO ids, acts FROM @extschema@.raise_alerts(hits) r;
  RETURN QUERY
    SELECT a.rule_code, r.alert_id, r.action
      FROM unnest(ids, acts) r(alert_id, action)
      JOIN @extschema@.alert a ON a.alert_id = r.alert_id
     ORDER BY a.rule_code, r.alert_id;
END
$$;
COMMENT ON FUNCTION @extschema@.raise_checked(@extschema@.hit[]) IS
  'Internal: raises the hits of a check function through raise_alerts() and returns (rule_code, alert_id, action) for each. Volatile because it writes alerts; parallel unsafe because it writes.';

CREATE FUNCTION @extschema@.clue_check(as_of timestamptz DEFAULT now())
  RETURNS TABLE (rule_code text, alert_id bigint, action text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  hits @extschema@.hit[];
BEGIN
  IF as_of IS NULL THEN
    RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  WITH t AS (
    SELECT r.rule_code, r.thresholds FROM @extschema@.rule r
     WHERE r.rule_code IN ('CLUE_STAGE_OVERDUE', 'CLUE_CLOSED_NO_DECISION', 'CLUE_REPEATED_COMPLAINT') AND r.enabled
  ), overdue AS (
    SELECT ROW('CLUE_STAGE_OVERDUE', 'clue', c.clue_id::text, c.unit_code, c.stage,
               floor(extract(epoch FROM as_of - c.stage_due_at) / 86400)::float8,
               (t.thresholds ->> 'grace_days')::float8,
               CASE WHEN as_of - c.stage_due_at > make_interval(days => (t.thresholds ->> 'red_after_days')::int)
                    THEN 'red' ELSE 'yellow' END::@extschema@.level,
               jsonb_build_object('clue_id', c.clue_id, 'stage', c.stage, 'stage_zh', s.name_zh,
                                  'stage_since', c.stage_since, 'due_at', c.stage_due_at,
                                  'limit_days', s.limit_days, 'handler', c.handler),
               'cleangov.clue', c.clue_id::text)::@extschema@.hit AS h
      FROM @extschema@.clue c
      JOIN @extschema@.clue_stage s ON s.stage = c.stage
      JOIN t ON t.rule_code = 'CLUE_STAGE_OVERDUE'
     WHERE c.stage <> 'closed'
       AND c.stage_due_at + make_interval(days => (t.thresholds ->> 'grace_days')::int) < as_of
  ), undecided AS (
    SELECT ROW('CLUE_CLOSED_NO_DECISION', 'clue', c.clue_id::text, c.unit_code, '', NULL, NULL,
               CASE WHEN c.closed_from IN (SELECT jsonb_array_elements_text(t.thresholds -> 'red_from'))
                    THEN 'red' ELSE 'yellow' END::@extschema@.level,
               jsonb_build_object('clue_id', c.clue_id, 'closed_from', c.closed_from, 'outcome', c.outcome,
                                  'closed_at', c.closed_at, 'handler', c.handler),
               'cleangov.clue', c.clue_id::text)::@extschema@.hit
      FROM @extschema@.clue c
      JOIN t ON t.rule_code = 'CLUE_CLOSED_NO_DECISION'
     WHERE c.stage = 'closed' AND c.decision_ref IS NULL AND c.closed_at <= as_of
  ), complaints AS (
    SELECT c.subject_kind, c.subject_key, count(*) AS n,
           jsonb_agg(c.clue_id ORDER BY c.clue_id) AS clue_ids,
           (array_agg(c.unit_code ORDER BY c.received_at DESC, c.clue_id DESC))[1] AS unit_code,
           min(t.thresholds::text)::jsonb AS thresholds
      FROM @extschema@.clue c
      JOIN t ON t.rule_code = 'CLUE_REPEATED_COMPLAINT'
     WHERE c.source = 'complaint' AND c.received_at <= as_of
       AND c.received_at > as_of - make_interval(days => (t.thresholds ->> 'window_days')::int)
     GROUP BY c.subject_kind, c.subject_key
  ), repeated AS (
    SELECT ROW('CLUE_REPEATED_COMPLAINT', m.subject_kind, m.subject_key, m.unit_code, '', m.n::float8,
               (m.thresholds ->> 'min_complaints')::float8,
               CASE WHEN m.n >= (m.thresholds ->> 'red_complaints')::int THEN 'red' ELSE 'yellow' END::@extschema@.level,
               jsonb_build_object('complaints', m.n, 'clue_ids', m.clue_ids,
                                  'window_days', (m.thresholds ->> 'window_days')::int),
               'cleangov.clue', NULL)::@extschema@.hit
      FROM complaints m
     WHERE m.n >= (m.thresholds ->> 'min_complaints')::int
  )
  SELECT coalesce(array_agg(x.h), '{}') INTO hits
    FROM (SELECT h FROM overdue UNION ALL SELECT * FROM undecided UNION ALL SELECT * FROM repeated) x(h);
  RETURN QUERY SELECT * FROM @extschema@.raise_checked(hits);
END
$$;
COMMENT ON FUNCTION @extschema@.clue_check(timestamptz) IS
  'Evaluates the rules over case clues as of as_of and raises their alerts through raise_alerts(): CLUE_STAGE_OVERDUE (a stage past its limit), CLUE_CLOSED_NO_DECISION (closed with no decision document), CLUE_REPEATED_COMPLAINT (repeated complaints about one subject within a window); thresholds from the rules'' rows, disabled rules skipped. Returns (rule_code, alert_id, action). Idempotent at one as_of. Raises 22004 for a NULL as_of. Volatile because it writes alerts; parallel unsafe because it writes; security definer so that it reads every unit''s clues and raises alerts (a pg_cron job of an admin).';

-- ---- access -----------------------------------------------------------------
-- Read under row-level security by unit (like alerts); written only through
-- the entry points.  The admin maintains the stage limits.  EXECUTE is
-- granted here, beside the functions (99_privileges.sql revokes only PUBLIC's).
GRANT SELECT ON @extschema@.clue_stage TO cleangov_admin, cleangov_inspector, cleangov_analyst;
GRANT UPDATE ON @extschema@.clue_stage TO cleangov_admin;
GRANT SELECT ON @extschema@.clue, @extschema@.clue_event, @extschema@.clue_detail
   TO cleangov_admin, cleangov_inspector, cleangov_analyst;
ALTER TABLE @extschema@.clue ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.clue_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY clue_admin_analyst ON @extschema@.clue FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY clue_inspector ON @extschema@.clue FOR SELECT TO cleangov_inspector
  USING (unit_code IN (SELECT @extschema@.visible_units(current_user)));
CREATE POLICY clue_event_admin_analyst ON @extschema@.clue_event FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY clue_event_inspector ON @extschema@.clue_event FOR SELECT TO cleangov_inspector
  USING (clue_id IN (SELECT c.clue_id FROM @extschema@.clue c));

GRANT EXECUTE ON FUNCTION
  @extschema@.receive_clue(text, text, text, text, text, name, timestamptz),
  @extschema@.alert_to_clue(bigint, text, name),
  @extschema@.assign_clue(bigint, name, text),
  @extschema@.start_verification(bigint, name, text),
  @extschema@.file_case(bigint, text),
  @extschema@.send_to_trial(bigint, text),
  @extschema@.decide_case(bigint, text, text, text),
  @extschema@.execute_decision(bigint, text),
  @extschema@.close_clue(bigint, text, text, text)
  TO cleangov_admin, cleangov_inspector;
GRANT EXECUTE ON FUNCTION @extschema@.clue_check(timestamptz) TO cleangov_admin;
