-- PROC_SPLIT_PURCHASE: split purchase (拆分采购规避招标)
--
-- Two or more contracts of one buyer with one supplier, each below {limit},
-- signed within {window_days} days, adding up to {limit} or more (seed 001
-- small-works limit).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROC_SPLIT_PURCHASE', 'split purchase', '拆分采购规避招标', 'procurement', 'split purchase', 'buyer_supplier',
  '{"limit": 500000, "window_days": 90}', 'yellow',
  'Two or more contracts of one buyer with one supplier, each below {limit}, signed within {window_days} days, adding up to {limit} or more (seed 001 small-works limit).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, threshold_key, needs, degrades) VALUES (
  'PROC_SPLIT_PURCHASE',
  'set',
  $$
WITH c AS (
  SELECT c.contract_id, c.buyer_id, c.supplier_id, c.unit_code, c.amount, c.signed_at
    FROM cleangov_bound.contract c WHERE c.amount < {limit} AND c.signed_at IS NOT NULL),
w AS (
  SELECT c.buyer_id, c.supplier_id, c.unit_code, c.contract_id AS first_id, c.signed_at,
         sum(o.amount) AS total, count(*) AS parts, jsonb_agg(o.contract_id ORDER BY o.signed_at, o.contract_id) AS contracts
    FROM c JOIN c o ON o.buyer_id = c.buyer_id AND o.supplier_id = c.supplier_id
                   AND o.signed_at >= c.signed_at AND o.signed_at <= c.signed_at + make_interval(days => {window_days}::int)
   GROUP BY c.buyer_id, c.supplier_id, c.unit_code, c.contract_id, c.signed_at
  HAVING count(*) >= 2 AND sum(o.amount) >= {limit})
SELECT DISTINCT ON (w.buyer_id, w.supplier_id) w.buyer_id || '/' || w.supplier_id AS subject_key, w.unit_code, '' AS period,
       w.total::float8 AS value, jsonb_build_object('contracts', w.contracts, 'parts', w.parts, 'total', w.total) AS evidence
  FROM w ORDER BY w.buyer_id, w.supplier_id, w.total DESC, w.signed_at, w.first_id, w.unit_code$$,
  'limit',
  '{contract.signed_at}'::text[],
  '{"contract.unit_code": "alerts carry no unit"}'::jsonb);
