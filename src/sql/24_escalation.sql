-- Escalation of overdue alerts along their handling ladder (23_ladder.sql):
-- under the shipped ladder "default" a talk with the unit head (约谈), then
-- accountability (问责), one level up each time.  Idempotent, set-based, safe
-- to run as often as wanted (by pg_cron, for instance).  See doc/ladder.md and
-- doc/alerts.md.

CREATE FUNCTION @extschema@.escalate_overdue(as_of timestamptz DEFAULT now())
  RETURNS TABLE (alert_id bigint, escalation_step integer, level @extschema@.level)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
BEGIN
  IF as_of IS NULL THEN
    RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  -- One UPDATE for all overdue alerts that have a next step on their ladder.
  -- An alert being rectified at the same moment is locked by the
  -- rectification: this UPDATE waits, re-reads it as closed and leaves it
  -- alone (or escalates it first, and the rectification then closes the
  -- escalated alert).  An alert escalated meanwhile by a concurrent run no
  -- longer matches the step joined (ls.step = escalation_step + 1): skipped.
  RETURN QUERY
  WITH up AS (
    UPDATE @extschema@.alert a
       SET escalation_step = a.escalation_step + 1,
           previous_level = a.level,
           -- the tiered standard named in the alert's evidence (59_standards.sql)
           -- carries its own scheme and rectification days; one primary-key
           -- lookup per escalated alert, none for alerts raised under no standard
           level = CASE WHEN ls.raises_level
                        THEN @extschema@.level_up(a.level,
                               coalesce((SELECT s2.levels FROM @extschema@.rule_standard st
                                           JOIN @extschema@.band_scheme s2 ON s2.scheme_code = st.scheme_code
                                          WHERE a.evidence ? 'standard'
                                            AND st.standard_code = a.evidence->>'standard'
                                            AND st.rule_code = a.rule_code),
                                        s.levels))
                        ELSE a.level END,
           escalated_at = as_of,
           due_at = CASE WHEN ls.new_deadline
                         THEN as_of + make_interval(days => coalesce(
                                ls.deadline_days,
                                (SELECT st.rectify_days FROM @extschema@.rule_standard st
                                  WHERE a.evidence ? 'standard'
                                    AND st.standard_code = a.evidence->>'standard'
                                    AND st.rule_code = a.rule_code),
                                r.rectify_days))
                         ELSE a.due_at END
      FROM @extschema@.rule r
      LEFT JOIN @extschema@.band_scheme s ON s.scheme_code = r.scheme_code,
           @extschema@.ladder_step ls
     WHERE r.rule_code = a.rule_code
       AND a.status = 'open' AND a.due_at < as_of
       AND ls.ladder_code = @extschema@.ladder_for(a.rule_code, a.hit_level)
       AND ls.level = a.hit_level AND ls.step = a.escalation_step + 1
    RETURNING a.alert_id, a.escalation_step, a.previous_level, a.level, a.due_at,
              ls.ladder_code, ls.action, ls.by_actor
  ), ev AS (
    INSERT INTO @extschema@.alert_event (alert_id, event, from_status, to_status, from_level, to_level, detail)
    SELECT up.alert_id, 'escalated', 'open', 'open', up.previous_level, up.level,
           jsonb_build_object('step', up.action, 'step_zh', ac.label_zh, 'step_no', up.escalation_step,
                              'by', up.by_actor, 'ladder', up.ladder_code,
                              'as_of', as_of, 'due_at', up.due_at)
      FROM up
      JOIN @extschema@.ladder_action ac ON ac.action = up.action
  )
  SELECT up.alert_id, up.escalation_step::integer, up.level FROM up ORDER BY up.alert_id;
END
$$;
COMMENT ON FUNCTION @extschema@.escalate_overdue(timestamptz) IS
  'Escalates every open alert past its due date as of as_of to the next step of its ladder (cleangov.ladder_step of its rule''s ladder and hit level): the step''s new deadline (deadline_days, else the rectify_days of the tiered standard named in the alert''s evidence, else the rule''s) or the old one, one level up within the scheme of that standard (else the rule''s) when the step raises the level, and an "escalated" event naming the step''s action, who carries it out and the ladder. Under the shipped ladder "default": step 1 talk with the unit head (约谈, new deadline of rectify_days), step 2 accountability (问责), nothing after. Idempotent: a second run at the same as_of changes nothing. Volatile because it writes alerts; parallel unsafe because it writes; security definer so that pg_cron or an inspector can run it without write access to alerts.';
