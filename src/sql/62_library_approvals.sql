-- Built-in rule library, approvals and enforcement (seeds 000 and 004):
-- time limit exceeded (the statutory limit of each case, in working days
-- where the case says so, e.g. credit repair within 2 working days), steps
-- out of the statutory order (built or paid before approval), and discretion
-- outliers (a penalty far from the robust centre of penalties for the same
-- violation type).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('APPR_TIME_LIMIT', 'time limit exceeded', '审批超时限', 'approval', 'time limit exceeded', 'approval_case',
  '{"default_limit_days": 20}', 'yellow',
  'Days taken (decision, or now while open, minus submission; working days unless the case says it counts calendar days, as the Administrative Licensing Law art. 82 counts time limits) above the case''s statutory limit, or {default_limit_days} when the case has none (seed 000; seed 004: credit repair within 2 working days).'),
 ('APPR_OUT_OF_ORDER', 'steps out of order', '审批环节倒置', 'approval', 'built before approval', 'approval_case',
  '{"gate_steps": ["approve"]}', 'red',
  'A step of a case happened before a gate step ({gate_steps}) that the statutory order puts earlier: built or paid before approval (seeds 000 and 004).'),
 ('ENF_DISCRETION_OUTLIER', 'discretion outlier', '自由裁量畸轻畸重', 'enforcement', 'discretion', 'penalty',
  '{"z": 3.5, "min_peers": 10}', 'yellow',
  'Modified z-score 0.6745 (amount - median) / MAD of a penalty against penalties for the same violation type beyond {z} in absolute value, types with at least {min_peers} penalties and MAD > 0 (seed 000: discretion too light or too heavy; Iglewicz and Hoaglin).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_expr, evidence_expr) VALUES
 ('APPR_TIME_LIMIT', 'row', 'approval_case',
  $$CASE WHEN coalesce(r.working_days, true)
         THEN @extschema@.working_days(r.submitted_at::date, coalesce(r.decided_at, now())::date)
         ELSE coalesce(r.decided_at, now())::date - r.submitted_at::date END
    > coalesce(r.time_limit_days, {default_limit_days})$$,
  $$CASE WHEN coalesce(r.working_days, true)
         THEN @extschema@.working_days(r.submitted_at::date, coalesce(r.decided_at, now())::date)
         ELSE coalesce(r.decided_at, now())::date - r.submitted_at::date END$$,
  $$coalesce(r.time_limit_days, {default_limit_days})$$,
  $$jsonb_build_object('kind', r.kind, 'submitted_at', r.submitted_at, 'decided_at', r.decided_at,
                       'time_limit_days', coalesce(r.time_limit_days, {default_limit_days}), 'working_days', coalesce(r.working_days, true))$$);

INSERT INTO @extschema@.rule_definition (rule_code, kind, query) VALUES
 ('APPR_OUT_OF_ORDER', 'set', $$
SELECT DISTINCT ON (late.case_id) late.case_id AS subject_key, coalesce(late.unit_code, early.unit_code) AS unit_code, '' AS period,
       extract(epoch FROM late.done_at - early.done_at)::float8 / 86400 AS value, 0::float8 AS threshold,
       jsonb_build_object('step', early.step, 'done_at', early.done_at,
                          'before', late.step, 'before_done_at', late.done_at) AS evidence
  FROM cleangov_bound.approval_step early
  JOIN cleangov_bound.approval_step late
    ON late.case_id = early.case_id AND late.expected_seq < early.expected_seq AND early.done_at < late.done_at
   AND late.step = ANY ({gate_steps})
 ORDER BY late.case_id, late.done_at - early.done_at DESC, early.step_id, late.step_id$$),
 ('ENF_DISCRETION_OUTLIER', 'set', $$
WITH m AS (
  SELECT p.violation_type, count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY p.amount) AS med
    FROM cleangov_bound.penalty p GROUP BY p.violation_type HAVING count(*) >= {min_peers}),
-- MATERIALIZED: inlined, the MAD subquery would run once per penalty (a scan
-- of the violation type's penalties for every penalty: 645 s at 100,000).
d AS MATERIALIZED (
  SELECT m.violation_type, m.n, m.med,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(p.amount - m.med)) FROM cleangov_bound.penalty p
           WHERE p.violation_type = m.violation_type) AS mad
    FROM m)
SELECT p.penalty_id AS subject_key, p.unit_code, '' AS period,
       (0.6745 * (p.amount - d.med) / d.mad)::float8 AS value, {z}::float8 AS threshold,
       jsonb_build_object('violation_type', p.violation_type, 'amount', p.amount, 'median', @extschema@.round_sig(d.med),
                          'mad', @extschema@.round_sig(d.mad), 'peers', d.n) AS evidence
  FROM cleangov_bound.penalty p JOIN d ON d.violation_type = p.violation_type
 WHERE d.mad > 0 AND abs(0.6745 * (p.amount - d.med) / d.mad) > {z}$$);

-- needs and degrades (see 60_library_procurement.sql): without decided_at
-- every case would look open and be measured up to now.
UPDATE @extschema@.rule_definition d SET needs = v.needs, degrades = v.degrades
  FROM (VALUES
 ('APPR_TIME_LIMIT', '{approval_case.decided_at}'::text[],
  '{"approval_case.time_limit_days": "every case gets the default limit default_limit_days", "approval_case.working_days": "every limit counts working days (Administrative Licensing Law art. 82)", "approval_case.kind": "evidence lacks the kind of matter", "approval_case.unit_code": "alerts carry no unit"}'::jsonb),
 ('APPR_OUT_OF_ORDER', '{}', '{"approval_step.unit_code": "alerts carry no unit"}'),
 ('ENF_DISCRETION_OUTLIER', '{}', '{"penalty.unit_code": "alerts carry no unit"}')
  ) v(rule_code, needs, degrades)
 WHERE d.rule_code = v.rule_code;
