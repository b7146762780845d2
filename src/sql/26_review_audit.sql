-- Review (人工复核): a person marks an alert confirmed or a false positive; a
-- false positive is dismissed.  The risk notice (风险提示单) of an alert, as
-- jsonb and as text.  See doc/alerts.md.

CREATE FUNCTION @extschema@.review(alert_id bigint, verdict text, note text DEFAULT NULL)
  RETURNS @extschema@.alert
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  a @extschema@.alert;
  old_status text;
BEGIN
  IF verdict IS NULL OR verdict NOT IN ('confirmed', 'false_positive') THEN
    RAISE EXCEPTION 'verdict must be ''confirmed'' or ''false_positive'', not %', coalesce(quote_literal(verdict), 'NULL')
      USING ERRCODE = CASE WHEN verdict IS NULL THEN 'null_value_not_allowed' ELSE 'invalid_parameter_value' END;
  END IF;
  -- Hidden and missing alerts get the same answer.
  SELECT * INTO a FROM @extschema@.alert x WHERE x.alert_id = review.alert_id FOR UPDATE;
  IF NOT FOUND OR NOT @extschema@.may_handle(a.unit_code) THEN
    RAISE EXCEPTION 'alert % does not exist', review.alert_id
      USING ERRCODE = 'undefined_object',
            HINT = 'Alerts of units not assigned to you are not shown.';
  END IF;
  IF a.status = 'dismissed' THEN
    RAISE EXCEPTION 'alert % is already dismissed as a false positive', a.alert_id
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  old_status := a.status;
  UPDATE @extschema@.alert x
     SET review_verdict = verdict, reviewed_at = now(), reviewed_by = @extschema@.actor(), review_note = note,
         status = CASE WHEN verdict = 'false_positive' THEN 'dismissed' ELSE x.status END,
         closed_at = CASE WHEN verdict = 'false_positive' THEN coalesce(x.closed_at, now()) ELSE x.closed_at END
   WHERE x.alert_id = a.alert_id
  RETURNING * INTO a;
  INSERT INTO @extschema@.alert_event (alert_id, event, from_status, to_status, from_level, to_level, note, detail)
  SELECT a.alert_id, e, old_status, a.status, a.level, a.level, note, jsonb_build_object('verdict', verdict)
    FROM unnest(CASE WHEN verdict = 'false_positive' THEN ARRAY['reviewed', 'dismissed']
                     ELSE ARRAY['reviewed'] END) e;
  RETURN a;
END
$$;
COMMENT ON FUNCTION @extschema@.review(bigint, text, text) IS
  'Records a review verdict (confirmed | false_positive) with a note; a false positive is dismissed. A later review replaces the verdict (every one is an event). Raises 22004/22023 for a missing/unknown verdict, 42704 for an unknown alert or one of a unit not assigned to the acting role (the same answer), 55000 for a dismissed alert. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to alerts.';

CREATE FUNCTION @extschema@.status_zh(status text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE status WHEN 'open' THEN '待整改' WHEN 'closed' THEN '已整改销号'
                     WHEN 'dismissed' THEN '已排除（误报）' END;
COMMENT ON FUNCTION @extschema@.status_zh(text) IS
  'Chinese label of an alert status: open 待整改, closed 已整改销号, dismissed 已排除（误报）.';

CREATE FUNCTION @extschema@.risk_notice_jsonb(alert_id bigint) RETURNS jsonb
  LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  j jsonb;
BEGIN
  SELECT jsonb_build_object(
           'notice_no', 'RN-' || lpad(a.alert_id::text, 8, '0'),
           'alert_id', a.alert_id,
           'rule_code', a.rule_code, 'rule_name_en', r.name_en, 'rule_name_zh', r.name_zh,
           'domain', r.domain, 'domain_zh', d.label_zh,
           'level', a.level, 'level_zh', li.label_zh,
           'handling_en', li.handling_en, 'handling_zh', li.handling_zh,
           'subject_kind', a.subject_kind, 'subject_key', a.subject_key, 'period', a.period,
           'unit_code', a.unit_code, 'unit_name', u.name, 'unit_name_zh', u.name_zh,
           'value', a.value, 'threshold', a.threshold, 'evidence', a.evidence,
           'source_table', a.source_table, 'source_key', a.source_key,
           'raised_at', a.raised_at, 'due_at', a.due_at,
           'status', a.status, 'status_zh', @extschema@.status_zh(a.status),
           'escalation', @extschema@.alert_step_name(a.rule_code, a.hit_level, a.escalation_step),
           'escalation_zh', @extschema@.alert_step_name(a.rule_code, a.hit_level, a.escalation_step, 'zh'),
           'recurrence_of', a.recurrence_of)
    INTO j
    FROM @extschema@.alert a
    JOIN @extschema@.rule r ON r.rule_code = a.rule_code
    JOIN @extschema@.level_info li ON li.level = a.level
    LEFT JOIN @extschema@.unit u ON u.unit_code = a.unit_code
    LEFT JOIN @extschema@.domain_info d ON d.domain = r.domain
   WHERE a.alert_id = risk_notice_jsonb.alert_id;
  IF j IS NULL THEN
    RAISE EXCEPTION 'alert % does not exist', alert_id
      USING ERRCODE = 'undefined_object',
            HINT = 'Alerts of units not assigned to you are not shown.';
  END IF;
  RETURN j;
END
$$;
COMMENT ON FUNCTION @extschema@.risk_notice_jsonb(bigint) IS
  'The risk notice (风险提示单) of an alert as jsonb: rule, evidence, level, required handling, deadline, responsible unit, status. Runs with the caller''s rights, so row-level security applies; raises 42704 for an alert that does not exist or is not visible. Stable because it reads alerts.';

CREATE FUNCTION @extschema@.risk_notice(alert_id bigint) RETURNS text
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT concat_ws(E'\n',
    '风险提示单 Risk notice ' || (n ->> 'notice_no'),
    '规则 Rule: ' || (n ->> 'rule_code') || ' ' || coalesce(n ->> 'rule_name_zh', '') || ' / ' || (n ->> 'rule_name_en'),
    '领域 Domain: ' || coalesce(n ->> 'domain_zh', n ->> 'domain', '-') || coalesce(' (' || (n ->> 'domain') || ')', ''),
    '预警等级 Level: ' || (n ->> 'level_zh') || ' ' || (n ->> 'level'),
    '处置要求 Handling: ' || (n ->> 'handling_zh') || ' / ' || (n ->> 'handling_en'),
    '对象 Subject: ' || (n ->> 'subject_kind') || ' ' || (n ->> 'subject_key')
      || CASE WHEN n ->> 'period' <> '' THEN ', 期间 period ' || (n ->> 'period') ELSE '' END,
    '责任单位 Unit: ' || coalesce(n ->> 'unit_code', '-') || coalesce(' ' || (n ->> 'unit_name_zh'), '')
      || coalesce(' / ' || (n ->> 'unit_name'), ''),
    '测量值 Value: ' || coalesce(n ->> 'value', '-') || '; 阈值 Threshold: ' || coalesce(n ->> 'threshold', '-'),
    '证据 Evidence: ' || (n -> 'evidence')::text,
    '预警时间 Raised: ' || to_char((n ->> 'raised_at')::timestamptz, 'YYYY-MM-DD HH24:MI'),
    '整改期限 Deadline: ' || to_char((n ->> 'due_at')::timestamptz, 'YYYY-MM-DD'),
    '状态 Status: ' || (n ->> 'status_zh') || ' ' || (n ->> 'status')
      || CASE WHEN n ->> 'escalation' <> 'none'
              THEN '; 已升级 escalated: ' || (n ->> 'escalation_zh') || ' ' || (n ->> 'escalation') ELSE '' END,
    CASE WHEN n ->> 'recurrence_of' IS NOT NULL
         THEN '反弹 Recurrence of alert ' || (n ->> 'recurrence_of') END)
    FROM @extschema@.risk_notice_jsonb(alert_id) n
$$;
COMMENT ON FUNCTION @extschema@.risk_notice(bigint) IS
  'The risk notice (风险提示单) of an alert as bilingual plain text, one line per field (see risk_notice_jsonb()). Stable because it reads alerts and formats times in the session time zone.';
