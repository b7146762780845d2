-- R058: heavily discounted bid (中标价异常低)
--
-- (second-lowest valid bid - winning bid) / winning bid at or above Q3 + k*IQR
-- over the tenders of the same method, methods with at least {min_peers} such
-- tenders; k = 3 is Tukey's outer fence, because the gap is bounded by 0 and
-- right-skewed (Cardinal R058, per-method).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R058', 'heavily discounted bid', '中标价异常低', 'procurement', 'bid rigging', 'tender',
  '{"k": 3, "min_peers": 30}', 'blue',
  '(second-lowest valid bid - winning bid) / winning bid at or above Q3 + k*IQR over the tenders of the same method, methods with at least {min_peers} such tenders; k = 3 is Tukey''s outer fence, because the gap is bounded by 0 and right-skewed (Cardinal R058, per-method).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R058',
  'set',
  $$
WITH w AS (
  SELECT b.tender_id, min(b.amount) AS amount, min(b.bidder_id) AS bidder_id
    FROM cleangov_bound.bid b
    JOIN cleangov_bound.award a ON a.tender_id = b.tender_id AND a.supplier_id = b.bidder_id
                               AND a.status IS DISTINCT FROM 'cancelled'
   WHERE b.status IS DISTINCT FROM 'disqualified'
   GROUP BY b.tender_id),
d AS (
  SELECT t.tender_id, t.unit_code, t.method, w.amount AS winning, min(b.amount) AS second, (min(b.amount) - w.amount) / w.amount AS d
    FROM cleangov_bound.tender t
    JOIN w ON w.tender_id = t.tender_id AND w.amount > 0
    JOIN cleangov_bound.bid b ON b.tender_id = t.tender_id AND b.bidder_id <> w.bidder_id
                             AND b.status IS DISTINCT FROM 'disqualified'
   WHERE t.status IS DISTINCT FROM 'cancelled'
   GROUP BY t.tender_id, t.unit_code, t.method, w.amount
  HAVING min(b.amount) >= w.amount),
f AS (SELECT d.method, count(*) AS peers, percentile_cont(0.25) WITHIN GROUP (ORDER BY d) AS q1,
             percentile_cont(0.75) WITHIN GROUP (ORDER BY d) AS q3
        FROM d GROUP BY d.method HAVING count(*) >= {min_peers})
SELECT d.tender_id AS subject_key, d.unit_code, '' AS period, d.d::float8 AS value,
       (f.q3 + {k} * (f.q3 - f.q1))::float8 AS threshold,
       jsonb_build_object('winning_bid', d.winning, 'second_bid', d.second, 'method', d.method, 'peers', f.peers,
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3)) AS evidence
  FROM d JOIN f ON f.method IS NOT DISTINCT FROM d.method
 WHERE f.q3 > f.q1 AND d.d >= f.q3 + {k} * (f.q3 - f.q1)$$,
  '{}'::text[],
  '{"award.status": "every award counts as active", "bid.status": "every bid counts as valid", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb);
