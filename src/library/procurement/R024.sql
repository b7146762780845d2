-- R024: price close to winning bid (次低价与中标价过近), Cardinal's indicator
--
-- For each contracting process, the difference
--   d = (second-lowest valid bid - winning bid) / winning bid
-- (cleangov.cardinal_price_gaps, src/sql/57_cardinal.sql); a process is
-- flagged when d <= the lower fence Q1 - 1.5 IQR of every process's d
-- (quartiles of Hyndman and Fan's type 8, as Cardinal's statrs), or d <=
-- {threshold} when it is set (Cardinal's [R024] threshold).  Cardinal flags
-- only when Q1 > 0 and the fence > 0 (with a threshold: the threshold > 0):
-- the difference is never negative, and a fence of 0 would flag every tie.
-- The value is d; the winner and the second-lowest bidder of a flagged
-- process are flagged too, as tenderers (subject kind enterprise), with
-- Cardinal's value 0.0 (evidence: the processes).
--
-- Left out (Cardinal's exclusions): cancelled processes; method details in
-- {exclude_procurement_method_details} ([exclusions]
-- procurement_method_details) or in {no_price_comparison_procurement_methods}
-- (or not in {price_comparison_procurement_methods} when that is set); a
-- process with a pending (or non-OCDS) award status, with several active
-- awards, or an award to several suppliers; bids that are not valid, from
-- several tenderers, without an amount or in another currency than
-- {currency} (NULL: the most frequent; Cardinal takes the first it reads,
-- an order a table does not have); a process whose winning bid is not the
-- lowest (price-only award criteria assumed) or is 0.
--
-- Source: open-contracting/cardinal-rs docs/cli/indicators/R/024.md at
-- 0aba121ef6c755ce00b173ad033aac863c4e2471, docs/cli/indicators/index.md at
-- 685343ad47a88775721c6795da4a361fe23e2add; the fence guard and the flagged
-- tenderers from src/indicators/r024.rs at
-- 73245c5bcc334485f579e47102e5a58afe21741f.  Deviations: the main currency
-- (above); bid and award statuses NULL count as valid and active (cleangov's
-- shapes; Cardinal's prepare [defaults]); the evidence's quartiles go
-- through round_sig (12 digits; Cardinal's Meta rounds to 4 decimals).
-- cleangov's tuned variant, fences per method: PROC_CLOSE_SECOND_BID.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R024', 'price close to winning bid', '次低价与中标价过近', 'procurement', 'bid rigging', 'tender',
  '{"threshold": null, "currency": null, "exclude_procurement_method_details": [], "no_price_comparison_procurement_methods": [], "price_comparison_procurement_methods": []}', 'yellow',
  'Cardinal''s R024: (second-lowest valid bid - winning bid) / winning bid at or below the lower fence Q1 - 1.5 IQR (type-8 quartiles) over all processes, or at or below {threshold} when set; the winner and the second-lowest bidder are flagged too (value 0). Processes with a pending award, several active awards, a consortium award, a winner that is not the lowest, or method details excluded are left out.');

INSERT INTO @extschema@.rule_definition (rule_code, kind, statistics, query, needs, degrades) VALUES (
  'R024',
  'set',
  $$SELECT @extschema@.quantile_of(x.diffs, 0.25, 8) AS q1, @extschema@.quantile_of(x.diffs, 0.75, 8) AS q3
      FROM (SELECT @extschema@.collect(g.difference) AS diffs FROM cleangov_pass.price_gaps g) x$$,
  $$
WITH g AS (SELECT * FROM cleangov_pass.price_gaps),
q AS (SELECT * FROM cleangov_statistics),
f AS (SELECT q.q1, q.q3, coalesce({threshold}::float8, q.q1 - 1.5 * (q.q3 - q.q1)) AS fence,
             CASE WHEN {threshold}::float8 IS NULL THEN q.q1 ELSE 1 END AS q1_guard FROM q),
hit AS (SELECT g.* FROM g, f WHERE f.q1_guard > 0 AND f.fence > 0 AND g.difference <= f.fence)
SELECT 'tender' AS subject_kind, hit.tender_id AS subject_key, hit.unit_code, '' AS period, hit.difference AS value,
       f.fence AS threshold,
       jsonb_build_object('winner', hit.winner, 'winning_bid', hit.winning_bid, 'second_bidder', hit.second_bidder,
                          'second_bid', hit.second_bid, 'currency', hit.main_currency,
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3),
                          'lower_fence', @extschema@.round_sig(f.fence)) AS evidence
  FROM hit, f
UNION ALL
SELECT 'enterprise', e.tenderer, NULL, '', 0::float8, f.fence,
       jsonb_build_object('processes', array_agg(DISTINCT e.tender_id ORDER BY e.tender_id))
  FROM (SELECT hit.tender_id, hit.winner AS tenderer FROM hit
        UNION SELECT hit.tender_id, hit.second_bidder FROM hit) e, f
 GROUP BY e.tenderer, f.fence$$,
  '{}'::text[],
  '{"award.status": "every award counts as active", "award.supplier_count": "every award counts as made to one supplier", "bid.status": "every bid counts as valid", "bid.currency": "every amount counts as in the main currency", "bid.tenderer_count": "every bid counts as one tenderer''s", "tender.status": "cancelled processes are not skipped", "tender.method_details": "no process is left out by its method details", "tender.unit_code": "alerts carry no unit"}'::jsonb);
