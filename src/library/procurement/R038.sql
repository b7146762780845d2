-- R038: excessive disqualified bids (废标率过高)
--
-- A tenderer's disqualified / submitted bids at or above Q3 + k*IQR, with at
-- least {min_bids} bids in {min_tenders} tenders (Cardinal R038).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R038', 'excessive disqualified bids', '废标率过高', 'procurement', 'bid rigging', 'enterprise',
  '{"k": 1.5, "min_bids": 2, "min_tenders": 2}', 'blue',
  'A tenderer''s disqualified / submitted bids at or above Q3 + k*IQR, with at least {min_bids} bids in {min_tenders} tenders (Cardinal R038).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R038',
  'set',
  $$
WITH p AS (
  SELECT b.bidder_id, count(*) AS bids, count(DISTINCT b.tender_id) AS tenders,
         count(*) FILTER (WHERE b.status = 'disqualified')::float8 / count(*) AS ratio
    FROM cleangov_bound.bid b JOIN cleangov_bound.tender t ON t.tender_id = b.tender_id
   WHERE t.status IS DISTINCT FROM 'cancelled'
   GROUP BY b.bidder_id
  HAVING count(*) >= {min_bids} AND count(DISTINCT b.tender_id) >= {min_tenders}),
f AS (SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY ratio) AS q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY ratio) AS q3 FROM p)
SELECT p.bidder_id AS subject_key, NULL::text AS unit_code, '' AS period, p.ratio AS value,
       (f.q3 + {k} * (f.q3 - f.q1))::float8 AS threshold,
       jsonb_build_object('bids', p.bids, 'tenders', p.tenders, 'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3)) AS evidence
  FROM p CROSS JOIN f
 WHERE f.q3 > f.q1 AND p.ratio >= f.q3 + {k} * (f.q3 - f.q1)$$,
  '{bid.status}'::text[],
  '{"tender.status": "cancelled tenders are not skipped"}'::jsonb);
