-- APPR_TIME_LIMIT: time limit exceeded (审批超时限)
--
-- Days taken (decision, or now while open, minus submission; working days
-- unless the case says it counts calendar days, as the Administrative
-- Licensing Law art. 82 counts time limits) above the case's statutory limit,
-- or {default_limit_days} when the case has none (seed 000; seed 004: credit
-- repair within 2 working days).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('APPR_TIME_LIMIT', 'time limit exceeded', '审批超时限', 'approval', 'time limit exceeded', 'approval_case',
  '{"default_limit_days": 20}', 'yellow',
  'Days taken (decision, or now while open, minus submission; working days unless the case says it counts calendar days, as the Administrative Licensing Law art. 82 counts time limits) above the case''s statutory limit, or {default_limit_days} when the case has none (seed 000; seed 004: credit repair within 2 working days).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_expr, evidence_expr, needs, degrades) VALUES (
  'APPR_TIME_LIMIT',
  'row',
  'approval_case',
  $$CASE WHEN coalesce(r.working_days, true)
         THEN @extschema@.working_days(r.submitted_at::date, coalesce(r.decided_at, now())::date)
         ELSE coalesce(r.decided_at, now())::date - r.submitted_at::date END
    > coalesce(r.time_limit_days, {default_limit_days})$$,
  $$CASE WHEN coalesce(r.working_days, true)
         THEN @extschema@.working_days(r.submitted_at::date, coalesce(r.decided_at, now())::date)
         ELSE coalesce(r.decided_at, now())::date - r.submitted_at::date END$$,
  $$coalesce(r.time_limit_days, {default_limit_days})$$,
  $$jsonb_build_object('kind', r.kind, 'submitted_at', r.submitted_at, 'decided_at', r.decided_at,
                       'time_limit_days', coalesce(r.time_limit_days, {default_limit_days}), 'working_days', coalesce(r.working_days, true))$$,
  '{approval_case.decided_at}'::text[],
  '{"approval_case.time_limit_days": "every case gets the default limit default_limit_days", "approval_case.working_days": "every limit counts working days (Administrative Licensing Law art. 82)", "approval_case.kind": "evidence lacks the kind of matter", "approval_case.unit_code": "alerts carry no unit"}'::jsonb);
