-- PROJ_AFTER_APPROVAL_EXPIRED: started or paid after the approval expired
-- (项目核准文件失效后开工或拨付).
--
-- A project's decision is valid until valid_until, else {valid_years} years
-- after the decision (the last valid day is the decision's date {valid_years}
-- years on), or until an extension's end (extended_until): a project not
-- started within two years of its approval and not extended loses it, and an
-- extension is granted once, for at most a year (企业投资项目核准和备案管理办法,
-- 国家发展改革委令2017年第2号, art. 38).  For each building start
-- (approval_step build_start) and payment (pay) of the project the decision
-- in force is the project's latest one taken on or before it.  Fires for the
-- first start after the last valid day, and for a payment after it while
-- building had not started by then; a step on the last valid day does not.
-- One alert per project: its first such step.  Value: days after the last
-- valid day; threshold 0.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROJ_AFTER_APPROVAL_EXPIRED', 'started or paid after the approval expired', '核准失效后开工或拨付', 'approval', 'approval expired',
  'project',
  '{"valid_years": 2}', 'red',
  'A project whose building started, or which was paid before building started, after the last day its approval was valid: valid_until, else {valid_years} years from the decision, or the end of an extension (two years, one extension of at most a year: 企业投资项目核准和备案管理办法 art. 38).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'PROJ_AFTER_APPROVAL_EXPIRED',
  'set',
  $$
WITH s AS (
  SELECT s.step_id, s.case_id AS project_id, s.step, s.done_at
    FROM cleangov_bound.approval_step s
   WHERE s.step IN ('build_start', 'pay')),
d AS (
  SELECT DISTINCT ON (s.step_id) s.*, a.approval_id, a.approved_at, a.unit_code, a.extended_until,
         greatest(coalesce(a.valid_until, a.approved_at + make_interval(years => {valid_years}::int)), a.extended_until)::date AS last_valid_day
    FROM s JOIN cleangov_bound.project_approval a ON a.project_id = s.project_id AND a.approved_at <= s.done_at
   ORDER BY s.step_id, a.approved_at DESC, a.approval_id DESC),
k AS (
  SELECT d.*,
         min(d.done_at) FILTER (WHERE d.step = 'build_start') OVER (PARTITION BY d.project_id, d.approval_id) AS first_start
    FROM d),
late AS (
  SELECT k.* FROM k
   WHERE k.done_at::date > k.last_valid_day
     AND ((k.step = 'build_start' AND k.done_at = k.first_start)
          OR (k.step = 'pay' AND (k.first_start IS NULL OR k.first_start::date > k.last_valid_day))))
SELECT DISTINCT ON (l.project_id) l.project_id AS subject_key, l.unit_code, '' AS period,
       (l.done_at::date - l.last_valid_day)::float8 AS value, 0::float8 AS threshold,
       jsonb_build_object('approval_id', l.approval_id, 'approved_at', l.approved_at, 'last_valid_day', l.last_valid_day,
                          'extended', l.extended_until IS NOT NULL, 'step', l.step, 'step_id', l.step_id, 'done_at', l.done_at,
                          'started_at', l.first_start) AS evidence
  FROM late l
 ORDER BY l.project_id, l.done_at, l.step_id$$,
  '{}'::text[],
  '{"project_approval.valid_until": "every decision is valid valid_years years from approved_at (two: art. 38)", "project_approval.extended_until": "extensions are not known: a start or payment within an extension counts as after the expiry", "project_approval.unit_code": "alerts carry no unit"}'::jsonb);
