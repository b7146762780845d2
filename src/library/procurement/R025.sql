-- R025: excessive unsuccessful bids (屡投不中)
--
-- A tenderer's wins / valid bids at or below Q1 - k*IQR while its bid count is
-- at least the 75th percentile (Cardinal R025).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R025', 'excessive unsuccessful bids', '屡投不中', 'procurement', 'bid rigging', 'enterprise',
  '{"k": 1.5}', 'blue',
  'A tenderer''s wins / valid bids at or below Q1 - k*IQR while its bid count is at least the 75th percentile (Cardinal R025).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R025',
  'set',
  $$
WITH p AS (
  SELECT b.bidder_id, count(*) AS bids, count(a.tender_id)::float8 / count(*) AS ratio
    FROM cleangov_bound.bid b JOIN cleangov_bound.tender t ON t.tender_id = b.tender_id
    LEFT JOIN (SELECT DISTINCT a.tender_id, a.supplier_id FROM cleangov_bound.award a
                WHERE a.status IS DISTINCT FROM 'cancelled') a ON a.tender_id = b.tender_id AND a.supplier_id = b.bidder_id
   WHERE b.status IS DISTINCT FROM 'disqualified' AND t.status IS DISTINCT FROM 'cancelled'
   GROUP BY b.bidder_id),
f AS (SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY ratio) AS q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY ratio) AS q3,
             percentile_cont(0.75) WITHIN GROUP (ORDER BY bids) AS bids_p75 FROM p)
SELECT p.bidder_id AS subject_key, NULL::text AS unit_code, '' AS period, p.ratio AS value,
       (f.q1 - {k} * (f.q3 - f.q1))::float8 AS threshold,
       jsonb_build_object('valid_bids', p.bids, 'bids_p75', @extschema@.round_sig(f.bids_p75),
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3)) AS evidence
  FROM p CROSS JOIN f
 WHERE f.q3 > f.q1 AND p.ratio <= f.q1 - {k} * (f.q3 - f.q1) AND p.bids >= f.bids_p75$$,
  '{}'::text[],
  '{"award.status": "every award counts as active", "bid.status": "every bid counts as valid", "tender.status": "cancelled tenders are not skipped"}'::jsonb);
