-- R018: single bid received (仅一家投标)
--
-- Only one tenderer on a competitive method (Cardinal R018).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R018', 'single bid received', '仅一家投标', 'procurement', 'bid rigging', 'tender',
  '{"methods": ["open", "selective"]}', 'yellow',
  'Only one tenderer on a competitive method (Cardinal R018).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R018',
  'set',
  $$
SELECT t.tender_id AS subject_key, t.unit_code, '' AS period, count(DISTINCT b.bidder_id)::float8 AS value, 1::float8 AS threshold,
       jsonb_build_object('method', t.method, 'bidder_id', min(b.bidder_id)) AS evidence
  FROM cleangov_bound.tender t JOIN cleangov_bound.bid b ON b.tender_id = t.tender_id
 WHERE t.method = ANY ({methods}) AND t.status IS DISTINCT FROM 'cancelled'
 GROUP BY t.tender_id, t.unit_code, t.method
HAVING count(DISTINCT b.bidder_id) = 1$$,
  '{}'::text[],
  '{"tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb);
