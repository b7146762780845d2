-- FUND_LAND_FEE_LOW: land-transfer fee collection low (土地出让金收缴率低)
--
-- Land-transfer fees collected / due below {rate} for {years} years running:
-- red (seed 001).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('FUND_LAND_FEE_LOW', 'land-transfer fee collection low', '土地出让金收缴率低', 'funds', 'fee collection', 'unit',
  '{"rate": 0.60, "years": 2}', 'red',
  'Land-transfer fees collected / due below {rate} for {years} years running: red (seed 001).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, threshold_key, streak_min, streak_step, needs, degrades) VALUES (
  'FUND_LAND_FEE_LOW',
  'set',
  $$
SELECT f.unit_code AS subject_key, f.unit_code, f.period, (f.collected / f.due)::float8 AS value,
       jsonb_build_object('due', f.due, 'collected', f.collected) AS evidence
  FROM cleangov_bound.fee_collection f
 WHERE coalesce(f.kind, 'land_transfer') = 'land_transfer' AND f.due > 0 AND f.collected / f.due < {rate}$$,
  'rate',
  2,
  'year',
  '{}'::text[],
  '{"fee_collection.kind": "every fee counts as a land-transfer fee"}'::jsonb);
