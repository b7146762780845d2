-- PROC_DISCOUNTED_WINNER: heavily discounted winner, per method
-- (中标价异常低, 按采购方式), cleangov's tuned variant of Cardinal's R058
--
-- d = (second-lowest valid bid - winning bid) / winning bid, the processes
-- and bids as Cardinal's R058 reads them (cleangov.cardinal_price_gaps,
-- src/sql/57_cardinal.sql); flagged at d >= Q3 + {k}*IQR over the processes
-- of the same procurement method, for a method with at least {min_peers}
-- such processes and IQR > 0; k = 3 is Tukey's outer fence ("far out").
--
-- Why a variant: d is bounded by 0 and right-skewed, so Tukey's inner fence
-- (k 1.5, Cardinal's) flags the ordinary upper tail: 772 alerts (4.7 % of
-- the tenders with a d) in the demo at 20,000 tenders, none planted; the
-- outer fence, per method as for PROC_CLOSE_SECOND_BID, 142 (doc/rules.md,
-- "Defaults of the fence rules, and why").  This was R058's definition
-- before issue 13 gave R058 Cardinal's.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROC_DISCOUNTED_WINNER', 'heavily discounted winner', '中标价异常低(按采购方式)', 'procurement', 'bid rigging', 'tender',
  '{"k": 3, "min_peers": 30}', 'blue',
  '(second-lowest valid bid - winning bid) / winning bid at or above Q3 + k*IQR over the processes of the same method (methods with at least {min_peers} of them, IQR > 0); k = 3 is Tukey''s outer fence, because the gap is bounded by 0 and right-skewed; processes and bids as Cardinal''s R058 reads them.');

INSERT INTO @extschema@.rule_definition (rule_code, kind, statistics, query, needs, degrades) VALUES (
  'PROC_DISCOUNTED_WINNER',
  'set',
  $$SELECT d.method, count(*) AS peers, percentile_cont(0.25) WITHIN GROUP (ORDER BY d.difference) AS q1,
           percentile_cont(0.75) WITHIN GROUP (ORDER BY d.difference) AS q3
      FROM cleangov_pass.price_gaps d GROUP BY d.method HAVING count(*) >= {min_peers}$$,
  $$
WITH d AS (SELECT * FROM cleangov_pass.price_gaps),
f AS (SELECT * FROM cleangov_statistics)
SELECT d.tender_id AS subject_key, d.unit_code, '' AS period, d.difference AS value,
       (f.q3 + {k} * (f.q3 - f.q1))::float8 AS threshold,
       jsonb_build_object('winning_bid', d.winning_bid, 'second_bid', d.second_bid, 'method', d.method, 'peers', f.peers,
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3)) AS evidence
  FROM d JOIN f ON f.method IS NOT DISTINCT FROM d.method
 WHERE f.q3 > f.q1 AND d.difference >= f.q3 + {k} * (f.q3 - f.q1)$$,
  '{}'::text[],
  '{"award.status": "every award counts as active", "award.supplier_count": "every award counts as made to one supplier", "bid.status": "every bid counts as valid", "bid.currency": "every amount counts as in the main currency", "bid.tenderer_count": "every bid counts as one tenderer''s", "tender.status": "cancelled processes are not skipped", "tender.method_details": "no process is left out by its method details", "tender.unit_code": "alerts carry no unit"}'::jsonb);
