-- R036: lowest bid disqualified (最低价投标被废), Cardinal's indicator
--
-- A contracting process is flagged when it has an active award, it has a
-- valid bid (status valid) with an amount, and its lowest submitted bid
-- (status pending, valid or disqualified, not invited or withdrawn) is
-- disqualified.  Only bids with an amount in the main currency are compared:
-- {currency}, else the most frequent currency among those bids (Cardinal:
-- the first it reads; a table has no such order); a bid without a currency
-- counts as in the main currency.  Value: 1.0, as Cardinal's.
--
-- Left out (Cardinal's exclusions): cancelled processes; method details in
-- {exclude_procurement_method_details}, or in
-- {no_price_comparison_procurement_methods} ("prices are predetermined by
-- the buyer"), or not in {price_comparison_procurement_methods} when it is
-- set.  Pending awards do not leave a process out here.  Deviation: when
-- several bids share the lowest amount, Cardinal takes the first it reads;
-- here the process is flagged only when every lowest bid is disqualified.
-- Statuses NULL count as valid and active.
--
-- Source: open-contracting/cardinal-rs docs/cli/indicators/R/036.md at
-- 277d89d885f7a37f1f10c0919a4c6b8ca2940436, docs/cli/indicators/index.md at
-- 685343ad47a88775721c6795da4a361fe23e2add; which bids are compared from
-- src/indicators/r036.rs at 3a065ef91929b6bc38160ab9ee30030f48877733.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R036', 'lowest bid disqualified', '最低价投标被废', 'procurement', 'bid rigging', 'tender',
  '{"currency": null, "exclude_procurement_method_details": [], "no_price_comparison_procurement_methods": [], "price_comparison_procurement_methods": []}', 'yellow',
  'Cardinal''s R036: a process with an active award and a valid bid with an amount whose lowest submitted bid (pending, valid or disqualified, in the main currency) is disqualified (value 1).');

-- The processes and the bids are read from the shared passes processes and
-- tender_bids (55_pass.sql); the main currency is a population statistic
-- (stored by run(), read by evaluations of some tenders), so R036 is
-- evaluable for the tenders a statement touched and gives them the hits a
-- whole run gives.  The statistics and the query are two queries (the
-- engine computes one or reads it stored), so both spell out p and s.
INSERT INTO @extschema@.rule_definition (rule_code, kind, statistics, query, needs, degrades) VALUES (
  'R036',
  'set',
  $$
WITH p AS MATERIALIZED (
  SELECT p.tender_id, p.unit_code
    FROM cleangov_pass.processes p
   WHERE p.active_awards > 0
     AND NOT coalesce(p.method_details = ANY ({exclude_procurement_method_details}::text[]), false)
     AND CASE WHEN cardinality({price_comparison_procurement_methods}::text[]) > 0
              THEN coalesce(p.method_details = ANY ({price_comparison_procurement_methods}::text[]), false)
              ELSE NOT coalesce(p.method_details = ANY ({no_price_comparison_procurement_methods}::text[]), false) END),
s AS MATERIALIZED (
  SELECT p.tender_id, p.unit_code, b.bidder_id, b.amount, b.status AS st, b.currency
    FROM p JOIN cleangov_pass.tender_bids b ON b.tender_id = p.tender_id
   WHERE b.status NOT IN ('invited', 'withdrawn') AND b.amount IS NOT NULL
     -- a one-time filter: the probe of the columns read reaches the function
     -- in pass processes whatever the plan (rule_columns_read)
     AND EXISTS (SELECT FROM p))
SELECT coalesce({currency}::text, (SELECT s.currency FROM s WHERE s.currency IS NOT NULL
                                    GROUP BY s.currency ORDER BY count(*) DESC, s.currency LIMIT 1)) AS currency$$,
  $$
WITH p AS MATERIALIZED (
  SELECT p.tender_id, p.unit_code
    FROM cleangov_pass.processes p
   WHERE p.active_awards > 0
     AND NOT coalesce(p.method_details = ANY ({exclude_procurement_method_details}::text[]), false)
     AND CASE WHEN cardinality({price_comparison_procurement_methods}::text[]) > 0
              THEN coalesce(p.method_details = ANY ({price_comparison_procurement_methods}::text[]), false)
              ELSE NOT coalesce(p.method_details = ANY ({no_price_comparison_procurement_methods}::text[]), false) END),
s AS MATERIALIZED (
  SELECT p.tender_id, p.unit_code, b.bidder_id, b.amount, b.status AS st, b.currency
    FROM p JOIN cleangov_pass.tender_bids b ON b.tender_id = p.tender_id
   WHERE b.status NOT IN ('invited', 'withdrawn') AND b.amount IS NOT NULL
     -- a one-time filter: the probe of the columns read reaches the function
     -- in pass processes whatever the plan (rule_columns_read)
     AND EXISTS (SELECT FROM p)),
cur AS (SELECT st.currency FROM cleangov_statistics st),
m AS (SELECT s.* FROM s, cur WHERE s.currency IS NULL OR s.currency = cur.currency),
l AS (
  SELECT m.tender_id, min(m.amount) AS lowest, min(m.amount) FILTER (WHERE m.st = 'valid') AS lowest_valid
    FROM m GROUP BY m.tender_id)
SELECT m.tender_id AS subject_key, m.unit_code, '' AS period, 1::float8 AS value, 1::float8 AS threshold,
       jsonb_build_object('lowest_bid', l.lowest, 'lowest_bidder', min(m.bidder_id), 'lowest_valid_bid', l.lowest_valid,
                          'currency', (SELECT cur.currency FROM cur)) AS evidence
  FROM l JOIN m ON m.tender_id = l.tender_id AND m.amount = l.lowest
 WHERE l.lowest_valid IS NOT NULL
 GROUP BY m.tender_id, m.unit_code, l.lowest, l.lowest_valid
HAVING bool_and(m.st = 'disqualified')$$,
  '{bid.status}'::text[],
  '{"award.status": "every award counts as active", "award.supplier_count": "an award to several suppliers counts as any other", "bid.currency": "every amount counts as in the main currency", "tender.status": "cancelled processes are not skipped", "tender.method_details": "no process is left out by its method details", "tender.unit_code": "alerts carry no unit"}'::jsonb);
