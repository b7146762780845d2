-- PROC_PRICE_OVER_MARKET: winning price above market (中标价高于市场价)
--
-- Contract price more than {pct} above the market reference price (seed 001:
-- more than 20 %).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROC_PRICE_OVER_MARKET', 'winning price above market', '中标价高于市场价', 'procurement', 'inflated price', 'contract',
  '{"pct": 0.20}', 'yellow',
  'Contract price more than {pct} above the market reference price (seed 001: more than 20 %).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, shape, condition, value_expr, evidence_expr, threshold_key, needs, degrades) VALUES (
  'PROC_PRICE_OVER_MARKET',
  'row',
  'contract',
  $$r.market_price > 0 AND r.amount > r.market_price * (1 + {pct})$$,
  $$r.amount / r.market_price - 1$$,
  $$jsonb_build_object('amount', r.amount, 'market_price', r.market_price, 'supplier_id', r.supplier_id, 'buyer_id', r.buyer_id)$$,
  'pct',
  '{contract.market_price}'::text[],
  '{"contract.unit_code": "alerts carry no unit"}'::jsonb);
