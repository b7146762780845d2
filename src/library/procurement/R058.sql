-- R058: heavily discounted bid (中标价异常低), Cardinal's indicator
--
-- For each contracting process, the difference
--   d = (second-lowest valid bid - winning bid) / winning bid
-- (cleangov.cardinal_price_gaps, src/sql/57_cardinal.sql, as R024); a
-- process is flagged when d >= the upper fence Q3 + 1.5 IQR of every
-- process's d (type-8 quartiles, as Cardinal's statrs), or d >= {threshold}
-- when it is set (Cardinal's [R058] threshold); only when the fence is above
-- 0 (Cardinal: else three quarters of the processes have no gap and every
-- process would be flagged).  The value is d; the winner of a flagged
-- process is flagged too, as a tenderer (subject kind enterprise), with
-- Cardinal's value 0.0 (evidence: the processes).
--
-- Left out (Cardinal's exclusions, as R024): cancelled processes; method
-- details in {exclude_procurement_method_details} or
-- {no_price_comparison_procurement_methods} (or not in
-- {price_comparison_procurement_methods} when set); a pending award, several
-- active awards, an award to several suppliers; bids not valid, from several
-- tenderers, without an amount or not in {currency} (NULL: the most frequent
-- currency; Cardinal takes the first it reads); a winning bid that is not
-- the lowest, or is 0.
--
-- Source: open-contracting/cardinal-rs docs/cli/indicators/R/058.md at
-- 39d18037f3ca262422c2f3f92571245dc036a584, docs/cli/indicators/index.md at
-- 685343ad47a88775721c6795da4a361fe23e2add; the fence guard and the flagged
-- winner from src/indicators/r058.rs at
-- 73245c5bcc334485f579e47102e5a58afe21741f.  Deviations: the main currency;
-- statuses NULL count as valid and active; quartiles in the evidence through
-- round_sig (Cardinal's Meta: 4 decimals).  cleangov's tuned variant (per
-- method, Tukey's outer fence): PROC_DISCOUNTED_WINNER.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R058', 'heavily discounted bid', '中标价异常低', 'procurement', 'bid rigging', 'tender',
  '{"threshold": null, "currency": null, "exclude_procurement_method_details": [], "no_price_comparison_procurement_methods": [], "price_comparison_procurement_methods": []}', 'blue',
  'Cardinal''s R058: (second-lowest valid bid - winning bid) / winning bid at or above the upper fence Q3 + 1.5 IQR (type-8 quartiles) over all processes, or at or above {threshold} when set; the winner is flagged too (value 0). Exclusions as R024.');

INSERT INTO @extschema@.rule_definition (rule_code, kind, statistics, query, needs, degrades) VALUES (
  'R058',
  'set',
  $$SELECT @extschema@.quantile_of(x.diffs, 0.25, 8) AS q1, @extschema@.quantile_of(x.diffs, 0.75, 8) AS q3
      FROM (SELECT @extschema@.collect(g.difference) AS diffs FROM cleangov_pass.price_gaps g) x$$,
  $$
WITH g AS (SELECT * FROM cleangov_pass.price_gaps),
q AS (SELECT * FROM cleangov_statistics),
f AS (SELECT q.q1, q.q3, coalesce({threshold}::float8, q.q3 + 1.5 * (q.q3 - q.q1)) AS fence FROM q),
hit AS (SELECT g.* FROM g, f WHERE f.fence > 0 AND g.difference >= f.fence)
SELECT 'tender' AS subject_kind, hit.tender_id AS subject_key, hit.unit_code, '' AS period, hit.difference AS value,
       f.fence AS threshold,
       jsonb_build_object('winner', hit.winner, 'winning_bid', hit.winning_bid, 'second_bidder', hit.second_bidder,
                          'second_bid', hit.second_bid, 'currency', hit.main_currency,
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3),
                          'upper_fence', @extschema@.round_sig(f.fence)) AS evidence
  FROM hit, f
UNION ALL
SELECT 'enterprise', hit.winner, NULL, '', 0::float8, f.fence,
       jsonb_build_object('processes', array_agg(hit.tender_id ORDER BY hit.tender_id))
  FROM hit, f
 GROUP BY hit.winner, f.fence$$,
  '{}'::text[],
  '{"award.status": "every award counts as active", "award.supplier_count": "every award counts as made to one supplier", "bid.status": "every bid counts as valid", "bid.currency": "every amount counts as in the main currency", "bid.tenderer_count": "every bid counts as one tenderer''s", "tender.status": "cancelled processes are not skipped", "tender.method_details": "no process is left out by its method details", "tender.unit_code": "alerts carry no unit"}'::jsonb);
