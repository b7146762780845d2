-- R055: direct awards above threshold (直接采购累计超限)
--
-- Direct awards by one buyer to one supplier adding up past the competitive
-- threshold (Cardinal R055).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R055', 'direct awards above threshold', '直接采购累计超限', 'procurement', 'split purchase', 'buyer_supplier',
  '{"threshold": 1000000}', 'yellow',
  'Direct awards by one buyer to one supplier adding up past the competitive threshold (Cardinal R055).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, threshold_key, needs, degrades) VALUES (
  'R055',
  'set',
  $$
SELECT c.buyer_id || '/' || c.supplier_id AS subject_key, min(c.unit_code) AS unit_code, '' AS period,
       sum(c.amount)::float8 AS value,
       jsonb_build_object('contracts', jsonb_agg(c.contract_id ORDER BY c.signed_at, c.contract_id), 'total', sum(c.amount)) AS evidence
  FROM cleangov_bound.contract c
 WHERE c.method = 'direct'
 GROUP BY c.buyer_id, c.supplier_id
HAVING sum(c.amount) > {threshold}$$,
  'threshold',
  '{contract.method}'::text[],
  '{"contract.signed_at": "evidence lists the contracts by key, not by date", "contract.unit_code": "alerts carry no unit"}'::jsonb);
