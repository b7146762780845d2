-- R028: identical bid prices (投标报价雷同)
--
-- Cardinal's R028 (open-contracting/cardinal-rs docs/cli/indicators/R/028.md,
-- commit 0aba121e, and src/indicators/r028.rs, commit ec8540d3): a contracting
-- process is flagged when different tenderers submitted bids with the same
-- price, and those tenderers are flagged too.  A price is an amount and its
-- currency (amounts in different currencies never match); only submitted
-- bids count (status pending, valid or disqualified: not invited, not
-- withdrawn; a NULL status counts as valid) that have an amount and a
-- tenderer with an id.  "Different tenderers" compares the whole set of a
-- bid's tenderers (a joint bid's are its consortium members): one tenderer
-- bidding the same price twice is not flagged, a joint bid of A and B at
-- the price of A's own bid is, and flags A and B.  Cardinal compares each
-- bid with the last earlier bid of its price; any file order flags the same
-- tenderers, all those of a price that two different sets bid.  Left out:
-- cancelled processes, method details in {exclude_procurement_method_details},
-- and where prices are set by the buyer: method details in
-- {no_price_comparison_procurement_methods}, or, when
-- {price_comparison_procurement_methods} is not empty, method details not in
-- it (Cardinal's global settings).  {currency} is what a NULL currency
-- means (NULL: the main currency, the most frequent currency of the bids
-- read, ties to the smallest code; Cardinal has no table order to take the
-- first seen from).  Value: 1.0 per process and per tenderer, as
-- Cardinal's.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R028', 'identical bid prices', '投标报价雷同', 'procurement', 'bid rigging', 'tender',
  '{"currency": null, "exclude_procurement_method_details": [], "no_price_comparison_procurement_methods": [], "price_comparison_procurement_methods": []}', 'red',
  'Different tenderers submitted bids with the same price (amount and currency) in one process; the process and those tenderers are flagged (Cardinal R028).');

-- The bids are read from the shared pass tender_bids (55_pass.sql: cancelled
-- processes are not in it); a joint bid's tenderers from consortium_member.
INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R028',
  'set',
  $$
WITH sb AS (
  SELECT b.bid_id, b.tender_id, b.unit_code, b.amount, b.currency,
         CASE WHEN b.tenderer_count > 1
              THEN (SELECT array_agg(DISTINCT m.member_id ORDER BY m.member_id) FROM cleangov_bound.consortium_member m
                     WHERE m.of_kind = 'bid' AND m.of_id = b.bid_id)
              WHEN b.bidder_id IS NOT NULL THEN ARRAY[b.bidder_id] END AS ids
    FROM cleangov_pass.tender_bids b
   WHERE NOT coalesce(b.method_details = ANY ({exclude_procurement_method_details}), false)
     AND NOT coalesce(b.method_details = ANY ({no_price_comparison_procurement_methods}), false)
     AND (cardinality({price_comparison_procurement_methods}) = 0
          OR coalesce(b.method_details = ANY ({price_comparison_procurement_methods}), false))
     AND b.status NOT IN ('invited', 'withdrawn') AND b.amount IS NOT NULL),
main AS (
  SELECT coalesce({currency}::text,
                  (SELECT sb.currency FROM sb WHERE sb.currency IS NOT NULL GROUP BY sb.currency ORDER BY count(*) DESC, sb.currency LIMIT 1)) AS currency),
b AS (
  SELECT sb.tender_id, sb.amount, coalesce(sb.currency, main.currency) AS currency, sb.ids
    FROM sb CROSS JOIN main WHERE cardinality(sb.ids) > 0),
p AS (
  SELECT b.tender_id, b.amount, b.currency FROM b GROUP BY b.tender_id, b.amount, b.currency HAVING count(DISTINCT b.ids) >= 2),
f AS (
  SELECT DISTINCT p.tender_id, p.amount, p.currency, x.id
    FROM p JOIN b ON b.tender_id = p.tender_id AND b.amount = p.amount AND b.currency IS NOT DISTINCT FROM p.currency
   CROSS JOIN LATERAL unnest(b.ids) x(id)),
fp AS (
  SELECT f.tender_id, f.amount, f.currency, jsonb_agg(f.id ORDER BY f.id) AS tenderers FROM f GROUP BY f.tender_id, f.amount, f.currency),
u AS (
  SELECT sb.tender_id, min(sb.unit_code) AS unit_code FROM sb WHERE sb.tender_id IN (SELECT fp.tender_id FROM fp) GROUP BY sb.tender_id)
SELECT 'tender' AS subject_kind, fp.tender_id AS subject_key, min(u.unit_code) AS unit_code, '' AS period, 1::float8 AS value, 1::float8 AS threshold,
       jsonb_build_object('prices', jsonb_agg(jsonb_build_object('amount', fp.amount, 'currency', fp.currency, 'tenderers', fp.tenderers)
                                              ORDER BY fp.amount, fp.currency)) AS evidence
  FROM fp JOIN u ON u.tender_id = fp.tender_id
 GROUP BY fp.tender_id
UNION ALL
SELECT 'enterprise', f.id, NULL, '', 1, 1, jsonb_build_object('tenders', jsonb_agg(DISTINCT f.tender_id))
  FROM f GROUP BY f.id$$,
  '{}'::text[],
  '{"bid.status": "invited and withdrawn bids are not left out", "bid.currency": "every amount is in one currency", "bid.tenderer_count": "every bid has one tenderer (joint bids are read as their first tenderer)", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit", "tender.method_details": "no tender is excluded by its method details"}'::jsonb);
