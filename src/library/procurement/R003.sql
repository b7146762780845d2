-- R003: short submission period (投标截止期过短)
--
-- Submission period (deadline minus publication, whole days) below {days} on a
-- tender of the listed methods (Cardinal R003).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R003', 'short submission period', '投标截止期过短', 'procurement', 'bid rigging', 'tender',
  '{"days": 15, "methods": ["open"]}', 'yellow',
  'Submission period (deadline minus publication, whole days) below {days} on a tender of the listed methods (Cardinal R003).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, shape, condition, value_expr, evidence_expr, threshold_key, needs, degrades) VALUES (
  'R003',
  'row',
  'tender',
  $$r.method = ANY ({methods}) AND r.status IS DISTINCT FROM 'cancelled'
    AND floor(extract(epoch FROM r.period_end - r.period_start) / 86400) < {days}$$,
  $$floor(extract(epoch FROM r.period_end - r.period_start) / 86400)$$,
  $$jsonb_build_object('method', r.method, 'period_start', r.period_start, 'period_end', r.period_end)$$,
  'days',
  '{tender.period_start,tender.period_end}'::text[],
  '{"tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb);
