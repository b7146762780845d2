-- R028: identical bid prices (投标报价雷同)
--
-- Two different tenderers bid the same amount in one tender (Cardinal R028).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R028', 'identical bid prices', '投标报价雷同', 'procurement', 'bid rigging', 'tender',
  '{}', 'red',
  'Two different tenderers bid the same amount in one tender (Cardinal R028).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R028',
  'set',
  $$
SELECT t.tender_id AS subject_key, t.unit_code, '' AS period, count(DISTINCT b.bidder_id)::float8 AS value, 2::float8 AS threshold,
       jsonb_build_object('amount', b.amount, 'bidders', jsonb_agg(DISTINCT b.bidder_id)) AS evidence
  FROM cleangov_bound.bid b JOIN cleangov_bound.tender t ON t.tender_id = b.tender_id
 WHERE t.status IS DISTINCT FROM 'cancelled' AND b.status IS DISTINCT FROM 'withdrawn'
 GROUP BY t.tender_id, t.unit_code, b.amount
HAVING count(DISTINCT b.bidder_id) >= 2$$,
  '{}'::text[],
  '{"bid.status": "withdrawn bids are not left out", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb);
