-- Rectification evaluated (整改评估, seed 001): after an alert closes, a body
-- other than the unit itself records whether the gap was closed (制度漏洞是否
-- 填补), whether power now runs as it should (权力运行是否规范) and whether the
-- problem came back (是否反弹).  A failed evaluation reopens the alert through
-- reopen() (22_rectification.sql).  Closed alerts not evaluated within their
-- ladder's evaluate_days are overdue.  See doc/evaluation.md.

CREATE TABLE @extschema@.rectification_evaluation (
  evaluation_id    bigserial PRIMARY KEY,
  alert_id         bigint NOT NULL REFERENCES @extschema@.alert (alert_id),
  closed_at        timestamptz NOT NULL,
  closure_event    bigint REFERENCES @extschema@.alert_event (event_id),
  rectification_id bigint,
  evaluated_at     timestamptz NOT NULL DEFAULT now(),
  evaluated_by     name NOT NULL DEFAULT @extschema@.actor(),
  evaluator        text NOT NULL REFERENCES @extschema@.ladder_actor (actor) ON UPDATE CASCADE,
  evaluator_unit   text REFERENCES @extschema@.unit (unit_code) ON UPDATE CASCADE,
  gap_closed       boolean NOT NULL,
  power_regular    boolean NOT NULL,
  rebounded        boolean NOT NULL,
  passed           boolean NOT NULL GENERATED ALWAYS AS (gap_closed AND power_regular AND NOT rebounded) STORED,
  reopened         boolean NOT NULL,
  open_alert_id    bigint REFERENCES @extschema@.alert (alert_id),
  note             text,
  CHECK (NOT (passed AND reopened))
);
CREATE INDEX rectification_evaluation_alert_idx ON @extschema@.rectification_evaluation (alert_id, closed_at);
COMMENT ON TABLE @extschema@.rectification_evaluation IS
  'Evaluations of rectifications (整改评估), append-only, one row per evaluation: the alert and the closure evaluated (closed_at, its "rectified" event closure_event, the closing rectification), who evaluated (the role, the kind of evaluator and its unit), gap closed (制度漏洞是否填补), power runs as it should (权力运行是否规范), rebounded (是否反弹), passed (all three good). A failed evaluation reopened the alert (reopened), unless another alert was open for the same rule, subject and period (open_alert_id). Written only by evaluate_rectification().';
COMMENT ON COLUMN @extschema@.rectification_evaluation.gap_closed IS '制度漏洞是否填补: the loophole the alert showed is closed by a rule or procedure.';
COMMENT ON COLUMN @extschema@.rectification_evaluation.power_regular IS '权力运行是否规范: the power concerned now runs as it should.';
COMMENT ON COLUMN @extschema@.rectification_evaluation.rebounded IS '是否反弹: the problem came back (true fails the evaluation).';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rectification_evaluation', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rectification_evaluation_evaluation_id_seq', '');
CREATE TRIGGER rectification_evaluation_append_only BEFORE UPDATE OR DELETE ON @extschema@.rectification_evaluation
  FOR EACH ROW EXECUTE FUNCTION @extschema@.append_only();
CREATE TRIGGER rectification_evaluation_no_truncate BEFORE TRUNCATE ON @extschema@.rectification_evaluation
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.append_only();

CREATE FUNCTION @extschema@.closure_event(alert_id bigint) RETURNS bigint
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  BEGIN ATOMIC
    SELECT max(e.event_id) FROM @extschema@.alert_event e
     WHERE e.alert_id = closure_event.alert_id AND e.event = 'rectified';
  END;
COMMENT ON FUNCTION @extschema@.closure_event(bigint) IS
  'The "rectified" event of the alert''s latest closure (NULL if it has none): what an evaluation names as the closure it evaluated. Runs with the caller''s rights. Stable because it reads the event trail.';

CREATE FUNCTION @extschema@.evaluate_rectification(alert_id bigint, evaluator text,
                                                   gap_closed boolean, power_regular boolean, rebounded boolean,
                                                   evaluator_unit text DEFAULT NULL, note text DEFAULT NULL)
  RETURNS @extschema@.rectification_evaluation
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  a @extschema@.alert;
  who name := @extschema@.actor();
  outside_body boolean;
  ok boolean;
  eid bigint;
  did_reopen boolean := false;
  other bigint;
  e @extschema@.rectification_evaluation;
  closure bigint;
BEGIN
  IF evaluate_rectification.gap_closed IS NULL OR evaluate_rectification.power_regular IS NULL
     OR evaluate_rectification.rebounded IS NULL OR evaluate_rectification.evaluator IS NULL THEN
    RAISE EXCEPTION 'an evaluation needs the evaluator and all three findings (gap_closed, power_regular, rebounded)'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT x.outside INTO outside_body FROM @extschema@.ladder_actor x WHERE x.actor = evaluate_rectification.evaluator;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'evaluator "%" is not a code of cleangov.ladder_actor', evaluate_rectification.evaluator
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'See SELECT actor FROM cleangov.ladder_actor WHERE outside.';
  END IF;
  IF evaluate_rectification.evaluator_unit IS NOT NULL
     AND NOT EXISTS (SELECT FROM @extschema@.unit u WHERE u.unit_code = evaluate_rectification.evaluator_unit) THEN
    RAISE EXCEPTION 'unit "%" does not exist', evaluate_rectification.evaluator_unit
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  -- Hidden and missing alerts get the same answer, before anything else is told.
  SELECT * INTO a FROM @extschema@.alert x WHERE x.alert_id = evaluate_rectification.alert_id FOR UPDATE;
  IF NOT FOUND OR NOT @extschema@.may_handle(a.unit_code) THEN
    RAISE EXCEPTION 'alert % does not exist', evaluate_rectification.alert_id
      USING ERRCODE = 'undefined_object',
            HINT = 'Alerts of units not assigned to you are not shown.';
  END IF;
  IF a.status <> 'closed' THEN
    RAISE EXCEPTION 'alert % is %; only the rectification of a closed alert can be evaluated', a.alert_id, a.status
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  -- The unit does not evaluate its own rectification: not as the kind of
  -- evaluator, not as the evaluating unit (the unit or one of its offices),
  -- not as a role assigned to the unit or one of its offices (membership
  -- read from pg_auth_members: pg_has_role() makes a superuser a member of
  -- every role, and so of every unit).
  IF NOT outside_body
     OR evaluate_rectification.evaluator_unit IN (SELECT @extschema@.unit_subtree(a.unit_code))
     OR EXISTS (WITH RECURSIVE m(oid) AS (   -- the acting role and the roles it is a member of
                  SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = who
                  UNION
                  SELECT am.roleid FROM pg_catalog.pg_auth_members am JOIN m ON am.member = m.oid)
                SELECT FROM @extschema@.unit_assignment ua
                  JOIN pg_catalog.pg_roles r ON r.rolname = ua.role_name
                 WHERE ua.unit_code IN (SELECT @extschema@.unit_subtree(a.unit_code))
                   AND r.oid IN (SELECT m.oid FROM m)) THEN
    RAISE EXCEPTION 'the rectification of alert % cannot be evaluated by unit % itself', a.alert_id, a.unit_code
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = CASE WHEN NOT outside_body THEN format('Evaluator "%s" is the unit itself.', evaluate_rectification.evaluator)
                          WHEN evaluate_rectification.evaluator_unit IS NOT NULL
                           AND evaluate_rectification.evaluator_unit IN (SELECT @extschema@.unit_subtree(a.unit_code))
                          THEN format('Unit %s is the unit or one of its offices.', evaluate_rectification.evaluator_unit)
                          ELSE format('Role %s is assigned to the unit or one of its offices.', who) END,
            HINT = 'The evaluation is made by a body outside the unit: the discipline inspection body, a higher unit or a third party.';
  END IF;

  -- the closure evaluated: its "rectified" event (closed_at alone cannot
  -- tell two closures of one transaction apart)
  closure := @extschema@.closure_event(a.alert_id);
  ok := evaluate_rectification.gap_closed AND evaluate_rectification.power_regular AND NOT evaluate_rectification.rebounded;
  eid := nextval('@extschema@.rectification_evaluation_evaluation_id_seq');
  INSERT INTO @extschema@.alert_event (alert_id, event, from_status, to_status, from_level, to_level, note, detail)
  VALUES (a.alert_id, 'evaluated', 'closed', 'closed', a.level, a.level, evaluate_rectification.note,
          jsonb_build_object('evaluation_id', eid, 'passed', ok, 'evaluator', evaluate_rectification.evaluator,
                             'gap_closed', evaluate_rectification.gap_closed,
                             'power_regular', evaluate_rectification.power_regular,
                             'rebounded', evaluate_rectification.rebounded));
  IF NOT ok THEN
    -- the one reopen path, with its event; when the problem is already open
    -- again as another alert of the same key, the evaluation names that one
    BEGIN
      PERFORM @extschema@.reopen(a.alert_id, format('rectification failed evaluation %s', eid)
                                              || coalesce(': ' || evaluate_rectification.note, ''));
      did_reopen := true;
    EXCEPTION WHEN unique_violation THEN
      SELECT o.alert_id INTO other FROM @extschema@.alert o
       WHERE o.status = 'open' AND o.rule_code = a.rule_code
         AND @extschema@.alert_key(o.subject_kind, o.subject_key, o.period)
             = @extschema@.alert_key(a.subject_kind, a.subject_key, a.period)
         AND o.subject_kind = a.subject_kind AND o.subject_key = a.subject_key AND o.period = a.period;
    END;
  END IF;
  INSERT INTO @extschema@.rectification_evaluation AS t
         (evaluation_id, alert_id, closed_at, closure_event, rectification_id, evaluated_by, evaluator, evaluator_unit,
          gap_closed, power_regular, rebounded, reopened, open_alert_id, note)
  VALUES (eid, a.alert_id, a.closed_at, closure, a.closed_by_rectification, who, evaluate_rectification.evaluator,
          evaluate_rectification.evaluator_unit, evaluate_rectification.gap_closed,
          evaluate_rectification.power_regular, evaluate_rectification.rebounded, did_reopen, other,
          evaluate_rectification.note)
  RETURNING t.* INTO e;
  RETURN e;
END
$$;
COMMENT ON FUNCTION @extschema@.evaluate_rectification(bigint, text, boolean, boolean, boolean, text, text) IS
  'Evaluates the rectification of a closed alert (整改评估): gap closed, power runs as it should, rebounded; passed when the first two are true and the third false. Writes an "evaluated" event; a failed evaluation reopens the alert through reopen() (its "reopened" event, new deadline), or, when another alert is open for the same rule, subject and period, records that alert instead. Refused: 22004 for a missing finding or evaluator, 22023 for an evaluator that is no code of cleangov.ladder_actor, 23503 for an unknown evaluator unit, 42704 for an unknown alert or one of a unit not assigned to the acting role (the same answer), 55000 unless closed, 42501 when the unit would evaluate itself (evaluator "unit", an evaluator unit that is the alert''s unit or one of its offices, or an acting role assigned to one of them). Volatile because it writes; parallel unsafe because it writes; security definer so that evaluators need no write access to alerts.';

CREATE FUNCTION @extschema@.evaluations_overdue(as_of timestamptz DEFAULT now())
  RETURNS TABLE (alert_id bigint, rule_code text, unit_code text, level @extschema@.level, ladder_code text,
                 closed_at timestamptz, evaluate_by timestamptz, days_overdue integer)
  LANGUAGE sql STABLE PARALLEL SAFE
  BEGIN ATOMIC
    SELECT a.alert_id, a.rule_code, a.unit_code, a.level, l.ladder_code, a.closed_at,
           a.closed_at + make_interval(days => l.evaluate_days),
           floor(extract(epoch FROM as_of - (a.closed_at + make_interval(days => l.evaluate_days))) / 86400)::integer
      FROM @extschema@.alert a
      JOIN @extschema@.ladder l ON l.ladder_code = @extschema@.ladder_of(a.rule_code)
     WHERE a.status = 'closed'
       AND a.closed_at + make_interval(days => l.evaluate_days) < as_of
       AND NOT EXISTS (SELECT FROM @extschema@.rectification_evaluation e
                        WHERE e.alert_id = a.alert_id AND e.closed_at = a.closed_at
                          AND e.closure_event IS NOT DISTINCT FROM @extschema@.closure_event(a.alert_id))
     ORDER BY a.closed_at, a.alert_id;
  END;
COMMENT ON FUNCTION @extschema@.evaluations_overdue(timestamptz) IS
  'Closed alerts whose present closure has no evaluation although its ladder''s evaluate_days have passed as of as_of (整改评估超期), oldest first. Runs with the caller''s rights: row-level security of alerts applies. Stable because it reads alerts and evaluations.';

CREATE VIEW @extschema@.evaluation_overdue WITH (security_invoker = true) AS
SELECT * FROM @extschema@.evaluations_overdue(now());
COMMENT ON VIEW @extschema@.evaluation_overdue IS
  'Closed alerts whose rectification is overdue for evaluation now (evaluations_overdue(now())); row-level security of alerts applies.';

-- Privileges and row-level security: src/sql/28_access.sql.
