-- R035: all except winning bid disqualified (除中标人外均被废标)
--
-- Only the winner has valid bids and at least one other tenderer was
-- disqualified (Cardinal R035).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R035', 'all except winning bid disqualified', '除中标人外均被废标', 'procurement', 'bid rigging', 'tender',
  '{}', 'yellow',
  'Only the winner has valid bids and at least one other tenderer was disqualified (Cardinal R035).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R035',
  'set',
  $$
WITH aw AS (
  SELECT a.tender_id, min(a.supplier_id) AS lo, max(a.supplier_id) AS hi
    FROM cleangov_bound.award a WHERE a.status IS DISTINCT FROM 'cancelled' GROUP BY a.tender_id),
g AS (
  SELECT b.tender_id, count(DISTINCT b.bidder_id) FILTER (WHERE b.status IS DISTINCT FROM 'disqualified') AS valid_bidders,
         min(b.bidder_id) FILTER (WHERE b.status IS DISTINCT FROM 'disqualified') AS winner,
         count(DISTINCT b.bidder_id) FILTER (WHERE b.status = 'disqualified') AS disqualified
    FROM cleangov_bound.bid b GROUP BY b.tender_id)
SELECT t.tender_id AS subject_key, t.unit_code, '' AS period, g.disqualified::float8 AS value, 1::float8 AS threshold,
       jsonb_build_object('winner', g.winner, 'disqualified_bidders', g.disqualified) AS evidence
  FROM cleangov_bound.tender t JOIN g ON g.tender_id = t.tender_id JOIN aw ON aw.tender_id = t.tender_id
 WHERE t.status IS DISTINCT FROM 'cancelled' AND g.valid_bidders = 1 AND g.disqualified >= 1
   AND aw.lo = g.winner AND aw.hi = g.winner$$,
  '{bid.status}'::text[],
  '{"award.status": "every award counts as active", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb);
