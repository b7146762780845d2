-- PROC_DIRECT_AWARDS_CUMULATIVE: direct contracts adding up past the tender threshold (单一来源累计超过招标限额)
--
-- cleangov's rule before issue 13 under Cardinal's code R055: the contracts
-- of direct procurements (contract.method direct) from one buyer to one
-- supplier add up to more than {threshold} (1,000,000 yuan, the amount above
-- which a public tender is due).  Kept under its own name: Chinese
-- registers record contracts and a statutory tender threshold, not OCDS
-- awards with dates and the open tenders' values that Cardinal's draft R055
-- reads (R055 now follows that draft).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROC_DIRECT_AWARDS_CUMULATIVE', 'direct contracts above the tender threshold', '单一来源累计超过招标限额', 'procurement', 'split purchase', 'buyer_supplier',
  '{"threshold": 1000000}', 'yellow',
  'Contracts of direct procurements from one buyer to one supplier adding up to more than {threshold}, the amount above which a public tender is due (cleangov; R055 before issue 13).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, threshold_key, needs, degrades) VALUES (
  'PROC_DIRECT_AWARDS_CUMULATIVE',
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
