-- PROC_BUYER_DEPENDENCE: buyer dependence (采购人依赖单一供应商)
--
-- One supplier's share of a buyer's yearly contract value above {share}, for
-- buyers with at least {min_contracts} contracts that year (Corruption Risk
-- Index).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROC_BUYER_DEPENDENCE', 'buyer dependence', '采购人依赖单一供应商', 'procurement', 'favouring relatives', 'buyer_supplier',
  '{"share": 0.5, "min_contracts": 5}', 'blue',
  'One supplier''s share of a buyer''s yearly contract value above {share}, for buyers with at least {min_contracts} contracts that year (Corruption Risk Index).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, threshold_key, needs, degrades) VALUES (
  'PROC_BUYER_DEPENDENCE',
  'set',
  $$
WITH y AS (
  SELECT c.buyer_id, c.supplier_id, min(c.unit_code) AS unit_code, to_char(c.signed_at, 'YYYY') AS year,
         sum(c.amount) AS spent, count(*) AS n
    FROM cleangov_bound.contract c WHERE c.signed_at IS NOT NULL AND c.amount > 0
   GROUP BY c.buyer_id, c.supplier_id, to_char(c.signed_at, 'YYYY')),
t AS (
  SELECT y.*, sum(y.spent) OVER (PARTITION BY y.buyer_id, y.year) AS buyer_total,
         sum(y.n) OVER (PARTITION BY y.buyer_id, y.year) AS buyer_contracts
    FROM y)
SELECT t.buyer_id || '/' || t.supplier_id AS subject_key, t.unit_code, t.year AS period,
       (t.spent / t.buyer_total)::float8 AS value,
       jsonb_build_object('supplier_total', t.spent, 'buyer_total', t.buyer_total, 'buyer_contracts', t.buyer_contracts) AS evidence
  FROM t
 WHERE t.buyer_contracts >= {min_contracts} AND t.spent / t.buyer_total > {share}$$,
  'share',
  '{contract.signed_at}'::text[],
  '{"contract.unit_code": "alerts carry no unit"}'::jsonb);
