-- PROC_SMALL_WORKS_NO_DRAW: small works without random draw (小型工程未随机抽取)
--
-- A works tender estimated below {limit} whose contractor was not picked by
-- random draw (seed 001).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROC_SMALL_WORKS_NO_DRAW', 'small works without random draw', '小型工程未随机抽取', 'procurement', 'small works', 'tender',
  '{"limit": 500000}', 'yellow',
  'A works tender estimated below {limit} whose contractor was not picked by random draw (seed 001).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, shape, condition, value_expr, evidence_expr, threshold_key, needs, degrades) VALUES (
  'PROC_SMALL_WORKS_NO_DRAW',
  'row',
  'tender',
  $$r.category = 'works' AND r.estimated_value < {limit} AND NOT coalesce(r.random_draw, false)
    AND r.status IS DISTINCT FROM 'cancelled'$$,
  $$r.estimated_value$$,
  $$jsonb_build_object('method', r.method, 'estimated_value', r.estimated_value)$$,
  'limit',
  '{tender.category,tender.estimated_value,tender.random_draw}'::text[],
  '{"tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb);
