-- APPR_OUT_OF_ORDER: steps out of order (审批环节倒置)
--
-- A step of a case happened before a gate step ({gate_steps}) that the
-- statutory order puts earlier: built or paid before approval (seeds 000 and
-- 004).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('APPR_OUT_OF_ORDER', 'steps out of order', '审批环节倒置', 'approval', 'built before approval', 'approval_case',
  '{"gate_steps": ["approve"]}', 'red',
  'A step of a case happened before a gate step ({gate_steps}) that the statutory order puts earlier: built or paid before approval (seeds 000 and 004).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'APPR_OUT_OF_ORDER',
  'set',
  $$
SELECT DISTINCT ON (late.case_id) late.case_id AS subject_key, coalesce(late.unit_code, early.unit_code) AS unit_code, '' AS period,
       extract(epoch FROM late.done_at - early.done_at)::float8 / 86400 AS value, 0::float8 AS threshold,
       jsonb_build_object('step', early.step, 'done_at', early.done_at,
                          'before', late.step, 'before_done_at', late.done_at) AS evidence
  FROM cleangov_bound.approval_step early
  JOIN cleangov_bound.approval_step late
    ON late.case_id = early.case_id AND late.expected_seq < early.expected_seq AND early.done_at < late.done_at
   AND late.step = ANY ({gate_steps})
 ORDER BY late.case_id, late.done_at - early.done_at DESC, early.step_id, late.step_id$$,
  '{}'::text[],
  '{"approval_step.unit_code": "alerts carry no unit"}'::jsonb);
