-- Escalation of overdue alerts: a talk with the unit head (约谈), then
-- accountability (问责), one level up each time.  Idempotent, set-based, safe
-- to run as often as wanted (by pg_cron, for instance).  See doc/alerts.md.

CREATE FUNCTION @extschema@.escalation_step_name(step integer, lang text DEFAULT 'en') RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN lang = 'zh' THEN (ARRAY['未升级', '约谈', '问责'])[step + 1]
              ELSE (ARRAY['none', 'talk', 'accountability'])[step + 1] END;
COMMENT ON FUNCTION @extschema@.escalation_step_name(integer, text) IS
  'Name of an escalation step: 0 none (未升级), 1 talk with the unit head (约谈), 2 accountability (问责); lang ''en'' or ''zh''.';

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
  -- One UPDATE for all overdue alerts.  An alert being rectified at the same
  -- moment is locked by the rectification: this UPDATE waits, re-reads it as
  -- closed and leaves it alone (or escalates it first, and the rectification
  -- then closes the escalated alert).
  RETURN QUERY
  WITH up AS (
    UPDATE @extschema@.alert a
       SET escalation_step = a.escalation_step + 1,
           previous_level = a.level,
           level = @extschema@.level_up(a.level, s.levels),
           escalated_at = as_of,
           -- after the talk the unit gets a new deadline; after accountability none
           due_at = CASE WHEN a.escalation_step = 0
                         THEN as_of + make_interval(days => r.rectify_days) ELSE a.due_at END
      FROM @extschema@.rule r
      LEFT JOIN @extschema@.band_scheme s ON s.scheme_code = r.scheme_code
     WHERE r.rule_code = a.rule_code
       AND a.status = 'open' AND a.due_at < as_of AND a.escalation_step < 2
    RETURNING a.alert_id, a.escalation_step, a.previous_level, a.level, a.due_at
  ), ev AS (
    INSERT INTO @extschema@.alert_event (alert_id, event, from_status, to_status, from_level, to_level, detail)
    SELECT up.alert_id, 'escalated', 'open', 'open', up.previous_level, up.level,
           jsonb_build_object('step', @extschema@.escalation_step_name(up.escalation_step),
                              'step_zh', @extschema@.escalation_step_name(up.escalation_step, 'zh'),
                              'as_of', as_of, 'due_at', up.due_at)
      FROM up
  )
  SELECT up.alert_id, up.escalation_step::integer, up.level FROM up ORDER BY up.alert_id;
END
$$;
COMMENT ON FUNCTION @extschema@.escalate_overdue(timestamptz) IS
  'Escalates every open alert past its due date as of as_of: step 1 talk with the unit head (约谈, new deadline of rectify_days), step 2 accountability (问责); each step raises the level one step within the rule''s scheme and writes an "escalated" event. Idempotent: a second run at the same as_of changes nothing. Volatile because it writes alerts; parallel unsafe because it writes; security definer so that pg_cron or an inspector can run it without write access to alerts.';
