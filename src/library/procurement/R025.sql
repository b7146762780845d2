-- R025: excessive unsuccessful bids (屡投不中), Cardinal's indicator
--
-- For each tenderer, ratio = winning bids / valid bids over every process
-- (a tenderer counted once per process, however many bids it made there);
-- a tenderer is flagged when its number of valid bids is at least the
-- {percentile}th percentile (75) of every tenderer's number (Cardinal's upper
-- fence), and its ratio is at most the lower fence Q1 - 1.5 IQR of every
-- tenderer's ratio, or {threshold} when it is set.  Quantiles and the
-- percentile are Hyndman and Fan's type 8 (Cardinal's statrs).  Cardinal
-- flags only when Q1 > 0 and the lower fence > 0 (with a threshold: the
-- threshold > 0): otherwise three quarters of the tenderers never win and a
-- likely majority of the top tenderers would be flagged.  Value: the ratio.
--
-- Counted (Cardinal's exclusions): processes not cancelled, method details
-- not in {exclude_procurement_method_details}, whose awards are final (none
-- pending or outside OCDS's codes), with exactly one active award to one
-- supplier (cleangov.cardinal_processes, src/sql/57_cardinal.sql); bids with
-- status valid from one tenderer (tenderer_count 1) with an id.  A win: the
-- tenderer is the active award's supplier.
--
-- Source: open-contracting/cardinal-rs docs/cli/indicators/R/025.md at
-- 68ca34c3cb6b86819965ea10b2a2fe4b78e9c994, docs/cli/indicators/index.md at
-- 685343ad47a88775721c6795da4a361fe23e2add; the guard and the once-per-
-- process count from src/indicators/r025.rs at
-- b48b4532fee76dd8bb62c0be71005b67f0a7cc00.  Deviations: bid and award
-- statuses NULL count as valid and active; the evidence's quantiles go
-- through round_sig (Cardinal's Meta: 4 decimals).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R025', 'excessive unsuccessful bids', '屡投不中', 'procurement', 'bid rigging', 'enterprise',
  '{"percentile": 75, "threshold": null, "exclude_procurement_method_details": []}', 'blue',
  'Cardinal''s R025: a tenderer''s winning bids / valid bids at or below the lower fence Q1 - 1.5 IQR (or {threshold}) while its number of valid bids is at least the {percentile}th percentile (type-8 quantiles); processes with a pending award, several active awards or a consortium award, and joint bids, are left out.');

-- The processes and the bids are read from the shared passes processes and
-- tender_bids (55_pass.sql).  Its subjects are tenderers, each compared over
-- all its processes: evaluated whole only.
INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R025',
  'set',
  $$
WITH p AS MATERIALIZED (
  SELECT p.tender_id, p.active_supplier
    FROM cleangov_pass.processes p
   WHERE p.awards_final AND p.active_awards = 1 AND p.active_supplier IS NOT NULL
     AND NOT coalesce(p.method_details = ANY ({exclude_procurement_method_details}::text[]), false)),
v AS (
  SELECT DISTINCT p.tender_id, b.bidder_id, b.bidder_id = p.active_supplier AS won
    FROM p JOIN cleangov_pass.tender_bids b ON b.tender_id = p.tender_id
   WHERE b.status = 'valid' AND b.tenderer_count = 1 AND b.bidder_id IS NOT NULL
     -- a one-time filter: the probe of the columns read reaches the function
     -- in pass processes whatever the plan (rule_columns_read)
     AND EXISTS (SELECT FROM p)),
r AS (
  SELECT v.bidder_id, count(*) AS bids, count(*) FILTER (WHERE v.won) AS wins,
         (count(*) FILTER (WHERE v.won))::float8 / count(*) AS ratio
    FROM v GROUP BY v.bidder_id),
-- MATERIALIZED: computed once, not once per row it is joined to
q AS MATERIALIZED (
  SELECT @extschema@.quantile_of(@extschema@.collect(r.bids::float8), {percentile}::float8 / 100, 8) AS top,
         @extschema@.quantile_of(@extschema@.collect(r.ratio), 0.25, 8) AS q1,
         @extschema@.quantile_of(@extschema@.collect(r.ratio), 0.75, 8) AS q3
    FROM r),
f AS (
  SELECT q.*, coalesce({threshold}::float8, q.q1 - 1.5 * (q.q3 - q.q1)) AS fence,
         CASE WHEN {threshold}::float8 IS NULL THEN q.q1 ELSE 1 END AS q1_guard
    FROM q)
SELECT r.bidder_id AS subject_key, NULL::text AS unit_code, '' AS period, r.ratio AS value, f.fence AS threshold,
       jsonb_build_object('valid_bids', r.bids, 'winning_bids', r.wins, 'upper_fence', @extschema@.round_sig(f.top),
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3),
                          'lower_fence', @extschema@.round_sig(f.fence)) AS evidence
  FROM r, f
 WHERE f.q1_guard > 0 AND f.fence > 0 AND r.bids >= f.top AND r.ratio <= f.fence$$,
  '{}'::text[],
  '{"award.status": "every award counts as active", "award.supplier_count": "every award counts as made to one supplier", "bid.status": "every bid counts as valid", "bid.tenderer_count": "every bid counts as one tenderer''s", "tender.status": "cancelled processes are not skipped", "tender.method_details": "no process is left out by its method details", "tender.unit_code": "not used: tenderers have no unit"}'::jsonb);
