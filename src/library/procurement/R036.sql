-- R036: lowest bid disqualified (最低价投标被废)
--
-- An active award exists and the lowest submitted bid was disqualified
-- (Cardinal R036).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R036', 'lowest bid disqualified', '最低价投标被废', 'procurement', 'bid rigging', 'tender',
  '{}', 'yellow',
  'An active award exists and the lowest submitted bid was disqualified (Cardinal R036).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R036',
  'set',
  $$
WITH l AS (
  SELECT DISTINCT ON (b.tender_id) b.tender_id, b.bidder_id, b.amount, b.status
    FROM cleangov_bound.bid b ORDER BY b.tender_id, b.amount, (b.status = 'disqualified') DESC, b.bidder_id, b.status, b.bid_id),
-- the threshold: the lowest bid that was not disqualified (the disqualified
-- lowest bid was below it)
v AS (
  SELECT b.tender_id, min(b.amount) AS amount FROM cleangov_bound.bid b
   WHERE b.status IS DISTINCT FROM 'disqualified' GROUP BY b.tender_id)
SELECT t.tender_id AS subject_key, t.unit_code, '' AS period, l.amount::float8 AS value, v.amount::float8 AS threshold,
       jsonb_build_object('lowest_bidder', l.bidder_id, 'lowest_bid', l.amount) AS evidence
  FROM cleangov_bound.tender t JOIN l ON l.tender_id = t.tender_id AND l.status = 'disqualified'
  LEFT JOIN v ON v.tender_id = t.tender_id
 WHERE t.status IS DISTINCT FROM 'cancelled'
   AND t.tender_id IN (SELECT a.tender_id FROM cleangov_bound.award a WHERE a.status IS DISTINCT FROM 'cancelled')$$,
  '{bid.status}'::text[],
  '{"award.status": "every award counts as active", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb);
